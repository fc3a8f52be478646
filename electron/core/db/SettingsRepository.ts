// Key/value settings stored as JSON.
import type { Database } from 'better-sqlite3';
import { Statements } from './Statements';

export class SettingsRepository {
  private readonly st: Statements;
  constructor(db: Database) {
    this.st = new Statements(db);
  }

  get<T>(key: string): T | undefined {
    const row = this.st.get<{ value: string }>('SELECT value FROM settings WHERE key = ?').get(key) as { value: string } | undefined;
    return row ? (JSON.parse(row.value) as T) : undefined;
  }

  set(key: string, value: unknown, at: number): void {
    this.st
      .get(
        `INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
      )
      .run(key, JSON.stringify(value), at);
  }
}
