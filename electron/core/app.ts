// The composition root: builds store -> services -> router once, and hands back the three
// things a transport needs (call, events, dispose). No module-level state: a test can build
// as many cores as it likes, each on its own file.
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { ActivityService } from './activity/ActivityService';
import { pullDemoEventsOnce } from './activity/DemoEvents';
import { BACKUP_DIR_NAME, BackupService, backupBeforeMigration } from './backup/BackupService';
import { BulkService } from './bulk/BulkService';
import { ChangeService } from './changes/ChangeService';
import { MIGRATIONS } from './db/migrations';
import type { OpenOptions } from './db/openDatabase';
import { Store } from './db/Store';
import { diskFullError, freeBytes, isDiskFull, storeHeadroom } from './diskSpace';
import { ExportService } from './export/ExportService';
import { sweepDataDir } from './files/privateFiles';
import { FunnelService } from './funnel/FunnelService';
import { DataFolderLock } from './lock/DataFolderLock';
import { createLog, type AppLog } from './log/AppLog';
import { logSyncRuns } from './log/logSyncRuns';
import { ImportService, type ImportPace } from './import/ImportService';
import { SegmentService } from './segments/SegmentService';
import type { ServiceContext } from './ServiceContext';
import { CompanyService } from './companies/CompanyService';
import { EventHub, type EventListener } from './EventHub';
import { ContactService } from './contacts/ContactService';
import { MessageService } from './messages/MessageService';
import { NoteService } from './notes/NoteService';
import { MergeService } from './merges/MergeService';
import { TagService } from './tags/TagService';
import { TemplateService } from './templates/TemplateService';
import { OutboxService } from './outbox/OutboxService';
import { createRouter, type Call, type Handlers } from './router';
import { SettingsService, type ConnectionOverride } from './settings/SettingsService';
import { toAdmin } from './db/AdminRepository';
import { FileTokenStore, MemoryTokenStore, type TokenStore } from './settings/TokenStore';
import { ConflictService } from './sync/ConflictService';
import { FIRST_PULL_KEY } from './sync/Puller';
import { SyncEngine, type SyncEngineOptions } from './sync/SyncEngine';

export interface CoreOptions {
  /** Folder holding the database (and, in browser mode, bridge.json). */
  dataDir: string;
  /** Database file; default `<dataDir>/lead-console.sqlite`. */
  dbFile?: string;
  mode: 'desktop' | 'browser' | 'test';
  version?: string;
  /**
   * A fixed default name for the history (tests, tools) in place of the connected admin's; the
   * name given in Settings still wins. Without it: the Settings name, else the Intercom admin's.
   */
  actor?: string;
  /** Where exports are written; default `<dataDir>/exports`. */
  exportsDir?: string;
  /** Path of a better-sqlite3 native module built for this runtime (Electron). */
  nativeBinding?: string;
  validateOutput?: boolean;
  /** Where the Intercom token is kept; default: a 0600 file in the data folder (browser mode). */
  tokenStore?: TokenStore;
  /** A connection given at start (`--intercom-url`, `INTERCOM_BASE_URL`, `--sandbox`); with a token, it is kept in memory only. */
  intercom?: ConnectionOverride & { token?: string };
  /**
   * Demo mode (the built-in sandbox): after the first pull, each contact's events are pulled once,
   * so the demo's timelines, breakdowns and "Slipping away" show something. Default off.
   */
  demoEvents?: boolean;
  /** Automatic sync runs (after changes, every minute); default on, except in tests. */
  autoSync?: boolean;
  /** Sync tuning for tests and the bench. */
  sync?: Partial<Omit<SyncEngineOptions, 'store' | 'hub' | 'settings' | 'now' | 'log'>>;
  now?: () => number;
  /** Where unexpected errors are reported besides the log file; default: the console. */
  log?: (message: string, error: unknown) => void;
  /** The log file (start-up, sync runs, errors; `logs.tail`); default: the data folder's (log/AppLog.ts). */
  appLog?: AppLog;
  /** Largest store `quick_check` runs on at open; default QUICK_CHECK_MAX_BYTES (db/checkStore.ts). */
  quickCheckMaxBytes?: number;
  /** Test-only: the CSV import awaits this before each chunk, so a test sets its pace. */
  importPace?: ImportPace;
  /** The daily backup (at start when the newest copy is a day old, then checked hourly); default on, except in tests. */
  autoBackup?: boolean;
  /**
   * The data folder's lock, taken by the process's start before it wrote anything there; it stays
   * the caller's to release. Without it the core takes the lock itself and gives it up on dispose.
   */
  lock?: Pick<DataFolderLock, 'covers'>;
}

export interface Core {
  call: Call;
  subscribe(listener: EventListener): () => void;
  dispose(): void;
  readonly dbFile: string;
  /** For tests and diagnostics in the main process; never exposed to the renderer. The store in use: a restore replaces it. */
  readonly store: Store;
  readonly sync: SyncEngine;
  /** Why the store was opened read-only (a full disk), or null when it is writable. */
  readonly readOnly: string | null;
  /** For tests: drive the daily backup check (`tick`) with the core's clock. */
  readonly backups: BackupService;
}

export const DB_FILE_NAME = 'lead-console.sqlite';

/**
 * Opens the store for writing; when the disk is too full for that (the WAL switch, a migration),
 * opens it read-only instead, so the person can still look, export and free space. A damaged
 * store is refused either way (DAMAGED, from the db layer).
 */
function openStore(dbFile: string, options: CoreOptions, extra: Pick<OpenOptions, 'beforeMigrate'> = {}): { store: Store; readOnly: string | null } {
  const open = { nativeBinding: options.nativeBinding, quickCheckMaxBytes: options.quickCheckMaxBytes, ...extra };
  const folder = path.dirname(dbFile);
  try {
    return { store: Store.open(dbFile, open), readOnly: null };
  } catch (e) {
    const headroom = storeHeadroom(dbFile);
    const full = isDiskFull(e) || (sqliteIoError(e) && (freeBytes(folder) ?? Infinity) < headroom);
    if (!full) throw e;
    const refused = diskFullError('opening the store for changes', folder, headroom, 'free some space there and restart to make changes', 'at least');
    // read-only on the file (its -shm may already be there); else a copy in memory
    let store: Store | null;
    try {
      store = Store.open(dbFile, { ...open, readonly: true });
    } catch {
      try {
        store = Store.snapshot(dbFile, open);
      } catch {
        store = null;
      }
    }
    if (!store) throw refused; // not even readable (no store yet, or changes only in its -wal): say why
    if (store.schemaVersion < MIGRATIONS.length) {
      // this build reads only the newest schema, and bringing the file up to it needs the room
      store.close();
      throw refused;
    }
    return { store, readOnly: `Read-only: ${refused.message}` };
  }
}

function sqliteIoError(e: unknown): boolean {
  return !!e && typeof e === 'object' && 'code' in e && String((e as { code: unknown }).code).startsWith('SQLITE_IOERR');
}

export function createCore(options: CoreOptions): Core {
  const dbFile = options.dbFile ?? path.join(options.dataDir, DB_FILE_NAME);
  // one process per data folder: no store is opened, so no sync runs (nor in-flight recovery),
  // without the folder's lock; a second process on the folder stops here, having changed nothing
  if (options.lock && !options.lock.covers(options.dataDir)) throw new Error(`createCore: the lock given is not held for ${options.dataDir}`);
  const ownLock = options.lock ? null : DataFolderLock.acquire(options.dataDir, { mode: options.mode, nativeBinding: options.nativeBinding });
  try {
    return buildCore(options, dbFile, ownLock);
  } catch (e) {
    ownLock?.release();
    throw e;
  }
}

function buildCore(options: CoreOptions, dbFile: string, ownLock: DataFolderLock | null): Core {
  // before anything is opened or written: what an older version left readable by others is tightened
  sweepDataDir(options.dataDir);
  const hub = new EventHub();
  const now = options.now ?? Date.now;
  const appLog = options.appLog ?? createLog(options.dataDir, { now });
  const report = options.log ?? defaultLog;
  const log = (message: string, error: unknown) => {
    appLog.error(message, error);
    report(message, error);
  };
  // the hub outlives a restore's rebuild: one subscription for the core's life
  const stopRunLog = logSyncRuns(hub, appLog, now);
  const backupDir = path.join(options.dataDir, BACKUP_DIR_NAME);
  /** Why the store is open read-only (a full disk), or null; set by each (re)open. */
  let readOnly: string | null = null;
  const openWritable = (): Store => {
    const opened = openStore(dbFile, options, { beforeMigrate: backupBeforeMigration(backupDir, now) });
    readOnly = opened.readOnly;
    return opened.store;
  };
  const autoSync = options.autoSync ?? options.mode !== 'test';

  /** Everything built on one open store; a restore replaces it whole. */
  const build = (store: Store) => {
    // the actor is read at each change, so a name changed in Settings applies to what follows
    let settings: SettingsService | null = null;
    const ctx: ServiceContext = {
      store,
      hub,
      get actor() {
        return settings!.actor();
      },
      get me() {
        return settings!.me()?.adminId ?? null;
      },
      now,
      newId: randomUUID,
    };
    const changes = new ChangeService(ctx);
    const companies = new CompanyService(ctx, changes);
    const segments = new SegmentService(ctx);
    const contacts = new ContactService(ctx, companies, segments, changes);
    const messages = new MessageService(ctx);
    const notes = new NoteService(ctx, changes);
    const merges = new MergeService(ctx, changes);
    const tokens = options.tokenStore ?? (options.intercom?.token ? new MemoryTokenStore(options.intercom.token) : new FileTokenStore(options.dataDir));
    settings = new SettingsService(ctx, tokens, options.intercom ?? null, options.actor ?? null);
    const engine = new SyncEngine({ store, hub, settings, now, log, ...options.sync });
    const outbox = new OutboxService(ctx, () => engine.runNow());
    const activity = new ActivityService(ctx);
    const imports = new ImportService(ctx, options.dataDir, options.importPace);
    const exports = new ExportService(ctx, options.exportsDir ?? path.join(options.dataDir, 'exports'), options.mode === 'browser', segments);
    const funnel = new FunnelService(ctx);
    const bulk = new BulkService(ctx, segments, exports);
    const templates = new TemplateService(ctx, (target) => bulk.contactsOf(target));
    const tags = new TagService(ctx, changes);
    const conflicts = new ConflictService(store, {
      now,
      get actor() {
        return ctx.actor;
      },
      emit: (payload) => hub.emit('changed', payload) });

    const handlers: Handlers = {
      'app.info': () => ({
        version: options.version ?? '0.0.0',
        mode: options.mode,
        dataDir: options.dataDir,
        actor: ctx.actor,
        schemaVersion: store.schemaVersion,
        ...(readOnly ? { readOnly } : {}),
      }),
      'contacts.create': (i) => contacts.create(i),
      'contacts.get': (i) => contacts.get(i.id),
      'contacts.list': (i) => contacts.list(i),
      'contacts.update': (i) => contacts.update(i),
      'contacts.setStage': (i) => contacts.setStage(i),
      'contacts.setStageMany': (i) => contacts.setStageMany(i),
      'contacts.setArchived': (i) => contacts.setArchived(i),
      'contacts.delete': (i) => contacts.delete(i),
      'contacts.findMatches': (i) => contacts.findMatches(i),
      'contacts.signUp': (i) => contacts.signUp(i),
      'contacts.duplicates': (i) => merges.duplicates(i),
      'contacts.mergePreview': (i) => merges.preview(i),
      'contacts.merge': (i) => merges.merge(i),
      'companies.create': (i) => companies.create(i),
      'companies.get': (i) => companies.get(i.id),
      'companies.list': (i) => companies.list(i),
      'companies.update': (i) => companies.update(i),
      'companies.setStage': (i) => companies.setStage(i),
      'companies.link': (i) => companies.link(i),
      'companies.unlink': (i) => companies.unlink(i),
      'outbox.list': (i) => outbox.list(i),
      'outbox.retry': (i) => outbox.retry(i),
      'outbox.discard': (i) => outbox.discard(i),
      'settings.get': () => settings.get(),
      'admins.list': () => ({ items: store.admins.all().map(toAdmin), me: settings.me() }),
      'settings.set': (i) => settings.set(i),
      'sync.testConnection': (i) => engine.testConnection(i.token),
      'sync.status': () => engine.status(),
      'sync.now': () => engine.runNow(),
      'sync.setOnline': (i) => engine.setOnline(i.online),
      'conflicts.list': (i) => conflicts.list(i),
      'conflicts.resolve': (i) => conflicts.resolve(i),
      'messages.send': (i) => messages.send(i),
      'messages.flush': (i) => messages.flush(i),
      'messages.cancel': (i) => messages.cancel(i),
      'messages.list': (i) => messages.list(i),
      'events.track': (i) => activity.track(i),
      'contacts.timeline': (i) => activity.contactTimeline(i),
      'companies.timeline': (i) => activity.companyTimeline(i),
      'events.pull': (i) => engine.pullEvents(i.contactId),
      'notes.add': (i) => notes.add(i),
      'notes.edit': (i) => notes.edit(i),
      'notes.delete': (i) => notes.delete(i),
      'notes.list': (i) => notes.list(i),
      'notes.pull': (i) => engine.pullNotes(i.contactId),
      'import.open': (i) => imports.open(i),
      'import.chunk': (i) => imports.chunk(i),
      'import.analyse': (i) => imports.analyse(i),
      'import.preview': (i) => imports.preview(i),
      'import.start': (i) => imports.start(i),
      'import.pause': (i) => imports.pause(i),
      'import.resume': (i) => imports.resume(i),
      'import.rollback': (i) => imports.rollback(i),
      'import.status': (i) => imports.status(i),
      'import.list': (i) => imports.list(i),
      'import.report': (i) => imports.report(i),
      'import.failedRows': async (i) => {
        const failed = await imports.failedRows(i);
        const name = imports.fileNameOf(i.importId).replace(/\.[^.]*$/, '');
        return exports.writeTable(`${name}-failed-rows`, failed.header, failed.rows);
      },
      'contacts.export': (i) => exports.exportContacts(i),
      'funnel.get': (i) => funnel.get(i),
      'funnel.cohorts': (i) => funnel.cohorts(i),
      'funnel.breakdown': (i) => funnel.breakdown(i),
      'segments.list': (i) => segments.list(i),
      'segments.count': (i) => segments.count(i),
      'segments.save': (i) => segments.save(i),
      'segments.delete': (i) => segments.remove(i),
      'bulk.run': (i) => bulk.run(i),
      'bulk.undo': (i) => bulk.undo(i),
      'bulk.list': (i) => bulk.list(i),
      'templates.list': () => templates.list(),
      'templates.save': (i) => templates.save(i),
      'templates.delete': (i) => templates.delete(i),
      'templates.preview': (i) => templates.preview(i),
      'backup.list': () => backups.list(),
      'backup.now': () => backups.now(),
      'backup.restore': (i) => backups.restore(i),
      'changes.list': (i) => changes.list(i),
      'changes.undo': (i) => changes.undo(i),
      'tags.list': () => tags.list(),
      'tags.of': (i) => tags.of(i),
      'tags.add': (i) => tags.add(i),
      'tags.remove': (i) => tags.remove(i),
      'logs.tail': (i) => ({ file: appLog.file, lines: appLog.tail(i.lines) }),
    };

    const call = createRouter(handlers, {
      validateOutput: options.validateOutput ?? false,
      log,
      storeFile: dbFile,
      readOnly: () => (readOnly ? { code: 'DISK_FULL', message: readOnly, details: { folder: path.dirname(dbFile), readOnly: true } } : null),
    });
    // a read-only store cannot take what a sync run brings
    if (autoSync && !readOnly) engine.start();
    return {
      store,
      engine,
      call,
      /** Stops what works on the store in the background, then closes it. */
      async close() {
        await engine.stop();
        imports.dispose();
        store.close();
      },
      closeNow() {
        engine.dispose();
        imports.dispose();
        store.close();
      },
    };
  };

  let parts = build(openWritable());
  const backups = new BackupService(
    {
      store: () => parts.store,
      close: () => parts.close(),
      reopen(prepare) {
        const store = openWritable();
        try {
          prepare(store);
        } catch (e) {
          store.close();
          throw e;
        }
        parts = build(store);
        // every screen shows other data now
        for (const entity of ['contact', 'company', 'outbox'] as const) hub.emit('changed', { entity, ids: [], op: 'backup.restored' });
        hub.emit('sync', parts.engine.status());
      },
    },
    { dir: backupDir, dbFile, now, log, nativeBinding: options.nativeBinding },
  );
  const stopDemo = options.demoEvents && !readOnly
    ? pullDemoEventsOnce({
        store: () => parts.store,
        hub,
        firstPullDone: () => parts.store.settings.get<{ phase?: string }>(FIRST_PULL_KEY)?.phase === 'done',
        pullEvents: (id) => parts.engine.pullEvents(id),
        now,
        log,
      })
    : () => undefined;
  // a read-only store (a full disk) has no room for copies either
  if (!readOnly && (options.autoBackup ?? options.mode !== 'test')) backups.start();
  let disposed = false;
  return {
    call: (method, input) => parts.call(method, input),
    subscribe: (l) => hub.subscribe(l),
    dispose() {
      if (disposed) return;
      disposed = true;
      stopDemo();
      backups.dispose();
      parts.closeNow();
      stopRunLog();
      hub.clear();
      ownLock?.release();
    },
    dbFile,
    get store() {
      return parts.store;
    },
    get sync() {
      return parts.engine;
    },
    backups,
    get readOnly() {
      return readOnly;
    },
  };
}

function defaultLog(message: string, error: unknown) {
  console.error(`[lead-console] ${message}:`, error);
}
