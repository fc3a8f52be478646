// All SQL of imports: the job rows, what each file row did (and what rollback needs to undo it),
// and the reads an import needs (high-water marks, matches by email or name, what of it is still
// pending). Records themselves are written, and taken back by a rollback, through the record
// writers, like every other change.
import type { Database } from 'better-sqlite3';
import { ensurePrivateFile } from '../files/privateFiles';
import { Statements } from './Statements';

export interface ImportDbRow {
  id: string;
  file_name: string;
  file_path: string;
  size: number;
  format: 'csv' | 'jsonl' | null;
  encoding: string | null;
  encoding_note: string | null;
  kind: 'contacts' | 'companies' | 'events' | null;
  mapping: string | null;
  duplicates: 'skip' | 'update' | 'create' | null;
  state: 'uploading' | 'ready' | 'running' | 'interrupted' | 'done' | 'rolled_back' | 'failed';
  rows_total: number;
  next_row: number;
  created: number;
  updated: number;
  skipped: number;
  failed: number;
  error: string | null;
  actor: string;
  created_at: number;
  started_at: number | null;
  finished_at: number | null;
  /** JSON of what the rollback did (ImportJob.rollbackResult), once rolled back. */
  rollback_result: string | null;
}

const WRITABLE = {
  format: 'format',
  encoding: 'encoding',
  encodingNote: 'encoding_note',
  kind: 'kind',
  mapping: 'mapping',
  duplicates: 'duplicates',
  state: 'state',
  rowsTotal: 'rows_total',
  nextRow: 'next_row',
  created: 'created',
  updated: 'updated',
  skipped: 'skipped',
  failed: 'failed',
  error: 'error',
  startedAt: 'started_at',
  finishedAt: 'finished_at',
  rollbackResult: 'rollback_result',
} as const;
export type ImportWrite = Partial<Record<keyof typeof WRITABLE, string | number | null>>;

export type ImportAction = 'created' | 'updated' | 'skipped' | 'failed';

export interface ImportRowLine {
  importId: string;
  rowNo: number;
  action: ImportAction;
  entityType: 'contact' | 'company' | 'event' | null;
  entityId: string | null;
  /** JSON of what rollback needs (see ImportService's RowUndo), or null. */
  before: string | null;
  reason: string | null;
}

export interface ImportRowDb {
  row_no: number;
  action: ImportAction;
  entity_type: 'contact' | 'company' | 'event' | null;
  entity_id: string | null;
  before: string | null;
  reason: string | null;
}

/** An outbox entry as a rollback weighs it. */
export interface ImportEntry {
  seq: number;
  entity_type: 'contact' | 'company';
  entity_id: string;
  op: string;
  payload: string;
  status: 'pending' | 'in_flight' | 'failed' | 'done';
}

/** An identity the rows above would have written, as the preview keeps it. */
export interface PreviewIdentityRow {
  pk: number | null;
  id: string;
  row_no: number | null;
  external_id: string | null;
}

export class ImportRepository {
  readonly st: Statements;
  constructor(readonly db: Database) {
    this.st = new Statements(db);
  }

  // ---- jobs -----------------------------------------------------------------------------------

  insert(r: { id: string; fileName: string; filePath: string; size: number; actor: string; createdAt: number }): void {
    this.st
      .get(
        `INSERT INTO imports (id, file_name, file_path, size, state, actor, created_at)
         VALUES (@id, @fileName, @filePath, @size, 'uploading', @actor, @createdAt)`,
      )
      .run(r);
  }

  byId(id: string): ImportDbRow | undefined {
    return this.st.get<ImportDbRow>('SELECT * FROM imports WHERE id = @id').get({ id });
  }

  update(id: string, fields: ImportWrite): void {
    const keys = (Object.keys(fields) as (keyof typeof WRITABLE)[]).filter((k) => fields[k] !== undefined).sort();
    if (keys.length === 0) return;
    this.st.get(`UPDATE imports SET ${keys.map((k) => `${WRITABLE[k]} = @${k}`).join(', ')} WHERE id = @id`).run({ ...fields, id });
  }

  /** Newest first. */
  list(limit: number, offset: number): { rows: ImportDbRow[]; total: number } {
    const rows = this.st
      .get<ImportDbRow>('SELECT * FROM imports ORDER BY created_at DESC, rowid DESC LIMIT @limit OFFSET @offset')
      .all({ limit, offset });
    const total = (this.st.get<{ n: number }>('SELECT count(*) AS n FROM imports').get() as { n: number }).n;
    return { rows, total };
  }

  inState(state: ImportDbRow['state']): ImportDbRow[] {
    return this.st.get<ImportDbRow>('SELECT * FROM imports WHERE state = @state ORDER BY created_at').all({ state });
  }

  /** Imports a closed app left running: they stopped part way. Returns their ids. */
  interruptRunning(): string[] {
    return this.st
      .get<{ id: string }>(`UPDATE imports SET state = 'interrupted' WHERE state = 'running' RETURNING id`)
      .all()
      .map((r) => r.id);
  }

  // ---- what each row did ----------------------------------------------------------------------

  addLine(l: ImportRowLine): void {
    this.st
      .get(
        `INSERT INTO import_rows (import_id, row_no, action, entity_type, entity_id, before, reason)
         VALUES (@importId, @rowNo, @action, @entityType, @entityId, @before, @reason)`,
      )
      .run(l);
  }

  /** Row lines in row order, optionally of some actions only. */
  lines(importId: string, actions: readonly ImportAction[] | null, limit: number, offset: number): { rows: ImportRowDb[]; total: number } {
    const filter = actions && actions.length > 0 ? 'AND action IN (SELECT value FROM json_each(@actions))' : '';
    const params = { importId, actions: JSON.stringify(actions ?? []), limit, offset };
    const rows = this.st
      .get<ImportRowDb>(
        `SELECT row_no, action, entity_type, entity_id, NULL AS before, reason FROM import_rows
         WHERE import_id = @importId ${filter} ORDER BY row_no LIMIT @limit OFFSET @offset`,
      )
      .all(params);
    const total = (
      this.st.get<{ n: number }>(`SELECT count(*) AS n FROM import_rows WHERE import_id = @importId ${filter}`).get(params) as { n: number }
    ).n;
    return { rows, total };
  }

  /** Skipped and failed rows counted by their exact reason text. */
  reasonCounts(importId: string): { reason: string; count: number }[] {
    return this.st
      .get<{ reason: string; count: number }>(
        `SELECT reason, count(*) AS count FROM import_rows
         WHERE import_id = @importId AND action IN ('skipped', 'failed') AND reason IS NOT NULL
         GROUP BY reason`,
      )
      .all({ importId });
  }

  /** Lines that wrote something, last row first (the order rollback undoes them in). */
  *undoLines(importId: string): IterableIterator<ImportRowDb> {
    yield* this.st
      .get<ImportRowDb>(
        `SELECT row_no, action, entity_type, entity_id, before, reason FROM import_rows
         WHERE import_id = @importId AND before IS NOT NULL ORDER BY row_no DESC`,
      )
      .iterate({ importId });
  }

  /** Records the rows wrote or changed (for the rollback's confirmation). */
  countWritten(importId: string): number {
    return (
      this.st
        .get<{ n: number }>(`SELECT count(*) AS n FROM import_rows WHERE import_id = @importId AND action IN ('created', 'updated')`)
        .get({ importId }) as { n: number }
    ).n;
  }

  /** Rows of the import already written, by entity id (a resumed run's "duplicate of row N"). */
  createdRows(importId: string): { row_no: number; entity_id: string }[] {
    return this.st
      .get<{ row_no: number; entity_id: string }>(
        `SELECT row_no, entity_id FROM import_rows WHERE import_id = @importId AND action = 'created' AND entity_id IS NOT NULL`,
      )
      .all({ importId });
  }

  deleteLines(importId: string): void {
    this.st.get('DELETE FROM import_rows WHERE import_id = @importId').run({ importId });
  }

  // ---- high-water marks: what a row wrote is everything above them -----------------------------

  /** The last outbox sequence number handed out (AUTOINCREMENT: never reused). */
  lastOutboxSeq(): number {
    const r = this.st.get<{ seq: number }>(`SELECT seq FROM sqlite_sequence WHERE name = 'outbox'`).get() as { seq: number } | undefined;
    return r?.seq ?? 0;
  }

  lastHistoryId(): number {
    return (this.st.get<{ id: number }>('SELECT coalesce(max(id), 0) AS id FROM stage_history').get() as { id: number }).id;
  }

  lastEventId(): number {
    return (this.st.get<{ id: number }>('SELECT coalesce(max(id), 0) AS id FROM events').get() as { id: number }).id;
  }

  // ---- the outbox entries of an import -----------------------------------------------------------

  /** The entries in these ranges ((after, upTo], one per row that wrote), in order, whatever their status. */
  entriesIn(ranges: readonly [number, number][]): ImportEntry[] {
    if (ranges.length === 0) return [];
    return this.st
      .get<ImportEntry>(
        // the ranges drive: each one is a walk along the outbox's primary key
        `SELECT o.seq, o.entity_type, o.entity_id, o.op, o.payload, o.status FROM json_each(@ranges) r
         CROSS JOIN outbox o ON o.seq > json_extract(r.value, '$[0]') AND o.seq <= json_extract(r.value, '$[1]')
         ORDER BY o.seq`,
      )
      .all({ ranges: JSON.stringify(ranges) });
  }

  /** A record's entries after `afterSeq`, whatever their status (what was changed since). */
  entriesAfter(entityId: string, afterSeq: number): ImportEntry[] {
    return this.st
      .get<ImportEntry>(`SELECT seq, entity_type, entity_id, op, payload, status FROM outbox WHERE entity_id = @entityId AND seq > @afterSeq ORDER BY seq`)
      .all({ entityId, afterSeq });
  }

  /** Entries in (after, upTo] that are no longer just waiting: sent, being sent, or refused. */
  leftInRange(after: number, upTo: number): number {
    return (
      this.st
        .get<{ n: number }>(`SELECT count(*) AS n FROM outbox WHERE seq > @after AND seq <= @upTo AND status <> 'pending'`)
        .get({ after, upTo }) as { n: number }
    ).n;
  }

  // ---- the preview's scratch ---------------------------------------------------------------------
  // What the rows above would have written, for a preview of millions of rows: a database file of
  // its own next to the uploads, attached while a preview runs, keeps memory flat where a Map of
  // every email in the file would not (and a TEMP table would, as temp_store is MEMORY here).
  // The store's own file is not written.

  private scratchUsers = 0;
  private scratchFile: string | null = null;

  get scratchInUse(): boolean {
    return this.scratchUsers > 0;
  }

  /** Attaches the scratch (once for any number of previews at a time); `file` is removed after the last one. */
  openScratch(file: string): void {
    if (this.scratchUsers++ > 0) return;
    // it holds the preview's rows (emails, names): as private as the store
    ensurePrivateFile(file);
    this.db.prepare('ATTACH DATABASE @file AS preview_scratch').run({ file });
    this.scratchFile = file;
    this.db.pragma('preview_scratch.journal_mode = OFF');
    this.db.pragma('preview_scratch.synchronous = OFF');
    // a page cache of its own, bounded, and no memory map: the file may grow to hundreds of MB
    this.db.pragma('preview_scratch.cache_size = -16384');
    this.db.pragma('preview_scratch.mmap_size = 0');
    this.db.exec(
      `CREATE TABLE IF NOT EXISTS preview_scratch.identities (
         preview INTEGER NOT NULL, kind TEXT NOT NULL, key TEXT NOT NULL,
         pk INTEGER, id TEXT NOT NULL, row_no INTEGER, external_id TEXT,
         PRIMARY KEY (preview, kind, key)) WITHOUT ROWID`,
    );
  }

  /** Forgets one preview's identities; the last one out detaches the scratch and returns its file to remove. */
  closeScratch(preview: number): string | null {
    if (--this.scratchUsers > 0) {
      this.st.get('DELETE FROM preview_scratch.identities WHERE preview = @preview').run({ preview });
      return null;
    }
    // the last one: the file goes whole (deleting millions of rows would hold the event loop)
    this.db.exec('DETACH DATABASE preview_scratch');
    const file = this.scratchFile;
    this.scratchFile = null;
    return file;
  }

  previewIdentity(preview: number, kind: string, key: string): PreviewIdentityRow | undefined {
    return this.st
      .get<PreviewIdentityRow>('SELECT pk, id, row_no, external_id FROM preview_scratch.identities WHERE preview = @preview AND kind = @kind AND key = @key')
      .get({ preview, kind, key });
  }

  /** Keeps the first identity under a key: a later row does not replace it. */
  addPreviewIdentity(preview: number, kind: string, key: string, r: PreviewIdentityRow): void {
    this.st
      .get(
        `INSERT OR IGNORE INTO preview_scratch.identities (preview, kind, key, pk, id, row_no, external_id)
         VALUES (@preview, @kind, @key, @pk, @id, @row_no, @external_id)`,
      )
      .run({ preview, kind, key, ...r });
  }

  /** Runs `fn` as one transaction (deferred: the store's own file is not locked by the scratch's writes). */
  inScratch<T>(fn: () => T): T {
    return this.db.transaction(fn).deferred();
  }

  // ---- matching ----------------------------------------------------------------------------------

  /** Whether a visitor has events no contact has taken over yet. */
  visitorHasEvents(visitorId: string): boolean {
    return this.st.get('SELECT 1 FROM events WHERE contact_pk IS NULL AND visitor_id = @visitorId LIMIT 1').get({ visitorId }) !== undefined;
  }

  /** Contacts by lower-cased email, oldest first (email is not unique). */
  contactByEmail(email: string): { pk: number; id: string } | undefined {
    return this.st.get<{ pk: number; id: string }>('SELECT pk, id FROM contacts WHERE email = @email ORDER BY pk LIMIT 1').get({ email });
  }

  /** A company by its exact name, case-insensitively (ASCII), oldest first. */
  companyByName(name: string): { pk: number } | undefined {
    return this.st.get<{ pk: number }>('SELECT pk FROM companies WHERE name = @name COLLATE NOCASE ORDER BY pk LIMIT 1').get({ name });
  }

  eventExists(contactPk: number | null, visitorId: string | null, name: string, at: number): boolean {
    const sql =
      contactPk !== null
        ? 'SELECT 1 FROM events WHERE contact_pk = @contactPk AND name = @name AND at = @at'
        : 'SELECT 1 FROM events WHERE contact_pk IS NULL AND visitor_id = @visitorId AND name = @name AND at = @at';
    return this.st.get(sql).get({ contactPk, visitorId, name, at }) !== undefined;
  }
}
