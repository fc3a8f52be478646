// Where the user is: the screen, the record open in the side panel, and the new-lead form.
// Mirrored in the URL hash (#/leads, #/companies?company=<id>, #/leads?contact=<id>, #/conflicts,
// #/recent, #/duplicates, #/settings, #/leads?segment=<id>) so reload and back/forward keep the place.
import { create } from 'zustand';

export const VIEWS = ['leads', 'companies', 'funnel', 'import', 'outbox', 'conflicts', 'recent', 'duplicates', 'settings'] as const;
export type View = (typeof VIEWS)[number];

export type Panel = { kind: 'contact'; id: string } | { kind: 'company'; id: string } | null;

interface NavState {
  view: View;
  panel: Panel;
  /** The saved segment the Leads table shows (kept in step with its filter by the segment list). */
  segment: string | null;
  newLeadOpen: boolean;
  shortcutsOpen: boolean;
  /** Shows a screen; the open record closes unless `keepPanel` (e.g. a record's conflicts). */
  go(view: View, opts?: { keepPanel?: boolean }): void;
  openContact(id: string): void;
  openCompany(id: string): void;
  closePanel(): void;
  setNewLeadOpen(open: boolean): void;
  setShortcutsOpen(open: boolean): void;
}

export function parseHash(hash: string): { view: View; panel: Panel; segment: string | null } {
  const m = /^#\/([a-z]+)(?:\?(.*))?$/.exec(hash);
  const view = (VIEWS as readonly string[]).includes(m?.[1] ?? '') ? (m![1] as View) : 'leads';
  const params = new URLSearchParams(m?.[2] ?? '');
  const contact = params.get('contact');
  const company = params.get('company');
  const panel: Panel = contact ? { kind: 'contact', id: contact } : company ? { kind: 'company', id: company } : null;
  const segment = view === 'leads' ? params.get('segment') : null;
  return { view, panel, segment: segment || null };
}

export function formatHash(view: View, panel: Panel, segment: string | null = null): string {
  const params = [
    ...(panel ? [`${panel.kind}=${encodeURIComponent(panel.id)}`] : []),
    ...(segment && view === 'leads' ? [`segment=${encodeURIComponent(segment)}`] : []),
  ];
  return `#/${view}${params.length ? `?${params.join('&')}` : ''}`;
}

export const useNav = create<NavState>()((set) => ({
  ...parseHash(typeof location === 'undefined' ? '' : location.hash),
  newLeadOpen: false,
  shortcutsOpen: false,
  go: (view, opts) => set((s) => ({ view, panel: s.view === view || opts?.keepPanel ? s.panel : null })),
  openContact: (id) => set({ panel: { kind: 'contact', id } }),
  openCompany: (id) => set({ panel: { kind: 'company', id } }),
  closePanel: () => set({ panel: null }),
  setNewLeadOpen: (newLeadOpen) => set({ newLeadOpen }),
  setShortcutsOpen: (shortcutsOpen) => set({ shortcutsOpen }),
}));

/** Keeps the hash and the store in step (call once, from the frame). */
export function syncNavWithHash(): () => void {
  const write = () => {
    const { view, panel, segment } = useNav.getState();
    const next = formatHash(view, panel, segment);
    if (location.hash !== next) history.pushState(null, '', next);
  };
  const unsub = useNav.subscribe((s, prev) => {
    if (s.view !== prev.view || s.panel !== prev.panel || s.segment !== prev.segment) write();
  });
  const onPop = () => {
    const next = parseHash(location.hash);
    const cur = useNav.getState();
    const samePanel = cur.panel?.kind === next.panel?.kind && cur.panel?.id === next.panel?.id;
    if (cur.view !== next.view || !samePanel || cur.segment !== next.segment) useNav.setState(next);
  };
  window.addEventListener('popstate', onPop);
  window.addEventListener('hashchange', onPop);
  const { view, panel, segment } = useNav.getState();
  history.replaceState(null, '', formatHash(view, panel, segment));
  return () => {
    unsub();
    window.removeEventListener('popstate', onPop);
    window.removeEventListener('hashchange', onPop);
  };
}
