// The contract's part for the CSV export of the contacts table's view or a selection of it.
import { z } from 'zod';
import { LocalId } from '../domain';
import { ContactFilter, ContactSort } from './contacts';
import { SearchText } from './listing';
import type { MethodGroup } from './MethodGroup';

/** The table view an export repeats: its search, filters and sort. */
const TableView = z.object({ search: SearchText, filter: ContactFilter, sort: ContactSort }).strict();

export const EXPORT_COLUMNS = [
  'name',
  'email',
  'phone',
  'role',
  'stage',
  'funnelStage',
  'companies',
  'tags',
  'externalId',
  'visitorId',
  'intercomId',
  'createdAt',
  'updatedAt',
  'lastActivityAt',
  'syncState',
  'firstReferrer',
  'firstLandingPage',
  'owner',
] as const;

/** Each column's header in the file; the import knows the file back by them. */
export const EXPORT_HEADERS: Record<(typeof EXPORT_COLUMNS)[number], string> = {
  name: 'Name',
  email: 'Email',
  phone: 'Phone',
  role: 'Role',
  stage: 'Stage',
  funnelStage: 'Funnel stage',
  companies: 'Companies',
  tags: 'Tags',
  externalId: 'User ID',
  visitorId: 'Visitor ID',
  intercomId: 'Intercom ID',
  createdAt: 'Created',
  updatedAt: 'Updated',
  lastActivityAt: 'Last activity',
  syncState: 'Sync state',
  firstReferrer: 'First referrer',
  firstLandingPage: 'First landing page',
  owner: 'Owner',
};

const ExportColumn = z.union([z.enum(EXPORT_COLUMNS), z.string().regex(/^attribute:.{1,190}$/, { message: 'must be a column name or attribute:<name>' })]);

export const exportMethods = {
  /** Writes the view (or a selection of it) to a CSV file; browser mode offers it at `downloadUrl`. */
  'contacts.export': {
    input: z
      .object({
        view: TableView.default({ filter: {}, sort: { field: 'updatedAt', dir: 'desc' } }),
        columns: z.array(ExportColumn).min(1, { message: 'pick at least one column' }).max(60),
        /** Only these contacts (a selection), in the view's order. */
        ids: z.array(LocalId).max(100_000).optional(),
      })
      .strict(),
    output: z.object({ fileName: z.string(), path: z.string(), rows: z.number().int(), downloadUrl: z.string().nullable() }),
  },
} as const satisfies MethodGroup;
