// One process per data folder: the lock a start takes before it writes anything there (the store,
// bridge.json, the sandbox's files, backups, the permission sweep), and the small file saying who
// holds it, so a second start can name the running one instead of sharing the store with it.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ExclusiveLock } from '../db/ExclusiveLock';
import { makePrivateDirs, PRIVATE_FILE_MODE, writePrivateFile } from '../files/privateFiles';

/** The lock itself: an empty file, kept between starts (removing it would let two processes lock two files). */
export const LOCK_FILE_NAME = 'lead-console.lock';
/** Who holds the lock: written once it is taken, removed when it is given up. */
export const HOLDER_FILE_NAME = 'lead-console.lock.json';

export type LockMode = 'desktop' | 'browser' | 'test';

export interface LockHolder {
  mode: LockMode;
  pid: number;
  host: string;
  /** ISO time the lock was taken. */
  since: string;
  /** Browser mode's address (no token), once it listens. */
  url?: string;
}

/** A second start on a folder another process holds; the message names that process and what to do. */
export class FolderInUseError extends Error {
  constructor(
    readonly dataDir: string,
    /** What the running process recorded; null when it has not yet (it is starting) or the record is unreadable. */
    readonly holder: LockHolder | null,
  ) {
    super(inUseMessage(dataDir, holder));
    this.name = 'FolderInUseError';
  }
}

export class DataFolderLock {
  private holder: LockHolder;

  private constructor(
    readonly dataDir: string,
    private lock: ExclusiveLock,
    holder: LockHolder,
  ) {
    this.holder = holder;
  }

  /**
   * Takes the folder's lock, or throws FolderInUseError naming the process that has it. Writes
   * nothing when the lock is taken (beyond the folder and the empty lock file on a first start).
   */
  static acquire(dataDir: string, options: { mode: LockMode; nativeBinding?: string; now?: () => number }): DataFolderLock {
    const dir = path.resolve(dataDir);
    const file = path.join(dir, LOCK_FILE_NAME);
    // a folder that exists keeps its mode here: the sweep tightens it once the lock is ours
    makePrivateDirs(dir);
    createLockFile(file);
    let lock: ExclusiveLock | null;
    try {
      lock = ExclusiveLock.tryTake(file, { nativeBinding: options.nativeBinding });
    } catch (e) {
      if ((e as { code?: unknown }).code === 'SQLITE_NOTADB') {
        throw new Error(`${file} is not a lock file Lead Console made. Make sure no Lead Console runs on ${dir}, remove that file, and start again.`, { cause: e });
      }
      throw e;
    }
    if (!lock) throw new FolderInUseError(dir, readHolder(dir));
    const holder: LockHolder = { mode: options.mode, pid: process.pid, host: os.hostname(), since: new Date((options.now ?? Date.now)()).toISOString() };
    const taken = new DataFolderLock(dir, lock, holder);
    try {
      taken.writeHolder();
    } catch (e) {
      // the record is only for a second start's message: without it (a full disk) the lock still holds
      if (!isNoRoom(e)) {
        taken.release();
        throw e;
      }
    }
    return taken;
  }

  get held(): boolean {
    return this.lock.held;
  }

  /** Whether this lock is held and is the one of `dataDir`. */
  covers(dataDir: string): boolean {
    return this.held && path.resolve(dataDir) === this.dataDir;
  }

  /** Browser mode: the address a second start should send the person to. */
  recordUrl(url: string): void {
    if (!this.held) return;
    this.holder = { ...this.holder, url };
    try {
      this.writeHolder();
    } catch (e) {
      if (!isNoRoom(e)) throw e;
    }
  }

  /** Gives the folder up: the record first (it must never name a process that no longer holds the lock), then the lock. */
  release(): void {
    if (!this.held) return;
    try {
      fs.rmSync(path.join(this.dataDir, HOLDER_FILE_NAME), { force: true });
    } finally {
      this.lock.release();
    }
  }

  private writeHolder(): void {
    writePrivateFile(path.join(this.dataDir, HOLDER_FILE_NAME), `${JSON.stringify(this.holder, null, 2)}\n`);
  }
}

/** Creates the empty lock file, private, if it is missing; an existing one is left alone (opening it here would drop a lock this process holds). */
function createLockFile(file: string): void {
  try {
    fs.closeSync(fs.openSync(file, 'wx', PRIVATE_FILE_MODE));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  }
}

function readHolder(dir: string): LockHolder | null {
  let holder: Partial<LockHolder>;
  try {
    holder = JSON.parse(fs.readFileSync(path.join(dir, HOLDER_FILE_NAME), 'utf8')) as Partial<LockHolder>;
  } catch {
    return null;
  }
  if (!holder || typeof holder.pid !== 'number' || typeof holder.since !== 'string' || !['desktop', 'browser', 'test'].includes(String(holder.mode))) return null;
  // a record left by a killed process while another, still starting, has the lock: it names the wrong one
  if (holder.host === os.hostname() && !alive(holder.pid)) return null;
  return {
    mode: holder.mode as LockMode,
    pid: holder.pid,
    host: String(holder.host ?? ''),
    since: holder.since,
    ...(typeof holder.url === 'string' ? { url: holder.url } : {}),
  };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: it exists, it belongs to someone else
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function isNoRoom(e: unknown): boolean {
  const code = (e as NodeJS.ErrnoException | null)?.code;
  return code === 'ENOSPC' || code === 'EDQUOT';
}

function inUseMessage(dir: string, holder: LockHolder | null): string {
  const head = `Lead Console is already running on this data folder (${dir})`;
  if (!holder) return `${head}; it may still be starting. Close it, or start with another --data folder.`;
  const where = holder.host && holder.host !== os.hostname() ? ` on ${holder.host}` : '';
  const since = `since ${localTime(holder.since)}`;
  const who = `pid ${holder.pid}${where}`;
  if (holder.mode === 'browser') {
    if (!holder.url) return `${head}: browser mode (${who}), ${since}, still starting. Close it, or start with another --data folder.`;
    return (
      `${head}: browser mode at ${holder.url} (${who}), ${since}. ` +
      `Close it or open that address (the link with its access token is in ${path.join(dir, 'bridge.json')}), or start with another --data folder.`
    );
  }
  if (holder.mode === 'desktop') return `${head}: the desktop app (${who}), ${since}. Close it or switch to its window, or start with another --data folder.`;
  return `${head}: a test (${who}), ${since}. Stop it, or start with another --data folder.`;
}

/** "2026-12-06 06:54", the holder's start in this machine's time. */
function localTime(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const two = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ${two(d.getHours())}:${two(d.getMinutes())}`;
}
