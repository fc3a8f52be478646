// The Leads screen: search, filter chips, column menu, the total, the bulk bar and the
// virtualized grid. State lives in leadsStore; fetching in leadsLoader; the engine is reached only
// through the typed client.
import { useEffect, useLayoutEffect, useMemo, useRef, useState, type RefObject } from 'react';
import { CONTACT_STAGES, ROLES, SYNC_STATES } from '../../../shared/values';
import { useClient } from '../state/ClientContext';
import { useNav } from '../state/navStore';
import { isKey } from '../state/keymap';
import { describeError } from '../state/toastStore';
import { isTypingTarget, useShortcut } from '../state/shortcuts';
import { useChanged } from '../state/useChanged';
import { ownerName, useTeam, useTeamFeed } from '../state/teamStore';
import { CONTACT_STAGE_LABEL, plural, ROLE_LABEL, SYNC_LABEL } from '../ui/labels';
import { COLUMNS } from './columns';
import { LeadsGrid } from './LeadsGrid';
import { LeadsLoader, PAGE_SIZE } from './leadsLoader';
import { currentQuery, filterChips, hasFilters, queryKey, useLeads, type FilterChip } from './leadsStore';
import { Popover } from './Popover';
import { CompanyFilterSearch } from './CompanyFilterSearch';
import { TagChoice } from './TagChoice';
import { BulkBar, BulkHistory } from './BulkBar';
import { exportView } from './bulkActions';
import { OverflowRow } from '../ui/OverflowRow';
import './leads.css';
import { PageTitle } from '../ui/PageTitle';

/** Keys a focused control handles itself (Enter/Space on a button, arrows in a menu...). */
function isControlTarget(target: EventTarget | null): boolean {
  if (!(target instanceof Element)) return false;
  if (isTypingTarget(target)) return true;
  return target.closest('button, a[href], input, select, textarea, [role="separator"], .popover, .panel') !== null;
}

/** Moves the keyboard's active row by `delta`, clamped to the list. */
function moveActive(delta: number): void {
  const s = useLeads.getState();
  const total = s.result?.total ?? 0;
  if (total === 0) return;
  const next = s.activeIndex === null ? (delta > 0 ? 0 : total - 1) : Math.min(total - 1, Math.max(0, s.activeIndex + delta));
  s.setActiveIndex(next);
  s.setAnchorIndex(next);
}

const focusGrid = () => document.querySelector<HTMLElement>('[data-testid="leads-grid"]')?.focus();

/**
 * Enter in the search box: opens the highlighted result, or the first. The answer to what was
 * just typed may still be on its way: then it opens once that answer is in.
 */
function openFromSearch(): void {
  const open = (): boolean => {
    const s = useLeads.getState();
    if (!s.result || s.result.key !== queryKey(currentQuery(s))) return false;
    if (s.result.total === 0) return true;
    if (s.activeIndex === null || s.activeIndex >= s.result.total) {
      s.setActiveIndex(0);
      s.setAnchorIndex(0);
    }
    const id = activeContactId();
    if (!id) return false;
    useNav.getState().openContact(id);
    return true;
  };
  if (open()) return;
  const stop = useLeads.subscribe(() => {
    if (open()) stop();
  });
  // a question that never gets its answer (an error) does not leave a listener behind
  setTimeout(stop, 10_000);
}

/** Id of the active row's contact, when its page is loaded. */
function activeContactId(): string | null {
  const s = useLeads.getState();
  if (s.activeIndex === null || !s.result) return null;
  return s.result.pages.get(Math.floor(s.activeIndex / PAGE_SIZE))?.[s.activeIndex % PAGE_SIZE]?.id ?? null;
}

export function LeadsView() {
  const client = useClient();
  // One loader per client; its own state is only request bookkeeping.
  const loader = useMemo(() => new LeadsLoader(client), [client]);
  const searchRef = useRef<HTMLInputElement>(null);
  // owner names for the column, the filter and the bulk "Assign owner"
  useTeamFeed();

  // A layout effect: the first request leaves before the first paint rather than after it.
  useLayoutEffect(() => loader.start(), [loader]);
  useEffect(() => {
    // Every keystroke, chip or sort click asks at once (the loader coalesces, no debounce).
    return useLeads.subscribe((next, prev) => {
      if (next.search !== prev.search || next.filter !== prev.filter || next.sort !== prev.sort) loader.queryChanged();
    });
  }, [loader]);

  // Events and segment edits move who is in a segment or drill-down; bulk actions and imports
  // change many records at once.
  useChanged(['contact', 'company', 'event', 'segment', 'bulk', 'import'], () => loader.refresh());

  useShortcut('search', () => searchRef.current?.focus());
  // Arrows belong to a focused control (a menu, a resizer, the record panel); j/k work anywhere.
  useShortcut('nextLead', (e) => (e.key === 'ArrowDown' && isControlTarget(e.target) ? false : moveActive(1)));
  useShortcut('previousLead', (e) => (e.key === 'ArrowUp' && isControlTarget(e.target) ? false : moveActive(-1)));
  useShortcut('openLead', (e) => {
    if (isControlTarget(e.target)) return false;
    const id = activeContactId();
    if (!id) return false;
    useNav.getState().openContact(id);
  });
  useShortcut('selectLead', (e) => {
    if (isControlTarget(e.target)) return false;
    const id = activeContactId();
    if (!id) return false;
    useLeads.getState().toggleSelected(id);
  });

  return (
    <section className="leads" aria-label="Leads" data-testid="leads-view">
      <Toolbar searchRef={searchRef} />
      <FilterChips />
      <BulkBar />
      <ErrorLine />
      <LeadsGrid loader={loader} />
      <EmptyState />
    </section>
  );
}

function Toolbar({ searchRef }: { searchRef: RefObject<HTMLInputElement | null> }) {
  const search = useLeads((s) => s.search);
  const setSearch = useLeads((s) => s.setSearch);
  return (
    <div className="leads-toolbar" data-testid="leads-toolbar">
      <PageTitle>Leads</PageTitle>
      <input
        ref={searchRef}
        type="search"
        className="leads-search"
        aria-label="Search leads"
        aria-keyshortcuts="/"
        placeholder="Search name, email, company ( / )"
        maxLength={200}
        value={search}
        onChange={(e) => setSearch(e.target.value)}
        onKeyDown={(e) => {
          // Esc leaves the box for the results, keeping the search, so j/k and Enter go on from
          // there (type, Esc, j, Enter). It does not also close the record panel, nor let the
          // browser clear a search field the way it does by default.
          if (isKey('searchLeave', e)) {
            e.preventDefault();
            e.stopPropagation();
            focusGrid();
          } else if (isKey('searchToResults', e)) {
            // the first result (or the one after the highlighted), and the keyboard with it
            e.preventDefault();
            moveActive(1);
            focusGrid();
          } else if (isKey('searchOpen', e) && !e.nativeEvent.isComposing) {
            e.preventDefault();
            openFromSearch();
          }
        }}
      />
      <OverflowRow
        label="More actions"
        testId="leads-actions"
        items={[
          { key: 'filter', node: <AddFilterMenu /> },
          { key: 'columns', node: <ColumnsMenu /> },
          { key: 'export', node: <ExportButton /> },
          { key: 'history', node: <BulkHistory /> },
        ]}
      />
      <TotalCount />
    </div>
  );
}

function TotalCount() {
  const total = useLeads((s) => s.result?.total);
  const loading = useLeads((s) => s.loading);
  return (
    <span className="leads-count-wrap">
      <span className="leads-count" data-testid="contact-count" aria-live="polite">
        {total === undefined ? 'Counting…' : plural(total, 'contact')}
      </span>
      {/* Subtle on purpose: rows stay usable while a refresh is out. */}
      <span className={`leads-loading ${loading ? 'on' : ''}`} aria-hidden="true" data-testid="leads-loading" />
    </span>
  );
}

/** An owner choice in words: "Nobody", "Me", or the admin's name. */
export const ownerChoiceWords = (value: string): string => (value === 'none' ? 'Nobody' : value === 'me' ? 'Me' : ownerName(value));

const chipLabel = (chip: FilterChip): string => {
  switch (chip.kind) {
    case 'owner':
      return `Owner: ${ownerChoiceWords(chip.value)}`;
    case 'stage':
      return `Stage: ${CONTACT_STAGE_LABEL[chip.value]}`;
    case 'role':
      return `Role: ${ROLE_LABEL[chip.value]}`;
    case 'syncState':
      return `Sync: ${SYNC_LABEL[chip.value]}`;
    case 'company':
      return `Company: ${chip.name}`;
    case 'archived':
      return 'Archived';
    case 'tag':
      return `Tag: ${chip.name}`;
    case 'segment':
      return `Segment: ${chip.name}`;
    case 'rule':
      return chip.label;
  }
};

function ExportButton() {
  const client = useClient();
  const [busy, setBusy] = useState(false);
  return (
    <button
      type="button"
      className="secondary"
      disabled={busy}
      onClick={() => {
        setBusy(true);
        void exportView(client).finally(() => setBusy(false));
      }}
    >
      {busy ? 'Exporting…' : 'Export CSV'}
    </button>
  );
}

function FilterChips() {
  const filter = useLeads((s) => s.filter);
  // owner chips name the admin: redrawn when the team loads
  useTeam();
  const removeFilter = useLeads((s) => s.removeFilter);
  const chips = filterChips(filter);
  if (chips.length === 0) return null;
  return (
    <ul className="leads-chips" aria-label="Active filters">
      {chips.map((chip) => {
        const label = chipLabel(chip);
        return (
          <li key={label} className="chip" data-testid="filter-chip">
            {label}
            <button type="button" aria-label={`Remove filter ${label}`} onClick={() => removeFilter(chip)}>
              ×
            </button>
          </li>
        );
      })}
    </ul>
  );
}

function AddFilterMenu() {
  const filter = useLeads((s) => s.filter);
  const addFilter = useLeads((s) => s.addFilter);
  const setOpenMenu = useLeads((s) => s.setOpenMenu);
  const pick = (patch: Parameters<typeof addFilter>[0]) => {
    addFilter(patch);
    setOpenMenu(null);
  };
  return (
    <Popover menu="filter" label="Add filter" buttonText="Add filter" testId="add-filter-menu">
      <div role="group" aria-label="Stage" className="popover-group">
        <span className="popover-heading">Stage</span>
        {CONTACT_STAGES.map((v) => (
          <button key={v} type="button" className="secondary" disabled={filter.stage.includes(v)} onClick={() => pick({ stage: [v] })}>
            <span className="visually-hidden">Stage: </span>
            {CONTACT_STAGE_LABEL[v]}
          </button>
        ))}
      </div>
      <div role="group" aria-label="Role" className="popover-group">
        <span className="popover-heading">Role</span>
        {ROLES.map((v) => (
          <button key={v} type="button" className="secondary" disabled={filter.role.includes(v)} onClick={() => pick({ role: [v] })}>
            <span className="visually-hidden">Role: </span>
            {ROLE_LABEL[v]}
          </button>
        ))}
      </div>
      <div role="group" aria-label="Sync state" className="popover-group">
        <span className="popover-heading">Sync state</span>
        {SYNC_STATES.map((v) => (
          <button key={v} type="button" className="secondary" disabled={filter.syncState.includes(v)} onClick={() => pick({ syncState: [v] })}>
            <span className="visually-hidden">Sync: </span>
            {SYNC_LABEL[v]}
          </button>
        ))}
      </div>
      <OwnerFilterGroup picked={filter.owner} onPick={(owner) => pick({ owner: [owner] })} />
      <div role="group" aria-label="Archived" className="popover-group">
        <span className="popover-heading">Archived</span>
        <button type="button" className="secondary" disabled={filter.archived === true} onClick={() => pick({ archived: true })} data-testid="filter-archived">
          Archived contacts only
        </button>
      </div>
      <div role="group" aria-label="Company" className="popover-group popover-company">
        <span className="popover-heading">Company</span>
        <CompanyFilterSearch onPick={(company) => pick({ company })} />
      </div>
      <div role="group" aria-label="Tag" className="popover-group popover-company">
        <span className="popover-heading">Tag</span>
        <TagChoice label="Find a tag to filter by" onPick={(tag) => pick({ tag })} />
      </div>
    </Popover>
  );
}

function OwnerFilterGroup({ picked, onPick }: { picked: string[]; onPick: (owner: string) => void }) {
  const admins = useTeam((s) => s.admins);
  const me = useTeam((s) => s.me);
  const choices = ['me', 'none', ...admins.filter((a) => a.active && a.id !== me?.adminId).map((a) => a.id)];
  return (
    <div role="group" aria-label="Owner" className="popover-group">
      <span className="popover-heading">Owner</span>
      {choices.map((v) => (
        <button key={v} type="button" className="secondary" disabled={picked.includes(v) || (v === 'me' && !me)} onClick={() => onPick(v)}>
          <span className="visually-hidden">Owner: </span>
          {ownerChoiceWords(v)}
        </button>
      ))}
    </div>
  );
}

function ColumnsMenu() {
  const hidden = useLeads((s) => s.columns.hidden);
  const setColumnHidden = useLeads((s) => s.setColumnHidden);
  return (
    <Popover menu="columns" label="Columns" buttonText="Columns" testId="columns-menu">
      <fieldset className="popover-columns">
        <legend className="popover-heading">Show columns</legend>
        {COLUMNS.map((c) => (
          <label key={c.id}>
            <input type="checkbox" checked={!hidden.includes(c.id)} disabled={c.required} onChange={(e) => setColumnHidden(c.id, !e.target.checked)} />
            {c.label}
          </label>
        ))}
      </fieldset>
    </Popover>
  );
}

function ErrorLine() {
  const error = useLeads((s) => s.error);
  if (!error) return null;
  return (
    <p className="error leads-error" role="alert" data-testid="leads-error">
      {error}
    </p>
  );
}

/**
 * No contacts at all: the three ways to get some, each one click away. Connected to the built-in
 * demo workspace, a sync brings its contacts; otherwise the screen says how to start with it.
 */
function FirstRun() {
  const client = useClient();
  const setNewLeadOpen = useNav((s) => s.setNewLeadOpen);
  const go = useNav((s) => s.go);
  const [sandbox, setSandbox] = useState<boolean | null>(null);
  const [note, setNote] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    client
      .call('settings.get', {})
      .then((s) => live && setSandbox(s.intercom.baseUrlSource === 'sandbox'))
      .catch(() => live && setSandbox(false));
    return () => {
      live = false;
    };
  }, [client]);
  const command = 'npm start -- --sandbox';
  return (
    <div className="empty leads-empty" data-testid="empty-state">
      <p>No contacts yet.</p>
      <p>
        Press <kbd>n</kbd> or use{' '}
        <button type="button" className="link" onClick={() => setNewLeadOpen(true)}>
          New lead
        </button>{' '}
        to add the first one, or bring in a spreadsheet:
      </p>
      <p className="leads-empty-actions">
        <button type="button" onClick={() => go('import')} data-testid="empty-import">
          Import a CSV file
        </button>
        {sandbox && (
          <button
            type="button"
            className="secondary"
            data-testid="empty-sandbox-sync"
            onClick={() => {
              setNote('Bringing in the demo workspace…');
              client.call('sync.now', {}).then(
                () => setNote(null),
                (e: unknown) => setNote(describeError(e)),
              );
            }}
          >
            Bring in the demo workspace
          </button>
        )}
        {sandbox === false && (
          <button
            type="button"
            className="secondary"
            data-testid="empty-sandbox-copy"
            onClick={() => {
              void navigator.clipboard?.writeText(command).then(
                () => setNote(`Copied “${command}”`),
                () => setNote(`Run “${command}” in a terminal`),
              );
            }}
          >
            Copy the demo command
          </button>
        )}
      </p>
      <p className="muted" data-testid="empty-sandbox-note">
        {sandbox
          ? 'This console is connected to the built-in sandbox: a demo Intercom workspace with contacts, companies and a few weeks of activity.'
          : `To look around first, start with the built-in sandbox (${command}): a demo Intercom workspace with contacts, companies and a few weeks of activity, no account needed.`}
      </p>
      {note && (
        <p className="muted" role="status">
          {note}
        </p>
      )}
    </div>
  );
}

function EmptyState() {
  const result = useLeads((s) => s.result);
  const clearSearchAndFilters = useLeads((s) => s.clearSearchAndFilters);
  // Only once the answer is in, and only for the question it answers: no flash while typing.
  if (!result || result.total > 0) return null;
  const { query } = result;
  if (query.search === '' && !hasFilters(query.filter)) return <FirstRun />;
  const what = query.search !== '' ? `“${query.search}”` : 'these filters';
  return (
    <div className="empty leads-empty" data-testid="empty-state">
      <p>
        No contact matches {what}
        {query.search !== '' && hasFilters(query.filter) ? ' with these filters' : ''}.
      </p>
      <button type="button" className="secondary" onClick={clearSearchAndFilters}>
        Clear search and filters
      </button>
    </div>
  );
}
