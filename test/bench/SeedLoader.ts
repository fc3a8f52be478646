// Bulk load of companies, contacts and links for the benchmarks and large-store tests: one transaction,
// cached statements, the search index and companies.user_count kept exactly as the
// repositories keep them. No history or outbox entries: seeded rows stand for data that
// already exists, not for local changes waiting for Intercom.
import type { Database } from 'better-sqlite3';
import type { CompanyRow, ContactRow } from '../../electron/core/db/rows';
import { RECOUNT_CONTACTS } from '../../electron/core/db/migrations/0003-search-index';
import { Statements } from '../../electron/core/db/Statements';

export type SeedCompany = Omit<CompanyRow, 'pk' | 'user_count'>;
export type SeedContact = Omit<ContactRow, 'pk' | 'unsubscribed_from_emails' | 'owner_id' | 'archived_at'> & {
  unsubscribed_from_emails?: number;
  /** The owning admin's id (default: none). */
  owner_id?: string | null;
  /** Local pks of the companies this contact belongs to (as returned by `addCompanies`). */
  company_pks: readonly number[];
  /** When each link was made (same order as company_pks); default: the contact's created_at. */
  link_times?: readonly number[];
} & Partial<SeedFunnel>;

/**
 * The funnel columns of migration 0005, for a load with `funnelColumns`: the caller supplies
 * what the funnel triggers give for the contact's story (the funnel bench gets them from the
 * triggers themselves, see FunnelReplay in funnel.ts) instead of the triggers firing per row.
 */
export interface SeedFunnel {
  funnel_rank: number;
  funnel_max: number;
  stage_entered_at: number | null;
  signed_up_at: number | null;
  sql_at: number | null;
  customer_at: number | null;
  first_seen_at: number | null;
  first_referrer: string | null;
  first_landing_page: string | null;
}
const FUNNEL_COLUMNS = [
  'funnel_rank',
  'funnel_max',
  'stage_entered_at',
  'signed_up_at',
  'sql_at',
  'customer_at',
  'first_seen_at',
  'first_referrer',
  'first_landing_page',
] as const;

const CONTACT_COLUMNS = [
  'owner_id',
  'id',
  'role',
  'email',
  'name',
  'phone',
  'visitor_id',
  'external_id',
  'intercom_id',
  'stage',
  'custom_attributes',
  'created_at',
  'updated_at',
  'last_activity_at',
  'sync_state',
] as const;
const COMPANY_COLUMNS = [
  'id',
  'external_id',
  'intercom_id',
  'name',
  'plan',
  'monthly_spend',
  'stage',
  'custom_attributes',
  'created_at',
  'updated_at',
  'sync_state',
] as const;

const insertSql = (table: string, cols: readonly string[]) =>
  `INSERT INTO ${table} (${cols.join(', ')}) VALUES (${cols.map(() => '?').join(', ')})`;

/** Tables whose plain (non-unique) indexes are rebuilt after the load instead of kept in step. */
const DEFERRED_INDEX_TABLES = ['contacts', 'contact_companies', 'events'];

export interface LoadOptions {
  /**
   * Page cache for the load in MiB (default 256): the unique indexes take random inserts, and
   * a cache that holds them keeps the rate flat as the table grows. Restored afterwards.
   */
  cacheMiB?: number;
  /**
   * Contacts carry their funnel columns (SeedFunnel): the funnel triggers are off during the
   * load, as the count triggers are, so a contact is written once instead of once per trigger.
   */
  funnelColumns?: boolean;
}

/** Where a load's time went, in milliseconds. */
export interface LoadTimings {
  /** Inserting rows, links and search entries (the `fill` callback). */
  rowsMs: number;
  /** Building the deferred indexes and recounting contact_counts. */
  indexesMs: number;
  /** Merging the search indexes. */
  searchMs: number;
  analyzeMs: number;
  /** Copying the load from the WAL into the database file. */
  checkpointMs: number;
}

export class SeedLoader {
  private readonly st: Statements;
  /** Company names by pk, so a contact's search entry is written without a query per row. */
  private readonly companyNames = new Map<number, string>();
  private loading = false;
  private funnelColumns = false;
  /** Rows written by this seeder so far. */
  readonly counts = { companies: 0, contacts: 0, links: 0 };

  constructor(private readonly db: Database) {
    this.st = new Statements(db);
  }

  /**
   * Runs `fill` (which calls `addCompanies` / `addContacts`) as one transaction: a crash or a
   * throw leaves the store as it was. The plain list indexes are dropped first and built once
   * at the end from their own definitions (a sort per index instead of a million random
   * inserts); unique indexes stay, so identity conflicts still fail the load. The events'
   * unique indexes (Intercom's duplicate rule) are rebuilt too: millions of rows, and building
   * a unique index fails on a duplicate just as an insert would. The count
   * triggers are off during the load and contact_counts is recounted after it. Afterwards the
   * search index is merged into one segment and the planner statistics are refreshed.
   */
  load(fill: (seeder: this) => void, options: LoadOptions = {}): LoadTimings {
    if (this.loading) throw new Error('bulk load already running');
    const cacheBefore = this.db.pragma('cache_size', { simple: true }) as number;
    this.db.pragma(`cache_size = ${-1024 * (options.cacheMiB ?? 256)}`);
    this.loading = true;
    this.funnelColumns = options.funnelColumns ?? false;
    const timings: LoadTimings = { rowsMs: 0, indexesMs: 0, searchMs: 0, analyzeMs: 0, checkpointMs: 0 };
    let t = performance.now();
    const lap = (key: keyof LoadTimings) => {
      const now = performance.now();
      timings[key] += now - t;
      t = now;
    };
    try {
      this.db.transaction(() => {
        const deferred = this.db
          .prepare(
            `SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL
             AND (sql NOT LIKE 'CREATE UNIQUE %' OR tbl_name = 'events')
             AND tbl_name IN (${DEFERRED_INDEX_TABLES.map(() => '?').join(', ')}) ORDER BY name`,
          )
          .all(...DEFERRED_INDEX_TABLES) as { name: string; sql: string }[];
        // a count trigger costs more per row here than the insert itself (each firing opens a
        // statement journal); the counts are recounted once at the end instead
        const triggers = this.db
          .prepare(
            `SELECT name, sql FROM sqlite_master WHERE type = 'trigger'
             AND (name LIKE 'contact\\_counts\\_%' ESCAPE '\\' OR (@funnel AND name LIKE 'funnel\\_%' ESCAPE '\\')) ORDER BY name`,
          )
          .all({ funnel: this.funnelColumns ? 1 : 0 }) as { name: string; sql: string }[];
        for (const ix of deferred) this.db.exec(`DROP INDEX "${ix.name.replace(/"/g, '""')}"`);
        for (const tr of triggers) this.db.exec(`DROP TRIGGER "${tr.name.replace(/"/g, '""')}"`);
        fill(this);
        lap('rowsMs');
        for (const ix of deferred) this.db.exec(ix.sql);
        for (const tr of triggers) this.db.exec(tr.sql);
        this.db.exec(RECOUNT_CONTACTS);
        lap('indexesMs');
        // one segment, as after FTS5's 'optimize': a search's per-row probe costs per segment
        this.db.exec(`INSERT INTO contact_search (contact_search) VALUES ('optimize')`);
        this.db.exec(`INSERT INTO company_search (company_search) VALUES ('optimize')`);
        lap('searchMs');
        // sampled statistics, as PRAGMA optimize gathers them on close: enough for the planner
        const limit = this.db.pragma('analysis_limit', { simple: true }) as number;
        this.db.pragma('analysis_limit = 2000');
        this.db.exec('ANALYZE');
        this.db.pragma(`analysis_limit = ${limit}`);
        lap('analyzeMs');
      }).immediate();
    } finally {
      this.loading = false;
      this.funnelColumns = false;
      this.companyNames.clear();
      this.db.pragma(`cache_size = ${cacheBefore}`);
    }
    this.db.pragma('wal_checkpoint(TRUNCATE)'); // the load's pages now live in the main file
    lap('checkpointMs');
    return timings;
  }

  /** Inserts companies; returns their pks in input order. */
  addCompanies(rows: readonly SeedCompany[]): number[] {
    const insert = this.st.get(insertSql('companies', COMPANY_COLUMNS));
    const index = this.st.get('INSERT INTO company_search (rowid, name, external_id) VALUES (?, ?, ?)');
    return this.db.transaction(() =>
      rows.map((r) => {
        const pk = Number(insert.run(COMPANY_COLUMNS.map((c) => r[c])).lastInsertRowid);
        index.run(pk, r.name, r.external_id ?? '');
        this.companyNames.set(pk, r.name);
        this.counts.companies++;
        return pk;
      }),
    )();
  }

  /** Inserts contacts with their company links and search entries; returns their pks in input order. */
  addContacts(rows: readonly SeedContact[]): number[] {
    const columns: readonly (keyof SeedContact)[] = this.funnelColumns ? [...CONTACT_COLUMNS, ...FUNNEL_COLUMNS] : CONTACT_COLUMNS;
    const insert = this.st.get(insertSql('contacts', columns));
    const link = this.st.get('INSERT INTO contact_companies (contact_pk, company_pk, created_at) VALUES (?, ?, ?)');
    const index = this.st.get('INSERT INTO contact_search (rowid, name, email, companies) VALUES (?, ?, ?, ?)');
    const bump = this.st.get('UPDATE companies SET user_count = user_count + ? WHERE pk = ?');
    const users = new Map<number, number>();
    const pks: number[] = [];
    this.db.transaction(() => {
      const entries: [number, string, string, string][] = [];
      for (const r of rows) {
        const pk = Number(insert.run(columns.map((c) => r[c] ?? null)).lastInsertRowid);
        pks.push(pk);
        const names: string[] = [];
        const seen = new Set<number>();
        for (const [i, companyPk] of r.company_pks.entries()) {
          if (seen.has(companyPk)) continue;
          seen.add(companyPk);
          link.run(pk, companyPk, r.link_times?.[i] ?? r.created_at);
          this.counts.links++;
          users.set(companyPk, (users.get(companyPk) ?? 0) + 1);
          names.push(this.companyName(companyPk));
        }
        // the same text ContactRepository.reindex writes for this contact
        entries.push([pk, r.name ?? '', r.email ?? '', names.join(' ')]);
        this.counts.contacts++;
      }
      // Search entries go in after the rows, in one run: a statement that opens a savepoint
      // (a trigger, a foreign key) makes FTS5 flush its pending terms to a new segment, and
      // interleaved with the rows that would be one tiny segment per contact.
      for (const e of entries) index.run(e);
      for (const [companyPk, n] of users) bump.run(n, companyPk);
    })();
    return pks;
  }

  private companyName(pk: number): string {
    let name = this.companyNames.get(pk);
    if (name === undefined) {
      const row = this.st.get<{ name: string }>('SELECT name FROM companies WHERE pk = ?').get(pk);
      if (!row) throw new Error(`bulk load: no company with pk ${pk}`);
      name = row.name;
      this.companyNames.set(pk, name);
    }
    return name;
  }
}
