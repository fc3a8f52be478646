// (being built)
import type { Database } from 'better-sqlite3';
import { Statements } from './Statements';

export class EventRepository {
  readonly st: Statements;
  constructor(readonly db: Database) {
    this.st = new Statements(db);
  }
}
