// View state of the leads table: the query (search, filters, sort), the loaded result with its
// page cache, the selection, the active row, open menus and the user's column layout. The
// fetching itself lives in leadsLoader.ts; this file only holds and changes state.
import { create } from 'zustand';
import type { MethodInput } from '../../../shared/api';
import type { ContactListItem, ContactStage, Role, SyncState } from '../../../shared/domain';
import type { SegmentRule } from '../../../shared/segments';
import { clampWidth, COLUMN_BY_ID, COLUMN_IDS, COLUMNS, type ColumnId, type ContactSortField } from './columns';

export const COLUMNS_STORAGE_KEY = 'lead-console.leads.columns.v1';

export interface LeadFilter {
  stage: ContactStage[];
  role: Role[];
  /** The name is kept only to label the chip; the query uses the id. */
  company: { id: string; name: string } | null;
  /** Carries the tag of this name. */
  tag: string | null;
  syncState: SyncState[];
  /** Owned by one of these: admin ids, `none` (nobody), `me` (who I am in Settings). */
  owner: string[];
  /** A saved segment's members (sidebar); the name only labels the chip. */
  segment: { id: string; name: string } | null;
  /** An ad hoc rule (a funnel drill-down), with the words its chip shows. */
  rule: { rule: SegmentRule; label: string } | null;
  /** The Archived view: archived contacts only (the rest of the time they are hidden). */
  archived?: boolean;
}

/** One removable chip: a single value of one filter. */
export type FilterChip =
  | { kind: 'stage'; value: ContactStage }
  | { kind: 'role'; value: Role }
  | { kind: 'syncState'; value: SyncState }
  | { kind: 'owner'; value: string }
  | { kind: 'company'; id: string; name: string }
  | { kind: 'tag'; name: string }
  | { kind: 'segment'; id: string; name: string }
  | { kind: 'rule'; label: string }
  | { kind: 'archived' };

/** The chips for a filter, in a stable order. */
export function filterChips(f: LeadFilter): FilterChip[] {
  return [
    ...f.stage.map((value): FilterChip => ({ kind: 'stage', value })),
    ...f.role.map((value): FilterChip => ({ kind: 'role', value })),
    ...(f.company ? [{ kind: 'company', id: f.company.id, name: f.company.name } satisfies FilterChip] : []),
    ...(f.tag ? [{ kind: 'tag', name: f.tag } satisfies FilterChip] : []),
    ...f.syncState.map((value): FilterChip => ({ kind: 'syncState', value })),
    ...f.owner.map((value): FilterChip => ({ kind: 'owner', value })),
    ...(f.segment ? [{ kind: 'segment', id: f.segment.id, name: f.segment.name } satisfies FilterChip] : []),
    ...(f.rule ? [{ kind: 'rule', label: f.rule.label } satisfies FilterChip] : []),
    ...(f.archived ? [{ kind: 'archived' } satisfies FilterChip] : []),
  ];
}

export interface LeadSort {
  field: ContactSortField;
  dir: 'asc' | 'desc';
}

export interface LeadQuery {
  search: string;
  filter: LeadFilter;
  sort: LeadSort;
}

/** Rows answered for one query. Pages are `PAGE_SIZE` rows each, keyed by page number. */
export interface LoadedResult {
  key: string;
  query: LeadQuery;
  total: number;
  pages: ReadonlyMap<number, ContactListItem[]>;
  /** Bumped on every swap, so late page answers for an older swap are dropped. */
  generation: number;
}

export interface ColumnLayout {
  hidden: ColumnId[];
  widths: Record<ColumnId, number>;
}

export type LeadsMenu = 'filter' | 'columns' | 'bulkStage' | 'bulkLink' | 'bulkOwner' | 'bulkTag' | 'bulkUntag' | 'bulkHistory' | null;

export const EMPTY_FILTER: LeadFilter = { stage: [], role: [], company: null, tag: null, syncState: [], owner: [], segment: null, rule: null };
export const DEFAULT_SORT: LeadSort = { field: 'updatedAt', dir: 'desc' };

interface LeadsState {
  search: string;
  filter: LeadFilter;
  sort: LeadSort;

  result: LoadedResult | null;
  /** A query or refresh request is on its way (drives the subtle indicator only). */
  loading: boolean;
  error: string | null;

  selected: ReadonlySet<string>;
  /** Query key for which "select all matching" was done (header checkbox shows checked). */
  selectAllFor: string | null;
  /** Said next to the bulk bar, e.g. when select-all was capped. */
  selectionNote: string | null;
  /** Row index the last plain/ctrl click or Space was on; shift-click extends from here. */
  anchorIndex: number | null;
  /** Row the keyboard moves (j/k); highlighted and `aria-selected`. */
  activeIndex: number | null;

  openMenu: LeadsMenu;
  columns: ColumnLayout;

  setSearch(search: string): void;
  addFilter(patch: Partial<LeadFilter>): void;
  removeFilter(chip: FilterChip): void;
  clearSearchAndFilters(): void;
  /** Shows exactly these contacts: a segment or a drill-down rule, with nothing else filtering. */
  showOnly(filter: Pick<LeadFilter, 'segment'> | Pick<LeadFilter, 'rule'>): void;
  toggleSort(field: ContactSortField, firstDir: 'asc' | 'desc'): void;
  setOpenMenu(menu: LeadsMenu): void;
  setColumnHidden(id: ColumnId, hidden: boolean): void;
  setColumnWidth(id: ColumnId, width: number): void;
  setSelection(ids: Iterable<string>, opts?: { selectAllFor?: string | null; note?: string | null }): void;
  toggleSelected(id: string): void;
  clearSelection(): void;
  setActiveIndex(index: number | null): void;
  setAnchorIndex(index: number | null): void;
}

export function currentQuery(s: Pick<LeadsState, 'search' | 'filter' | 'sort'>): LeadQuery {
  return { search: s.search, filter: s.filter, sort: s.sort };
}

/** A stable identity for a query: equal keys ask the engine the same question. */
export function queryKey(q: LeadQuery): string {
  return JSON.stringify([
    q.search,
    q.filter.stage,
    q.filter.role,
    q.filter.company?.id ?? null,
    q.filter.tag,
    q.filter.syncState,
    q.filter.owner,
    q.filter.segment?.id ?? null,
    q.filter.rule?.rule ?? null,
    q.filter.archived === true,
    q.sort.field,
    q.sort.dir,
  ]);
}

export const hasFilters = (f: LeadFilter) =>
  f.stage.length > 0 || f.role.length > 0 || f.company !== null || f.tag !== null || f.syncState.length > 0 || f.owner.length > 0 || f.segment !== null || f.rule !== null || f.archived === true;

/** The `contacts.list` input for a query (page and limit added by the caller). */
export function listInput(q: LeadQuery): MethodInput<'contacts.list'> {
  const filter: NonNullable<MethodInput<'contacts.list'>>['filter'] = {};
  if (q.filter.stage.length) filter.stage = q.filter.stage;
  if (q.filter.role.length) filter.role = q.filter.role;
  if (q.filter.company) filter.companyId = q.filter.company.id;
  if (q.filter.tag) filter.tag = q.filter.tag;
  if (q.filter.syncState.length) filter.syncState = q.filter.syncState;
  if (q.filter.owner.length) filter.owner = q.filter.owner;
  if (q.filter.segment) filter.segmentId = q.filter.segment.id;
  if (q.filter.rule) filter.rule = q.filter.rule.rule;
  if (q.filter.archived) filter.archived = true;
  return { search: q.search === '' ? undefined : q.search, filter, sort: q.sort };
}

// --- column layout, remembered across reloads -------------------------------------------------

const defaultWidths = () => Object.fromEntries(COLUMNS.map((c) => [c.id, c.defaultWidth])) as Record<ColumnId, number>;

// What is read back from localStorage is untrusted (older versions, hand edits): every value is
// checked. Two plain checks rather than a schema: zod is kept out of the start-up bundle.
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function loadColumnLayout(storage: Storage | undefined = globalThis.localStorage): ColumnLayout {
  const layout: ColumnLayout = { hidden: COLUMNS.filter((c) => c.hiddenByDefault).map((c) => c.id), widths: defaultWidths() };
  try {
    const raw = storage?.getItem(COLUMNS_STORAGE_KEY);
    if (!raw) return layout;
    const stored: unknown = JSON.parse(raw);
    if (!isRecord(stored)) return layout;
    const isColumn = (id: unknown): id is ColumnId => typeof id === 'string' && (COLUMN_IDS as readonly string[]).includes(id);
    const hidden = Array.isArray(stored.hidden) ? stored.hidden : [];
    layout.hidden = hidden.filter(isColumn).filter((id) => !COLUMN_BY_ID[id].required);
    const widths = isRecord(stored.widths) ? stored.widths : {};
    for (const [id, w] of Object.entries(widths)) if (isColumn(id) && typeof w === 'number' && Number.isFinite(w)) layout.widths[id] = clampWidth(w);
  } catch {
    // unreadable storage (private mode, corrupt JSON): start from the defaults
  }
  return layout;
}

function saveColumnLayout(layout: ColumnLayout): void {
  try {
    localStorage.setItem(COLUMNS_STORAGE_KEY, JSON.stringify(layout));
  } catch {
    // storage full or disabled: the layout still applies for this session
  }
}

// --- the store -------------------------------------------------------------------------------

const without = <T>(list: T[], value: T) => list.filter((v) => v !== value);
const withValue = <T>(list: T[], value: T) => (list.includes(value) ? list : [...list, value]);

export const useLeads = create<LeadsState>()((set, get) => ({
  search: '',
  filter: EMPTY_FILTER,
  sort: DEFAULT_SORT,
  result: null,
  loading: false,
  error: null,
  selected: new Set(),
  selectAllFor: null,
  selectionNote: null,
  anchorIndex: null,
  activeIndex: null,
  openMenu: null,
  columns: loadColumnLayout(),

  setSearch: (search) => set({ search }),
  addFilter(patch) {
    const f = get().filter;
    // the Archived view is other people: a selection made outside it means nothing there
    if (patch.archived !== undefined && patch.archived !== (f.archived ?? false)) set({ selected: new Set(), selectAllFor: null, selectionNote: null });
    set({
      filter: {
        stage: patch.stage ? patch.stage.reduce(withValue, f.stage) : f.stage,
        role: patch.role ? patch.role.reduce(withValue, f.role) : f.role,
        syncState: patch.syncState ? patch.syncState.reduce(withValue, f.syncState) : f.syncState,
        owner: patch.owner ? patch.owner.reduce(withValue, f.owner) : f.owner,
        company: patch.company !== undefined ? patch.company : f.company,
        tag: patch.tag !== undefined ? patch.tag : f.tag,
        segment: patch.segment !== undefined ? patch.segment : f.segment,
        rule: patch.rule !== undefined ? patch.rule : f.rule,
        archived: patch.archived ?? f.archived,
      },
    });
  },
  removeFilter(chip) {
    const f = get().filter;
    switch (chip.kind) {
      case 'stage':
        return set({ filter: { ...f, stage: without(f.stage, chip.value) } });
      case 'role':
        return set({ filter: { ...f, role: without(f.role, chip.value) } });
      case 'syncState':
        return set({ filter: { ...f, syncState: without(f.syncState, chip.value) } });
      case 'owner':
        return set({ filter: { ...f, owner: without(f.owner, chip.value) } });
      case 'company':
        return set({ filter: { ...f, company: null } });
      case 'tag':
        return set({ filter: { ...f, tag: null } });
      case 'segment':
        return set({ filter: { ...f, segment: null } });
      case 'rule':
        return set({ filter: { ...f, rule: null } });
      case 'archived':
        return set({ filter: { ...f, archived: false }, selected: new Set(), selectAllFor: null, selectionNote: null });
    }
  },
  clearSearchAndFilters: () => set({ search: '', filter: EMPTY_FILTER }),
  // A new question about other people: the old selection no longer means anything on screen.
  showOnly: (only) => set({ search: '', filter: { ...EMPTY_FILTER, ...only }, selected: new Set(), selectAllFor: null, selectionNote: null, openMenu: null }),
  toggleSort(field, firstDir) {
    const s = get().sort;
    set({ sort: s.field === field ? { field, dir: s.dir === 'asc' ? 'desc' : 'asc' } : { field, dir: firstDir } });
  },
  setOpenMenu: (openMenu) => set({ openMenu }),
  setColumnHidden(id, hidden) {
    if (COLUMN_BY_ID[id].required) return;
    const c = get().columns;
    const columns = { ...c, hidden: hidden ? withValue(c.hidden, id) : without(c.hidden, id) };
    set({ columns });
    saveColumnLayout(columns);
  },
  setColumnWidth(id, width) {
    const c = get().columns;
    const w = clampWidth(width);
    if (c.widths[id] === w) return;
    const columns = { ...c, widths: { ...c.widths, [id]: w } };
    set({ columns });
    saveColumnLayout(columns);
  },
  setSelection: (ids, opts = {}) => set({ selected: new Set(ids), selectAllFor: opts.selectAllFor ?? null, selectionNote: opts.note ?? null }),
  toggleSelected(id) {
    const next = new Set(get().selected);
    if (!next.delete(id)) next.add(id);
    set({ selected: next, selectAllFor: null, selectionNote: null });
  },
  clearSelection: () => set({ selected: new Set(), selectAllFor: null, selectionNote: null }),
  setActiveIndex: (activeIndex) => set({ activeIndex }),
  setAnchorIndex: (anchorIndex) => set({ anchorIndex }),
}));
