// An exclusive OS file lock, held through SQLite: its locking (fcntl on Unix, LockFileEx on
// Windows) is what the OS drops when a process dies, however it dies, so a lock never outlives
// its holder and no timer decides when a live one looks stale.
import BetterSqlite3, { type Database } from 'better-sqlite3';

export class ExclusiveLock {
  private db: Database | null;

  private constructor(db: Database) {
    this.db = db;
  }

  /**
   * Takes the lock on `file` (an empty file, or one this class made) without waiting: null when
   * another connection, in this process or another, holds it. The file must never be opened
   * otherwise in a process that holds it: on Unix, closing any descriptor of a file drops every
   * lock the process has on it.
   */
  static tryTake(file: string, options: { nativeBinding?: string } = {}): ExclusiveLock | null {
    // no busy wait: a held lock answers at once
    const db = new BetterSqlite3(file, { nativeBinding: options.nativeBinding, timeout: 0 });
    try {
      // the journal stays in memory: taking the lock writes nothing beside the file
      db.pragma('journal_mode = MEMORY');
      // an EXCLUSIVE transaction left open holds the lock until rollback, close or the process's end
      db.exec('BEGIN EXCLUSIVE');
      return new ExclusiveLock(db);
    } catch (e) {
      db.close();
      if (isBusy(e)) return null;
      throw e;
    }
  }

  get held(): boolean {
    return this.db !== null;
  }

  /** Gives the lock up; once is enough, more is harmless. */
  release(): void {
    const db = this.db;
    if (!db) return;
    this.db = null;
    try {
      db.exec('ROLLBACK');
    } finally {
      db.close();
    }
  }
}

function isBusy(e: unknown): boolean {
  const code = e && typeof e === 'object' && 'code' in e ? String((e as { code: unknown }).code) : '';
  return code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED';
}
