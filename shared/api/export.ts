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
  'externalId',
  'visitorId',
  'intercomId',
  'createdAt',
  'updatedAt',
  'lastActivityAt',
  'syncState',
  'firstReferrer',
  'firstLandingPage',
] as const;

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
