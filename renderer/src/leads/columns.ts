// The columns of the leads table: what each shows, which sort field its header drives, and how
// wide it starts. Column visibility and widths are the user's and are remembered (leadsStore).
import type { CONTACT_SORT_FIELDS } from '../../../shared/api';

export type ContactSortField = (typeof CONTACT_SORT_FIELDS)[number];

export const COLUMN_IDS = ['name', 'email', 'role', 'stage', 'companies', 'owner', 'tags', 'lastActivity', 'created', 'syncState'] as const;
export type ColumnId = (typeof COLUMN_IDS)[number];

export interface ColumnDef {
  id: ColumnId;
  label: string;
  /** The `contacts.list` sort field the header toggles; null: not sortable. */
  sortField: ContactSortField | null;
  /** Direction of the first click: newest first reads best for times, A-Z for words. */
  firstDir: 'asc' | 'desc';
  defaultWidth: number;
  /**
   * Share of the spare width the column takes (a `fr` of the grid): text that is often cut
   * (names, emails, companies) grows on a wide window; the width is then its least.
   */
  grow?: number;
  /** The name identifies the row, so it cannot be hidden. */
  required?: boolean;
  /** Hidden until the user shows it (Columns), so the default layout still fits its window. */
  hiddenByDefault?: boolean;
}

// Defaults fit a 1280px-wide window next to the sidebar; wider columns scroll sideways, and on a
// wider window the growing columns take the spare width.
export const COLUMNS: readonly ColumnDef[] = [
  { id: 'name', label: 'Name', sortField: 'name', firstDir: 'asc', defaultWidth: 180, required: true, grow: 2 },
  { id: 'email', label: 'Email', sortField: 'email', firstDir: 'asc', defaultWidth: 180, grow: 3 },
  { id: 'role', label: 'Role', sortField: 'role', firstDir: 'asc', defaultWidth: 70 },
  { id: 'stage', label: 'Stage', sortField: 'stage', firstDir: 'asc', defaultWidth: 112 },
  { id: 'companies', label: 'Companies', sortField: null, firstDir: 'asc', defaultWidth: 130, grow: 2 },
  // sorted by the owner's id through its index (fast at any size): owners come out grouped
  { id: 'owner', label: 'Owner', sortField: 'owner', firstDir: 'asc', defaultWidth: 160, grow: 1 },
  { id: 'tags', label: 'Tags', sortField: null, firstDir: 'asc', defaultWidth: 130, grow: 1, hiddenByDefault: true },
  { id: 'lastActivity', label: 'Last activity', sortField: 'lastActivityAt', firstDir: 'desc', defaultWidth: 120 },
  { id: 'created', label: 'Created', sortField: 'createdAt', firstDir: 'desc', defaultWidth: 124 },
  { id: 'syncState', label: 'Sync', sortField: 'syncState', firstDir: 'asc', defaultWidth: 90 },
];

export const COLUMN_BY_ID = Object.fromEntries(COLUMNS.map((c) => [c.id, c])) as Record<ColumnId, ColumnDef>;

export const MIN_COLUMN_WIDTH = 60;
export const MAX_COLUMN_WIDTH = 800;
/** Width of the leading selection-checkbox column. */
export const CHECKBOX_COLUMN_WIDTH = 44;

export const clampWidth = (w: number) => Math.round(Math.min(MAX_COLUMN_WIDTH, Math.max(MIN_COLUMN_WIDTH, w)));
