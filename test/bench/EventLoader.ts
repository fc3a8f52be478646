// Bulk load of activity events for the benchmarks: cached statement, rows as arrays. Meant to run
// inside a SeedLoader load, which drops the events table's plain indexes first and builds them
// once at the end; the unique duplicate-rule indexes stay, so a repeated (contact, name, time)
// still fails the load. Rows are best given in contact order, so those indexes grow at one end.
import type { Database } from 'better-sqlite3';
import { Statements } from '../../electron/core/db/Statements';

export interface SeedEvent {
  contact_pk: number | null;
  visitor_id: string | null;
  name: string;
  /** Whole seconds, in ms. */
  at: number;
  /** JSON text, or null. */
  metadata: string | null;
  source: 'local' | 'website' | 'import' | 'intercom';
  sync_state: 'waiting' | 'pending' | 'synced' | 'failed';
}

export class EventLoader {
  private readonly st: Statements;
  /** Events written by this seeder so far. */
  count = 0;

  constructor(private readonly db: Database) {
    this.st = new Statements(db);
  }

  add(rows: readonly SeedEvent[]): void {
    const insert = this.st.get(
      `INSERT INTO events (contact_pk, visitor_id, name, at, metadata, source, sync_state)
       VALUES (@contact_pk, @visitor_id, @name, @at, @metadata, @source, @sync_state)`,
    );
    this.db.transaction(() => {
      for (const r of rows) insert.run(r);
    })();
    this.count += rows.length;
  }
}
