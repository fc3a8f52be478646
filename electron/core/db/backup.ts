// Copies of the store taken while it is open: SQLite's online backup (in steps, so the process
// keeps answering) for daily and manual backups, and VACUUM INTO for the one taken right before
// a migration, when opening is synchronous and nothing else uses the store yet.
import BetterSqlite3, { type Database } from 'better-sqlite3';
import fs from 'node:fs';
import { schemaVersion } from './migrate';

/** Pages copied per step of an online backup: about 4 MB, a few milliseconds of work between turns of the event loop. */
export const BACKUP_PAGES_PER_STEP = 1000;

export interface BackupProgress {
  totalPages: number;
  remainingPages: number;
}

/** An online copy of `db` into `file` (written whole or not at all: the caller renames it into place). */
export async function backupDatabase(db: Database, file: string, onProgress?: (p: BackupProgress) => void): Promise<void> {
  await db.backup(file, {
    progress: (p) => {
      onProgress?.(p);
      return BACKUP_PAGES_PER_STEP;
    },
  });
}

/** A synchronous, consistent copy (WAL content included); for the moment before a migration. */
export function snapshotDatabase(db: Database, file: string): void {
  db.prepare('VACUUM INTO ?').run(file);
}

/** Whether the store holds anything worth keeping before a migration changes it. */
export function hasUserData(db: Database): boolean {
  const tables = db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name IN ('contacts', 'companies', 'outbox')`).pluck().all() as string[];
  return tables.some((t) => db.prepare(`SELECT EXISTS (SELECT 1 FROM ${t})`).pluck().get() === 1);
}

export interface BackupFileInfo {
  schemaVersion: number;
}

/**
 * Opens a backup read-only and checks it is a store this build can open (a readable SQLite file,
 * its pages consistent, a schema no newer than `newest`). Throws with SQLite's words otherwise.
 */
export function inspectBackupFile(file: string, newest: number, nativeBinding?: string): BackupFileInfo {
  const db = new BetterSqlite3(file, { readonly: true, fileMustExist: true, nativeBinding });
  try {
    const check = db.pragma('quick_check(1)', { simple: true });
    if (check !== 'ok') throw new Error(`it is damaged (${String(check)})`);
    const version = schemaVersion(db);
    if (version > newest) throw new Error(`it was written by a newer version of Lead Console (schema ${version}; this build knows up to ${newest})`);
    const hasContacts = db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'contacts'`).get();
    if (!hasContacts) throw new Error('it is not a Lead Console store (it has no contacts table)');
    return { schemaVersion: version };
  } finally {
    db.close();
  }
}

/** Keeps a copy private to this OS user whatever the umask. */
export function makePrivate(file: string): void {
  fs.chmodSync(file, 0o600);
}

/** Runs `fn` with `file` attached to `db` as `schema` (read only by fn), detached after. */
export function withAttached<T>(db: Database, file: string, schema: string, fn: () => T): T {
  if (!/^[a-z_]+$/.test(schema)) throw new Error(`not a schema name: ${schema}`);
  db.prepare(`ATTACH DATABASE ? AS ${schema}`).run(file);
  try {
    return fn();
  } finally {
    db.prepare(`DETACH DATABASE ${schema}`).run();
  }
}
