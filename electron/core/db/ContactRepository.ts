// All SQL about contacts: rows, identities, the list query and the contact search index.
import type { Database } from 'better-sqlite3';
import type { ParsedInput } from '../../../shared/api';
import { CONTACT_STAGES, ROLES, SYNC_STATES, type ContactRef } from '../../../shared/domain';
import { afterCursor, decodeCursor, encodeCursor } from './keyset';
import { type ContactRow, toContactRef } from './rows';
import { toFtsQuery } from './searchQuery';
import { Statements } from './Statements';

export type ContactListQuery = ParsedInput<'contacts.list'>;

/** Columns a caller may write, API name -> SQL column. */
const WRITABLE = {
  role: 'role',
  email: 'email',
  name: 'name',
  phone: 'phone',
  visitorId: 'visitor_id',
  externalId: 'external_id',
  intercomId: 'intercom_id',
  stage: 'stage',
  customAttributes: 'custom_attributes',
  updatedAt: 'updated_at',
  lastActivityAt: 'last_activity_at',
} as const;
export type ContactWrite = Partial<Record<keyof typeof WRITABLE, string | number | null>>;

export interface NewContactRow {
  id: string;
  role: string;
  email: string | null;
  name: string | null;
  phone: string | null;
  visitorId: string | null;
  externalId: string | null;
  stage: string;
  customAttributes: string;
  createdAt: number;
}

const SORT_EXPR: Record<ContactListQuery['sort']['field'], string> = {
  name: 'c.name COLLATE NOCASE',
  email: 'c.email',
  role: 'c.role',
  stage: 'c.stage',
  phone: 'c.phone',
  externalId: 'c.external_id',
  createdAt: 'c.created_at',
  updatedAt: 'c.updated_at',
  lastActivityAt: 'c.last_activity_at',
  syncState: 'c.sync_state',
};
const SORT_COLUMN: Record<ContactListQuery['sort']['field'], keyof ContactRow> = {
  name: 'name',
  email: 'email',
  role: 'role',
  stage: 'stage',
  phone: 'phone',
  externalId: 'external_id',
  createdAt: 'created_at',
  updatedAt: 'updated_at',
  lastActivityAt: 'last_activity_at',
  syncState: 'sync_state',
};

export class ContactRepository {
  private readonly st: Statements;
  constructor(db: Database) {
    this.st = new Statements(db);
  }

  insert(r: NewContactRow): number {
    const info = this.st
      .get(
        `INSERT INTO contacts (id, role, email, name, phone, visitor_id, external_id, stage, custom_attributes, created_at, updated_at)
         VALUES (@id, @role, @email, @name, @phone, @visitorId, @externalId, @stage, @customAttributes, @createdAt, @createdAt)`,
      )
      .run(r);
    const pk = Number(info.lastInsertRowid);
    this.reindex(pk);
    return pk;
  }

  byId(id: string): ContactRow | undefined {
    return this.st.get<ContactRow>('SELECT * FROM contacts WHERE id = ?').get(id);
  }

  byPk(pk: number): ContactRow | undefined {
    return this.st.get<ContactRow>('SELECT * FROM contacts WHERE pk = ?').get(pk);
  }

  byVisitorId(visitorId: string): ContactRow | undefined {
    return this.st.get<ContactRow>('SELECT * FROM contacts WHERE visitor_id = ?').get(visitorId);
  }

  byExternalId(externalId: string): ContactRow | undefined {
    return this.st.get<ContactRow>('SELECT * FROM contacts WHERE external_id = ?').get(externalId);
  }

  /** Contacts sharing a (normalised) email, oldest first. */
  byEmail(email: string, exceptId?: string): ContactRef[] {
    return this.st
      .get<ContactRow>('SELECT id, name, email, role, stage FROM contacts WHERE email = ? AND id IS NOT ? ORDER BY pk LIMIT 20')
      .all(email, exceptId ?? null)
      .map(toContactRef);
  }

  /** Writes the given columns; the statement is cached per set of columns. */
  update(pk: number, fields: ContactWrite): void {
    const keys = (Object.keys(fields) as (keyof typeof WRITABLE)[]).filter((k) => fields[k] !== undefined).sort();
    if (keys.length === 0) return;
    const sql = `UPDATE contacts SET ${keys.map((k) => `${WRITABLE[k]} = @${k}`).join(', ')} WHERE pk = @pk`;
    this.st.get(sql).run({ ...fields, pk });
    if (keys.some((k) => k === 'name' || k === 'email')) this.reindex(pk);
  }

  count(): number {
    return (this.st.get<{ n: number }>('SELECT count(*) AS n FROM contacts').get() as { n: number }).n;
  }

  /** Rebuilds one contact's search entry from its row and its companies' names. */
  reindex(pk: number): void {
    this.st.get('DELETE FROM contact_search WHERE rowid = ?').run(pk);
    this.st
      .get(
        `INSERT INTO contact_search (rowid, name, email, companies)
         SELECT c.pk, coalesce(c.name, ''), coalesce(c.email, ''),
                coalesce((SELECT group_concat(co.name, ' ') FROM contact_companies l
                          JOIN companies co ON co.pk = l.company_pk WHERE l.contact_pk = c.pk), '')
         FROM contacts c WHERE c.pk = ?`,
      )
      .run(pk);
  }

  /** Builds the WHERE clause shared by the page query and its count. */
  private where(q: ContactListQuery): { clauses: string[]; params: unknown[] } {
    const clauses: string[] = [];
    const params: unknown[] = [];
    const fts = toFtsQuery(q.search);
    if (fts) {
      clauses.push('c.pk IN (SELECT rowid FROM contact_search WHERE contact_search MATCH ?)');
      params.push(fts);
    }
    const inList = (col: string, values: readonly string[] | undefined, all: readonly string[]) => {
      const distinct = [...new Set(values ?? [])];
      if (distinct.length === 0 || distinct.length >= all.length) return; // no filter, or every value
      clauses.push(`${col} IN (${distinct.map(() => '?').join(', ')})`);
      params.push(...distinct);
    };
    inList('c.stage', q.filter.stage, CONTACT_STAGES);
    inList('c.role', q.filter.role, ROLES);
    inList('c.sync_state', q.filter.syncState, SYNC_STATES);
    if (q.filter.companyId) {
      clauses.push(
        'c.pk IN (SELECT l.contact_pk FROM contact_companies l WHERE l.company_pk = (SELECT pk FROM companies WHERE id = ?))',
      );
      params.push(q.filter.companyId);
    }
    return { clauses, params };
  }

  /** One page of the table plus the total for the same filters. */
  list(q: ContactListQuery): { rows: ContactRow[]; total: number; nextCursor: string | null } {
    const { clauses, params } = this.where(q);
    const expr = SORT_EXPR[q.sort.field];
    const dir = q.sort.dir === 'desc' ? 'DESC' : 'ASC';
    const pageClauses = [...clauses];
    const pageParams = [...params];
    let offset = q.offset ?? 0;
    if (q.cursor) {
      const seek = afterCursor(expr, 'c.pk', decodeCursor(q.cursor, q.sort.field, q.sort.dir));
      pageClauses.push(seek.sql);
      pageParams.push(...seek.params);
      offset = 0;
    }
    const whereSql = (cs: string[]) => (cs.length ? `WHERE ${cs.join(' AND ')}` : '');
    const rows = this.st
      .get<ContactRow>(
        `SELECT c.* FROM contacts c ${whereSql(pageClauses)} ORDER BY ${expr} ${dir}, c.pk ${dir} LIMIT ? OFFSET ?`,
      )
      .all(...pageParams, q.limit, offset);
    const total = (this.st.get<{ n: number }>(`SELECT count(*) AS n FROM contacts c ${whereSql(clauses)}`).get(...params) as {
      n: number;
    }).n;
    const last = rows[rows.length - 1];
    const nextCursor =
      last && rows.length === q.limit
        ? encodeCursor({ f: q.sort.field, d: q.sort.dir, v: last[SORT_COLUMN[q.sort.field]] as string | number | null, p: last.pk })
        : null;
    return { rows, total, nextCursor };
  }

  /** The SQL `list` runs, exposed for the benchmark's bare-statement baseline. */
  explainList(q: ContactListQuery): { pageSql: string; countSql: string; params: unknown[] } {
    const { clauses, params } = this.where(q);
    const expr = SORT_EXPR[q.sort.field];
    const dir = q.sort.dir === 'desc' ? 'DESC' : 'ASC';
    const w = clauses.length ? `WHERE ${clauses.join(' AND ')}` : '';
    return {
      pageSql: `SELECT c.* FROM contacts c ${w} ORDER BY ${expr} ${dir}, c.pk ${dir} LIMIT ? OFFSET ?`,
      countSql: `SELECT count(*) AS n FROM contacts c ${w}`,
      params,
    };
  }
}
