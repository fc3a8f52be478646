// The bulk-action journal (bulk_actions, bulk_items) and the few reads a bulk action needs over
// many records at once: contacts and companies by id lists, funnel snapshots, last flushes, and
// the state of the outbox range a bulk queued (which decides whether it can still be undone).
import type { Database } from 'better-sqlite3';
import type { FunnelSnapshot } from './ContactRepository';
import type { CompanyRow, ContactRow } from './rows';
import type { CompiledWhere } from './segmentSql';
import { Statements } from './Statements';

/** The columns of a contact a bulk action plans with (whole rows cost five times as much at 100k). */
export type BulkContactRow = Pick<ContactRow, 'pk' | 'id' | 'role' | 'email' | 'name' | 'stage' | 'updated_at' | 'external_id' | 'visitor_id' | 'unsubscribed_from_emails' | 'owner_id'>;
const CONTACT_COLUMNS = 'c.pk, c.id, c.role, c.email, c.name, c.stage, c.updated_at, c.external_id, c.visitor_id, c.unsubscribed_from_emails, c.owner_id';

export interface BulkActionRow {
  id: string;
  action: string;
  summary: string;
  touched: number;
  actor: string;
  created_at: number;
  first_seq: number | null;
  last_seq: number | null;
  undone_at: number | null;
}

export interface BulkItemRow {
  bulk_id: string;
  entity_id: string;
  before: string | null;
  after: string | null;
}

/** How the entries of a bulk's outbox range stand now. */
export interface OutboxRangeState {
  /** Entries still in the range (failed ones that were discarded are gone). */
  total: number;
  pending: number;
  inFlight: number;
  done: number;
  failed: number;
}

const IDS = 'SELECT value FROM json_each(@ids)';

export class BulkRepository {
  readonly st: Statements;
  constructor(readonly db: Database) {
    this.st = new Statements(db);
  }

  // ---- the journal ----------------------------------------------------------------------------

  insert(r: BulkActionRow): void {
    this.st
      .get(
        `INSERT INTO bulk_actions (id, action, summary, touched, actor, created_at, first_seq, last_seq, undone_at)
         VALUES (@id, @action, @summary, @touched, @actor, @created_at, @first_seq, @last_seq, @undone_at)`,
      )
      .run(r);
  }

  insertItem(r: BulkItemRow): void {
    this.st.get(`INSERT INTO bulk_items (bulk_id, entity_id, before, after) VALUES (@bulk_id, @entity_id, @before, @after)`).run(r);
  }

  byId(id: string): BulkActionRow | undefined {
    return this.st.get<BulkActionRow>('SELECT * FROM bulk_actions WHERE id = @id').get({ id });
  }

  /** Newest first. */
  list(limit: number, offset: number): { rows: BulkActionRow[]; total: number } {
    const rows = this.st
      .get<BulkActionRow>('SELECT * FROM bulk_actions ORDER BY created_at DESC, rowid DESC LIMIT @limit OFFSET @offset')
      .all({ limit, offset });
    const total = (this.st.get<{ n: number }>('SELECT count(*) AS n FROM bulk_actions').get() as { n: number }).n;
    return { rows, total };
  }

  items(bulkId: string): BulkItemRow[] {
    return this.st.get<BulkItemRow>('SELECT * FROM bulk_items WHERE bulk_id = @bulkId').all({ bulkId });
  }

  markUndone(id: string, at: number): void {
    this.st.get('UPDATE bulk_actions SET undone_at = @at WHERE id = @id').run({ id, at });
  }

  // ---- the outbox range of a bulk ---------------------------------------------------------------

  rangeState(firstSeq: number, lastSeq: number): OutboxRangeState {
    const rows = this.st
      .get<{ status: string; n: number }>(
        'SELECT status, count(*) AS n FROM outbox WHERE seq BETWEEN @firstSeq AND @lastSeq GROUP BY status',
      )
      .all({ firstSeq, lastSeq }) as { status: string; n: number }[];
    const state: OutboxRangeState = { total: 0, pending: 0, inFlight: 0, done: 0, failed: 0 };
    for (const r of rows) {
      state.total += r.n;
      if (r.status === 'pending') state.pending += r.n;
      else if (r.status === 'in_flight') state.inFlight += r.n;
      else if (r.status === 'done') state.done += r.n;
      else if (r.status === 'failed') state.failed += r.n;
    }
    return state;
  }

  /**
   * Whether a record has outbox entries of these ops queued after a sequence number: a later
   * change of the same thing, which an undo must not silently contradict.
   */
  hasLaterOps(entityId: string, afterSeq: number, ops: readonly string[]): boolean {
    const row = this.st
      .get(
        `SELECT 1 FROM outbox WHERE entity_id = @entityId AND seq > @afterSeq
           AND op IN (SELECT value FROM json_each(@ops)) LIMIT 1`,
      )
      .get({ entityId, afterSeq, ops: JSON.stringify(ops) });
    return row !== undefined;
  }

  /**
   * Whether an undo of a bulk sign-up could still put anyone back: a contact whose entry of the
   * bulk has not reached Intercom (pending or refused), or one that was a user already (only its
   * stage moved, and Intercom takes a stage back). A lead Intercom has as a user cannot go back.
   */
  hasUndoableSignUp(bulkId: string, first: number, last: number): boolean {
    const row = this.st
      .get(
        `SELECT 1 FROM bulk_items i WHERE i.bulk_id = @bulkId AND (
           json_extract(i.before, '$.role') = 'user'
           OR EXISTS (SELECT 1 FROM outbox o WHERE o.entity_id = i.entity_id AND o.status IN ('pending', 'failed') AND o.seq BETWEEN @first AND @last)
         ) LIMIT 1`,
      )
      .get({ bulkId, first, last });
    return row !== undefined;
  }

  /** Later entries of this contact that change one of its fields (a key of their payload: `ownerId`, `email` ...). */
  hasLaterFieldOps(entityId: string, afterSeq: number, field: string): boolean {
    const row = this.st
      .get(
        `SELECT 1 FROM outbox WHERE entity_id = @entityId AND seq > @afterSeq
           AND op IN ('contact.create', 'contact.update') AND json_type(payload, '$.' || @field) IS NOT NULL LIMIT 1`,
      )
      .get({ entityId, afterSeq, field });
    return row !== undefined;
  }

  /** Later link or unlink entries of this contact for this company. */
  hasLaterLinkOps(contactId: string, companyId: string, afterSeq: number): boolean {
    const row = this.st
      .get(
        `SELECT 1 FROM outbox WHERE entity_id = @contactId AND seq > @afterSeq
           AND op IN ('company.link', 'company.unlink') AND json_extract(payload, '$.companyId') = @companyId LIMIT 1`,
      )
      .get({ contactId, companyId, afterSeq });
    return row !== undefined;
  }

  // ---- reads over many records ------------------------------------------------------------------

  /** Contacts by id, in no particular order; unknown ids are left out. */
  /** Of these contacts, those archived (a bulk change leaves them alone until restored). */
  archivedIds(ids: readonly string[]): Set<string> {
    if (ids.length === 0) return new Set();
    const rows = this.st.get<{ id: string }>(`SELECT c.id FROM contacts c WHERE c.id IN (${IDS}) AND c.archived_at IS NOT NULL`).all({ ids: JSON.stringify(ids) });
    return new Set(rows.map((r) => r.id));
  }

  contactsByIds(ids: readonly string[]): BulkContactRow[] {
    if (ids.length === 0) return [];
    return this.st.get<BulkContactRow>(`SELECT ${CONTACT_COLUMNS} FROM contacts c WHERE c.id IN (${IDS})`).all({ ids: JSON.stringify(ids) });
  }

  /**
   * The contacts a compiled segment rule matches, in pk (capture) order, at most `limit`: the
   * rows SegmentRepository.ids would name, read in the same pass instead of looked up by id.
   */
  contactsWhere(where: CompiledWhere, limit: number): BulkContactRow[] {
    return this.st
      .get<BulkContactRow>(`SELECT ${CONTACT_COLUMNS} FROM contacts c WHERE ${where.sql} ORDER BY c.pk LIMIT @limit`)
      .all({ ...where.params, limit });
  }

  /** The companies each of these contacts is linked to, as [contact pk, company row] pairs. */
  companiesOfContacts(contactPks: readonly number[]): { contact_pk: number; company: CompanyRow }[] {
    if (contactPks.length === 0) return [];
    const rows = this.st
      .get<CompanyRow & { contact_pk: number }>(
        `SELECT l.contact_pk, co.* FROM json_each(@pks) j CROSS JOIN contact_companies l ON l.contact_pk = j.value
         JOIN companies co ON co.pk = l.company_pk`,
      )
      .all({ pks: JSON.stringify(contactPks) });
    return rows.map(({ contact_pk, ...company }) => ({ contact_pk, company: company as CompanyRow }));
  }

  /** Pks of every contact linked to one of these companies. */
  contactPksOfCompanies(companyPks: readonly number[]): number[] {
    if (companyPks.length === 0) return [];
    return this.st
      .get(`SELECT DISTINCT contact_pk FROM contact_companies WHERE company_pk IN (SELECT value FROM json_each(@pks))`)
      .pluck()
      .all({ pks: JSON.stringify(companyPks) }) as number[];
  }

  /** Which of these contacts are linked to the company. */
  linkedTo(companyPk: number, contactPks: readonly number[]): Set<number> {
    if (contactPks.length === 0) return new Set();
    const pks = this.st
      .get(`SELECT contact_pk FROM contact_companies WHERE company_pk = @companyPk AND contact_pk IN (SELECT value FROM json_each(@pks))`)
      .pluck()
      .all({ companyPk, pks: JSON.stringify(contactPks) }) as number[];
    return new Set(pks);
  }

  /**
   * The latest flush of each of these contacts that was queued or reached Intercom (the rule of
   * MessageRepository.lastFlushAt, for many contacts in one query).
   */
  lastFlushes(contactIds: readonly string[]): Map<string, number> {
    if (contactIds.length === 0) return new Map();
    const rows = this.st
      .get(
        `SELECT contact_id, max(coalesce(sent_at, created_at)) AS at FROM messages
         WHERE contact_id IN (${IDS}) AND kind = 'flush' AND status IN ('queued', 'sent') GROUP BY contact_id`,
      )
      .raw(true)
      .all({ ids: JSON.stringify(contactIds) }) as [string, number][];
    return new Map(rows);
  }

  funnelSnapshots(contactPks: readonly number[]): FunnelSnapshot[] {
    if (contactPks.length === 0) return [];
    return this.st
      .get<FunnelSnapshot>(
        `SELECT pk, id, updated_at, funnel_rank, funnel_max, stage_entered_at, signed_up_at, sql_at, customer_at
         FROM contacts WHERE pk IN (SELECT value FROM json_each(@pks))`,
      )
      .all({ pks: JSON.stringify(contactPks) });
  }

  /** A message's status now (undefined when it no longer exists). */
  messageStatus(id: string): string | undefined {
    return this.st.get('SELECT status FROM messages WHERE id = @id').pluck().get({ id }) as string | undefined;
  }

  /** A saved segment's name, for the summary line. */
  segmentName(id: string): string | undefined {
    return this.st.get('SELECT name FROM segments WHERE id = @id').pluck().get({ id }) as string | undefined;
  }
}
