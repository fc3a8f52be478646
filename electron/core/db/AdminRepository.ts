// The workspace's team as GET /admins last listed it: who can own a contact, and who "I" can be.
import type { Database } from 'better-sqlite3';
import type { Admin } from '../../../shared/domain';
import { Statements } from './Statements';

export interface AdminRow {
  id: string;
  name: string | null;
  email: string | null;
  active: number;
  updated_at: number;
}

export const toAdmin = (r: AdminRow): Admin => ({ id: r.id, name: r.name, email: r.email, active: r.active === 1 });

export class AdminRepository {
  private readonly st: Statements;
  constructor(db: Database) {
    this.st = new Statements(db);
  }

  /** Active admins first, then by name. */
  all(): AdminRow[] {
    return this.st.get<AdminRow>('SELECT * FROM admins ORDER BY active DESC, coalesce(name, email, id) COLLATE NOCASE, id').all();
  }

  byId(id: string): AdminRow | undefined {
    return this.st.get<AdminRow>('SELECT * FROM admins WHERE id = ?').get(id);
  }

  /**
   * The team as Intercom lists it now: each listed admin stored (or renamed) and active, the
   * others kept inactive (contacts they own still name them). Returns whether anything changed.
   */
  replace(listed: readonly { id: string; name: string | null; email: string | null }[], at: number): boolean {
    let changed = false;
    const upsert = this.st.get(
      `INSERT INTO admins (id, name, email, active, updated_at) VALUES (@id, @name, @email, 1, @at)
       ON CONFLICT (id) DO UPDATE SET name = excluded.name, email = excluded.email, active = 1, updated_at = excluded.updated_at
       WHERE admins.name IS NOT excluded.name OR admins.email IS NOT excluded.email OR admins.active = 0`,
    );
    for (const a of listed) if (upsert.run({ ...a, at }).changes > 0) changed = true;
    const retire = this.st
      .get(`UPDATE admins SET active = 0, updated_at = @at WHERE active = 1 AND id NOT IN (SELECT value FROM json_each(@ids))`)
      .run({ at, ids: JSON.stringify(listed.map((a) => a.id)) });
    return changed || retire.changes > 0;
  }
}
