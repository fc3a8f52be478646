// Saved segments, and contacts read through a compiled rule (segmentSql.ts): the exact count, a
// sorted page, and member ids for bulk actions and exports.
import type { Database } from 'better-sqlite3';
import type { CONTACT_SORT_FIELDS } from '../../../shared/api';
import { SORT_EXPR } from './ContactRepository';
import type { ContactRow } from './rows';
import type { CompiledWhere } from './segmentSql';
import { Statements } from './Statements';

export interface SegmentRow {
  id: string;
  name: string;
  rule: string;
  builtin: string | null;
  created_at: number;
  updated_at: number;
}

/** A contact row with the columns migration 0005 added (exports show them). */
export interface ContactExportRow extends ContactRow {
  funnel_rank: number;
  funnel_max: number;
  first_referrer: string | null;
  first_landing_page: string | null;
}

export type ContactSortField = (typeof CONTACT_SORT_FIELDS)[number];
export interface ContactSort {
  field: ContactSortField;
  dir: 'asc' | 'desc';
}

/** Sort expressions, as the table's list orders them; the pk breaks ties so pages are stable. */
export const CONTACT_SORT_SQL: Record<ContactSortField, string> = SORT_EXPR;

/** The (column, pk) index behind each sort (migration 0001): walking it in order needs no sorter. */
const SORT_INDEX: Record<ContactSortField, string> = {
  name: 'contacts_by_name',
  email: 'contacts_by_email',
  role: 'contacts_by_role',
  stage: 'contacts_by_stage',
  phone: 'contacts_by_phone',
  externalId: 'contacts_by_external',
  createdAt: 'contacts_by_created',
  updatedAt: 'contacts_by_updated',
  lastActivityAt: 'contacts_by_activity',
  syncState: 'contacts_by_sync',
  owner: 'contacts_by_owner',
};

/**
 * Rough costs in microseconds of reading a page two ways (the ratios matter, as in
 * ContactRepository): walking the sort index and checking each row against the rule, or
 * gathering every match and sorting them.
 */
const COST = { walkStep: 1.6, gatherRow: 1.5 };

const orderBy = (sort: ContactSort) => {
  const dir = sort.dir === 'desc' ? 'DESC' : 'ASC';
  return `${CONTACT_SORT_SQL[sort.field]} ${dir}, c.pk ${dir}`;
};

export class SegmentRepository {
  readonly st: Statements;
  constructor(readonly db: Database) {
    this.st = new Statements(db);
  }

  // ---- saved segments -------------------------------------------------------------------------

  all(): SegmentRow[] {
    // built-ins first (in the order they were created), then by name
    return this.st
      .get<SegmentRow>('SELECT * FROM segments ORDER BY builtin IS NULL, CASE WHEN builtin IS NULL THEN name END COLLATE NOCASE, created_at, id')
      .all();
  }

  byId(id: string): SegmentRow | undefined {
    return this.st.get<SegmentRow>('SELECT * FROM segments WHERE id = @id').get({ id });
  }

  /** Inserts a segment unless one with that id (or built-in key) exists; true when inserted. */
  insertIfMissing(r: SegmentRow): boolean {
    return (
      this.st
        .get(
          `INSERT OR IGNORE INTO segments (id, name, rule, builtin, created_at, updated_at)
           VALUES (@id, @name, @rule, @builtin, @created_at, @updated_at)`,
        )
        .run(r).changes > 0
    );
  }

  insert(r: SegmentRow): void {
    this.st
      .get(
        `INSERT INTO segments (id, name, rule, builtin, created_at, updated_at)
         VALUES (@id, @name, @rule, @builtin, @created_at, @updated_at)`,
      )
      .run(r);
  }

  update(id: string, fields: { name: string; rule: string; updatedAt: number }): void {
    this.st.get('UPDATE segments SET name = @name, rule = @rule, updated_at = @updatedAt WHERE id = @id').run({ id, ...fields });
  }

  delete(id: string): boolean {
    return this.st.get('DELETE FROM segments WHERE id = @id').run({ id }).changes > 0;
  }

  // ---- contacts through a rule ----------------------------------------------------------------

  /** Contacts matching, exactly. */
  count(where: CompiledWhere): number {
    return (this.st.get<{ n: number }>(`SELECT count(*) AS n FROM contacts c WHERE ${where.sql}`).get(where.params) as { n: number }).n;
  }

  /**
   * One sorted page. A deep page reads its pks first (from the indexes only), then the rows, as
   * the table's list does. Given the exact `total`, a page of many matches is read by walking the
   * sort's index in order when SQLite would otherwise gather all of them and sort (it cannot
   * tell how many rows a rule matches): 200k signed-up contacts sorted by name cost a second
   * gathered and a millisecond walked.
   */
  page(where: CompiledWhere, sort: ContactSort, limit: number, offset = 0, total?: number): ContactRow[] {
    const order = orderBy(sort);
    const params = { ...where.params, limit, offset };
    const inner = (from: string) => `SELECT c.pk FROM ${from} WHERE ${where.sql} ORDER BY ${order} LIMIT @limit OFFSET @offset`;
    const natural = inner('contacts c');
    const walk = total !== undefined && this.walkIsCheaper(total, offset + limit) && this.sortsInMemory(natural, params);
    const pks = walk ? inner(`contacts c INDEXED BY ${SORT_INDEX[sort.field]}`) : natural;
    if (offset === 0 && !walk) {
      return this.st.get<ContactRow>(`SELECT c.* FROM contacts c WHERE ${where.sql} ORDER BY ${order} LIMIT @limit`).all(params);
    }
    return this.st.get<ContactRow>(`SELECT c.* FROM contacts c WHERE c.pk IN (${pks}) ORDER BY ${order}`).all(params);
  }

  /** Walking about want * all / total index entries beats gathering and sorting `total` rows. */
  private walkIsCheaper(total: number, want: number): boolean {
    if (total === 0) return false;
    const all = (this.st.get<{ n: number }>('SELECT count(*) AS n FROM contacts').get() as { n: number }).n;
    return ((want * all) / total) * COST.walkStep < total * COST.gatherRow;
  }

  private readonly sorts = new Map<string, boolean>();

  /** Whether SQLite's plan for the statement sorts its rows (a temp b-tree for the ORDER BY); cached per statement. */
  private sortsInMemory(sql: string, params: Record<string, unknown>): boolean {
    let sorts = this.sorts.get(sql);
    if (sorts === undefined) {
      const plan = this.db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(params) as { detail: string }[];
      sorts = plan.some((p) => /TEMP B-TREE FOR (RIGHT PART OF |LAST TERM OF )?ORDER BY/.test(p.detail));
      this.sorts.set(sql, sorts);
    }
    return sorts;
  }

  /** Member ids in pk order (the order contacts were captured in), at most `limit`. */
  ids(where: CompiledWhere, limit: number): string[] {
    return this.st
      .get<{ id: string }>(`SELECT c.id FROM contacts c WHERE ${where.sql} ORDER BY c.pk LIMIT @limit`)
      .pluck()
      .all({ ...where.params, limit }) as unknown as string[];
  }

  /** Every member's pk in view order (exports read rows by these, a few thousand at a time). */
  pksInOrder(where: CompiledWhere, sort: ContactSort): number[] {
    return this.st
      .get<number>(`SELECT c.pk FROM contacts c WHERE ${where.sql} ORDER BY ${orderBy(sort)}`)
      .pluck()
      .all(where.params) as number[];
  }

  /** The pks of these contact ids (unknown ones dropped), in view order. */
  pksOfIds(ids: string[], sort: ContactSort): number[] {
    return this.st
      .get<number>(`SELECT c.pk FROM contacts c WHERE c.id IN (SELECT j.value FROM json_each(@ids) j) ORDER BY ${orderBy(sort)}`)
      .pluck()
      .all({ ids: JSON.stringify(ids) }) as number[];
  }

  /** Full rows (funnel and first-touch columns included) of these pks, in the given order. */
  rowsByPks(pks: number[]): ContactExportRow[] {
    if (pks.length === 0) return [];
    return this.st
      .get<ContactExportRow>('SELECT c.* FROM json_each(@pks) j CROSS JOIN contacts c ON c.pk = j.value ORDER BY j.key')
      .all({ pks: JSON.stringify(pks) });
  }

  /** Of these ids, the ones that exist, in the given order (duplicates dropped). */
  existingIds(ids: string[]): string[] {
    if (ids.length === 0) return [];
    return this.st
      .get<string>(
        `SELECT j.value FROM json_each(@ids) j WHERE EXISTS (SELECT 1 FROM contacts c WHERE c.id = j.value)
         GROUP BY j.value ORDER BY min(j.key)`,
      )
      .pluck()
      .all({ ids: JSON.stringify(ids) }) as string[];
  }
}
