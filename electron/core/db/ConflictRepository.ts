// Open and resolved conflicts: fields both sides changed since the last sync. Values are stored
// as JSON (a missing value as JSON null) so a string, a number and "no value" stay distinct.
import type { Database } from 'better-sqlite3';
import type { EntityType } from '../../../shared/domain';
import { Statements } from './Statements';

export interface ConflictRow {
  id: number;
  entity_type: EntityType;
  entity_id: string;
  field: string;
  local_value: string | null;
  remote_value: string | null;
  base_value: string | null;
  detected_at: number;
  resolved_at: number | null;
  resolution: 'local' | 'remote' | null;
  /** Name or email of the record, joined for display. */
  label: string | null;
}

export interface NewConflict {
  entityType: EntityType;
  entityId: string;
  field: string;
  local: unknown;
  remote: unknown;
  base: unknown;
  at: number;
}

export interface ConflictQuery {
  entityId?: string;
  includeResolved?: boolean;
  limit: number;
  offset?: number;
}

const json = (v: unknown) => JSON.stringify(v === undefined ? null : v);

const LABEL = `CASE k.entity_type
  WHEN 'contact' THEN (SELECT coalesce(c.name, c.email) FROM contacts c WHERE c.id = k.entity_id)
  ELSE (SELECT co.name FROM companies co WHERE co.id = k.entity_id) END AS label`;

export class ConflictRepository {
  private readonly st: Statements;
  constructor(db: Database) {
    this.st = new Statements(db);
  }

  /** Open conflicts of these records (one query per pulled page). */
  openFor(entityIds: readonly string[]): ConflictRow[] {
    if (entityIds.length === 0) return [];
    return this.st
      .get<ConflictRow>(
        `SELECT k.*, NULL AS label FROM conflicts k
         WHERE k.entity_id IN (SELECT value FROM json_each(@ids)) AND k.resolved_at IS NULL`,
      )
      .all({ ids: JSON.stringify(entityIds) });
  }

  insert(c: NewConflict): number {
    const info = this.st
      .get(
        `INSERT INTO conflicts (entity_type, entity_id, field, local_value, remote_value, base_value, detected_at)
         VALUES (@entityType, @entityId, @field, @local, @remote, @base, @at)`,
      )
      .run({ entityType: c.entityType, entityId: c.entityId, field: c.field, local: json(c.local), remote: json(c.remote), base: json(c.base), at: c.at });
    return Number(info.lastInsertRowid);
  }

  /** An open conflict whose values moved on (either side edited again) shows the latest ones. */
  refresh(id: number, values: { local: unknown; remote: unknown; at: number }): void {
    this.st
      .get('UPDATE conflicts SET local_value = @local, remote_value = @remote, detected_at = @at WHERE id = @id AND resolved_at IS NULL')
      .run({ id, local: json(values.local), remote: json(values.remote), at: values.at });
  }

  byId(id: number): ConflictRow | undefined {
    return this.st.get<ConflictRow>(`SELECT k.*, ${LABEL} FROM conflicts k WHERE k.id = @id`).get({ id });
  }

  resolve(id: number, resolution: 'local' | 'remote', at: number): void {
    this.st.get('UPDATE conflicts SET resolved_at = @at, resolution = @resolution WHERE id = @id').run({ id, resolution, at });
  }

  /** Newest first; open only unless asked. */
  list(q: ConflictQuery): { rows: ConflictRow[]; total: number } {
    const clauses: string[] = [];
    if (!q.includeResolved) clauses.push('k.resolved_at IS NULL');
    if (q.entityId !== undefined) clauses.push('k.entity_id = @entityId');
    const where = clauses.length ? `WHERE ${clauses.join(' AND ')}` : '';
    const params = q.entityId !== undefined ? { entityId: q.entityId } : {};
    const rows = this.st
      .get<ConflictRow>(`SELECT k.*, ${LABEL} FROM conflicts k ${where} ORDER BY k.detected_at DESC, k.id DESC LIMIT @limit OFFSET @offset`)
      .all({ ...params, limit: q.limit, offset: q.offset ?? 0 });
    const total = (this.st.get<{ n: number }>(`SELECT count(*) AS n FROM conflicts k ${where}`).get(params) as { n: number }).n;
    return { rows, total };
  }

  countOpen(): number {
    return (this.st.get<{ n: number }>('SELECT count(*) AS n FROM conflicts WHERE resolved_at IS NULL').get() as { n: number }).n;
  }

  /** The push side holds back a record's entries while it has an open conflict. */
  hasOpen(entityId: string): boolean {
    return this.st.get('SELECT 1 FROM conflicts WHERE entity_id = @entityId AND resolved_at IS NULL LIMIT 1').get({ entityId }) !== undefined;
  }

  /** A record removed here (an undo archives it in Intercom): its open conflicts are moot and would hold back the archive. */
  dropOpen(entityId: string): void {
    this.st.get('DELETE FROM conflicts WHERE entity_id = @entityId AND resolved_at IS NULL').run({ entityId });
  }

  /** Records with open conflicts, among these (one query for a batch of outbox entries). */
  withOpen(entityIds: readonly string[]): Set<string> {
    if (entityIds.length === 0) return new Set();
    const rows = this.st
      .get<{ entity_id: string }>(
        `SELECT DISTINCT entity_id FROM conflicts WHERE entity_id IN (SELECT value FROM json_each(@ids)) AND resolved_at IS NULL`,
      )
      .all({ ids: JSON.stringify(entityIds) });
    return new Set(rows.map((r) => r.entity_id));
  }
}
