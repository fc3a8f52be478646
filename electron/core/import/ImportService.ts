// CSV / JSON lines import: upload in chunks, analyse, map, preview, run in the background with
// progress, pause / resume / roll back, and a report per row.
//
// The file is never held whole: the end of the upload, the analysis, the preview and the run each
// read it from disk as a stream (parse.ts), one piece at a time, yielding between pieces. The run
// writes ~2,000 rows per transaction and yields between them, so the core keeps serving calls.
// Each chunk moves `imports.next_row` (the resume point) in the same transaction as its rows, so
// a crash loses at most the chunk in flight and a resume, reading the file again and skipping the
// rows before it, writes nothing twice. The import's outbox entries are held until it is done, and
// it can be rolled back at any time, as an undo (ImportRollback.ts).
import fs from 'node:fs';
import path from 'node:path';
import type { ImportJob, ImportMapping } from '../../../shared/activity';
import type { MethodOutput, ParsedInput } from '../../../shared/api';
import { AppError } from '../../../shared/errors';
import { ensurePrivateDir, ensurePrivateFile, writePrivateFile } from '../files/privateFiles';
import type { ImportDbRow } from '../db/ImportRepository';
import { iso, isoOrNull } from '../db/rows';
import { diskFullError, isDiskFull, storeHeadroom, writingInto } from '../diskSpace';
import type { ServiceContext } from '../ServiceContext';
import { NOT_UTF8_NOTE, type TextEncoding } from './decode';
import { FAILED_ROWS_REASON, guessKind, guessMapping } from './guess';
import { describeOutcome, ImportRollback, type RollbackSurvey } from './ImportRollback';
import { ImportWriter } from './ImportWriter';
import { cellText, scanTable, TableReader, UnreadableFileError, type TableFacts, type TableRow } from './parse';
import { previewRows } from './preview';
import { compileMapping, firstRowNumber, mapRow, ownerLookup } from './rows';

/** Rows per transaction: big enough to amortise the commit, small enough to keep calls flowing. */
export const IMPORT_CHUNK_ROWS = 2000;
/** Progress events at most this often (state changes always go out). */
const PROGRESS_EVERY_MS = 250;
const SAMPLE_ROWS = 10;
/** What a pass learned of a file (columns, JSON keys), kept between analyse, preview and the run. */
const FACTS_CACHE = 20;
/** An upload with no piece for this long was abandoned: it is removed when the console starts. */
export const STALE_UPLOAD_MS = 24 * 60 * 60 * 1000;

interface RunHandle {
  stop: boolean;
}

const isMissing = (err: unknown) => (err as NodeJS.ErrnoException | null)?.code === 'ENOENT';

/** Awaited before each chunk (tests set the pace); may resolve early once `stopped()` is true: the run checks it next. */
export type ImportPace = (stopped: () => boolean) => Promise<void>;

interface Progress {
  rowsPerSecond: number | null;
  etaMs: number | null;
}

export class ImportService {
  private readonly runs = new Map<string, RunHandle>();
  private readonly progress = new Map<string, Progress>();
  private readonly facts = new Map<string, TableFacts>();
  /** Uploads whose last piece arrived and whose file is being read (a discard stops the read). */
  private readonly reading = new Map<string, RunHandle>();
  private readonly lastProgressEvent = new Map<string, number>();
  /**
   * What each rollback did, in words, for as long as the console runs (the store keeps what the
   * rollback wrote; the words are for the person who just confirmed it).
   */

  constructor(
    readonly ctx: ServiceContext,
    readonly dataDir: string,
    private readonly pace?: ImportPace,
  ) {
    // whatever was running when the app last closed stopped part way: resume or roll back
    // (a store opened read-only shows it as it was; the next writable start does this)
    if (!ctx.store.db.readonly) {
      ctx.store.imports.interruptRunning();
      this.removeStaleUploads();
    }
  }

  private get dir(): string {
    return path.join(this.dataDir, 'imports');
  }

  // ---- jobs as the API shows them ------------------------------------------------------------------

  private toJob(r: ImportDbRow): ImportJob {
    const p = r.state === 'running' || r.state === 'done' ? this.progress.get(r.id) : undefined;
    return {
      id: r.id,
      fileName: r.file_name,
      format: r.format,
      encoding: r.encoding,
      encodingNote: r.encoding_note,
      kind: r.kind,
      duplicates: r.duplicates,
      state: r.state,
      rowsTotal: r.rows_total,
      rowsDone: r.next_row,
      created: r.created,
      updated: r.updated,
      skipped: r.skipped,
      failed: r.failed,
      rowsPerSecond: p?.rowsPerSecond ?? null,
      etaMs: r.state === 'running' ? (p?.etaMs ?? null) : null,
      error: r.error,
      createdAt: iso(r.created_at),
      startedAt: isoOrNull(r.started_at),
      finishedAt: isoOrNull(r.finished_at),
      rollbackable: this.rollbackBlockedReason(r) === null,
      rollbackBlockedReason: this.rollbackBlockedReason(r),
      rollbackWarning: rollbackWarning(r),
      rollbackResult: r.state === 'rolled_back' && r.rollback_result ? (JSON.parse(r.rollback_result) as RollbackResult) : null,
    };
  }

  /** Why `rollback` would refuse this import now, in words; null when it would go ahead. */
  private rollbackBlockedReason(r: ImportDbRow): string | null {
    switch (r.state) {
      case 'running':
        return 'The import is running: pause it first, then roll it back.';
      case 'rolled_back':
        return 'It has been rolled back already.';
      case 'failed':
        return 'Nothing of this file was imported, so there is nothing to roll back.';
      default:
        return null;
    }
  }

  private mustGet(id: string): ImportDbRow {
    const row = this.ctx.store.imports.byId(id);
    if (!row) throw new AppError('NOT_FOUND', `There is no import with id ${id}.`, { field: 'importId' });
    return row;
  }

  private job(id: string): ImportJob {
    return this.toJob(this.mustGet(id));
  }

  /** A state change: the `import` event (never throttled) and a `changed` for lists. */
  private announce(id: string, op: string): ImportJob {
    const job = this.job(id);
    this.lastProgressEvent.set(id, performance.now());
    this.ctx.hub.emit('import', job);
    this.ctx.hub.emit('changed', { entity: 'import', ids: [id], op });
    return job;
  }

  private wrongState(r: ImportDbRow, doing: string): never {
    throw new AppError('VALIDATION', `You cannot ${doing} an import that is ${r.state.replace('_', ' ')}.`, {
      field: 'importId',
      details: { state: r.state },
    });
  }

  // ---- upload --------------------------------------------------------------------------------------

  open(input: ParsedInput<'import.open'>): MethodOutput<'import.open'> {
    const id = this.ctx.newId();
    const filePath = path.join(this.dir, `${id}.src`);
    writingInto(`uploading ${input.fileName}`, this.dir, () => input.size, () => {
      ensurePrivateDir(this.dir);
      ensurePrivateFile(filePath);
    });
    this.ctx.store.imports.insert({ id, fileName: input.fileName, filePath, size: input.size, actor: this.ctx.actor, createdAt: this.ctx.now() });
    return this.announce(id, 'opened');
  }

  async chunk({ importId, offset, data }: ParsedInput<'import.chunk'>): Promise<MethodOutput<'import.chunk'>> {
    const r = this.mustGet(importId);
    if (r.state !== 'uploading') this.wrongState(r, 'add to');
    if (this.reading.has(importId)) {
      throw new AppError('VALIDATION', 'The whole file has arrived and is being read; wait for it.', { field: 'importId' });
    }
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(data) || data.length % 4 !== 0) {
      throw new AppError('VALIDATION', 'This piece of the file is not base64.', { field: 'data' });
    }
    const bytes = Buffer.from(data, 'base64');
    if (offset + bytes.length > r.size) {
      throw new AppError(
        'VALIDATION',
        `The piece ends at byte ${offset + bytes.length}, past the end of the file (${r.size.toLocaleString('en')} bytes, as announced when the upload began)`,
        { field: 'offset' },
      );
    }
    // pieces come in order (a piece sent again may overlap): the file on disk is what has arrived
    const received = this.received(r);
    if (offset > received) {
      throw new AppError('VALIDATION', `The piece starts at byte ${offset} but ${received} bytes have arrived so far; send the pieces in order.`, {
        field: 'offset',
      });
    }
    // a full disk refuses the piece; the upload stays open and takes it again once there is room
    writingInto(`the rest of the upload of ${r.file_name}`, this.dir, () => r.size - offset, () => {
      const fd = fs.openSync(r.file_path, 'r+');
      try {
        fs.writeSync(fd, bytes, 0, bytes.length, offset);
      } finally {
        fs.closeSync(fd);
      }
    });
    if (Math.max(received, offset + bytes.length) < r.size) return this.toJob(r);
    await this.readFile(r);
    return this.announce(importId, 'read');
  }

  /** Bytes of an upload on disk. */
  private received(r: ImportDbRow): number {
    try {
      return fs.statSync(r.file_path).size;
    } catch (err) {
      if (!isMissing(err)) throw err;
      throw new AppError('NOT_FOUND', `What arrived of ${r.file_name} is gone; upload the file again.`, { field: 'importId' });
    }
  }

  /** The whole file is there: read it once, to learn its encoding, columns and rows, and catch what cannot be read. */
  private async readFile(r: ImportDbRow): Promise<void> {
    const { imports } = this.ctx.store;
    const handle: RunHandle = { stop: false };
    this.reading.set(r.id, handle);
    const keepGoing = () => !handle.stop && this.alive;
    try {
      const facts = await scanTable(r.file_path, r.file_name, { keepGoing });
      if (!facts) return; // discarded, or the core closed, while it was read
      this.remember(r.id, facts);
      imports.update(r.id, {
        format: facts.format,
        encoding: facts.encoding,
        encodingNote: facts.encoding === 'windows-1252' ? NOT_UTF8_NOTE : null,
        rowsTotal: facts.rows,
        state: 'ready',
      });
    } catch (err) {
      if (!keepGoing()) return;
      if (!(err instanceof UnreadableFileError)) throw err;
      imports.update(r.id, { state: 'failed', error: err.message, finishedAt: this.ctx.now() });
      this.removeSource(r);
    } finally {
      if (this.reading.get(r.id) === handle) this.reading.delete(r.id);
    }
  }

  private remember(id: string, facts: TableFacts): void {
    this.facts.delete(id);
    this.facts.set(id, facts);
    while (this.facts.size > FACTS_CACHE) this.facts.delete(this.facts.keys().next().value!);
  }

  /** The file's columns (and JSON keys): known since its upload, or read again (its header, or the whole of a JSON lines file). */
  private async factsOf(r: ImportDbRow): Promise<TableFacts> {
    const known = this.facts.get(r.id);
    if (known) return known;
    let facts: TableFacts | null;
    try {
      facts = await scanTable(r.file_path, r.file_name, {
        keepGoing: () => this.alive,
        headerOnly: r.format === 'csv',
        encoding: r.encoding as TextEncoding | null,
      });
    } catch (err) {
      throw this.sourceError(r, err);
    }
    if (!facts) throw new Error('the console closed while the file was read');
    this.remember(r.id, facts);
    return facts;
  }

  private sourceError(r: Pick<ImportDbRow, 'id'>, err: unknown): unknown {
    if (!isMissing(err)) return err;
    return new AppError('NOT_FOUND', `The uploaded file of this import is gone; upload it again.`, { field: 'importId' });
  }

  /** The file's rows, read from disk in batches. */
  private async *rowsOf(r: ImportDbRow, facts: TableFacts): AsyncGenerator<TableRow[]> {
    const reader = new TableReader(r.file_path, { fileName: r.file_name, windows1252: facts.encoding === 'windows-1252', keys: facts.keys });
    try {
      yield* reader.batches();
    } catch (err) {
      throw this.sourceError(r, err);
    }
  }

  /** The rows from `from` on, in chunks of IMPORT_CHUNK_ROWS (the rows before it are read and passed over). */
  private async *chunksOf(r: ImportDbRow, facts: TableFacts, from: number): AsyncGenerator<TableRow[]> {
    let index = 0;
    let chunk: TableRow[] = [];
    for await (const batch of this.rowsOf(r, facts)) {
      for (const row of batch) {
        if (index++ < from) continue;
        chunk.push(row);
        if (chunk.length === IMPORT_CHUNK_ROWS) {
          yield chunk;
          chunk = [];
        }
      }
    }
    if (chunk.length > 0) yield chunk;
  }

  private removeSource(r: ImportDbRow): void {
    this.facts.delete(r.id);
    fs.rmSync(r.file_path, { force: true });
  }

  /**
   * Uploads that stopped part way and got no piece for a day: their partial files go. Uploads
   * that arrived whole but were left unstarted for a day are discarded as "Remove" does, so
   * abandoned files do not pile up in the list.
   */
  private removeStaleUploads(): void {
    const now = this.ctx.now();
    for (const r of this.ctx.store.imports.inState('ready')) {
      let last = r.created_at;
      try {
        last = fs.statSync(r.file_path).mtimeMs;
      } catch (err) {
        if (!isMissing(err)) throw err;
      }
      if (now - last >= STALE_UPLOAD_MS) this.discard(r);
    }
    for (const r of this.ctx.store.imports.inState('uploading')) {
      let last = r.created_at;
      try {
        last = fs.statSync(r.file_path).mtimeMs;
      } catch (err) {
        if (!isMissing(err)) throw err;
      }
      if (now - last < STALE_UPLOAD_MS) continue;
      this.ctx.store.imports.update(r.id, {
        state: 'failed',
        error: 'The upload stopped part way and no piece came for a day; what had arrived was removed. Import the file again.',
        finishedAt: now,
      });
      this.removeSource(r);
    }
  }

  // ---- mapping and preview -------------------------------------------------------------------------

  /** The source file is kept from the end of the upload until the import is done or rolled back. */
  private mustBeRead(r: ImportDbRow): void {
    if (r.state !== 'ready' && r.state !== 'running' && r.state !== 'interrupted') this.wrongState(r, 'read');
  }

  /** Reads the columns and only the first rows. */
  async analyse({ importId, kind }: ParsedInput<'import.analyse'>): Promise<MethodOutput<'import.analyse'>> {
    const r = this.mustGet(importId);
    this.mustBeRead(r);
    const facts = await this.factsOf(r);
    const sample: string[][] = [];
    for await (const batch of this.rowsOf(r, facts)) {
      for (const row of batch.slice(0, SAMPLE_ROWS - sample.length)) sample.push(row.cells.map(cellText));
      if (sample.length >= SAMPLE_ROWS) break;
    }
    const guessedKind = guessKind(facts.columns);
    return {
      job: this.job(importId),
      columns: facts.columns,
      sample,
      guessedKind,
      mapping: guessMapping(facts.columns, kind ?? guessedKind),
    };
  }

  /** Reads only, streaming the file; yields now and then, so a large file's preview does not hold up other calls. */
  async preview({ importId, kind, mapping, duplicates }: ParsedInput<'import.preview'>): Promise<MethodOutput<'import.preview'>> {
    const r = this.mustGet(importId);
    if (r.state !== 'ready') this.wrongState(r, 'preview');
    const facts = await this.factsOf(r);
    const compiled = compileMapping(kind, mapping, facts.columns, facts.format, ownerLookup(this.ctx.store.admins.all()));
    const result = await previewRows(this.ctx.store, this.rowsOf(r, facts), compiled, duplicates, () => this.alive, path.join(this.dir, 'preview-scratch.sqlite'));
    if (!result) throw new Error('the console closed during the preview');
    return result;
  }

  // ---- the run -------------------------------------------------------------------------------------

  async start({ importId, kind, mapping, duplicates }: ParsedInput<'import.start'>): Promise<MethodOutput<'import.start'>> {
    const r = this.mustGet(importId);
    if (r.state !== 'ready') this.wrongState(r, 'start');
    const facts = await this.factsOf(r);
    compileMapping(kind, mapping, facts.columns, facts.format, ownerLookup(this.ctx.store.admins.all())); // refuses a bad mapping before anything runs
    // a second start may have come in while the columns were read
    const again = this.mustGet(importId);
    if (again.state !== 'ready') this.wrongState(again, 'start');
    this.ctx.store.imports.update(importId, {
      kind,
      mapping: JSON.stringify(mapping),
      duplicates,
      state: 'running',
      startedAt: this.ctx.now(),
      error: null,
    });
    this.launch(importId);
    return this.announce(importId, 'started');
  }

  pause({ importId }: ParsedInput<'import.pause'>): MethodOutput<'import.pause'> {
    const r = this.mustGet(importId);
    if (r.state !== 'running') this.wrongState(r, 'pause');
    // the run sits between chunks whenever a call is served: stopping it here loses nothing
    const handle = this.runs.get(importId);
    if (handle) handle.stop = true;
    this.runs.delete(importId);
    this.ctx.store.imports.update(importId, { state: 'interrupted' });
    return this.announce(importId, 'paused');
  }

  resume({ importId }: ParsedInput<'import.resume'>): MethodOutput<'import.resume'> {
    const r = this.mustGet(importId);
    if (r.state !== 'interrupted') this.wrongState(r, 'resume');
    if (!fs.existsSync(r.file_path)) throw this.sourceError(r, Object.assign(new Error('gone'), { code: 'ENOENT' }));
    this.ctx.store.imports.update(importId, { state: 'running', error: null });
    this.launch(importId);
    return this.announce(importId, 'resumed');
  }

  private launch(id: string): void {
    const handle: RunHandle = { stop: false };
    this.runs.set(id, handle);
    this.progress.set(id, { rowsPerSecond: null, etaMs: null });
    setImmediate(() => void this.run(id, handle));
  }

  /** The core was disposed (the store is closed): a run must stop without touching it. */
  private get alive(): boolean {
    return this.ctx.store.db.open;
  }

  /** Stops runs before the store closes (the composition root's dispose). */
  dispose(): void {
    for (const handle of this.runs.values()) handle.stop = true;
    this.runs.clear();
  }

  private async run(id: string, handle: RunHandle): Promise<void> {
    const { store, hub } = this.ctx;
    let restoreCheckpoint: (() => void) | null = null;
    try {
      if (handle.stop || !this.alive) return;
      const job = this.mustGet(id);
      const facts = await this.factsOf(job);
      if (handle.stop || !this.alive) return;
      const mapping = compileMapping(job.kind!, JSON.parse(job.mapping!) as ImportMapping, facts.columns, facts.format, ownerLookup(store.admins.all()));
      const writer = new ImportWriter(store, id, job.duplicates!, this.ctx.actor, this.ctx.newId);
      // a resumed run still knows which records earlier rows made ("duplicate of ... (row 3)")
      for (const l of store.imports.createdRows(id)) writer.rowOf.set(l.entity_id, l.row_no);
      const total = job.rows_total;
      const firstRow = job.next_row;
      const t0 = performance.now();
      let next = firstRow;
      // a bulk write: copy the WAL into the database file less often (see checkpointLessOften)
      restoreCheckpoint = store.remote.checkpointLessOften();
      for await (const rows of this.chunksOf(job, facts, firstRow)) {
        if (this.pace) await this.pace(() => handle.stop || !this.alive);
        if (handle.stop || !this.alive) return;
        const from = next;
        const touched = store.transaction(() => this.writeChunk(id, rows, mapping, writer, from));
        next = from + rows.length;
        if (touched.contacts.size > 0) hub.emit('changed', { entity: 'contact', ids: [...touched.contacts], op: 'import' });
        if (touched.companies.size > 0) hub.emit('changed', { entity: 'company', ids: [...touched.companies], op: 'import' });
        if (touched.events) hub.emit('changed', { entity: 'event', ids: [], op: 'import' });
        const seconds = (performance.now() - t0) / 1000;
        const rate = seconds > 0 ? (next - firstRow) / seconds : null;
        this.progress.set(id, { rowsPerSecond: rate, etaMs: rate ? Math.round((Math.max(0, total - next) / rate) * 1000) : null });
        this.progressEvent(id);
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
      if (handle.stop || !this.alive) return;
      store.transaction(() => {
        store.outbox.releaseHold(id);
        store.imports.update(id, { state: 'done', finishedAt: this.ctx.now() });
      });
      this.runs.delete(id);
      // the failed rows outlive the source file, so they can still be downloaded to fix
      if (store.imports.byId(id)!.failed > 0) await this.keepFailedRows(job, facts);
      this.removeSource(job);
      this.announce(id, 'done');
      // the held entries may go now: the sync engine runs on this
      hub.emit('changed', { entity: 'outbox', ids: [], op: 'import done' });
    } catch (err) {
      if (!this.alive || handle.stop) return;
      const full = isDiskFull(err) ? this.diskFull(id) : null;
      const message = full ?? (err instanceof AppError ? err.message : 'the import stopped on an unexpected error; resume it or roll it back');
      if (!full && !(err instanceof AppError)) console.error('[lead-console] import run failed:', err);
      try {
        store.imports.update(id, { state: 'interrupted', error: message });
      } catch (e) {
        // the disk may be too full even for this line: the next start marks the run interrupted
        console.error('[lead-console] could not record why the import stopped:', e);
      }
      this.announce(id, 'interrupted');
    } finally {
      if (this.alive) restoreCheckpoint?.();
      if (this.runs.get(id) === handle) this.runs.delete(id);
    }
  }

  /** Why a run stopped on a full disk: the store's folder and a guess at the room the rest needs. */
  private diskFull(id: string): string {
    const r = this.ctx.store.imports.byId(id);
    // the rows still to write take about their share of the source file, twice over (rows and WAL)
    const left = r && r.rows_total ? Math.round((r.size * 2 * (r.rows_total - r.next_row)) / r.rows_total) : 0;
    const file = this.ctx.store.db.name;
    const e = diskFullError('the rest of the import', path.dirname(file), Math.max(left, storeHeadroom(file)), 'free some space there and resume it, or roll it back');
    return e.message;
  }

  /** One chunk, inside its transaction: the rows, their report lines and the resume point. */
  private writeChunk(id: string, rows: TableRow[], mapping: ReturnType<typeof compileMapping>, writer: ImportWriter, from: number) {
    const { store } = this.ctx;
    const counts = { created: 0, updated: 0, skipped: 0, failed: 0 };
    const touched = { contacts: new Set<string>(), companies: new Set<string>(), events: false };
    writer.beginChunk(this.ctx.now());
    for (let i = 0; i < rows.length; i++) {
      const rowNo = rows[i]!.row ?? from + i + firstRowNumber(mapping);
      const checked = mapRow(mapping, rows[i]!.cells, rowNo, rows[i]!.error);
      if (!checked.ok) {
        counts.failed++;
        const reason = checked.problems.map((p) => (p.column ? `${p.column}: ${p.message}` : p.message)).join('; ');
        store.imports.addLine({ importId: id, rowNo, action: 'failed', entityType: null, entityId: null, before: null, reason });
        continue;
      }
      const out = writer.apply(checked.row, rowNo);
      counts[out.action]++;
      for (const c of out.touched.contacts) touched.contacts.add(c);
      for (const c of out.touched.companies) touched.companies.add(c);
      touched.events ||= out.touched.events;
      store.imports.addLine({
        importId: id,
        rowNo,
        action: out.action,
        entityType: out.entityType,
        entityId: out.entityId,
        before: out.undo ? JSON.stringify(out.undo) : null,
        reason: out.reason,
      });
    }
    const job = store.imports.byId(id)!;
    store.imports.update(id, {
      nextRow: from + rows.length,
      created: job.created + counts.created,
      updated: job.updated + counts.updated,
      skipped: job.skipped + counts.skipped,
      failed: job.failed + counts.failed,
    });
    return touched;
  }

  private progressEvent(id: string): void {
    const now = performance.now();
    if (now - (this.lastProgressEvent.get(id) ?? 0) < PROGRESS_EVERY_MS) return;
    this.lastProgressEvent.set(id, now);
    this.ctx.hub.emit('import', this.job(id));
  }

  // ---- rollback ------------------------------------------------------------------------------------

  rollback({ importId, confirm }: ParsedInput<'import.rollback'>): MethodOutput<'import.rollback'> {
    const { store } = this.ctx;
    const r = this.mustGet(importId);
    if (r.state === 'uploading' || r.state === 'ready') return this.discard(r);
    const blocked = this.rollbackBlockedReason(r);
    if (blocked) throw new AppError('VALIDATION', blocked, { field: 'importId', details: { state: r.state } });
    const lines = [...store.imports.undoLines(importId)];
    if (!confirm) {
      const records = store.imports.countWritten(importId);
      const survey = new ImportRollback(store, lines).survey();
      throw new AppError('CONFIRM_REQUIRED', confirmWords(r.file_name, records, survey), { details: { records, ...survey } });
    }
    const at = this.ctx.now();
    const outcome = store.transaction(() => {
      const o = new ImportRollback(store, lines).apply({ at, actor: this.ctx.actor });
      const result: RollbackResult = {
        summary: describeOutcome(o),
        kept: o.kept.map((k) => `${k.field} of ${k.record}: ${k.why}`),
        contactsArchived: o.contactsArchived,
        companiesKept: o.companiesKept,
        eventsInIntercom: o.eventsInIntercom,
      };
      store.imports.update(importId, { state: 'rolled_back', finishedAt: at, rollbackResult: JSON.stringify(result) });
      return { ...o, result };
    });
    this.removeSource(r);
    // its failed rows are moot once it is undone
    fs.rmSync(this.failedRowsPath(r.id), { force: true });
    this.progress.delete(importId);
    const { touched } = outcome;
    if (touched.contacts.size > 0) this.ctx.hub.emit('changed', { entity: 'contact', ids: [...touched.contacts], op: 'import rolled back' });
    if (touched.companies.size > 0) this.ctx.hub.emit('changed', { entity: 'company', ids: [...touched.companies], op: 'import rolled back' });
    if (touched.events) this.ctx.hub.emit('changed', { entity: 'event', ids: [], op: 'import rolled back' });
    this.ctx.hub.emit('changed', { entity: 'outbox', ids: [], op: 'import rolled back' });
    return this.announce(importId, 'rolled back');
  }

  /** An upload, finished or not, that never started wrote nothing: its file goes, nothing to confirm. */
  private discard(r: ImportDbRow): ImportJob {
    const reading = this.reading.get(r.id);
    if (reading) reading.stop = true;
    this.ctx.store.imports.update(r.id, { state: 'rolled_back', finishedAt: this.ctx.now() });
    this.removeSource(r);
    return this.announce(r.id, 'discarded');
  }

  // ---- reading -------------------------------------------------------------------------------------

  fileNameOf(importId: string): string {
    return this.mustGet(importId).file_name;
  }

  status({ importId }: ParsedInput<'import.status'>): MethodOutput<'import.status'> {
    return this.job(importId);
  }

  list(q: ParsedInput<'import.list'>): MethodOutput<'import.list'> {
    const { rows, total } = this.ctx.store.imports.list(q.limit, q.offset ?? 0);
    return { items: rows.map((r) => this.toJob(r)), total };
  }

  /**
   * The failed rows as they were in the file, each with its reason last: read from the source
   * while it is there, else from the copy kept when the run ended (see keepFailedRows).
   */
  async failedRows({ importId }: ParsedInput<'import.failedRows'>): Promise<FailedRows> {
    const r = this.mustGet(importId);
    if (r.failed === 0) throw new AppError('VALIDATION', `No row of ${r.file_name} failed.`, { field: 'importId' });
    const kept = this.failedRowsPath(r.id);
    if (fs.existsSync(r.file_path)) return this.readFailedRows(r, await this.factsOf(r));
    if (fs.existsSync(kept)) return JSON.parse(fs.readFileSync(kept, 'utf8')) as FailedRows;
    throw new AppError('NOT_FOUND', `The rows of ${r.file_name} are no longer kept; import the file again to see them.`, { field: 'importId' });
  }

  private failedRowsPath(id: string): string {
    return path.join(this.dir, `${id}.failed.json`);
  }

  private async keepFailedRows(r: ImportDbRow, facts: TableFacts): Promise<void> {
    const rows = await this.readFailedRows(r, facts);
    writePrivateFile(this.failedRowsPath(r.id), JSON.stringify(rows));
  }

  private async readFailedRows(r: ImportDbRow, facts: TableFacts): Promise<FailedRows> {
    const reasons = new Map<number, string>();
    for (let offset = 0; ; offset += 1000) {
      const page = this.ctx.store.imports.lines(r.id, ['failed'], 1000, offset);
      for (const l of page.rows) reasons.set(l.row_no, l.reason ?? '');
      if (page.rows.length < 1000) break;
    }
    const rows: string[][] = [];
    // numbered as the run numbered them (see writeChunk)
    let counted = facts.format === 'jsonl' ? 1 : 2;
    for await (const batch of this.rowsOf(r, facts)) {
      for (const row of batch) {
        const rowNo = row.row ?? counted;
        counted++;
        const reason = reasons.get(rowNo);
        if (reason === undefined) continue;
        const cells = facts.columns.map((_, i) => cellText(row.cells[i]));
        rows.push([...cells, reason]);
      }
    }
    return { header: [...facts.columns, FAILED_ROWS_REASON], rows };
  }

  report(q: ParsedInput<'import.report'>): MethodOutput<'import.report'> {
    const r = this.mustGet(q.importId);
    const { rows, total } = this.ctx.store.imports.lines(q.importId, q.action ?? null, q.limit, q.offset ?? 0);
    return {
      job: this.toJob(r),
      items: rows.map((l) => ({ row: l.row_no, action: l.action, entityType: l.entity_type, entityId: l.entity_id, reason: l.reason })),
      total,
      reasons: groupReasons(this.ctx.store.imports.reasonCounts(q.importId)),
    };
  }
}

type RollbackResult = NonNullable<ImportJob['rollbackResult']>;
/** An import's failed rows: the file's columns and "Reason", then each row's cells. */
export interface FailedRows {
  header: string[];
  rows: string[][];
}

const count = (n: number, one: string, many: string) => `${n.toLocaleString('en')} ${n === 1 ? one : many}`;

/** What a rollback of a started import cannot take back, whatever it finds (the confirmation counts it). */
function rollbackWarning(r: ImportDbRow): string | null {
  if (r.state !== 'interrupted' && r.state !== 'done') return null;
  if (r.kind === 'events') return r.created > 0 ? 'Events cannot be removed from Intercom: those this import already sent stay there.' : null;
  if (r.created === 0) return null;
  const created = 'Contacts it created that are in Intercom are archived there (Intercom keeps archived contacts, off its lists).';
  return r.kind === 'companies' ? `${created} Companies it created that are in Intercom are deleted there, unless changed or linked to other contacts since.` : created;
}

/** The confirmation: what will happen, in words. */
function confirmWords(fileName: string, records: number, s: RollbackSurvey): string {
  const parts = [`Rolling back ${fileName} undoes ${count(records, 'row', 'rows')} it created or updated.`];
  if (s.contactsCreated > 0) {
    parts.push(
      `The ${count(s.contactsCreated, 'contact', 'contacts')} it created ${s.contactsCreated === 1 ? 'is' : 'are'} removed here` +
        (s.contactsInIntercom > 0 ? `; ${count(s.contactsInIntercom, 'of them is', 'of them are')} in Intercom and will be archived there.` : '.'),
    );
  }
  parts.push(
    'Fields, stages and links it changed are put back' +
      (s.updatesInIntercom > 0 ? `, in Intercom too for ${count(s.updatesInIntercom, 'record', 'records')} it had reached` : '') +
      ', unless they were changed since: those are kept and listed.',
  );
  if (s.companiesInIntercom > 0) {
    parts.push(
      `${count(s.companiesInIntercom, 'company', 'companies')} it created ${s.companiesInIntercom === 1 ? 'is' : 'are'} in Intercom and will be deleted there, unless changed or linked to other contacts since: those stay, and the contacts it linked to them are unlinked.`,
    );
  }
  if (s.eventsInIntercom > 0) {
    parts.push(`${count(s.eventsInIntercom, 'event', 'events')} it sent to Intercom ${s.eventsInIntercom === 1 ? 'stays' : 'stay'} there: Intercom cannot remove events.`);
  } else if (s.eventsRecorded > 0) {
    parts.push(`None of the ${count(s.eventsRecorded, 'event', 'events')} it recorded has reached Intercom yet, so all are removed.`);
  }
  parts.push('Repeat with confirm to go ahead.');
  return parts.join(' ');
}

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;
const MAX_REASONS = 50;

/**
 * Reasons as kinds: "duplicate of <id> by email" is one reason whoever the contact is, and
 * 'email: "bob@" is not a valid email address' one whatever the value. Most frequent first.
 */
export function groupReasons(counts: { reason: string; count: number }[]): { reason: string; count: number }[] {
  const groups = new Map<string, number>();
  for (const { reason, count } of counts) {
    const kind = reason
      .replace(UUID, '…')
      .replace(/ \(row \d+\)/g, '')
      .replace(/"(?:[^"\\]|\\.)*"/g, '"…"');
    groups.set(kind, (groups.get(kind) ?? 0) + count);
  }
  return [...groups]
    .map(([reason, count]) => ({ reason, count }))
    .sort((a, b) => b.count - a.count || a.reason.localeCompare(b.reason))
    .slice(0, MAX_REASONS);
}
