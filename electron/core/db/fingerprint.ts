// A digest of everything the store holds: row counts and a SHA-256 over every row of every
// table (and the search index's rowids). Tests use it to prove a refused call changed nothing;
// it is also handy when diagnosing a user's database.
import type { Database } from 'better-sqlite3';
import { createHash } from 'node:crypto';

const TABLES = ['contacts', 'companies', 'contact_companies', 'stage_history', 'outbox', 'settings'] as const;
const SEARCH_TABLES = ['contact_search', 'company_search'] as const;

export interface Fingerprint {
  counts: Record<string, number>;
  digest: string;
}

export function fingerprint(db: Database): Fingerprint {
  const hash = createHash('sha256');
  const counts: Record<string, number> = {};
  const present = new Set(
    (db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table'`).all() as { name: string }[]).map((r) => r.name),
  );
  for (const table of TABLES) {
    if (!present.has(table)) continue;
    const rows = db.prepare(`SELECT * FROM ${table} ORDER BY 1, 2`).raw().all();
    counts[table] = rows.length;
    hash.update(`${table}\n`);
    for (const row of rows) hash.update(JSON.stringify(row) + '\n');
  }
  for (const table of SEARCH_TABLES) {
    if (!present.has(table)) continue;
    const rows = db.prepare(`SELECT rowid FROM ${table} ORDER BY rowid`).raw().all();
    counts[table] = rows.length;
    hash.update(`${table}\n${JSON.stringify(rows)}\n`);
  }
  hash.update(`user_version ${db.pragma('user_version', { simple: true })}`);
  return { counts, digest: hash.digest('hex') };
}
