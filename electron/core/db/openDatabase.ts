// Opens the store: one SQLite file in WAL mode with foreign keys on, migrated to the newest
// schema. `nativeBinding` points at an Electron build of better-sqlite3 when running inside
// Electron (see electron/main); Node (tests, browser mode) uses the build in node_modules.
import BetterSqlite3, { type Database } from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import { checkMigrations, checkNotNewer, migrate, schemaVersion, type Migration } from './migrate';
import { MIGRATIONS } from './migrations';

export interface OpenOptions {
  nativeBinding?: string;
  /** Stop at this schema version (migration tests). Default: newest. */
  targetVersion?: number;
  migrations?: readonly Migration[];
  readonly?: boolean;
  /**
   * Called before pending migrations run on a store that already has a schema (not a new one),
   * with the versions it goes from and to: the place to keep a copy of it first.
   */
  beforeMigrate?: (db: Database, from: number, to: number) => void;
}

export function openDatabase(file: string, options: OpenOptions = {}): Database {
  if (file !== ':memory:') fs.mkdirSync(path.dirname(file), { recursive: true });
  const db = new BetterSqlite3(file, {
    nativeBinding: options.nativeBinding,
    readonly: options.readonly ?? false,
  });
  try {
    db.pragma('busy_timeout = 5000'); // first, so the version check below waits out another writer too
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
    if (!options.readonly) {
      const target = options.targetVersion ?? migrations.length;
      const from = schemaVersion(db);
      if (options.beforeMigrate && from > 0 && from < target) options.beforeMigrate(db, from, target);
      migrate(db, migrations, target);
    }
    return db;
  } catch (e) {
    db.close();
    throw e;
  }
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
  } finally {
    db.close();
  }
}
