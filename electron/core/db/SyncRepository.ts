// The push side of sync: finding outbox entries per record, recording what reached Intercom
// (ids, bases) and id remaps after a merge. Entry status changes live in OutboxRepository.
import type { Database } from 'better-sqlite3';
import type { EntityType } from '../../../shared/domain';
import { Statements } from './Statements';

/** An outbox entry as the pusher needs it. */
export interface SyncEntryRow {
  seq: number;
  entity_type: EntityType;
  entity_id: string;
  op: string;
  payload: string;
  attempts: number;
  not_before: number | null;
}

export interface WaitingRecord {
  seq: number;
  entity_type: EntityType;
  entity_id: string;
}

/** A custom attribute name some waiting entry writes, with the JSON type of one of its values. */
export interface PendingAttribute {
  entity_type: EntityType;
  name: string;
  /** SQLite's json_each type: text, integer, real, true, false or null. */
  type: string;
}

const SEQS = 'SELECT value FROM json_each(@seqs)';

export class SyncRepository {
  private readonly st: Statements;
  constructor(db: Database) {
    this.st = new Statements(db);
  }

  /** Entries a previous process left in flight (it died or was killed while sending). */
  inFlight(): SyncEntryRow[] {
    return this.st
      .get<SyncEntryRow>(
        `SELECT seq, entity_type, entity_id, op, payload, attempts, not_before FROM outbox
         WHERE status = 'in_flight' ORDER BY seq`,
      )
      .all();
  }

  /**
   * Pending entries after a sequence number, oldest first: the walk that finds records with work.
   * Entries held by an unfinished import or still in their undo-send hold at `now` are skipped.
   */
  pendingAfter(afterSeq: number, limit: number, now: number): WaitingRecord[] {
    return this.st
      .get<WaitingRecord>(
        `SELECT seq, entity_type, entity_id FROM outbox
         WHERE status = 'pending' AND hold IS NULL AND (release_at IS NULL OR release_at <= @now) AND seq > @afterSeq
         ORDER BY seq LIMIT @limit`,
      )
      .all({ afterSeq, limit, now });
  }

  /**
   * One record's pending entries in order, up to the first one held back (by an unfinished
   * import, or a message whose undo-send hold lasts past `now`): a record's order is kept.
   */
  pendingFor(entityId: string, limit: number, now: number): SyncEntryRow[] {
    return this.st
      .get<SyncEntryRow>(
        `SELECT seq, entity_type, entity_id, op, payload, attempts, not_before FROM outbox
         WHERE entity_id = @entityId AND status = 'pending'
           AND seq < coalesce((SELECT min(seq) FROM outbox WHERE entity_id = @entityId AND status = 'pending'
                               AND (hold IS NOT NULL OR release_at > @now)), 9e18)
         ORDER BY seq LIMIT @limit`,
      )
      .all({ entityId, limit, now });
  }

  /** The earliest release time after `now` of an entry in its undo-send hold, or null. */
  nextRelease(now: number): number | null {
    return (
      (this.st.get<{ t: number | null }>(`SELECT min(release_at) AS t FROM outbox WHERE status = 'pending' AND release_at > @now`).get({ now }) as {
        t: number | null;
      }).t ?? null
    );
  }

  /** Pending entries a run can send at `now` (those in their undo-send hold wait for a later run). */
  countPending(now: number): number {
    return (
      this.st.get<{ n: number }>(`SELECT count(*) AS n FROM outbox WHERE status = 'pending' AND (release_at IS NULL OR release_at <= @now)`).get({ now }) as {
        n: number;
      }
    ).n;
  }

  maxSeq(): number {
    return (this.st.get<{ m: number | null }>('SELECT max(seq) AS m FROM outbox').get() as { m: number | null }).m ?? 0;
  }

  hasFailed(entityId: string): boolean {
    return (
      this.st.get(`SELECT 1 FROM outbox WHERE entity_id = @entityId AND status = 'failed' LIMIT 1`).get({ entityId }) !== undefined
    );
  }

  /** Whether a request about the record is out now (or was, when a process died sending it). */
  hasInFlight(entityId: string): boolean {
    return (
      this.st.get(`SELECT 1 FROM outbox WHERE entity_id = @entityId AND status = 'in_flight' LIMIT 1`).get({ entityId }) !== undefined
    );
  }

  /** Whether an entry of the record waiting again went out before (its answer was lost: Intercom may have it). */
  hasSentWaiting(entityId: string): boolean {
    return (
      this.st.get(`SELECT 1 FROM outbox WHERE entity_id = @entityId AND status = 'pending' AND attempts > 0 LIMIT 1`).get({ entityId }) !== undefined
    );
  }

  /** Whether an entry of the record with this op waits (pending or in flight). */
  hasWaitingOp(entityId: string, op: string): boolean {
    return (
      this.st.get(`SELECT 1 FROM outbox WHERE entity_id = @entityId AND op = @op AND status IN ('pending', 'in_flight') LIMIT 1`).get({ entityId, op }) !==
      undefined
    );
  }

  /** When the record's last entry with this op was done (sent), or null. */
  lastDoneAt(entityId: string, op: string): number | null {
    const row = this.st
      .get<{ at: number | null }>(`SELECT max(updated_at) AS at FROM outbox WHERE entity_id = @entityId AND op = @op AND status = 'done'`)
      .get({ entityId, op }) as { at: number | null } | undefined;
    return row?.at ?? null;
  }

  hasOpenConflict(entityId: string): boolean {
    return this.st.get('SELECT 1 FROM conflicts WHERE entity_id = @entityId AND resolved_at IS NULL LIMIT 1').get({ entityId }) !== undefined;
  }

  /** How many of these entries are still pending (none was discarded or sent meanwhile). */
  countPendingOf(seqs: readonly number[]): number {
    return (
      this.st.get<{ n: number }>(`SELECT count(*) AS n FROM outbox WHERE seq IN (${SEQS}) AND status = 'pending'`).get({
        seqs: JSON.stringify(seqs),
      }) as { n: number }
    ).n;
  }

  /** The local contact already tied to an Intercom contact, if any. */
  contactIdByIntercomId(intercomId: string): string | undefined {
    const row = this.st.get<{ id: string }>('SELECT id FROM contacts WHERE intercom_id = @intercomId').get({ intercomId }) as
      | { id: string }
      | undefined;
    return row?.id;
  }

  companyIdByIntercomId(intercomId: string): string | undefined {
    const row = this.st.get<{ id: string }>('SELECT id FROM companies WHERE intercom_id = @intercomId').get({ intercomId }) as
      | { id: string }
      | undefined;
    return row?.id;
  }

  /**
   * The Intercom contact a local one is (after a create, an adopt or a merge remap: the local id
   * stays) and what Intercom holds for its synced fields. Not a local edit: updated_at stays.
   */
  /** False when the contact is no longer here (removed while its create was in flight). */
  setContactRemote(id: string, intercomId: string, base: unknown): boolean {
    return (
      this.st
        .get('UPDATE contacts SET intercom_id = @intercomId, sync_base = @base WHERE id = @id')
        .run({ id, intercomId, base: JSON.stringify(base) }).changes > 0
    );
  }

  /** False when the company is no longer here (removed while its create was in flight). */
  setCompanyRemote(id: string, intercomId: string, base: unknown): boolean {
    return (
      this.st
        .get('UPDATE companies SET intercom_id = @intercomId, sync_base = @base WHERE id = @id')
        .run({ id, intercomId, base: JSON.stringify(base) }).changes > 0
    );
  }

  contactBase(id: string): string | null {
    const row = this.st.get<{ b: string | null }>('SELECT sync_base AS b FROM contacts WHERE id = @id').get({ id }) as
      | { b: string | null }
      | undefined;
    return row?.b ?? null;
  }

  companyBase(id: string): string | null {
    const row = this.st.get<{ b: string | null }>('SELECT sync_base AS b FROM companies WHERE id = @id').get({ id }) as
      | { b: string | null }
      | undefined;
    return row?.b ?? null;
  }

  /** Custom attribute names that waiting entries will write, so they can be created in Intercom first. */
  pendingAttributes(): PendingAttribute[] {
    return this.st
      .get<PendingAttribute>(
        `SELECT o.entity_type AS entity_type, j.key AS name, j.type AS type
         FROM outbox o, json_each(o.payload, '$.customAttributes') j
         WHERE o.status IN ('pending', 'in_flight')
         GROUP BY o.entity_type, j.key, j.type`,
      )
      .all();
  }
}
