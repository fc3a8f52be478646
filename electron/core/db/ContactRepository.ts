// All SQL about contacts: rows, identities, the list query and the contact search index.
import type { Database } from 'better-sqlite3';
import type { ParsedInput } from '../../../shared/api';
import { CONTACT_STAGES, ROLES, SYNC_STATES, type ContactRef } from '../../../shared/domain';
import { decodeCursor, encodeCursor, seekAfter, type SeekRange } from './keyset';
import { CONTACT_SEARCH_PREFIXES } from './migrations/0003-search-index';
import { type ContactRow, toContactRef } from './rows';
import { type RowSnapshot, RowSnapshots } from './RowSnapshots';
import { searchWords, toFtsQuery } from './searchQuery';
import { LinkRepository } from './LinkRepository';
import { Statements } from './Statements';

export type ContactListQuery = ParsedInput<'contacts.list'>;

/** A statement and the values for its placeholders. */
export interface BoundSql {
  sql: string;
  params: unknown[];
}

/** Columns a caller may write, API name -> SQL column. */
const WRITABLE = {
  role: 'role',
  email: 'email',
  name: 'name',
  phone: 'phone',
  visitorId: 'visitor_id',
  externalId: 'external_id',
  intercomId: 'intercom_id',
  stage: 'stage',
  customAttributes: 'custom_attributes',
  updatedAt: 'updated_at',
  lastActivityAt: 'last_activity_at',
  unsubscribedFromEmails: 'unsubscribed_from_emails',
  ownerId: 'owner_id',
  archivedAt: 'archived_at',
} as const;
export type ContactWrite = Partial<Record<Exclude<keyof typeof WRITABLE, 'unsubscribedFromEmails'>, string | number | null>> & { unsubscribedFromEmails?: boolean };

/**
 * The columns a contact's funnel position lives in (kept by the migration 0005 triggers) plus
 * updated_at: what a bulk undo puts back so the funnel reads as if the bulk had never run.
 */
export interface FunnelSnapshot {
  pk: number;
  id: string;
  updated_at: number;
  funnel_rank: number;
  funnel_max: number;
  stage_entered_at: number | null;
  signed_up_at: number | null;
  sql_at: number | null;
  customer_at: number | null;
}

export interface NewContactRow {
  id: string;
  role: string;
  email: string | null;
  name: string | null;
  phone: string | null;
  visitorId: string | null;
  externalId: string | null;
  stage: string;
  customAttributes: string;
  createdAt: number;
  /** Default: `createdAt` (an imported contact keeps its file's creation time). */
  updatedAt?: number;
  /** The owning admin's id (default: none). */
  ownerId?: string | null;
}

/** A contact first seen in Intercom, already synced. */
export interface NewSyncedContact {
  id: string;
  role: string;
  email: string | null;
  name: string | null;
  phone: string | null;
  externalId: string | null;
  intercomId: string;
  stage: string;
  customAttributes: string;
  createdAt: number;
  updatedAt: number;
  syncBase: string;
  unsubscribedFromEmails?: boolean;
  /** The owning admin's id (default: none). */
  ownerId?: string | null;
  /**
   * Local companies it belongs to (pk and name, for its search entry; with their stages the row
   * is inserted where its links take it in the funnel, else the link trigger moves it there).
   */
  companies: readonly { pk: number; name: string; stage?: string }[];
}

const COMPANY_RANK: Record<string, number> = { sql: 2, customer: 3 };

/**
 * The funnel columns a new contact ends with once its links are in, as the triggers would write
 * them (funnel_contact_insert, then funnel_link_insert and funnel_entered for each link in
 * order): it starts at its own stage, entered when it was created, and each link that raises
 * its position moves it there at the link's time, recording when it first reached it. Where a
 * company's stage is not known it stays at the start, and the link triggers move it on.
 */
function funnelAtInsert(r: NewSyncedContact): { rank: number; max: number; entered: number; signedUpAt: number | null; sqlAt: number | null; customerAt: number | null } {
  const own = r.stage === 'signed_up' ? 1 : 0;
  const start = { rank: own, max: own, entered: r.createdAt, signedUpAt: own === 1 ? r.createdAt : null, sqlAt: null as number | null, customerAt: null as number | null };
  if (r.companies.some((co) => co.stage === undefined)) return start;
  const f = { ...start };
  let best = 0;
  for (const co of r.companies) {
    best = Math.max(best, COMPANY_RANK[co.stage ?? ''] ?? 0);
    const rank = Math.max(own, best);
    if (rank === f.rank) continue;
    f.rank = rank;
    f.entered = r.updatedAt;
    f.max = Math.max(f.max, rank);
    if (rank === 2) f.sqlAt ??= r.updatedAt;
    if (rank === 3) f.customerAt ??= r.updatedAt;
  }
  return f;
}

type SortField = ContactListQuery['sort']['field'];

/** Sort expressions; each matches one of the contacts_by_* indexes (the segment list reuses them). */
export const SORT_EXPR: Record<SortField, string> = {
  name: 'c.name COLLATE NOCASE',
  email: 'c.email',
  role: 'c.role',
  stage: 'c.stage',
  phone: 'c.phone',
  externalId: 'c.external_id',
  createdAt: 'c.created_at',
  updatedAt: 'c.updated_at',
  lastActivityAt: 'c.last_activity_at',
  syncState: 'c.sync_state',
  owner: 'c.owner_id',
};
const SORT_COLUMN: Record<SortField, keyof ContactRow> = {
  name: 'name',
  email: 'email',
  role: 'role',
  stage: 'stage',
  phone: 'phone',
  externalId: 'external_id',
  createdAt: 'created_at',
  updatedAt: 'updated_at',
  lastActivityAt: 'last_activity_at',
  syncState: 'sync_state',
  owner: 'owner_id',
};

/** Sort columns declared NOT NULL: a cursor on them needs no second range for NULLs. */
const NOT_NULL_SORTS = new Set<SortField>(['role', 'stage', 'createdAt', 'updatedAt', 'syncState']);
/** The pk of the tag named by the next parameter (names match in any case, as in Intercom). */
const TAG_PK = 'SELECT pk FROM tags WHERE name = ? COLLATE NOCASE';

/** Sorts with a (stage, column, pk) index, so a stage filter and the sort share one index. */
const STAGE_PAIRED_SORTS = new Set<SortField>(['updatedAt', 'name']);
const MAX_INDEXED_PREFIX = Math.max(...CONTACT_SEARCH_PREFIXES);
/** The archived contacts' pks (few; read once per statement from the partial index contacts_archived). */
export const ARCHIVED_PKS = 'SELECT pk FROM contacts WHERE archived_at IS NOT NULL';
/** One row when any contact is archived (the same partial index answers at once). */
export const ANY_ARCHIVED = 'SELECT 1 FROM contacts WHERE archived_at IS NOT NULL LIMIT 1';
/** Up to this many archived contacts, a deep offset page is read past them (see offsetPastArchived). */
const ARCHIVED_SEEK_LIMIT = 5000;

/**
 * Rough costs in microseconds (measured at 1M contacts, `npm run bench`) that pick how a page
 * is read; only their ratios matter.
 */
const COST = {
  /** Step to the next entry of an index. */
  indexStep: 0.1,
  /** Read a table row by pk to check a filter the index does not hold. */
  rowLookup: 1.5,
  /** Gather one match and feed it to the sorter. */
  gatherRow: 1.5,
  /** Put one search match into the in-memory set. */
  searchRow: 0.35,
  /**
   * Ask the search index whether one row matches: a lookup in every segment of the index, so
   * 15-40 µs on a merged index and ~200 µs with the ten or so segments of an index that grew
   * one change at a time.
   */
  probeBase: 10,
  probePerSegment: 20,
};

interface EnumFilter {
  column: 'stage' | 'role' | 'sync_state';
  values: string[];
}
interface ListFilters {
  fts: string | null;
  /** Every search word is short enough to be answered by a prefix index (see `probe`). */
  shortWords: boolean;
  enums: EnumFilter[];
  companyId: string | null;
  /** Owned by one of these admins, or by nobody (`none`); null: no owner filter. `me` is resolved by the caller. */
  owners: { ids: string[]; none: boolean } | null;
  /** 'only': the Archived view; 'hide': the default (nothing to hide when none is archived). */
  archived: 'only' | 'hide' | 'none';
  /** A tag's name: contacts carrying it. */
  tag: string | null;
}
/** How a page is read; see the note above `ContactRepository.filters`. */
export type PagePlan = 'plain' | 'walk' | 'walk-probe' | 'walk-set' | 'gather-search';

export class ContactRepository {
  private readonly st: Statements;
  // the link repository owns user_count: links of a synced insert go through it
  private readonly links: LinkRepository;
  private readonly snapshots: RowSnapshots;
  private archiveColumn: boolean | null = null;
  constructor(db: Database) {
    this.st = new Statements(db);
    this.links = new LinkRepository(db);
    this.snapshots = new RowSnapshots(this.st, 'contacts');
  }

  /**
   * A new local contact and its search entry. Its funnel columns are set by the
   * funnel_contact_insert trigger (migration 0005), the one place the funnel is derived.
   */
  insert(r: NewContactRow): number {
    const info = this.st
      .get(
        `INSERT INTO contacts (id, role, email, name, phone, visitor_id, external_id, stage, custom_attributes, created_at, updated_at, owner_id)
         VALUES (@id, @role, @email, @name, @phone, @visitorId, @externalId, @stage, @customAttributes, @createdAt, @updatedAt, @ownerId)`,
      )
      .run({ ...r, updatedAt: r.updatedAt ?? r.createdAt, ownerId: r.ownerId ?? null });
    const pk = Number(info.lastInsertRowid);
    // a new contact has no companies and no old entry: its search entry is written directly
    this.st
      .get(`INSERT INTO contact_search (rowid, name, email, companies) VALUES (@pk, @name, @email, '')`)
      .run({ pk, name: r.name ?? '', email: r.email ?? '' });
    return pk;
  }

  /**
   * Contacts first seen in Intercom, already synced (no outbox entry): the rows, their links,
   * then one search entry each, with the same text `reindex` writes. The search entries go in
   * last, in one run: a statement that opens a savepoint (the count trigger, the links' foreign
   * keys) makes FTS5 flush its pending terms into a new segment, and interleaved with the rows
   * that is one tiny segment per contact, which makes a page several times slower.
   * Returns the pks in input order. `searchEntries: false` leaves the search entries to a later
   * `writeSearchEntriesAfter` (a large first import writes them in passes).
   */
  insertSynced(rows: readonly NewSyncedContact[], options: { searchEntries?: boolean } = {}): number[] {
    // the funnel columns as the triggers would leave them once the links are in (funnelAtInsert),
    // so neither the insert trigger nor a link rewrites the row; the companies' user counts go up
    // once a page. Bound by position: this runs once per contact of a first import, and an object
    // of named values costs more to build and bind than the row to write.
    const insert = this.st.get(
      `INSERT INTO contacts (id, role, email, name, phone, external_id, intercom_id, stage, custom_attributes,
                             created_at, updated_at, sync_state, sync_base, unsubscribed_from_emails, owner_id,
                             funnel_rank, funnel_max, stage_entered_at, signed_up_at, sql_at, customer_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'synced', ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const links: { contactPk: number; companyPk: number; at: number }[] = [];
    const pks = rows.map((r) => {
      const f = funnelAtInsert(r);
      const pk = Number(
        insert.run(
          r.id, r.role, r.email, r.name, r.phone, r.externalId, r.intercomId, r.stage, r.customAttributes,
          r.createdAt, r.updatedAt, r.syncBase, r.unsubscribedFromEmails ? 1 : 0, r.ownerId ?? null,
          f.rank, f.max, f.entered, f.signedUpAt, f.sqlAt, f.customerAt,
        ).lastInsertRowid,
      );
      for (const co of r.companies) links.push({ contactPk: pk, companyPk: co.pk, at: r.updatedAt });
      return pk;
    });
    this.links.linkNew(links);
    if (options.searchEntries === false) return pks;
    const index = this.st.get('INSERT INTO contact_search (rowid, name, email, companies) VALUES (@pk, @name, @email, @companies)');
    rows.forEach((r, i) => {
      index.run({ pk: pks[i], name: r.name ?? '', email: r.email ?? '', companies: r.companies.map((c) => c.name).join(' ') });
    });
    return pks;
  }

  // ---- search entries written in passes (a large first import) -------------------------------

  /** The highest pk so far (0 for none): contacts added after it are those with a greater one. */
  maxPk(): number {
    return (this.st.get<{ m: number }>('SELECT coalesce(max(pk), 0) AS m FROM contacts').get() as { m: number }).m;
  }

  /**
   * Writes the search entry of every contact with a pk above `afterPk`, in one statement, with
   * the text `reindex` writes; returns how many. Entries written meanwhile (a person's new
   * contact, an edit's `reindex`) are replaced, never doubled: FTS5 takes OR REPLACE on a
   * contentless-delete table by rowid. In pk order, so FTS5 fills its pending terms without
   * flushing a segment per contact, which makes a pass several times cheaper than entries
   * written page by page.
   */
  writeSearchEntriesAfter(afterPk: number): number {
    return this.st
      .get(
        `INSERT OR REPLACE INTO contact_search (rowid, name, email, companies)
         SELECT c.pk, coalesce(c.name, ''), coalesce(c.email, ''),
                coalesce((SELECT group_concat(co.name, ' ') FROM contact_companies l
                          JOIN companies co ON co.pk = l.company_pk WHERE l.contact_pk = c.pk), '')
         FROM contacts c WHERE c.pk > ? ORDER BY c.pk`,
      )
      .run(afterPk).changes;
  }

  byId(id: string): ContactRow | undefined {
    return this.st.get<ContactRow>('SELECT * FROM contacts WHERE id = ?').get(id);
  }

  byPk(pk: number): ContactRow | undefined {
    return this.st.get<ContactRow>('SELECT * FROM contacts WHERE pk = ?').get(pk);
  }

  byVisitorId(visitorId: string): ContactRow | undefined {
    return this.st.get<ContactRow>('SELECT * FROM contacts WHERE visitor_id = ?').get(visitorId);
  }

  byExternalId(externalId: string): ContactRow | undefined {
    return this.st.get<ContactRow>('SELECT * FROM contacts WHERE external_id = ?').get(externalId);
  }

  /** Contacts sharing a (normalised) email, oldest first. */
  byEmail(email: string, exceptId?: string): ContactRef[] {
    return this.st
      .get<ContactRow>('SELECT id, name, email, role, stage FROM contacts WHERE email = ? AND id IS NOT ? ORDER BY pk LIMIT 20')
      .all(email, exceptId ?? null)
      .map(toContactRef);
  }

  /** Writes the given columns; the statement is cached per set of columns. */
  update(pk: number, fields: ContactWrite): void {
    const keys = (Object.keys(fields) as (keyof typeof WRITABLE)[]).filter((k) => fields[k] !== undefined).sort();
    if (keys.length === 0) return;
    const sql = `UPDATE contacts SET ${keys.map((k) => `${WRITABLE[k]} = @${k}`).join(', ')} WHERE pk = @pk`;
    const values: Record<string, unknown> = { ...fields, pk };
    // SQLite has no boolean: the consent flag is stored 0 or 1
    if (typeof fields.unsubscribedFromEmails === 'boolean') values.unsubscribedFromEmails = fields.unsubscribedFromEmails ? 1 : 0;
    this.st.get(sql).run(values);
    if (keys.some((k) => k === 'name' || k === 'email')) this.reindex(pk);
  }

  /** Ids of the contacts Intercom knows, oldest first (at most `limit`). */
  idsInIntercom(limit: number): string[] {
    return this.st
      .get<{ id: string }>('SELECT id FROM contacts WHERE intercom_id IS NOT NULL ORDER BY pk LIMIT ?')
      .all(limit)
      .map((r) => r.id);
  }

  count(): number {
    return (this.st.get<{ n: number }>('SELECT count(*) AS n FROM contacts').get() as { n: number }).n;
  }

  /** Rebuilds one contact's search entry from its row and its companies' names. */
  reindex(pk: number): void {
    this.st.get('DELETE FROM contact_search WHERE rowid = ?').run(pk);
    this.st
      .get(
        `INSERT INTO contact_search (rowid, name, email, companies)
         SELECT c.pk, coalesce(c.name, ''), coalesce(c.email, ''),
                coalesce((SELECT group_concat(co.name, ' ') FROM contact_companies l
                          JOIN companies co ON co.pk = l.company_pk WHERE l.contact_pk = c.pk), '')
         FROM contacts c WHERE c.pk = ?`,
      )
      .run(pk);
  }

  // ---- taking changes back (an undo) ---------------------------------------------------------

  /** The whole row as stored, to put back with `restore`. */
  snapshot(pk: number): RowSnapshot | undefined {
    return this.snapshots.take(pk);
  }

  /**
   * Puts a row back as it was. Written twice: the first write's triggers (funnel position,
   * counts) may move columns the snapshot also holds; the second sets them back and, stage and
   * rank being equal by then, fires nothing. The search entry is the caller's (`reindex`).
   */
  restore(snap: RowSnapshot): void {
    this.snapshots.put(snap, 2);
  }

  /**
   * Puts the funnel columns back. Written after the stage or link writes of an undo, whose
   * triggers have already recomputed them from the restored rows; this only restores the history
   * part (furthest stage reached, when) the triggers cannot unlearn.
   */
  restoreFunnel(s: FunnelSnapshot): void {
    this.st
      .get(
        `UPDATE contacts SET updated_at = @updated_at, funnel_rank = @funnel_rank, funnel_max = @funnel_max,
           stage_entered_at = @stage_entered_at, signed_up_at = @signed_up_at, sql_at = @sql_at, customer_at = @customer_at
         WHERE pk = @pk`,
      )
      .run(s);
  }

  /**
   * A removed row back with its own pk (a merge's undo), every stored column as the snapshot holds
   * it; its search entry is the caller's (`reindex`, once its links are back).
   */
  reinsert(snap: RowSnapshot): void {
    const cols = Object.keys(snap).filter((c) => /^[a-z_]+$/.test(c));
    this.st.get(`INSERT INTO contacts (${cols.join(', ')}) VALUES (${cols.map((c) => `@${c}`).join(', ')})`).run(snap);
    // the insert triggers derive the funnel columns; the snapshot's are the ones to keep
    this.snapshots.put(snap, 2);
  }

  /** The row and its search entry; its links, history and outbox entries must be gone first. */
  delete(pk: number): void {
    this.st.get('DELETE FROM contact_search WHERE rowid = ?').run(pk);
    this.st.get('DELETE FROM contacts WHERE pk = ?').run(pk);
  }

  // ---- the table: one page plus the exact total -------------------------------------------
  //
  // The total comes first, from the cheapest exact source: the trigger-kept contact_counts
  // for stage / role / sync-state filters, the search index alone for a search with no other
  // filter (every contact has exactly one search entry: insert and reindex keep it so), else a
  // count over the joined filters. Knowing how many rows match, the page is read the cheaper
  // of two ways (SQLite cannot guess how many rows a search matches, so it is told):
  //   walk:   read the sort index in order and keep the rows that match, stopping after the
  //           page; cheap when matches are dense (about (offset + limit) * all / total steps).
  //           A search is checked per row against the search index (a probe, when every word
  //           is short enough for a prefix index) or against the set of matches built once.
  //   gather: collect the matches (from the search index, or a filter's index), then sort
  //           them; cheap when they are few.
  // A page at an offset is read as its pks first (walking the index only), then the rows.

  /** Filters and search as SQL pieces; the search predicate's form depends on the plan. */
  private filters(q: ContactListQuery): ListFilters {
    const enums: EnumFilter[] = [];
    const inList = (column: EnumFilter['column'], values: readonly string[] | undefined, all: readonly string[]) => {
      const distinct = [...new Set(values ?? [])];
      if (distinct.length === 0 || distinct.length >= all.length) return; // no filter, or every value
      enums.push({ column, values: distinct });
    };
    inList('stage', q.filter.stage, CONTACT_STAGES);
    inList('role', q.filter.role, ROLES);
    inList('sync_state', q.filter.syncState, SYNC_STATES);
    return {
      fts: toFtsQuery(q.search),
      // JS length >= characters FTS5 counts (surrogate pairs, combining marks), so never too short
      shortWords: searchWords(q.search).every((w) => w.length <= MAX_INDEXED_PREFIX),
      enums,
      companyId: q.filter.companyId ?? null,
      owners: q.filter.owner?.length
        ? { ids: [...new Set(q.filter.owner.filter((o) => o !== 'none' && o !== 'me'))], none: q.filter.owner.includes('none') }
        : null,
      archived: q.filter.archived ? 'only' : this.anyArchived() ? 'hide' : 'none',
      tag: q.filter.tag ?? null,
    };
  }

  /** Whether any contact is archived (the partial index contacts_archived answers at once). */
  anyArchived(): boolean {
    // a store read at an older schema (the migration tests) has no archived contacts
    this.archiveColumn ??= this.st.db.prepare(`SELECT 1 FROM pragma_table_info('contacts') WHERE name = 'archived_at'`).get() !== undefined;
    return this.archiveColumn && this.st.get(ANY_ARCHIVED).get() !== undefined;
  }

  /** Contacts matching only the enum filters (all contacts when there are none), exactly. */
  private countByEnums(enums: EnumFilter[]): number {
    const where = enums.map((f) => `${f.column} IN (${f.values.map(() => '?').join(', ')})`);
    const sql = `SELECT coalesce(sum(n), 0) AS n FROM contact_counts${where.length ? ` WHERE ${where.join(' AND ')}` : ''}`;
    return (this.st.get<{ n: number }>(sql).get(...enums.flatMap((f) => f.values)) as { n: number }).n;
  }

  /** The statement behind the total, chosen as described above. */
  private countSql(f: ListFilters): BoundSql | { byEnums: EnumFilter[] } {
    // contact_counts leaves archived contacts out (migration 0013): right for every view but theirs
    if (!f.fts && !f.companyId && !f.owners && !f.tag && f.archived !== 'only') return { byEnums: f.enums };
    // a tag alone: the length of its range of contact_tags' primary key (no contact row read)
    if (f.tag && !f.fts && !f.companyId && !f.owners && f.enums.length === 0 && f.archived === 'none') {
      return { sql: `SELECT count(*) AS n FROM contact_tags WHERE tag_pk = (${TAG_PK})`, params: [f.tag] };
    }
    if (f.fts && !f.companyId && !f.owners && !f.tag && f.enums.length === 0 && f.archived !== 'only') {
      const hide = f.archived === 'hide' ? ` AND rowid NOT IN (${ARCHIVED_PKS})` : '';
      return { sql: `SELECT count(*) AS n FROM contact_search WHERE contact_search MATCH ?${hide}`, params: [f.fts] };
    }
    const w = this.whereSql(f, 'in', true);
    return { sql: `SELECT count(*) AS n FROM contacts c WHERE ${w.sql}`, params: w.params };
  }

  private runCount(c: BoundSql | { byEnums: EnumFilter[] }): number {
    if ('byEnums' in c) return this.countByEnums(c.byEnums);
    return (this.st.get<{ n: number }>(c.sql).get(...c.params) as { n: number }).n;
  }

  /**
   * WHERE text for the filters. `search` picks the form of the search predicate; `indexable`
   * false wraps the enum filters in unary + so SQLite walks the sort index instead of
   * gathering by a filter's index (the stage filter stays usable where a (stage, sort) index
   * serves both).
   */
  private whereSql(f: ListFilters, search: 'in' | 'set' | 'probe' | 'driver', indexable: boolean, sortField?: SortField): BoundSql {
    const clauses: string[] = [];
    const params: unknown[] = [];
    if (f.fts) {
      if (search === 'in') clauses.push('c.pk IN (SELECT rowid FROM contact_search WHERE contact_search MATCH ?)');
      if (search === 'set') clauses.push('+c.pk IN (SELECT rowid FROM contact_search WHERE contact_search MATCH ?)');
      if (search === 'probe') clauses.push('EXISTS (SELECT 1 FROM contact_search s WHERE s.rowid = c.pk AND s.contact_search MATCH ?)');
      if (search === 'driver') clauses.push('s.contact_search MATCH ?');
      params.push(f.fts);
    }
    for (const e of f.enums) {
      const keep = indexable || (e.column === 'stage' && sortField !== undefined && STAGE_PAIRED_SORTS.has(sortField));
      clauses.push(`${keep ? '' : '+'}c.${e.column} IN (${e.values.map(() => '?').join(', ')})`);
      params.push(...e.values);
    }
    if (f.owners) {
      // the owner index serves both tests (and, for one owner, the updated-time order)
      const tests = [...(f.owners.ids.length ? [`c.owner_id IN (${f.owners.ids.map(() => '?').join(', ')})`] : []), ...(f.owners.none ? ['c.owner_id IS NULL'] : [])];
      clauses.push(tests.length === 0 ? '0' : tests.length === 1 ? tests[0]! : `(${tests.join(' OR ')})`);
      params.push(...f.owners.ids);
    }
    if (f.companyId) {
      clauses.push('c.pk IN (SELECT l.contact_pk FROM contact_companies l WHERE l.company_pk = (SELECT pk FROM companies WHERE id = ?))');
      params.push(f.companyId);
    }
    if (f.tag) {
      // gathering: the tag's range of contact_tags' primary key, each contact then found by pk;
      // walking the sort index: one probe of that key per row (no set of members built first)
      clauses.push(
        indexable
          ? `c.pk IN (SELECT ct.contact_pk FROM contact_tags ct WHERE ct.tag_pk = (${TAG_PK}))`
          : `EXISTS (SELECT 1 FROM contact_tags ct WHERE ct.tag_pk = (${TAG_PK}) AND ct.contact_pk = c.pk)`,
      );
      params.push(f.tag);
    }
    // by pk, which every index holds: walking a sort index needs no table row for it
    if (f.archived === 'hide') clauses.push(`c.pk NOT IN (${ARCHIVED_PKS})`);
    if (f.archived === 'only') clauses.push('c.archived_at IS NOT NULL');
    return { sql: clauses.length ? clauses.join(' AND ') : '1', params };
  }

  /** How to read the page, from the exact total; see the note above `filters`. */
  private choosePlan(q: ContactListQuery, f: ListFilters, total: number): PagePlan {
    if (f.companyId) return 'plain'; // a company has few contacts: SQLite starts from them
    // one owner's contacts: the (owner, updated, pk) index is the order; else SQLite starts from the owner index
    if (f.owners && !f.fts) return 'plain';
    if (f.archived === 'only') return 'plain'; // few: SQLite starts from the partial index
    // a tag with a search or other filters: SQLite picks its way from the tag's key
    if (f.tag && (f.fts || f.enums.length > 0)) return 'plain';
    if (!f.fts && f.enums.length === 0 && !f.tag) return 'plain';
    if (!f.fts && !f.tag && f.enums.every((e) => e.column === 'stage') && STAGE_PAIRED_SORTS.has(q.sort.field)) return 'plain';
    const all = this.countByEnums([]);
    const want = (q.cursor ? 0 : (q.offset ?? 0)) + q.limit;
    const steps = (want * all) / Math.max(total, 1); // sort index entries walked to fill the page
    // walking checks enum filters the sort index does not hold against the table row
    // a tag is probed in its key (as cheap as a row lookup) on each step
    const perStep = f.enums.length || f.tag ? COST.rowLookup : 0;
    const gather = total * COST.gatherRow;
    if (!f.fts) return steps * (COST.indexStep + perStep) < gather ? 'walk' : 'plain';
    const ftsMatches = total; // a lower bound when enum filters narrow the search further
    const set = ftsMatches * COST.searchRow + steps * (COST.indexStep + perStep);
    const probe = f.shortWords ? steps * (COST.probeBase + COST.probePerSegment * this.searchSegments() + perStep) : Infinity;
    const best = Math.min(gather, set, probe);
    return best === probe ? 'walk-probe' : best === set ? 'walk-set' : 'gather-search';
  }

  /**
   * Segments in the contact search index (FTS5 keeps one row per segment and term page in its
   * %_idx table). If a future FTS5 stores them otherwise, assume a grown, unmerged index.
   */
  private searchSegments(): number {
    try {
      return Math.max(1, (this.st.get<{ n: number }>('SELECT count(DISTINCT segid) AS n FROM contact_search_idx').get() as { n: number }).n);
    } catch {
      return 10;
    }
  }

  /** One page statement: the rows (or, for a deep page, their pks) in order. */
  private pageSql(q: ContactListQuery, f: ListFilters, plan: PagePlan, seek: SeekRange | null, limit: number, offset: number, pksOnly: boolean): BoundSql {
    const expr = SORT_EXPR[q.sort.field];
    const dir = q.sort.dir === 'desc' ? 'DESC' : 'ASC';
    const cols = pksOnly ? 'c.pk' : 'c.*';
    const search = plan === 'walk-probe' ? 'probe' : plan === 'walk-set' ? 'set' : plan === 'gather-search' ? 'driver' : 'in';
    const w = this.whereSql(f, search, plan !== 'walk' && plan !== 'walk-probe' && plan !== 'walk-set', q.sort.field);
    const where = seek ? `${w.sql} AND ${seek.sql}` : w.sql;
    const from = plan === 'gather-search' ? 'contact_search s CROSS JOIN contacts c ON c.pk = s.rowid' : 'contacts c';
    return {
      sql: `SELECT ${cols} FROM ${from} WHERE ${where} ORDER BY ${expr} ${dir}, c.pk ${dir} LIMIT ? OFFSET ?`,
      params: [...w.params, ...(seek?.params ?? []), limit, offset],
    };
  }

  /** Statements for the page, in the order they run (a seek may need a second range). */
  private pageStatements(
    q: ContactListQuery,
    f: ListFilters,
    total: number,
    forced?: PagePlan,
  ): { plan: PagePlan; ranges: (SeekRange | null)[]; offset: number } {
    const plan = forced ?? this.choosePlan(q, f, total);
    if (!q.cursor) return { plan, ranges: [null], offset: q.offset ?? 0 };
    const cursor = decodeCursor(q.cursor, q.sort.field, q.sort.dir);
    return { plan, ranges: seekAfter(SORT_EXPR[q.sort.field], 'c.pk', cursor, NOT_NULL_SORTS.has(q.sort.field)), offset: 0 };
  }

  /** The page statement for one range: a deep offset reads pks from the index first, then rows. */
  private pageStatement(q: ContactListQuery, f: ListFilters, plan: PagePlan, seek: SeekRange | null, limit: number, offset: number): BoundSql {
    if (offset === 0) return this.pageSql(q, f, plan, seek, limit, 0, false);
    const inner = this.pageSql(q, f, plan, seek, limit, offset, true);
    const dir = q.sort.dir === 'desc' ? 'DESC' : 'ASC';
    return {
      sql: `SELECT c.* FROM contacts c WHERE c.pk IN (${inner.sql}) ORDER BY ${SORT_EXPR[q.sort.field]} ${dir}, c.pk ${dir}`,
      params: inner.params,
    };
  }

  /**
   * The statements behind `list`, bare: the total and one page of rows, without the next
   * page's cursor and without mapping. The benchmark times it as the baseline the API call is compared with. `plan`
   * forces how the page is read (tests check every plan gives the same rows).
   */
  listBare(q: ContactListQuery, options: { plan?: PagePlan } = {}): { rows: ContactRow[]; total: number } {
    const f = this.filters(q);
    if (q.cursor) decodeCursor(q.cursor, q.sort.field, q.sort.dir); // a bad cursor fails even when nothing matches
    const total = this.runCount(this.countSql(f));
    const rows: ContactRow[] = [];
    if (total === 0 || (!q.cursor && (q.offset ?? 0) >= total)) return { rows, total }; // nothing on this page
    if (f.archived === 'hide' && !q.cursor && (q.offset ?? 0) >= this.offsetSeekFrom) {
      const page = this.offsetPastArchived(q, f, total, options.plan);
      if (page) return { rows: page, total };
    }
    const { plan, ranges, offset } = this.pageStatements(q, f, total, options.plan);
    for (const seek of ranges) {
      const page = this.pageStatement(q, f, plan, seek, q.limit - rows.length, offset);
      rows.push(...this.st.get<ContactRow>(page.sql).all(...page.params));
      if (rows.length >= q.limit) break;
    }
    return { rows, total };
  }

  /**
   * A deep offset page with archived contacts hidden. Checking every index entry an offset skips
   * against the archived set costs about 0.5 µs each (30 ms at an offset of 50,000), where a bare
   * offset skips entries unread: so the page is read without that check, from the offset M of the
   * same query with archived contacts in, where M less the archived contacts before M is the
   * offset asked. The archived contacts before a row are counted by its sort key among the few
   * archived ones; M is found by iterating M = offset + archived before M (a few steps, each one
   * bare offset read and one count), then the archived ones in the page are dropped.
   */
  private offsetPastArchived(q: ContactListQuery, f: ListFilters, total: number, forced?: PagePlan): ContactRow[] | null {
    const open: ListFilters = { ...f, archived: 'none' };
    const plan = forced ?? this.choosePlan(q, open, total);
    const w = this.whereSql(open, 'in', true);
    const archivedWhere = `c.archived_at IS NOT NULL AND ${w.sql}`;
    const count = (extra: SeekRange[]): number => {
      const ranges = extra.length ? ` AND (${extra.map((r) => r.sql).join(' OR ')})` : '';
      // from the partial index of the few archived ones, not a sort index walked from the key
      const sql = `SELECT count(*) AS n FROM contacts c INDEXED BY contacts_archived WHERE ${archivedWhere}${ranges}`;
      return (this.st.get<{ n: number }>(sql).get(...w.params, ...extra.flatMap((r) => r.params)) as { n: number }).n;
    };
    const archived = count([]);
    // many archived: each page would read them all; the check per entry is the cheaper then
    if (archived > ARCHIVED_SEEK_LIMIT) return null;
    const offset = q.offset ?? 0;
    const read = (at: number, limit: number): ContactRow[] => {
      const s = this.pageStatement(q, open, plan, null, limit, at);
      return this.st.get<ContactRow>(s.sql).all(...s.params);
    };
    /** Archived contacts (matching the filters) sorted before the row at `at` of the open query. */
    const archivedBefore = (at: number): number => {
      const [row] = read(at, 1);
      if (!row) return archived;
      const cursor = { f: q.sort.field, d: q.sort.dir, v: row[SORT_COLUMN[q.sort.field]] as string | number | null, p: row.pk };
      const after = count(seekAfter(SORT_EXPR[q.sort.field], 'c.pk', cursor, NOT_NULL_SORTS.has(q.sort.field)));
      return archived - after - (row.archived_at !== null ? 1 : 0);
    };
    let at = offset;
    for (let step = 0; step < 100; step++) {
      const next = offset + archivedBefore(at);
      if (next === at) break;
      at = next;
    }
    // the page's pks from the index alone (reading the skipped archived rows would cost more), then its rows
    const hidden = new Set(this.st.get<{ pk: number }>(`SELECT pk FROM contacts INDEXED BY contacts_archived WHERE archived_at IS NOT NULL`).all().map((r) => r.pk));
    const s = this.pageSql(q, open, plan, null, q.limit + archived, at, true);
    const pks = this.st
      .get<{ pk: number }>(s.sql)
      .all(...s.params)
      .map((r) => r.pk)
      .filter((pk) => !hidden.has(pk))
      .slice(0, q.limit);
    const dir = q.sort.dir === 'desc' ? 'DESC' : 'ASC';
    return this.st
      .get<ContactRow>(`SELECT c.* FROM contacts c WHERE c.pk IN (SELECT value FROM json_each(?)) ORDER BY ${SORT_EXPR[q.sort.field]} ${dir}, c.pk ${dir}`)
      .all(JSON.stringify(pks));
  }

  /** From this offset on, a page with archived contacts hidden is read by `offsetPastArchived`. */
  offsetSeekFrom = 1000;

  /** One page of the table plus the total for the same filters. */
  list(q: ContactListQuery): { rows: ContactRow[]; total: number; nextCursor: string | null } {
    const { rows, total } = this.listBare(q);
    const last = rows[rows.length - 1];
    const nextCursor =
      last && rows.length === q.limit
        ? encodeCursor({ f: q.sort.field, d: q.sort.dir, v: last[SORT_COLUMN[q.sort.field]] as string | number | null, p: last.pk })
        : null;
    return { rows, total, nextCursor };
  }

  /**
   * The statements `list` would run for a query, for EXPLAIN QUERY PLAN and diagnostics. The
   * page's form depends on the total, so this runs the count.
   */
  explainList(
    q: ContactListQuery,
    options: { plan?: PagePlan } = {},
  ): { plan: PagePlan; total: number; count: BoundSql | null; page: (BoundSql & { queryPlan: string[] })[] } {
    const f = this.filters(q);
    const countSql = this.countSql(f);
    const total = this.runCount(countSql);
    const { plan, ranges, offset } = this.pageStatements(q, f, Math.max(total, 1), options.plan);
    const page = ranges.map((seek) => {
      const s = this.pageStatement(q, f, plan, seek, q.limit, offset);
      const details = this.st.db.prepare(`EXPLAIN QUERY PLAN ${s.sql}`).all(...s.params) as { detail: string }[];
      return { ...s, queryPlan: details.map((d) => d.detail) };
    });
    return { plan, total, count: 'byEnums' in countSql ? null : countSql, page };
  }
}
