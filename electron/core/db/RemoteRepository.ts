// The pull side of sync: records as Intercom has them (import and incremental pull), matched to
// local ones in one query per page, and written without outbox entries.
import type { Database } from 'better-sqlite3';
import type { EntityType } from '../../../shared/domain';
import { CompanyRepository, type NewSyncedCompany } from './CompanyRepository';
import { ContactRepository, type NewSyncedContact } from './ContactRepository';
import type { CompanyRow, ContactRow } from './rows';
import { Statements } from './Statements';

export type SyncedContactRow = ContactRow & { sync_base: string | null };
export type SyncedCompanyRow = CompanyRow & { sync_base: string | null };

/** The keys a remote contact may be known by locally, strongest first. */
export interface ContactKeys {
  intercomId: string;
  /** From a synthetic external id (`lc-<local id>`): a lead we created whose create answer was lost. */
  localId: string | null;
  /** The customer's user id. */
  externalId: string | null;
}

export interface CompanyKeys {
  intercomId: string;
  /** Intercom's company_id: the local external id, or `lc-<local id>`. */
  companyId: string | null;
  localId: string | null;
}

/** A contact first seen in Intercom (the contact repository inserts it). */
export type NewRemoteContact = NewSyncedContact;
/** A company first seen in Intercom (the company repository inserts it). */
export type RemoteCompanyRow = NewSyncedCompany;

export interface IndexDefinition {
  name: string;
  sql: string;
}

/** An outbox entry still to reach Intercom (pending, in flight or refused). */
export interface WaitingEntry {
  entity_id: string;
  op: string;
  payload: string;
}

export class RemoteRepository {
  private readonly st: Statements;
  // rows are inserted by the contact and company repositories (each owns its table's insert,
  // its search index and, through links, user_count)
  private readonly contacts: ContactRepository;
  private readonly companies: CompanyRepository;

  constructor(db: Database) {
    this.st = new Statements(db);
    this.contacts = new ContactRepository(db);
    this.companies = new CompanyRepository(db);
  }

  /**
   * Local contacts for a page of remote ones, by index into `keys`: by Intercom id, else by the
   * local id in a synthetic external id, else by the customer's user id. One statement per page.
   */
  matchContacts(keys: readonly ContactKeys[]): Map<number, SyncedContactRow> {
    const rows = this.st
      .get<SyncedContactRow & { idx: number }>(
        `SELECT j.key AS idx, c.* FROM json_each(@keys) j
         JOIN contacts c ON c.pk = coalesce(
           (SELECT pk FROM contacts WHERE intercom_id = json_extract(j.value, '$.intercomId')),
           (SELECT pk FROM contacts WHERE id = json_extract(j.value, '$.localId')),
           (SELECT pk FROM contacts WHERE external_id = json_extract(j.value, '$.externalId')))`,
      )
      .all({ keys: JSON.stringify(keys) });
    return byIndex(rows);
  }

  /** Local companies for a page of remote ones: by Intercom id, else company_id = external id, else `lc-<local id>`. */
  matchCompanies(keys: readonly CompanyKeys[]): Map<number, SyncedCompanyRow> {
    const rows = this.st
      .get<SyncedCompanyRow & { idx: number }>(
        `SELECT j.key AS idx, co.* FROM json_each(@keys) j
         JOIN companies co ON co.pk = coalesce(
           (SELECT pk FROM companies WHERE intercom_id = json_extract(j.value, '$.intercomId')),
           (SELECT pk FROM companies WHERE external_id = json_extract(j.value, '$.companyId')),
           (SELECT pk FROM companies WHERE id = json_extract(j.value, '$.localId')))`,
      )
      .all({ keys: JSON.stringify(keys) });
    return byIndex(rows);
  }

  contactByPk(pk: number): SyncedContactRow | undefined {
    return this.st.get<SyncedContactRow>('SELECT * FROM contacts WHERE pk = @pk').get({ pk });
  }

  contactById(id: string): SyncedContactRow | undefined {
    return this.st.get<SyncedContactRow>('SELECT * FROM contacts WHERE id = @id').get({ id });
  }

  companyById(id: string): SyncedCompanyRow | undefined {
    return this.st.get<SyncedCompanyRow>('SELECT * FROM companies WHERE id = @id').get({ id });
  }

  /** Companies in Intercom with no users here, in pk order after `afterPk`: Intercom's listings leave such companies out. */
  userlessCompanies(afterPk: number, limit: number): { pk: number; id: string; external_id: string | null; intercom_id: string }[] {
    return this.st
      .get<{ pk: number; id: string; external_id: string | null; intercom_id: string }>(
        'SELECT pk, id, external_id, intercom_id FROM companies WHERE intercom_id IS NOT NULL AND user_count = 0 AND pk > @after ORDER BY pk LIMIT @limit',
      )
      .all({ after: afterPk, limit });
  }

  /**
   * Contacts Intercom has, not archived here and with nothing of theirs in the outbox (waiting,
   * in flight or refused, or sent after `recent`: Intercom may not show a new contact at once),
   * after `afterPk` in pk order: those a read by id checks are still there.
   */
  contactsToCheck(afterPk: number, limit: number, recent: number): { pk: number; id: string; intercom_id: string }[] {
    return this.st
      .get<{ pk: number; id: string; intercom_id: string }>(
        `SELECT c.pk, c.id, c.intercom_id FROM contacts c
         WHERE c.pk > @after AND c.intercom_id IS NOT NULL AND c.archived_at IS NULL
           AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.entity_id = c.id AND (o.status != 'done' OR o.updated_at > @recent))
         ORDER BY c.pk LIMIT @limit`,
      )
      .all({ after: afterPk, limit, recent });
  }

  /** Local companies by their Intercom ids (unknown ids are left out). */
  companiesByIntercomId(intercomIds: readonly string[]): Map<string, { pk: number; id: string; name: string; stage: string }> {
    const out = new Map<string, { pk: number; id: string; name: string; stage: string }>();
    if (intercomIds.length === 0) return out;
    const rows = this.st
      .get<{ intercom_id: string; pk: number; id: string; name: string; stage: string }>(
        'SELECT intercom_id, pk, id, name, stage FROM companies WHERE intercom_id IN (SELECT value FROM json_each(@ids))',
      )
      .all({ ids: JSON.stringify(intercomIds) });
    for (const r of rows) out.set(r.intercom_id, { pk: r.pk, id: r.id, name: r.name, stage: r.stage });
    return out;
  }

  /** Entries of these records that have not reached Intercom yet, oldest first. */
  waitingEntries(entityIds: readonly string[]): WaitingEntry[] {
    if (entityIds.length === 0) return [];
    return this.st
      .get<WaitingEntry>(
        `SELECT entity_id, op, payload FROM outbox
         WHERE entity_id IN (SELECT value FROM json_each(@ids)) AND status IN ('pending', 'in_flight', 'failed')
         ORDER BY seq`,
      )
      .all({ ids: JSON.stringify(entityIds) });
  }

  /**
   * Contacts removed here whose archive has not reached Intercom yet, and contacts deleted here
   * (sent or not: Intercom's search shows a deleted contact for minutes): local id and Intercom id
   * (null while their create's answer is awaited). A pull must not bring them back.
   */
  waitingArchives(): { entity_id: string; intercom_id: string | null }[] {
    return this.st
      .get<{ entity_id: string; intercom_id: string | null }>(
        `SELECT entity_id, json_extract(payload, '$.intercomId') AS intercom_id FROM outbox
         WHERE (status IN ('pending', 'in_flight', 'failed') AND op = 'contact.archive') OR op = 'contact.delete'
         UNION ALL
         -- a contact merged here into another: Intercom lists it until its merge goes out
         SELECT json_extract(payload, '$.fromId'), json_extract(payload, '$.fromIntercomId') FROM outbox
         WHERE status IN ('pending', 'in_flight', 'failed') AND op = 'contact.merge'`,
      )
      .all();
  }

  /**
   * Companies removed here whose delete has not reached Intercom yet: local id, Intercom id (null
   * while their create's answer is awaited) and user-given company id (null: derived from the local id). A pull must not bring them back meanwhile.
   */
  waitingCompanyDeletes(): { entity_id: string; intercom_id: string | null; external_id: string | null }[] {
    return this.st
      .get<{ entity_id: string; intercom_id: string | null; external_id: string | null }>(
        `SELECT entity_id, json_extract(payload, '$.intercomId') AS intercom_id, json_extract(payload, '$.externalId') AS external_id FROM outbox
         WHERE status IN ('pending', 'in_flight', 'failed') AND op = 'company.delete'`,
      )
      .all();
  }

  /**
   * Entries of these records that reached Intercom since `since` (ms), with when they did: a
   * version of the record older than that cannot know what they wrote.
   */
  doneEntriesSince(entityIds: readonly string[], since: number): (WaitingEntry & { updated_at: number })[] {
    if (entityIds.length === 0) return [];
    return this.st
      .get<WaitingEntry & { updated_at: number }>(
        `SELECT entity_id, op, payload, updated_at FROM outbox
         WHERE entity_id IN (SELECT value FROM json_each(@ids)) AND status = 'done' AND updated_at >= @since`,
      )
      .all({ ids: JSON.stringify(entityIds), since });
  }

  /** A contact's links, with the company's Intercom id (null for a company Intercom has not seen). */
  linksOf(contactPk: number): { company_pk: number; company_id: string; intercom_id: string | null; created_at: number }[] {
    return this.st
      .get<{ company_pk: number; company_id: string; intercom_id: string | null; created_at: number }>(
        `SELECT l.company_pk, co.id AS company_id, co.intercom_id, l.created_at FROM contact_companies l
         JOIN companies co ON co.pk = l.company_pk WHERE l.contact_pk = @pk`,
      )
      .all({ pk: contactPk });
  }

  /** Contacts first seen in Intercom; see ContactRepository.insertSynced. Returns the pks in input order. */
  insertContacts(rows: readonly NewRemoteContact[]): number[] {
    return this.contacts.insertSynced(rows);
  }

  insertCompany(r: RemoteCompanyRow): number {
    return this.companies.insertSynced(r);
  }

  /**
   * For a bulk write (the first import): the WAL is copied into the database less often. Each
   * page rewrites index pages all over the file; a checkpoint every thousand WAL pages (SQLite's
   * default) copies and syncs them again every few pages, which costs more than the writes.
   * At 10,000 pages (40 MB of WAL at most) a checkpoint copies each page once for many commits.
   * Returns the function that puts the default back.
   */
  checkpointLessOften(pages = 10_000): () => void {
    const before = this.st.db.pragma('wal_autocheckpoint', { simple: true }) as number;
    this.st.db.pragma(`wal_autocheckpoint = ${Math.max(before, pages)}`);
    return () => {
      this.st.db.pragma(`wal_autocheckpoint = ${before}`);
    };
  }

  /**
   * Reads the store through a smaller page cache instead of its memory map while a first import
   * runs: the import writes most of the file and the indexes built at its end scan all of it, and
   * every mapped page it touches counts in the process's resident memory (over 1 GiB at a million
   * contacts) where the OS cache holds it otherwise; and the page cache (64 MiB, for the lists'
   * indexes) is kept to 16 MiB, what the import's unique indexes need. Neither measured slower for
   * the import. Returns the function that puts both back.
   */
  importReads(): () => void {
    const map = this.st.db.pragma('mmap_size', { simple: true }) as number;
    const cache = this.st.db.pragma('cache_size', { simple: true }) as number;
    this.st.db.pragma('mmap_size = 0');
    this.st.db.pragma(`cache_size = ${-16 * 1024}`);
    return () => {
      this.st.db.pragma(`mmap_size = ${map}`);
      this.st.db.pragma(`cache_size = ${cache}`);
    };
  }

  /**
   * Drops the plain (non-unique) indexes of the contact, link and stage history tables for a
   * large first import, and returns their definitions to build them again with `restoreIndexes`.
   * At 100,000 contacts each page of 150 new contacts dirties a leaf page per row in each of a
   * dozen indexes, and writing those pages makes a page's transaction several times slower than
   * the rows themselves; built once at the end, each index is one sort. The unique indexes stay,
   * so identities are still checked, and matching uses only those. (Meanwhile a contact's history
   * is read by a scan of the table, as a sorted list is.)
   */
  dropListIndexes(): IndexDefinition[] {
    const list = this.st
      .get<IndexDefinition>(
        `SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND sql NOT LIKE 'CREATE UNIQUE %'
         AND tbl_name IN ('contacts', 'contact_companies', 'stage_history') ORDER BY name`,
      )
      .all();
    for (const ix of list) this.st.db.exec(`DROP INDEX "${ix.name.replace(/"/g, '""')}"`);
    return list;
  }

  /** Builds the indexes `dropListIndexes` dropped (those missing: safe to repeat). */
  restoreIndexes(list: readonly IndexDefinition[]): void {
    const exists = this.st.get<{ n: number }>(`SELECT count(*) AS n FROM sqlite_master WHERE type = 'index' AND name = @name`);
    // the sort of each build in two threads where it spills (a million rows): 10% faster
    const threads = this.st.db.pragma('threads', { simple: true }) as number;
    this.st.db.pragma('threads = 2');
    for (const ix of list) if ((exists.get({ name: ix.name }) as { n: number }).n === 0) this.st.db.exec(ix.sql);
    this.st.db.pragma(`threads = ${threads}`);
  }

  /** Records which Intercom record this is and what Intercom last had (the base of the next comparison). */
  setRemote(entity: EntityType, pk: number, intercomId: string, syncBase: string): void {
    const table = entity === 'contact' ? 'contacts' : 'companies';
    this.st
      .get(`UPDATE ${table} SET intercom_id = @intercomId, sync_base = @syncBase WHERE pk = @pk AND (intercom_id IS NOT @intercomId OR sync_base IS NOT @syncBase)`)
      .run({ pk, intercomId, syncBase });
  }

  /** Only the base (a conflict resolution moves one field of it). */
  setBase(entity: EntityType, pk: number, syncBase: string): void {
    const table = entity === 'contact' ? 'contacts' : 'companies';
    this.st.get(`UPDATE ${table} SET sync_base = @syncBase WHERE pk = @pk`).run({ pk, syncBase });
  }
}

function byIndex<R extends { idx: number }>(rows: R[]): Map<number, R> {
  const out = new Map<number, R>();
  for (const r of rows) out.set(r.idx, r);
  return out;
}
