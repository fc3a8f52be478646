// The funnel's queries over the trigger-kept columns of contacts (migration 0005): where contacts
// are and how far they got, time in stage, stuck contacts, cohorts and breakdowns.
// Without a population rule every figure is a count over one index range: SQLite counts a range
// at ~40 ns an entry, while GROUP BY costs ~250 ns a row, which at 1M contacts is the difference
// between tens and hundreds of milliseconds. With a rule, the figures are grouped over the
// compiled WHERE instead (slower, but exact).
// Archived contacts are out of the funnel as they are out of every count: a rule comes with them
// left out (the service adds it), and a count over a whole index range takes away the archived
// contacts in that range, counted through their partial index (contacts_archived; there are few).
import type { Database } from 'better-sqlite3';
import { ANY_ARCHIVED, ARCHIVED_PKS } from './ContactRepository';
import { attributePath, type CompiledWhere } from './segmentSql';
import { Statements } from './Statements';

/** The stages' time columns (virtual, with partial indexes): time spent by those who moved on. */
export const STAGE_DURATION_COLUMNS = ['lead_ms', 'signed_up_ms', 'sql_ms'] as const;
export type StageDurationColumn = (typeof STAGE_DURATION_COLUMNS)[number];

/** Contacts by funnel position now (rank) and furthest reached (max). */
export interface RankMaxCount {
  rank: number;
  max: number;
  n: number;
}

export interface ValueMaxCount {
  value: string | null;
  /** An attribute's stored type: text, number or boolean (null for first touch). */
  type?: 'text' | 'number' | 'boolean' | null;
  max: number;
  n: number;
}

/** Above this many distinct first-touch values, one scan beats counting each value's ranges. */
const SKIP_SCAN_MAX_VALUES = 200;

const and = (where: CompiledWhere | null) => (where ? ` AND ${where.sql}` : '');
const params = (where: CompiledWhere | null, extra: Record<string, unknown> = {}) => ({ ...(where?.params ?? {}), ...extra });

export class FunnelRepository {
  readonly st: Statements;
  constructor(readonly db: Database) {
    this.st = new Statements(db);
  }

  private anyArchived(): boolean {
    return this.st.get(ANY_ARCHIVED).get() !== undefined;
  }

  /**
   * The contacts that are not archived among those `conditions` (on `c`) select: the count over
   * the conditions' index range, less the archived ones in it, read through their partial index.
   */
  private liveCount(conditions: string, values: Record<string, unknown> = {}): number {
    const all = (this.st.get<{ n: number }>(`SELECT count(*) AS n FROM contacts c WHERE ${conditions}`).get(values) as { n: number }).n;
    if (all === 0 || !this.anyArchived()) return all;
    const archived = this.st
      .get<{ n: number }>(`SELECT count(*) AS n FROM contacts c INDEXED BY contacts_archived WHERE c.archived_at IS NOT NULL AND ${conditions}`)
      .get(values) as { n: number };
    return all - archived.n;
  }

  /** A rule as given, else (everyone) the archived contacts left out by pk, which every index holds; null when there is nothing to leave out. */
  private liveWhere(where: CompiledWhere | null): CompiledWhere | null {
    if (where || !this.anyArchived()) return where;
    return { sql: `c.pk NOT IN (${ARCHIVED_PKS})`, params: {} };
  }

  /** All contacts but the archived (SQLite counts a whole table without reading its rows). */
  total(): number {
    return this.liveCount('1');
  }

  /** Contacts at this funnel position now (contacts_funnel_entered). */
  countAtRank(rank: number): number {
    return this.liveCount('c.funnel_rank = @rank', { rank });
  }

  /** Contacts whose furthest position is this one, optionally captured in [from, to) (contacts_max_created). */
  countAtMax(max: number, from: number | null = null, to: number | null = null): number {
    return from === null
      ? this.liveCount('c.funnel_max = @max', { max })
      : this.liveCount('c.funnel_max = @max AND c.created_at >= @from AND c.created_at < @to', { max, from, to });
  }

  /** Contacts captured in [from, to) (contacts_by_created). */
  countCaptured(from: number, to: number): number {
    return this.liveCount('c.created_at >= @from AND c.created_at < @to', { from, to });
  }

  /** Every (now, furthest) pair with its count among the contacts of a rule. */
  rankMaxCounts(where: CompiledWhere): RankMaxCount[] {
    return this.st
      .get<RankMaxCount>(
        `SELECT c.funnel_rank AS rank, c.funnel_max AS max, count(*) AS n FROM contacts c
         WHERE ${where.sql} GROUP BY c.funnel_max, c.funnel_rank`,
      )
      .all(where.params);
  }

  /**
   * How many spent a positive time in a stage and moved on. A stage passed in the same instant
   * (created as a user, or signed up straight into an SQL company) was skipped, not stayed in,
   * so zero (and, for clock skew in pulled data, negative) times are left out.
   */
  durationCount(column: StageDurationColumn, where: CompiledWhere | null): number {
    if (!where) return this.liveCount(`c.${column} > 0`);
    return (
      this.st.get<{ n: number }>(`SELECT count(*) AS n FROM contacts c WHERE c.${column} > 0${and(where)}`).get(params(where)) as { n: number }
    ).n;
  }

  /**
   * The k-th (0-based) of the n positive durations in ascending order: a seek on the column's
   * partial index, from whichever end is nearer (p90 skips a tenth of the entries, not nine).
   */
  durationAt(column: StageDurationColumn, k: number, n: number, given: CompiledWhere | null): number | null {
    const where = this.liveWhere(given);
    const fromTop = k >= n / 2;
    const row = this.st
      .get<{ v: number }>(
        `SELECT c.${column} AS v FROM contacts c WHERE c.${column} > 0${and(where)} ORDER BY c.${column} ${fromTop ? 'DESC' : 'ASC'} LIMIT 1 OFFSET @k`,
      )
      .get(params(where, { k: fromTop ? n - 1 - k : k }));
    return (row as { v: number } | undefined)?.v ?? null;
  }

  /** At this position since before `cutoff`. */
  stuckCount(rank: number, cutoff: number, where: CompiledWhere | null): number {
    if (!where) return this.liveCount('c.funnel_rank = @rank AND c.stage_entered_at < @cutoff', { rank, cutoff });
    return (
      this.st
        .get<{ n: number }>(`SELECT count(*) AS n FROM contacts c WHERE c.funnel_rank = @rank AND c.stage_entered_at < @cutoff${and(where)}`)
        .get(params(where, { rank, cutoff })) as { n: number }
    ).n;
  }

  /**
   * At this position since `cutoff` or later, or since an unknown time: the complement of
   * `stuckCount` within the position, and usually the short end of contacts_funnel_entered.
   */
  notStuckCount(rank: number, cutoff: number): number {
    return (
      this.liveCount('c.funnel_rank = @rank AND c.stage_entered_at >= @cutoff', { rank, cutoff }) +
      this.liveCount('c.funnel_rank = @rank AND c.stage_entered_at IS NULL', { rank })
    );
  }

  /** Contacts of a rule captured in [from, to), by furthest position reached. */
  capturedByMax(from: number, to: number, where: CompiledWhere): { max: number; n: number }[] {
    return this.st
      .get<{ max: number; n: number }>(
        `SELECT c.funnel_max AS max, count(*) AS n FROM contacts c
         WHERE c.created_at >= @from AND c.created_at < @to AND ${where.sql} GROUP BY c.funnel_max`,
      )
      .all({ ...where.params, from, to });
  }

  /**
   * Contacts by first referrer or first landing page and furthest position. With no rule and a
   * modest number of distinct values (the usual case: a few dozen referrers), the index is
   * skip-scanned: the distinct values are found by seeking, then each (value, furthest) group is
   * counted as an index range. That is about half the work of a GROUP BY over all its entries
   * (1M contacts: ~60 against ~125 ms of CPU, `npm run bench`). Many distinct values, or a rule,
   * fall back to the one covering scan.
   */
  byFirstTouch(key: 'referrer' | 'landingPage', given: CompiledWhere | null): ValueMaxCount[] {
    const column = key === 'referrer' ? 'first_referrer' : 'first_landing_page';
    if (!given) {
      const values = this.st
        .get<{ value: string }>(
          `WITH RECURSIVE v(value, k) AS (
             SELECT (SELECT min(${column}) FROM contacts), 0
             UNION ALL
             SELECT (SELECT min(${column}) FROM contacts WHERE ${column} > v.value), k + 1 FROM v
             WHERE v.value IS NOT NULL AND k < @cap)
           SELECT value FROM v WHERE value IS NOT NULL`,
        )
        .all({ cap: SKIP_SCAN_MAX_VALUES })
        .map((r) => r.value);
      // (a value only archived contacts hold counts 0 below, and is left out)
      if (values.length <= SKIP_SCAN_MAX_VALUES) {
        const out: ValueMaxCount[] = [];
        for (const value of [...values, null]) {
          for (let max = 0; max <= 3; max++) {
            const n = this.liveCount(`c.${column} IS @value AND c.funnel_max = @max`, { value, max });
            if (n > 0) out.push({ value, max, n });
          }
        }
        return out;
      }
    }
    const where = this.liveWhere(given);
    return this.st
      .get<ValueMaxCount>(
        `SELECT c.${column} AS value, c.funnel_max AS max, count(*) AS n FROM contacts c
         WHERE 1${and(where)} GROUP BY c.${column}, c.funnel_max`,
      )
      .all(params(where));
  }

  /**
   * Contacts by a custom attribute's value (as text; true / false for booleans, null when the
   * contact has none) and furthest position. Reads every row's attributes.
   */
  byAttribute(name: string, given: CompiledWhere | null): ValueMaxCount[] {
    const where = this.liveWhere(given);
    const value = `CASE json_type(c.custom_attributes, @attrPath)
        WHEN 'true' THEN 'true' WHEN 'false' THEN 'false' WHEN 'null' THEN NULL
        ELSE CAST(json_extract(c.custom_attributes, @attrPath) AS TEXT) END`;
    return this.st
      .get<ValueMaxCount>(
        `SELECT ${value} AS value, c.funnel_max AS max, count(*) AS n,
                CASE json_type(c.custom_attributes, @attrPath) WHEN 'integer' THEN 'number' WHEN 'real' THEN 'number'
                  WHEN 'true' THEN 'boolean' WHEN 'false' THEN 'boolean' WHEN 'text' THEN 'text' END AS type
         FROM contacts c
         WHERE 1${and(where)} GROUP BY 1, 2, 4`,
      )
      .all(params(where, { attrPath: attributePath(name) }));
  }
}
