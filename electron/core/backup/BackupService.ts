// Copies of the store in `<data folder>/backups/`: one a day and on request (SQLite's online
// backup, while the console keeps working), one before every migration, pruned by age; and the
// restore of one in place of the store, with its outbox set against what Intercom already got.
import fs from 'node:fs';
import path from 'node:path';
import type { MethodOutput, ParsedInput } from '../../../shared/api';
import type { z } from 'zod';
import type { Backup, BackupReason } from '../../../shared/api/backup';
import { AppError } from '../../../shared/errors';
import { backupDatabase, hasUserData, inspectBackupFile, makePrivate, snapshotDatabase, withAttached } from '../db/backup';
import { MIGRATIONS } from '../db/migrations';
import type { OpenOptions } from '../db/openDatabase';
import type { OutboxRow } from '../db/rows';
import type { Store } from '../db/Store';

type BackupItem = z.output<typeof Backup>;
type Reason = z.output<typeof BackupReason>;

const DAY_MS = 24 * 60 * 60 * 1000;
const NAME = /^lead-console-(\d{4})(\d{2})(\d{2})-(\d{2})(\d{2})(\d{2})-(daily|manual|pre-migration|before-restore)\.sqlite$/;

/** How long each kind of copy is kept; the newest copy is always kept, whatever its age. */
export const KEEP_DAYS: Record<Reason, number> = { daily: 7, manual: 30, 'pre-migration': 30, 'before-restore': 30 };

/** How often the daily check runs while the console is open (it backs up when the newest copy is a day old). */
export const CHECK_EVERY_MS = 60 * 60 * 1000;

export const BACKUP_DIR_NAME = 'backups';

/** `lead-console-YYYYMMDD-HHMMSS-<reason>.sqlite`, in UTC. */
export function backupName(at: number, reason: Reason): string {
  const iso = new Date(at).toISOString(); // 2026-12-06T04:00:59.123Z
  const stamp = `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}-${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}`;
  return `lead-console-${stamp}-${reason}.sqlite`;
}

export function parseBackupName(name: string): { at: number; reason: Reason } | null {
  const m = NAME.exec(name);
  if (!m) return null;
  const [, y, mo, d, h, mi, s, reason] = m;
  const at = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
  return Number.isNaN(at) ? null : { at, reason: reason as Reason };
}

function ensurePrivateDir(dir: string): void {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  fs.chmodSync(dir, 0o700);
}

/** A free name for a copy taken at `at` (a second copy in the same second moves on a second). */
function freeName(dir: string, at: number, reason: Reason): string {
  let t = at;
  while (fs.existsSync(path.join(dir, backupName(t, reason)))) t += 1000;
  return backupName(t, reason);
}

/**
 * For openDatabase's `beforeMigrate`: keeps a copy of a store with data before a migration
 * changes it. Synchronous (opening is), and nothing else uses the store yet.
 */
export function backupBeforeMigration(dir: string, now: () => number): NonNullable<OpenOptions['beforeMigrate']> {
  return (db) => {
    if (!hasUserData(db)) return;
    ensurePrivateDir(dir);
    const name = freeName(dir, now(), 'pre-migration');
    const partial = path.join(dir, `${name}.partial`);
    fs.rmSync(partial, { force: true });
    snapshotDatabase(db, partial);
    makePrivate(partial);
    fs.renameSync(partial, path.join(dir, name));
  };
}

/** What the composition root lends the service to replace the store under everything else. */
export interface BackupHost {
  /** The store in use now. */
  store(): Store;
  /** Stops every job on the store and closes it; resolves when nothing uses it any more. */
  close(): Promise<void>;
  /** Opens the store file again and builds everything on it; `prepare` runs before anything else sees it. */
  reopen(prepare: (store: Store) => void): void;
}

export interface BackupServiceOptions {
  dir: string;
  dbFile: string;
  now: () => number;
  log: (message: string, error: unknown) => void;
  nativeBinding?: string;
  /** The daily check's timer; tests pass their own and call the service's `tick` themselves. */
  every?: (fn: () => void, ms: number) => () => void;
}

const defaultEvery = (fn: () => void, ms: number) => {
  const t = setInterval(fn, ms);
  t.unref?.();
  return () => clearInterval(t);
};

export class BackupService {
  /** One copy or restore at a time: each waits for the one before. */
  private queue: Promise<unknown> = Promise.resolve();
  private cancelTimer: (() => void) | null = null;
  private disposed = false;

  constructor(
    private readonly host: BackupHost,
    private readonly o: BackupServiceOptions,
  ) {}

  /** Backs up now if the newest copy is a day old (or there is none), then checks every hour. */
  start(): void {
    if (this.cancelTimer || this.disposed) return;
    const check = () => void this.tick().catch((e: unknown) => this.o.log('daily backup failed', e));
    this.cancelTimer = (this.o.every ?? defaultEvery)(check, CHECK_EVERY_MS);
    check();
  }

  dispose(): void {
    this.disposed = true;
    this.cancelTimer?.();
    this.cancelTimer = null;
  }

  /**
   * The daily check: a copy when the newest is at least a day old and the store holds anything
   * (a new, empty store has nothing to keep). Resolves to the copy taken, if any.
   */
  tick(): Promise<BackupItem | null> {
    return this.serial(async () => {
      if (this.disposed || !hasUserData(this.host.store().db)) return null;
      const newest = this.items()[0];
      if (newest && this.o.now() - Date.parse(newest.takenAt) < DAY_MS) return null;
      return this.take('daily');
    });
  }

  list(): MethodOutput<'backup.list'> {
    return { folder: this.o.dir, items: this.items() };
  }

  now(): Promise<MethodOutput<'backup.now'>> {
    return this.serial(() => this.take('manual'));
  }

  async restore({ name, confirm }: ParsedInput<'backup.restore'>): Promise<MethodOutput<'backup.restore'>> {
    const item = this.items().find((i) => i.name === name);
    if (!item) throw new AppError('NOT_FOUND', `There is no backup '${name}' in ${this.o.dir}.`, { field: 'name' });
    const file = path.join(this.o.dir, name);
    try {
      inspectBackupFile(file, MIGRATIONS.length, this.o.nativeBinding);
    } catch (e) {
      throw new AppError('VALIDATION', `The backup ${name} cannot be restored: ${e instanceof Error ? e.message : String(e)}`, { field: 'name' });
    }
    if (!confirm) {
      throw new AppError(
        'CONFIRM_REQUIRED',
        `Restoring puts the console back to ${item.takenAt}: every change made since is replaced by that copy. ` +
          'The current data is kept first as a backup of its own (before restore), and changes Intercom already got are not sent again. Confirm to go on.',
        { field: 'confirm', details: { takenAt: item.takenAt } },
      );
    }
    return this.serial(async () => {
      const kept = await this.take('before-restore');
      const keptFile = path.join(this.o.dir, kept.name);
      await this.host.close();
      let counts = { alreadySent: 0, toRecheck: 0, failed: 0 };
      try {
        this.replaceStoreFile(file);
      } catch (e) {
        // the store file is replaced by one rename, last: on any failure before it, it is as it was
        this.host.reopen(() => {});
        throw e;
      }
      try {
        this.host.reopen((store) => {
          counts = reconcileOutbox(store, keptFile, this.o.now());
        });
      } catch (e) {
        // the copy would not open (or migrate): the store it replaced goes back, as it was
        this.o.log(`restoring ${name} failed; putting ${kept.name} back`, e);
        this.replaceStoreFile(keptFile);
        this.host.reopen(() => {});
        throw new AppError('INTERNAL', `The backup ${name} could not be opened as the store (${e instanceof Error ? e.message : String(e)}); your data is as it was.`);
      }
      return { restored: name, keptAs: kept.name, outbox: counts };
    });
  }

  // ---- files -----------------------------------------------------------------------------------

  private items(): BackupItem[] {
    let names: string[];
    try {
      names = fs.readdirSync(this.o.dir);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw e;
    }
    const items: (BackupItem & { mtime: number })[] = [];
    for (const name of names) {
      const parsed = parseBackupName(name);
      if (!parsed) continue;
      let st: fs.Stats;
      try {
        st = fs.statSync(path.join(this.o.dir, name));
        if (!st.isFile()) continue;
      } catch {
        continue; // pruned meanwhile
      }
      items.push({ name, reason: parsed.reason, takenAt: new Date(parsed.at).toISOString(), sizeBytes: st.size, mtime: st.mtimeMs });
    }
    // two copies of the same second (of different kinds): the one written last first
    items.sort((a, b) => b.takenAt.localeCompare(a.takenAt) || b.mtime - a.mtime || b.name.localeCompare(a.name));
    return items.map(({ mtime: _mtime, ...item }) => item);
  }

  /** An online copy of the store, written under a temporary name and renamed when whole; then old copies go. */
  private async take(reason: Reason): Promise<BackupItem> {
    ensurePrivateDir(this.o.dir);
    const at = this.o.now();
    const name = freeName(this.o.dir, at, reason);
    const partial = path.join(this.o.dir, `${name}.partial`);
    const final = path.join(this.o.dir, name);
    try {
      fs.rmSync(partial, { force: true });
      await backupDatabase(this.host.store().db, partial);
      makePrivate(partial);
      fs.renameSync(partial, final);
    } catch (e) {
      fs.rmSync(partial, { force: true });
      throw new AppError('INTERNAL', `The backup could not be written to ${this.o.dir}: ${e instanceof Error ? e.message : String(e)}`);
    }
    this.prune();
    const parsed = parseBackupName(name)!;
    return { name, reason, takenAt: new Date(parsed.at).toISOString(), sizeBytes: fs.statSync(final).size };
  }

  /** Drops copies older than their kind is kept (KEEP_DAYS), never the newest of all. */
  private prune(): void {
    const now = this.o.now();
    const [, ...older] = this.items();
    for (const item of older) {
      if (now - Date.parse(item.takenAt) > KEEP_DAYS[item.reason] * DAY_MS) {
        try {
          fs.rmSync(path.join(this.o.dir, item.name), { force: true });
        } catch (e) {
          this.o.log(`could not remove the old backup ${item.name}`, e);
        }
      }
    }
  }

  /** The store file becomes a copy of `backup`; the WAL and shared-memory files of the old one go. */
  private replaceStoreFile(backup: string): void {
    const db = this.o.dbFile;
    const incoming = `${db}.restoring`;
    fs.rmSync(incoming, { force: true });
    fs.copyFileSync(backup, incoming);
    makePrivate(incoming);
    for (const extra of [`${db}-wal`, `${db}-shm`]) fs.rmSync(extra, { force: true });
    fs.renameSync(incoming, db);
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.queue.then(fn, fn);
    this.queue = next.catch(() => {});
    return next;
  }
}

/**
 * The restored copy's waiting entries, set against the store it replaced (kept as `keptFile`):
 * what went to Intercom after the copy was taken is marked done, not sent again (the next pull,
 * which starts from the copy's cursor, brings those records' Intercom ids and values back); what
 * was in flight is left in flight, which the pusher resolves as a lost answer (creates repeat
 * their identity and are adopted, a message fails visibly rather than going twice); what was
 * refused stays refused. Everything else was never sent and goes out as usual.
 */
export function reconcileOutbox(store: Store, keptFile: string, at: number): { alreadySent: number; toRecheck: number; failed: number } {
  const counts = { alreadySent: 0, toRecheck: 0, failed: 0 };
  withAttached(store.db, keptFile, 'replaced', () =>
    store.transaction(() => {
      const rows = store.outbox.adoptStatusesFrom('replaced', at);
      const entities = new Map<string, OutboxRow>();
      for (const r of rows) {
        entities.set(r.entity_id, r);
        if (r.status === 'done') counts.alreadySent++;
        else if (r.status === 'failed') counts.failed++;
        else counts.toRecheck++;
        const payload = JSON.parse(r.payload) as { messageId?: unknown; eventId?: unknown };
        if ((r.op === 'message.send' || r.op === 'message.flush') && typeof payload.messageId === 'string') {
          if (r.status === 'done') store.messages.setStatus(payload.messageId, { status: 'sent', sentAt: r.updated_at });
          if (r.status === 'failed') store.messages.setStatus(payload.messageId, { status: 'failed', error: r.last_error });
        }
        if (r.op === 'event.create' && typeof payload.eventId === 'number') {
          if (r.status === 'done') store.events.setSyncState(payload.eventId, 'synced');
          if (r.status === 'failed') store.events.setSyncState(payload.eventId, 'failed');
        }
      }
      for (const r of entities.values()) store.outbox.refreshSyncState(r.entity_type, r.entity_id);
    }),
  );
  return counts;
}
