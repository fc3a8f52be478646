// The stage history: every stage change of a contact or company, who made it and from where.
import type { Database } from 'better-sqlite3';
import type { EntityType, StageChange } from '../../../shared/domain';
import { type StageHistoryRow, toStageChange } from './rows';
import { Statements } from './Statements';

export interface NewStageChange {
  entityType: EntityType;
  entityId: string;
  fromStage: string | null;
  toStage: string | null;
  at: number;
  actor: string;
  source: 'local' | 'intercom';
}

export class StageHistoryRepository {
  private readonly st: Statements;
  constructor(db: Database) {
    this.st = new Statements(db);
  }

  /** Returns the row's id (an import records the ids it wrote, for rollback). */
  add(c: NewStageChange): number {
    const info = this.st
      .get(
        `INSERT INTO stage_history (entity_type, entity_id, from_stage, to_stage, at, actor, source)
         VALUES (@entityType, @entityId, @fromStage, @toStage, @at, @actor, @source)`,
      )
      .run(c);
    return Number(info.lastInsertRowid);
  }

  /** A record's whole history (a record withdrawn as if it had never been made). */
  deleteOf(entityId: string): void {
    this.st.get('DELETE FROM stage_history WHERE entity_id = ?').run(entityId);
  }

  /** The rows of one kind of record with ids in [first, last] (what one change added). */
  deleteRange(entityType: EntityType, first: number, last: number): void {
    this.st.get('DELETE FROM stage_history WHERE id BETWEEN ? AND ? AND entity_type = ?').run(first, last, entityType);
  }

  /** As deleteRange, but leaving the rows of the records in `keep` (ids). */
  deleteRangeExcept(entityType: EntityType, first: number, last: number, keep: readonly string[]): void {
    if (keep.length === 0) return this.deleteRange(entityType, first, last);
    this.st
      .get('DELETE FROM stage_history WHERE id BETWEEN ? AND ? AND entity_type = ? AND entity_id NOT IN (SELECT value FROM json_each(?))')
      .run(first, last, entityType, JSON.stringify(keep));
  }

  /** Newest first. */
  forEntity(entityId: string, limit = 200): StageChange[] {
    return this.st
      .get<StageHistoryRow>('SELECT * FROM stage_history WHERE entity_id = ? ORDER BY at DESC, id DESC LIMIT ?')
      .all(entityId, limit)
      .map(toStageChange);
  }
}
