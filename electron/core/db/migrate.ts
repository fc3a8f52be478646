// Numbered migrations tracked by PRAGMA user_version. Pending steps run in one transaction with
// the version bump; a database written by a newer build is refused rather than damaged.
import type { Database } from 'better-sqlite3';
import { AppError } from '../../../shared/errors';

export interface Migration {
  version: number;
  name: string;
  /** SQL to run, or a function for steps that need more than SQL. */
  up: string | ((db: Database) => void);
}

export function schemaVersion(db: Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

export function checkMigrations(migrations: readonly Migration[]): void {
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) {
      throw new Error(`migration ${m.name} has version ${m.version}, expected ${i + 1}: versions must be 1, 2, 3 ... in order`);
    }
  });
}

/** Refuses a database written by a newer build; cheap and read-only, so it can run before anything writes. */
export function checkNotNewer(db: Database, migrations: readonly Migration[]): void {
  const current = schemaVersion(db);
  const newest = migrations.length;
  if (current > newest) {
    throw new AppError(
      'INTERNAL',
      `This database was written by a newer version of Lead Console (schema ${current}; this build knows up to ${newest}). ` +
        'Update the app, or open another data folder.',
    );
  }
}

/** Brings the database to `target` (default: the newest known). Returns the versions applied. */
export function migrate(db: Database, migrations: readonly Migration[], target = migrations.length): number[] {
  checkMigrations(migrations);
  checkNotNewer(db, migrations);
  const current = schemaVersion(db);
  const newest = migrations.length;
  if (target > newest || target < current) throw new Error(`cannot migrate from ${current} to ${target}`);
  const pending = migrations.filter((m) => m.version > current && m.version <= target);
  if (pending.length === 0) return [];
  db.transaction(() => {
    for (const m of pending) {
      if (typeof m.up === 'string') db.exec(m.up);
      else m.up(db);
      db.pragma(`user_version = ${m.version}`);
    }
  }).immediate();
  return pending.map((m) => m.version);
}
