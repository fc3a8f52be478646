// Looks at a database's structure and settings, and writes raw rows by table name, for the
// migration tests and for diagnosing a user's file. The services never use this: they go
// through the repositories. It lives here because all SQL text lives in db/.
import type { Database } from 'better-sqlite3';

export interface TableInfo {
  name: string;
  /** 'table', 'view', 'virtual' or 'shadow' (FTS internals). */
  type: string;
  strict: boolean;
  withoutRowid: boolean;
}

export interface ColumnInfo {
  name: string;
  type: string;
  notNull: boolean;
  defaultValue: string | null;
  primaryKey: boolean;
}

export interface IndexInfo {
  name: string;
  unique: boolean;
  /** Has a WHERE clause. */
  partial: boolean;
  /** 'c' made by CREATE INDEX, 'u' by a UNIQUE constraint, 'pk' by a PRIMARY KEY. */
  origin: string;
  /** Key columns in order, with their collation when it is not the default. */
  columns: string[];
}

/** Quotes an identifier after checking it names something that exists, so no caller text is ever run. */
function knownTable(db: Database, table: string): string {
  const found = db.prepare(`SELECT 1 FROM sqlite_schema WHERE type IN ('table', 'view') AND name = ?`).get(table);
  if (!found) throw new Error(`no table named ${JSON.stringify(table)}`);
  return `"${table.replaceAll('"', '""')}"`;
}

export function userVersion(db: Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

export function setUserVersion(db: Database, version: number): void {
  if (!Number.isInteger(version) || version < 0) throw new Error(`bad user_version ${version}`);
  db.pragma(`user_version = ${version}`);
}

export function journalMode(db: Database): string {
  return String(db.pragma('journal_mode', { simple: true })).toLowerCase();
}

export function setJournalMode(db: Database, mode: 'wal' | 'delete'): string {
  return String(db.pragma(`journal_mode = ${mode === 'wal' ? 'WAL' : 'DELETE'}`, { simple: true })).toLowerCase();
}

export function foreignKeysEnabled(db: Database): boolean {
  return db.pragma('foreign_keys', { simple: true }) === 1;
}

/** Every table in the main schema (SQLite's own sqlite_* tables left out). */
export function listTables(db: Database): TableInfo[] {
  const rows = db.pragma('table_list') as { schema: string; name: string; type: string; wr: number; strict: number }[];
  return rows
    .filter((r) => r.schema === 'main' && !r.name.startsWith('sqlite_'))
    .map((r) => ({ name: r.name, type: r.type, strict: r.strict === 1, withoutRowid: r.wr === 1 }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

export function tableInfo(db: Database, table: string): ColumnInfo[] {
  knownTable(db, table);
  const rows = db.pragma(`table_info(${JSON.stringify(table)})`) as {
    name: string;
    type: string;
    notnull: number;
    dflt_value: string | null;
    pk: number;
  }[];
  return rows.map((r) => ({ name: r.name, type: r.type, notNull: r.notnull === 1, defaultValue: r.dflt_value, primaryKey: r.pk > 0 }));
}

export function listIndexes(db: Database, table: string): IndexInfo[] {
  knownTable(db, table);
  const list = db.pragma(`index_list(${JSON.stringify(table)})`) as { name: string; unique: number; origin: string; partial: number }[];
  return list
    .map((ix) => {
      const cols = (db.pragma(`index_xinfo(${JSON.stringify(ix.name)})`) as { name: string | null; coll: string; key: number }[])
        .filter((c) => c.key === 1)
        .map((c) => (c.coll && c.coll !== 'BINARY' ? `${c.name ?? '<expr>'} COLLATE ${c.coll}` : (c.name ?? '<expr>')));
      return { name: ix.name, unique: ix.unique === 1, partial: ix.partial === 1, origin: ix.origin, columns: cols };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** Inserts one row given as column -> value (columns are checked against the table); returns its rowid. */
export function insertRow(db: Database, table: string, values: Record<string, unknown>): number {
  const quoted = knownTable(db, table);
  const known = new Set(tableInfo(db, table).map((c) => c.name));
  const cols = Object.keys(values);
  for (const c of cols) if (!known.has(c)) throw new Error(`table ${table} has no column ${c}`);
  const sql = `INSERT INTO ${quoted} (${cols.map((c) => `"${c}"`).join(', ')}) VALUES (${cols.map(() => '?').join(', ')})`;
  return Number(db.prepare(sql).run(...cols.map((c) => values[c])).lastInsertRowid);
}

/** Every row of a table, in key order. */
export function selectRows(db: Database, table: string): Record<string, unknown>[] {
  return db.prepare(`SELECT * FROM ${knownTable(db, table)} ORDER BY 1, 2`).all() as Record<string, unknown>[];
}

/** 'ok' when the file is sound; otherwise SQLite's list of problems. */
export function integrityCheck(db: Database): string[] {
  return (db.pragma('integrity_check') as { integrity_check: string }[]).map((r) => r.integrity_check);
}

/** Rows whose foreign keys point nowhere (empty when the file is consistent). */
export function foreignKeyViolations(db: Database): unknown[] {
  return db.pragma('foreign_key_check') as unknown[];
}
