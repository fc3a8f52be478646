// The app frame: sidebar, the current screen, the record panel, the status bar, and the
// window-wide pieces (toasts, confirmations, the new-lead form, the shortcut list).
import { Suspense, useEffect, useState, type ComponentType } from 'react';
import { ApiError } from '../../../shared/client';
import { useClient } from '../state/ClientContext';
import { isTokenMissing, NO_TOKEN } from '../transport';
import { ConfirmHost, Dialog } from '../ui/Dialog';
import { ScreenBoundary } from '../ui/ScreenBoundary';
import { onDemand, preloadOnDemand } from '../state/onDemand';
import { LeadsView } from '../leads/LeadsView';
import { syncNavWithHash, useNav, type View } from '../state/navStore';
import { KEY_SCOPES, KEYMAP, type KeyBinding } from '../state/keymap';
import { useShortcut } from '../state/shortcuts';
import { StatusBar } from './StatusBar';
import { useMenuCommands } from './useMenuCommands';
import { useOpenRequests } from './useOpenRequests';
import { SegmentNav } from '../segments/SegmentNav';
import { useSync } from '../state/syncStore';
import { Toasts } from './Toasts';

// Only the leads table is needed for the first rows; the other screens (and zod, which their
// forms validate with) load in their own chunks, fetched while the browser is idle after start,
// in the order written here: the likeliest first.
const NewLeadDialog = onDemand('the New lead form', () => import('../newLead/NewLeadDialog').then((m) => m.NewLeadDialog));
const ContactPanel = onDemand('the contact', () => import('../contact/ContactPanel').then((m) => m.ContactPanel));
const CompanyPanel = onDemand('the company', () => import('../companies/CompanyPanel').then((m) => m.CompanyPanel));
const CompaniesView = onDemand('the Companies screen', () => import('../companies/CompaniesView').then((m) => m.CompaniesView));
const OutboxView = onDemand('the Outbox', () => import('../outbox/OutboxView').then((m) => m.OutboxView));
const ConflictsView = onDemand('the Conflicts screen', () => import('../conflicts/ConflictsView').then((m) => m.ConflictsView));
const SettingsView = onDemand('Settings', () => import('../settings/SettingsView').then((m) => m.SettingsView));
const FunnelView = onDemand('the Funnel', () => import('../funnel/FunnelView').then((m) => m.FunnelView));
const ImportView = onDemand('the Import screen', () => import('../import/ImportView').then((m) => m.ImportView));
const RecentActionsView = onDemand('Recent actions', () => import('../recent/RecentActionsView').then((m) => m.RecentActionsView));
const DuplicatesView = onDemand('Possible duplicates', () => import('../merges/DuplicatesView').then((m) => m.DuplicatesView));

const SCREENS: Record<View, { what: string; Screen: ComponentType }> = {
  leads: { what: 'the Leads list', Screen: LeadsView },
  companies: { what: CompaniesView.what, Screen: CompaniesView.Component },
  funnel: { what: FunnelView.what, Screen: FunnelView.Component },
  import: { what: ImportView.what, Screen: ImportView.Component },
  outbox: { what: OutboxView.what, Screen: OutboxView.Component },
  conflicts: { what: ConflictsView.what, Screen: ConflictsView.Component },
  recent: { what: RecentActionsView.what, Screen: RecentActionsView.Component },
  duplicates: { what: DuplicatesView.what, Screen: DuplicatesView.Component },
  settings: { what: SettingsView.what, Screen: SettingsView.Component },
};

/** The screens reached by number keys, in sidebar order. */
const NAV: { view: View; label: string }[] = [
  { view: 'leads', label: 'Leads' },
  { view: 'companies', label: 'Companies' },
  { view: 'funnel', label: 'Funnel' },
  { view: 'import', label: 'Import' },
  { view: 'outbox', label: 'Outbox' },
  { view: 'conflicts', label: 'Conflicts' },
];

/**
 * The frame, once the engine has answered: a page opened without its access token (browser
 * mode) gets a plain explanation instead of a broken screen.
 */
export function Frame() {
  const client = useClient();
  // without a token the screens would only show their calls refused: the way in is said at once
  const [denied, setDenied] = useState<string | null>(() => (isTokenMissing() ? NO_TOKEN : null));
  const [readOnly, setReadOnly] = useState<string | null>(null);
  useEffect(() => {
    client
      .call('app.info', {})
      .then((info) => setReadOnly(info.readOnly ?? null))
      .catch((e: unknown) => {
        if (e instanceof ApiError && e.code === 'AUTH') setDenied(e.message);
      });
  }, [client]);
  if (denied) {
    return (
      <div className="gate" role="alert" data-testid="auth-gate">
        <h1>Lead Console</h1>
        <p>{denied}</p>
      </div>
    );
  }
  if (readOnly) {
    // a full disk at start: the store opened read-only, and every change will say so
    return (
      <>
        <div className="read-only-banner" role="alert" data-testid="read-only-banner">
          {readOnly}
        </div>
        <Screens />
      </>
    );
  }
  return <Screens />;
}

function Screens() {
  const view = useNav((s) => s.view);
  const panel = useNav((s) => s.panel);
  const go = useNav((s) => s.go);
  const closePanel = useNav((s) => s.closePanel);
  const setNewLeadOpen = useNav((s) => s.setNewLeadOpen);
  const newLeadOpen = useNav((s) => s.newLeadOpen);
  const setShortcutsOpen = useNav((s) => s.setShortcutsOpen);
  const conflicts = useSync((s) => s.status?.conflicts ?? 0);

  const Screen = SCREENS[view].Screen;
  const backToLeads = () => {
    setNewLeadOpen(false);
    closePanel();
    go('leads');
  };

  useEffect(() => syncNavWithHash(), []);
  useEffect(() => {
    // after the first rows are up: parsing these chunks earlier would delay them
    const t = setTimeout(() => (window.requestIdleCallback ?? ((cb: () => void) => cb()))(preloadOnDemand), 1500);
    return () => clearTimeout(t);
  }, []);
  useShortcut('newLead', () => setNewLeadOpen(true));
  useShortcut('help', () => setShortcutsOpen(true));
  useShortcut('close', () => (panel ? closePanel() : false), { enabled: Boolean(panel) });
  useShortcut('goTo', (e) => go(NAV[Number(e.key) - 1]!.view));
  useShortcut('settings', () => go('settings'));
  useMenuCommands();
  useOpenRequests();

  return (
    <div className={`frame ${panel ? 'has-panel' : ''}`}>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <nav className="sidebar" aria-label="Sections">
        <div className="brand">Lead Console</div>
        <ul>
          {NAV.map((n) => (
            <li key={n.view}>
              <button
                type="button"
                className={`nav-item ${view === n.view ? 'active' : ''}`}
                aria-current={view === n.view ? 'page' : undefined}
                onClick={() => go(n.view)}
                aria-keyshortcuts={String(NAV.indexOf(n) + 1)}
              >
                {n.label}
                {n.view === 'conflicts' && conflicts > 0 && (
                  <>
                    <span className="nav-count" data-testid="nav-conflict-count" aria-hidden="true">
                      {conflicts.toLocaleString()}
                    </span>
                    <span className="visually-hidden">, {conflicts.toLocaleString()} open</span>
                  </>
                )}
              </button>
            </li>
          ))}
          <li>
            <button
              type="button"
              className={`nav-item ${view === 'recent' ? 'active' : ''}`}
              aria-current={view === 'recent' ? 'page' : undefined}
              onClick={() => go('recent')}
              data-testid="nav-recent"
            >
              Recent actions
            </button>
          </li>
          <li>
            <button
              type="button"
              className={`nav-item ${view === 'duplicates' ? 'active' : ''}`}
              aria-current={view === 'duplicates' ? 'page' : undefined}
              onClick={() => go('duplicates')}
              data-testid="nav-duplicates"
            >
              Possible duplicates
            </button>
          </li>
          <li>
            <button
              type="button"
              className={`nav-item ${view === 'settings' ? 'active' : ''}`}
              aria-current={view === 'settings' ? 'page' : undefined}
              onClick={() => go('settings')}
              aria-keyshortcuts=","
            >
              Settings
            </button>
          </li>
        </ul>
        <SegmentNav />
        <div className="sidebar-foot">
          <button type="button" className="primary new-lead-button" onClick={() => setNewLeadOpen(true)} aria-keyshortcuts="n">
            New lead <kbd>n</kbd>
          </button>
          <button type="button" className="link" onClick={() => setShortcutsOpen(true)} aria-keyshortcuts="?">
            Shortcuts <kbd>?</kbd>
          </button>
        </div>
      </nav>
      <main id="main" className={`content ${panel ? 'with-panel' : ''}`} tabIndex={-1}>
        <div className="view">
          <ScreenBoundary key={view} what={SCREENS[view].what} onBack={backToLeads}>
            <Suspense fallback={<p className="empty">Loading…</p>}>
              <Screen />
            </Suspense>
          </ScreenBoundary>
        </div>
        {panel && (
          <aside className="panel" aria-label={panel.kind === 'contact' ? 'Contact' : 'Company'} data-testid={`${panel.kind}-panel`}>
            <ScreenBoundary key={`${panel.kind}:${panel.id}`} what={panel.kind === 'contact' ? ContactPanel.what : CompanyPanel.what} onBack={backToLeads}>
              <Suspense fallback={<p className="empty">Loading…</p>}>
                {panel.kind === 'contact' ? <ContactPanel.Component id={panel.id} /> : <CompanyPanel.Component id={panel.id} />}
              </Suspense>
            </ScreenBoundary>
          </aside>
        )}
      </main>
      <StatusBar />
      {newLeadOpen && (
        <ScreenBoundary
          what={NewLeadDialog.what}
          onBack={backToLeads}
          frame={(content) => (
            <Dialog open onClose={() => setNewLeadOpen(false)} title="New lead" testId="new-lead-error">
              {content}
            </Dialog>
          )}
        >
          <Suspense fallback={null}>
            <NewLeadDialog.Component />
          </Suspense>
        </ScreenBoundary>
      )}
      <ShortcutsDialog />
      <ConfirmHost />
      <Toasts />
    </div>
  );
}

/** The keymap, every entry, grouped by where it works. */
function ShortcutsDialog() {
  const open = useNav((s) => s.shortcutsOpen);
  const setOpen = useNav((s) => s.setShortcutsOpen);
  const entries = Object.entries(KEYMAP) as [string, KeyBinding][];
  return (
    <Dialog open={open} onClose={() => setOpen(false)} title="Keyboard shortcuts" testId="shortcuts-dialog">
      <div className="shortcut-groups" tabIndex={0} role="region" aria-label="All shortcuts">
        {KEY_SCOPES.map((scope) => (
          <section key={scope} aria-label={scope}>
            <h3 className="shortcut-scope">{scope === 'Anywhere' ? 'Anywhere' : scope === 'Search box' ? 'In the search box' : `On ${scope === 'Record' ? 'a record' : scope}`}</h3>
            <dl className="shortcut-list">
              {entries
                .filter(([, b]) => b.scope === scope)
                .map(([action, b]) => (
                  <div key={action} data-testid="shortcut" data-action={action}>
                    <dt>
                      <kbd>{b.label}</kbd>
                    </dt>
                    <dd>{b.description}</dd>
                  </div>
                ))}
            </dl>
          </section>
        ))}
      </div>
      <div className="dialog-actions">
        <button type="button" onClick={() => setOpen(false)} autoFocus>
          Close
        </button>
      </div>
    </Dialog>
  );
}
