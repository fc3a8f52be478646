// The change journal's SQL (migration 0006): changes, the records they touched and their fields'
// values before and after, and the reads an undo decides on (its outbox entries, later ones).
import type { Database } from 'better-sqlite3';
import type { EntityType, OutboxOp, OutboxStatus } from '../../../shared/domain';
import type { FunnelSnapshot } from './ContactRepository';
import { Statements } from './Statements';

export interface ChangeRow {
  n: number;
  id: string;
  kind: string;
  summary: string;
  actor: string;
  created_at: number;
  after_seq: number;
  last_seq: number;
  after_history: number;
  last_history: number;
  undone_at: number | null;
  undo_of: string | null;
}

export interface ChangeRecordRow {
  entity_type: EntityType;
  entity_id: string;
  label: string;
}

export interface ChangeFieldRow {
  entity_type: EntityType;
  entity_id: string;
  field: string;
  /** JSON, or null when the record did not exist (a creation). */
  before: string | null;
  after: string | null;
}

export interface ChangeEntryRow {
  seq: number;
  entity_type: EntityType;
  entity_id: string;
  op: OutboxOp;
  status: OutboxStatus;
  payload: string;
}

/** Where the outbox and the stage history stand: what a change adds comes after. */
export interface JournalMark {
  seq: number;
  history: number;
}

export type NewChange = Omit<ChangeRow, 'n' | 'undone_at'>;

export class ChangeRepository {
  private readonly st: Statements;
  constructor(db: Database) {
    this.st = new Statements(db);
  }

  mark(): JournalMark {
    // AUTOINCREMENT keeps the outbox's last seq here even once that entry is gone
    const seq = this.st.get(`SELECT coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'outbox'), 0)`).pluck().get() as number;
    const history = this.st.get('SELECT coalesce(max(id), 0) FROM stage_history').pluck().get() as number;
    return { seq, history };
  }

  insert(c: NewChange): number {
    const info = this.st
      .get(
        `INSERT INTO changes (id, kind, summary, actor, created_at, after_seq, last_seq, after_history, last_history, undo_of)
         VALUES (@id, @kind, @summary, @actor, @created_at, @after_seq, @last_seq, @after_history, @last_history, @undo_of)`,
      )
      .run(c);
    return Number(info.lastInsertRowid);
  }

  addRecord(n: number, r: ChangeRecordRow): void {
    this.st
      .get(`INSERT OR IGNORE INTO change_records (change_n, entity_type, entity_id, label) VALUES (?, ?, ?, ?)`)
      .run(n, r.entity_type, r.entity_id, r.label);
  }

  addField(n: number, f: ChangeFieldRow): void {
    this.st
      .get(`INSERT OR REPLACE INTO change_fields (change_n, entity_type, entity_id, field, before, after) VALUES (?, ?, ?, ?, ?, ?)`)
      .run(n, f.entity_type, f.entity_id, f.field, f.before, f.after);
  }

  byId(id: string): ChangeRow | undefined {
    return this.st.get<ChangeRow>('SELECT * FROM changes WHERE id = ?').get(id) as ChangeRow | undefined;
  }

  byN(n: number): ChangeRow | undefined {
    return this.st.get<ChangeRow>('SELECT * FROM changes WHERE n = ?').get(n) as ChangeRow | undefined;
  }

  records(n: number, limit = -1): ChangeRecordRow[] {
    return this.st
      .get<ChangeRecordRow>('SELECT entity_type, entity_id, label FROM change_records WHERE change_n = ? ORDER BY rowid LIMIT ?')
      .all(n, limit) as ChangeRecordRow[];
  }

  fields(n: number): ChangeFieldRow[] {
    return this.st
      .get<ChangeFieldRow>('SELECT entity_type, entity_id, field, before, after FROM change_fields WHERE change_n = ? ORDER BY rowid')
      .all(n) as ChangeFieldRow[];
  }

  /** The outbox entries still there of the range a change appended. */
  entries(afterSeq: number, lastSeq: number): ChangeEntryRow[] {
    return this.st
      .get<ChangeEntryRow>('SELECT seq, entity_type, entity_id, op, status, payload FROM outbox WHERE seq > ? AND seq <= ? ORDER BY seq')
      .all(afterSeq, lastSeq) as ChangeEntryRow[];
  }

  /** Outbox entries after `afterSeq` about the records change `n` touched, in order. */
  laterEntries(n: number, afterSeq: number): ChangeEntryRow[] {
    return this.st
      .get<ChangeEntryRow>(
        `SELECT o.seq, o.entity_type, o.entity_id, o.op, o.status, o.payload
         FROM change_records r JOIN outbox o ON o.entity_id = r.entity_id
         WHERE r.change_n = ? AND o.seq > ? ORDER BY o.seq`,
      )
      .all(n, afterSeq) as ChangeEntryRow[];
  }

  /** Changes after change `n` about the record, neither undone nor undos themselves. */
  laterChanges(entityId: string, n: number): number {
    return this.st
      .get(
        `SELECT count(*) FROM change_records r JOIN changes c ON c.n = r.change_n
         WHERE r.entity_id = ? AND r.change_n > ? AND c.undone_at IS NULL AND c.undo_of IS NULL`,
      )
      .pluck()
      .get(entityId, n) as number;
  }

  markUndone(n: number, at: number): void {
    this.st.get('UPDATE changes SET undone_at = ? WHERE n = ? AND undone_at IS NULL').run(at, n);
  }

  /** Newest first; with `entityId` (and `entityType`), those about that record. */
  list(q: { entityType?: EntityType; entityId?: string; limit: number; offset: number }): { rows: ChangeRow[]; total: number } {
    const clauses: string[] = [];
    const params: Record<string, unknown> = { limit: q.limit, offset: q.offset };
    if (q.entityId || q.entityType) {
      const about = ['r.change_n = c.n'];
      if (q.entityId) {
        about.push('r.entity_id = @entityId');
        params.entityId = q.entityId;
      }
      if (q.entityType) {
        about.push('r.entity_type = @entityType');
        params.entityType = q.entityType;
      }
      clauses.push(`EXISTS (SELECT 1 FROM change_records r WHERE ${about.join(' AND ')})`);
    }
    const where = clauses.length ? `WHERE ${clauses.join(' AND ')}` : '';
    const rows = this.st.get<ChangeRow>(`SELECT c.* FROM changes c ${where} ORDER BY c.n DESC LIMIT @limit OFFSET @offset`).all(params) as ChangeRow[];
    const { limit: _l, offset: _o, ...countParams } = params;
    void _l;
    void _o;
    const total = this.st.get(`SELECT count(*) FROM changes c ${where}`).pluck().get(countParams) as number;
    return { rows, total };
  }

  /** The stage history rows a change added (about one record, or the first `limit`). */
  historyIds(afterHistory: number, lastHistory: number, entityId: string | null, limit: number): number[] {
    if (lastHistory <= afterHistory) return [];
    if (entityId) {
      return this.st
        .get('SELECT id FROM stage_history WHERE id > ? AND id <= ? AND entity_id = ? ORDER BY id LIMIT ?')
        .pluck()
        .all(afterHistory, lastHistory, entityId, limit) as number[];
    }
    return this.st.get('SELECT id FROM stage_history WHERE id > ? AND id <= ? ORDER BY id LIMIT ?').pluck().all(afterHistory, lastHistory, limit) as number[];
  }

  /** The funnel columns of these contacts (as BulkRepository.funnelSnapshots). */
  funnel(contactPks: readonly number[]): FunnelSnapshot[] {
    if (contactPks.length === 0) return [];
    return this.st
      .get<FunnelSnapshot>(
        `SELECT pk, id, updated_at, funnel_rank, funnel_max, stage_entered_at, signed_up_at, sql_at, customer_at
         FROM contacts WHERE pk IN (SELECT value FROM json_each(@pks))`,
      )
      .all({ pks: JSON.stringify(contactPks) }) as FunnelSnapshot[];
  }
}
