// Opens the store: one SQLite file in WAL mode with foreign keys on, migrated to the newest
// schema. `nativeBinding` points at an Electron build of better-sqlite3 when running inside
// Electron (see electron/main); Node (tests, browser mode) uses the build in node_modules.
import BetterSqlite3, { type Database } from 'better-sqlite3';
import path from 'node:path';
import fs from 'node:fs';
import { ensurePrivateFile, makePrivateDirs, tightenFile } from '../files/privateFiles';
import { checkStoreFile, damagedError, isDamagedError, quickCheck } from './checkStore';
import { checkMigrations, checkNotNewer, migrate, schemaVersion, type Migration } from './migrate';
import { MIGRATIONS } from './migrations';

export interface OpenOptions {
  nativeBinding?: string;
  /** Stop at this schema version (migration tests). Default: newest. */
  targetVersion?: number;
  migrations?: readonly Migration[];
  readonly?: boolean;
  /** Largest file `quick_check` runs on at open (checkStore.ts); 0 skips it. */
  quickCheckMaxBytes?: number;
  /**
   * Called before pending migrations run on a store that already has a schema (not a new one),
   * with the versions it goes from and to: the place to keep a copy of it first.
   */
  beforeMigrate?: (db: Database, from: number, to: number) => void;
}

export function openDatabase(file: string, options: OpenOptions = {}): Database {
  const onDisk = file !== ':memory:';
  if (onDisk) {
    makePrivateDirs(path.dirname(file));
    // before anything is written: a damaged file is refused as it is
    checkStoreFile(file);
    // SQLite gives the -wal and -shm files it creates the main file's mode: a 0600 store keeps them private
    if (!options.readonly) ensurePrivateFile(file);
  }
  let db: Database;
  try {
    db = new BetterSqlite3(file, {
      nativeBinding: options.nativeBinding,
      readonly: options.readonly ?? false,
    });
  } catch (e) {
    throw isDamagedError(e) ? damagedError(file, describeDamage(e)) : e;
  }
  try {
    db.pragma('busy_timeout = 5000'); // first, so the version check below waits out another writer too
    // before anything may write: a damaged file is refused as it is
    if (onDisk) quickCheck(db, file, options.quickCheckMaxBytes);
    const migrations = options.migrations ?? MIGRATIONS;
    if (!options.readonly) {
      // before the switch to WAL, which rewrites the file header: a refused file stays as it was
      checkMigrations(migrations);
      checkNotNewer(db, migrations);
      db.pragma('journal_mode = WAL');
    }
    db.pragma('foreign_keys = ON');
    db.pragma('synchronous = NORMAL'); // safe with WAL: a crash loses no committed transaction's integrity
    db.pragma('cache_size = -65536'); // 64 MiB page cache: the list indexes of 1M contacts stay hot
    // Read pages straight from the OS file cache instead of copying them in: list pages at 1M
    // contacts touch rows all over the file, and this makes them about a quarter faster.
    // Address space, not memory: the OS may drop these pages at any time.
    db.pragma('mmap_size = 1073741824');
    db.pragma('temp_store = MEMORY');
    // a deleted contact's bytes are overwritten with zeros, not left in free space (see ErasureRepository)
    db.pragma('secure_delete = ON');
    if (!options.readonly) {
      const target = options.targetVersion ?? migrations.length;
      const from = schemaVersion(db);
      if (options.beforeMigrate && from > 0 && from < target) options.beforeMigrate(db, from, target);
      migrate(db, migrations, target);
    }
    // ones an older version (or another program) left behind kept their own mode
    if (onDisk) for (const side of ['-wal', '-shm']) tightenFile(file + side);
    return db;
  } catch (e) {
    db.close();
    throw isDamagedError(e) && onDisk ? damagedError(file, describeDamage(e)) : e;
  }
}

function describeDamage(e: unknown): string {
  return `SQLite says "${e instanceof Error ? e.message : String(e)}"`;
}

/**
 * The last way to read a store on a disk too full for SQLite's side files (-shm, -wal): a
 * read-only copy of the file in memory. Only when no -wal holds changes the file lacks (a clean
 * close leaves none); the header's journal mode is set to "rollback" in the copy, never the file.
 */
export function openSnapshot(file: string, options: Pick<OpenOptions, 'nativeBinding'> = {}): Database | null {
  let walBytes = 0;
  try {
    walBytes = fs.statSync(`${file}-wal`).size;
  } catch {
    // no -wal: the file holds everything
  }
  if (walBytes > 0) return null;
  const image = fs.readFileSync(file);
  if (image.length >= 100) {
    image[18] = 1;
    image[19] = 1;
  }
  const db = new BetterSqlite3(image, { nativeBinding: options.nativeBinding, readonly: true });
  db.pragma('foreign_keys = ON');
  return db;
}

/**
 * A store that grows one change at a time leaves the search index in many small segments, and
 * broad prefix searches slow down with each one. A bounded merge on every close (a few hundred
 * pages of work, milliseconds) keeps it compact without ever stalling a quit.
 */
export function compactSearchIndex(db: Database, pages = 300): void {
  const present = db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name IN ('contact_search', 'company_search')`).all() as {
    name: string;
  }[];
  for (const { name } of present) db.prepare(`INSERT INTO ${name} (${name}, rank) VALUES ('merge', ?)`).run(pages);
}

/** Lets SQLite refresh its planner statistics where they are stale; cheap, run on close. */
export function closeDatabase(db: Database): void {
  if (!db.open) return;
  try {
    if (!db.readonly) {
      compactSearchIndex(db);
      db.pragma('optimize');
    }
  } catch (e) {
    // housekeeping only: a full disk or a damaged page must not stop the store from closing
    const code = e && typeof e === 'object' && 'code' in e ? String((e as { code: unknown }).code) : '';
    if (code !== 'SQLITE_FULL' && !code.startsWith('SQLITE_IOERR') && !isDamagedError(e)) throw e;
  } finally {
    db.close();
  }
}
