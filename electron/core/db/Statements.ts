// A per-connection cache of prepared statements, keyed by SQL text, so dynamic queries
// (filters, sorts) are prepared once per shape rather than per call.
import type { Database, Statement } from 'better-sqlite3';

export class Statements {
  private readonly cache = new Map<string, Statement>();
  constructor(readonly db: Database) {}

  get<T = unknown>(sql: string): Statement<unknown[], T> {
    let s = this.cache.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      this.cache.set(sql, s);
    }
    return s as Statement<unknown[], T>;
  }
}
