// The outbox: one entry per local change, in order, waiting for Intercom. It also derives each
// record's sync state from its entries, so the table can filter on it through an index.
import type { Database } from 'better-sqlite3';
import type { EntityType, OutboxOp, OutboxStatus } from '../../../shared/domain';
import { type OutboxRow } from './rows';
import { Statements } from './Statements';

export interface NewOutboxEntry {
  entityType: EntityType;
  entityId: string;
  op: OutboxOp;
  payload: Record<string, unknown>;
  at: number;
  /** Held back from Intercom until released (an import that has not finished). */
  hold?: string | null;
  /** Not pushed before this time (a message's undo-send hold); null: at once. */
  releaseAt?: number | null;
  /**
   * The record was made in this same transaction, has no Intercom id and no refused entry: its
   * sync state is 'local' already (the column's default), so the refresh is skipped (it was a
   * fifth of an imported row's cost).
   */
  fresh?: boolean;
}

export interface OutboxQuery {
  status?: OutboxStatus[];
  entityId?: string;
  limit: number;
  offset?: number;
}

const SYNC_STATE_CASE = `CASE
    WHEN EXISTS (SELECT 1 FROM outbox WHERE entity_id = @id AND status = 'failed') THEN 'failed'
    WHEN intercom_id IS NULL THEN 'local'
    WHEN EXISTS (SELECT 1 FROM outbox WHERE entity_id = @id AND status IN ('pending', 'in_flight')) THEN 'pending'
    ELSE 'synced' END`;
// a row whose state stays as it is is not rewritten (an import queues many entries per record)
const SYNC_STATE_SQL = (table: string) => `
  UPDATE ${table} SET sync_state = ${SYNC_STATE_CASE}
  WHERE id = @id AND sync_state IS NOT ${SYNC_STATE_CASE}`;

const SEQS = 'SELECT value FROM json_each(@seqs)';

export class OutboxRepository {
  private readonly st: Statements;
  constructor(db: Database) {
    this.st = new Statements(db);
  }

  append(e: NewOutboxEntry): number {
    const info = this.st
      .get(
        e.hold || e.releaseAt
          ? `INSERT INTO outbox (entity_type, entity_id, op, payload, created_at, updated_at, hold, release_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`
          : `INSERT INTO outbox (entity_type, entity_id, op, payload, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)`,
      )
      .run(e.entityType, e.entityId, e.op, JSON.stringify(e.payload), e.at, e.at, ...(e.hold || e.releaseAt ? [e.hold ?? null, e.releaseAt ?? null] : []));
    if (!e.fresh) this.refreshSyncState(e.entityType, e.entityId);
    return Number(info.lastInsertRowid);
  }

  refreshSyncState(entityType: EntityType, entityId: string): void {
    this.st.get(SYNC_STATE_SQL(entityType === 'contact' ? 'contacts' : 'companies')).run({ id: entityId });
  }

  /** Oldest first, with a display label joined from the record. */
  list(q: OutboxQuery): { rows: OutboxRow[]; total: number } {
    const clauses: string[] = [];
    const params: unknown[] = [];
    const statuses = [...new Set(q.status ?? ['pending', 'in_flight', 'failed'])];
    clauses.push(`o.status IN (${statuses.map(() => '?').join(', ')})`);
    params.push(...statuses);
    if (q.entityId) {
      clauses.push('o.entity_id = ?');
      params.push(q.entityId);
    }
    const where = `WHERE ${clauses.join(' AND ')}`;
    const rows = this.st
      .get<OutboxRow>(
        `SELECT o.*, CASE o.entity_type
                  WHEN 'contact' THEN (SELECT coalesce(c.name, c.email) FROM contacts c WHERE c.id = o.entity_id)
                  ELSE (SELECT co.name FROM companies co WHERE co.id = o.entity_id) END AS label
         FROM outbox o ${where} ORDER BY o.seq LIMIT ? OFFSET ?`,
      )
      .all(...params, q.limit, q.offset ?? 0);
    const total = (this.st.get<{ n: number }>(`SELECT count(*) AS n FROM outbox o ${where}`).get(...params) as { n: number }).n;
    return { rows, total };
  }

  /** Entries by sequence number, in order; unknown numbers are left out. */
  bySeqs(seqs: readonly number[]): OutboxRow[] {
    return this.st
      .get<OutboxRow>(`SELECT o.*, NULL AS label FROM outbox o WHERE o.seq IN (SELECT value FROM json_each(?)) ORDER BY o.seq`)
      .all(JSON.stringify(seqs));
  }

  /** A failed entry goes back to pending, to be tried on the next run. */
  setPending(seq: number, at: number): void {
    this.st.get(`UPDATE outbox SET status = 'pending', not_before = NULL, updated_at = ? WHERE seq = ?`).run(at, seq);
  }

  delete(seq: number): void {
    this.st.get('DELETE FROM outbox WHERE seq = ?').run(seq);
  }

  /** Waiting (pending or in flight) and refused entries, for the status bar. */
  counts(): { waiting: number; failed: number } {
    const rows = this.st
      .get<{ status: string; n: number }>(`SELECT status, count(*) AS n FROM outbox WHERE status IN ('pending', 'in_flight', 'failed') GROUP BY status`)
      .all() as { status: string; n: number }[];
    let waiting = 0;
    let failed = 0;
    for (const r of rows) {
      if (r.status === 'failed') failed += r.n;
      else waiting += r.n;
    }
    return { waiting, failed };
  }

  /** Entries still in their undo-send hold at `now` (they count as waiting too). */
  countHeld(now: number): number {
    return (this.st.get<{ n: number }>(`SELECT count(*) AS n FROM outbox WHERE status = 'pending' AND release_at > ?`).get(now) as { n: number }).n;
  }

  countWaiting(): number {
    return (this.st.get<{ n: number }>(`SELECT count(*) AS n FROM outbox WHERE status IN ('pending', 'in_flight')`).get() as { n: number }).n;
  }

  // ---- status changes made by the push (claim, done, failed, retry time, release) ----------------

  /** Committed before the request goes out; `attempts` counts requests that may have reached Intercom. */
  markInFlight(seqs: readonly number[], at: number): void {
    this.st
      .get(
        `UPDATE outbox SET status = 'in_flight', attempts = attempts + 1, updated_at = @at
         WHERE seq IN (${SEQS}) AND status = 'pending'`,
      )
      .run({ seqs: JSON.stringify(seqs), at });
  }

  markDone(seqs: readonly number[], at: number): void {
    this.st
      .get(
        `UPDATE outbox SET status = 'done', last_error = NULL, not_before = NULL, updated_at = @at
         WHERE seq IN (${SEQS}) AND status = 'in_flight'`,
      )
      .run({ seqs: JSON.stringify(seqs), at });
  }

  markFailed(seqs: readonly number[], error: string, at: number): void {
    this.st
      .get(
        `UPDATE outbox SET status = 'failed', last_error = @error, not_before = NULL, updated_at = @at
         WHERE seq IN (${SEQS}) AND status = 'in_flight'`,
      )
      .run({ seqs: JSON.stringify(seqs), error, at });
  }

  /** Back to pending, not to be tried before `notBefore`. */
  markDeferred(seqs: readonly number[], notBefore: number, error: string, at: number): void {
    this.st
      .get(
        `UPDATE outbox SET status = 'pending', not_before = @notBefore, last_error = @error, updated_at = @at
         WHERE seq IN (${SEQS}) AND status = 'in_flight'`,
      )
      .run({ seqs: JSON.stringify(seqs), notBefore, error, at });
  }

  /** Back to pending, due at once (the run stopped before or while sending them). */
  release(seqs: readonly number[], at: number): void {
    this.st
      .get(`UPDATE outbox SET status = 'pending', updated_at = @at WHERE seq IN (${SEQS}) AND status = 'in_flight'`)
      .run({ seqs: JSON.stringify(seqs), at });
  }

  /**
   * Back to pending, due at once, after Intercom refused the request (a 400: nothing of it was
   * applied), so this attempt does not count: a pending entry with attempts > 0 of a record not
   * in Intercom yet then always went out inside its create (see planSteps).
   */
  releaseRefused(seqs: readonly number[], at: number): void {
    this.st
      .get(
        `UPDATE outbox SET status = 'pending', attempts = max(0, attempts - 1), updated_at = @at
         WHERE seq IN (${SEQS}) AND status = 'in_flight'`,
      )
      .run({ seqs: JSON.stringify(seqs), at });
  }

  // ---- a restored copy's entries, set against the store it replaced ---------------------------

  /**
   * After a restore: the copy's waiting entries (pending, in flight) take the status the same
   * entry (same seq, record, op and time: seqs are never reused) has in the replaced store,
   * attached as `schema`, when that one got further: done (Intercom has it: it must not go
   * again), in flight (it may have: the pusher treats it as a lost answer), failed (refused).
   * Returns the entries changed, with their new status.
   */
  adoptStatusesFrom(schema: string, at: number): OutboxRow[] {
    if (!/^[a-z_]+$/.test(schema)) throw new Error(`not a schema name: ${schema}`);
    const match = `FROM ${schema}.outbox a
       WHERE a.seq = outbox.seq AND a.entity_id = outbox.entity_id AND a.op = outbox.op AND a.created_at = outbox.created_at
         AND outbox.status IN ('pending', 'in_flight') AND a.status IN ('done', 'in_flight', 'failed')`;
    // not cached: these name a schema that is detached right after
    const changed = this.st.db.prepare(`SELECT outbox.seq FROM outbox WHERE EXISTS (SELECT 1 ${match})`).pluck().all() as number[];
    this.st.db
      .prepare(
        `UPDATE outbox SET status = a.status, last_error = a.last_error, attempts = max(outbox.attempts, a.attempts),
           not_before = NULL, updated_at = @at ${match}`,
      )
      .run({ at });
    return this.bySeqs(changed);
  }

  // ---- held entries (an import's, until it finishes) ------------------------------------------

  /** Lets the entries held under `hold` go to Intercom. */
  releaseHold(hold: string): number {
    return this.st.get('UPDATE outbox SET hold = NULL WHERE hold = ?').run(hold).changes;
  }

  // ---- withdrawals: entries taken back before they went out (an undo) ---------------------------
  // Only pending entries go: what is being sent or was refused stays for the outbox to show.
  // The callers refresh the sync state of the records named (after their own writes).

  /**
   * Removes the record's entries that never went out (pending, never tried, or refused) and
   * returns them in order, to be appended again by an undo (a merge's).
   */
  takeUnsentOf(entityId: string): { op: string; payload: string; hold: string | null }[] {
    const rows = this.st
      .get<{ op: string; payload: string; hold: string | null }>(
        `SELECT op, payload, hold FROM outbox WHERE entity_id = @entityId AND (status = 'failed' OR (status = 'pending' AND attempts = 0)) ORDER BY seq`,
      )
      .all({ entityId });
    this.st.get(`DELETE FROM outbox WHERE entity_id = @entityId AND (status = 'failed' OR (status = 'pending' AND attempts = 0))`).run({ entityId });
    return rows;
  }

  /** A record's pending entries (the record is being withdrawn as if it had never been made). */
  withdrawPendingOf(entityId: string): void {
    this.st.get(`DELETE FROM outbox WHERE entity_id = ? AND status = 'pending'`).run(entityId);
  }

  /** A record's refused entries (Intercom never took them; the record is going). */
  withdrawFailedOf(entityId: string): void {
    this.st.get(`DELETE FROM outbox WHERE entity_id = ? AND status = 'failed'`).run(entityId);
  }

  /**
   * A deleted record's entries, whatever their status (done ones carry its data), but `keepSeq`
   * (the delete itself) and those in flight, which stay for their answer (`settleErased` clears them).
   */
  eraseOf(entityId: string, keepSeq: number | null): void {
    this.st.get(`DELETE FROM outbox WHERE entity_id = ? AND seq IS NOT ? AND status != 'in_flight'`).run(entityId, keepSeq);
  }

  /**
   * Once a deleted record's delete has reached Intercom: its other entries (any an answer left)
   * go, and the delete's own payload keeps only the Intercom id, by which a pull knows not to
   * bring it back while Intercom's search still shows it.
   */
  settleErased(entityId: string, deleteOp: OutboxOp): void {
    this.st.get(`DELETE FROM outbox WHERE entity_id = ? AND op != ?`).run(entityId, deleteOp);
    this.st.get(`UPDATE outbox SET payload = json_object('intercomId', json_extract(payload, '$.intercomId')) WHERE entity_id = ? AND op = ?`).run(entityId, deleteOp);
  }

  /**
   * The Intercom id a create answered with, for the waiting archive of its contact (or delete of
   * its company) removed while the create was in flight: the removal then goes to the right
   * record. Returns how many took it.
   */
  setArchiveTarget(entityId: string, intercomId: string): number {
    return this.st
      .get(
        `UPDATE outbox SET payload = json_set(payload, '$.intercomId', @intercomId)
         WHERE entity_id = @entityId AND op IN ('contact.archive', 'contact.delete', 'company.delete') AND status IN ('pending', 'in_flight', 'failed')
           AND json_extract(payload, '$.intercomId') IS NULL`,
      )
      .run({ entityId, intercomId }).changes;
  }

  /** These entries where they still wait or were refused (an undo); returns the records they were about. */
  withdrawSeqsOfAnyRecord(seqs: readonly number[]): { entity_type: EntityType; entity_id: string }[] {
    if (seqs.length === 0) return [];
    const params = { seqs: JSON.stringify(seqs) };
    const where = `seq IN (${SEQS}) AND status IN ('pending', 'failed')`;
    const owners = this.st.get<{ entity_type: EntityType; entity_id: string }>(`SELECT DISTINCT entity_type, entity_id FROM outbox WHERE ${where}`).all(params);
    this.st.get(`DELETE FROM outbox WHERE ${where}`).run(params);
    return owners;
  }

  /** Pending entries of one kind of record with seq in [first, last]; returns the records they were about. */
  withdrawRange(entityType: EntityType, first: number, last: number): string[] {
    const params = { entityType, first, last };
    const where = `seq BETWEEN @first AND @last AND entity_type = @entityType AND status = 'pending'`;
    const owners = this.st.get(`SELECT DISTINCT entity_id FROM outbox WHERE ${where}`).pluck().all(params) as string[];
    this.st.get(`DELETE FROM outbox WHERE ${where}`).run(params);
    return owners;
  }

  /**
   * Entries of one kind of record by seq that Intercom never got: pending, or failed (refused).
   * A single change's undo withdraws exactly its own entries. Returns the records they were about.
   */
  withdrawSeqs(entityType: EntityType, seqs: readonly number[]): string[] {
    if (seqs.length === 0) return [];
    const params = { entityType, seqs: JSON.stringify(seqs) };
    const where = `seq IN (${SEQS}) AND entity_type = @entityType AND status IN ('pending', 'failed')`;
    const owners = this.st.get(`SELECT DISTINCT entity_id FROM outbox WHERE ${where}`).pluck().all(params) as string[];
    this.st.get(`DELETE FROM outbox WHERE ${where}`).run(params);
    return owners;
  }

  /**
   * The entry of a message or flush still in its hold at `now`; returns the record it was about,
   * or null when there is none (released, sent, or taken back already).
   */
  withdrawHeldMessage(messageId: string, now: number): string | null {
    const params = { messageId, now };
    const where = `status = 'pending' AND release_at > @now AND op IN ('message.send', 'message.flush') AND json_extract(payload, '$.messageId') = @messageId`;
    const owner = this.st.get(`SELECT entity_id FROM outbox WHERE ${where}`).pluck().get(params) as string | undefined;
    if (owner === undefined) return null;
    this.st.get(`DELETE FROM outbox WHERE ${where}`).run(params);
    return owner;
  }

  /**
   * The entries of a note Intercom has not got (pending or refused: a note deleted or taken back
   * before it went out); returns the contact they were about, or null when there was none.
   */
  withdrawNoteEntries(noteId: string): string | null {
    const where = `op = 'contact.note' AND status IN ('pending', 'failed') AND json_extract(payload, '$.noteId') = ?`;
    const owner = this.st.get(`SELECT entity_id FROM outbox WHERE ${where}`).pluck().get(noteId) as string | undefined;
    if (owner === undefined) return null;
    this.st.get(`DELETE FROM outbox WHERE ${where}`).run(noteId);
    return owner;
  }

  /**
   * Entries of one kind of record with seq in [first, last] that never reached Intercom: pending
   * and refused ones (an undo after the push); returns the records they were about.
   */
  withdrawUnsent(entityType: EntityType, first: number, last: number): string[] {
    const params = { entityType, first, last };
    const where = `seq BETWEEN @first AND @last AND entity_type = @entityType AND status IN ('pending', 'failed')`;
    const owners = this.st.get(`SELECT DISTINCT entity_id FROM outbox WHERE ${where}`).pluck().all(params) as string[];
    this.st.get(`DELETE FROM outbox WHERE ${where}`).run(params);
    return owners;
  }

  /** Records with an entry in [first, last] that never reached Intercom (pending or refused). */
  unsentOwners(first: number, last: number): Set<string> {
    const rows = this.st
      .get(`SELECT DISTINCT entity_id FROM outbox WHERE seq BETWEEN @first AND @last AND status IN ('pending', 'failed')`)
      .pluck()
      .all({ first, last }) as string[];
    return new Set(rows);
  }

  /** Pending entries of one kind of record held under `hold`; returns the records they were about. */
  withdrawHeld(entityType: EntityType, hold: string): string[] {
    const params = { entityType, hold };
    const where = `hold = @hold AND entity_type = @entityType AND status = 'pending'`;
    const owners = this.st.get(`SELECT DISTINCT entity_id FROM outbox WHERE ${where}`).pluck().all(params) as string[];
    this.st.get(`DELETE FROM outbox WHERE ${where}`).run(params);
    return owners;
  }
}
