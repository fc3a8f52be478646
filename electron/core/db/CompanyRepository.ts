// All SQL about companies: rows, identity by the customer's company id, the list query and the
// company search index.
import type { Database } from 'better-sqlite3';
import type { ParsedInput } from '../../../shared/api';
import { SYNC_STATES, type ContactRef } from '../../../shared/domain';
import { type CompanyRow, type ContactRow, toContactRef } from './rows';
import { type RowSnapshot, RowSnapshots } from './RowSnapshots';
import { toFtsQuery } from './searchQuery';
import { Statements } from './Statements';

export type CompanyListQuery = ParsedInput<'companies.list'>;

const WRITABLE = {
  externalId: 'external_id',
  intercomId: 'intercom_id',
  name: 'name',
  plan: 'plan',
  monthlySpend: 'monthly_spend',
  stage: 'stage',
  customAttributes: 'custom_attributes',
  updatedAt: 'updated_at',
} as const;
export type CompanyWrite = Partial<Record<keyof typeof WRITABLE, string | number | null>>;

export interface NewCompanyRow {
  id: string;
  externalId: string | null;
  name: string;
  plan: string | null;
  monthlySpend: number | null;
  stage: string | null;
  customAttributes: string;
  createdAt: number;
}

/** A company as a local insert takes it, plus what Intercom says of it. */
export interface NewSyncedCompany extends NewCompanyRow {
  intercomId: string;
  updatedAt: number;
  syncBase: string;
}

const SORT_EXPR: Record<CompanyListQuery['sort']['field'], string> = {
  name: 'co.name COLLATE NOCASE',
  externalId: 'co.external_id',
  plan: 'co.plan',
  monthlySpend: 'co.monthly_spend',
  stage: 'co.stage',
  userCount: 'co.user_count',
  createdAt: 'co.created_at',
  updatedAt: 'co.updated_at',
};

export class CompanyRepository {
  private readonly st: Statements;
  private readonly snapshots: RowSnapshots;
  constructor(db: Database) {
    this.st = new Statements(db);
    this.snapshots = new RowSnapshots(this.st, 'companies');
  }

  insert(r: NewCompanyRow): number {
    const info = this.st
      .get(
        `INSERT INTO companies (id, external_id, name, plan, monthly_spend, stage, custom_attributes, created_at, updated_at)
         VALUES (@id, @externalId, @name, @plan, @monthlySpend, @stage, @customAttributes, @createdAt, @createdAt)`,
      )
      .run(r);
    const pk = Number(info.lastInsertRowid);
    this.reindex(pk);
    return pk;
  }

  /** A company first seen in Intercom, already synced (no outbox entry). */
  insertSynced(r: NewSyncedCompany): number {
    const info = this.st
      .get(
        `INSERT INTO companies (id, external_id, intercom_id, name, plan, monthly_spend, stage, custom_attributes,
                                created_at, updated_at, sync_state, sync_base)
         VALUES (@id, @externalId, @intercomId, @name, @plan, @monthlySpend, @stage, @customAttributes,
                 @createdAt, @updatedAt, 'synced', @syncBase)`,
      )
      .run(r);
    const pk = Number(info.lastInsertRowid);
    this.reindex(pk);
    return pk;
  }

  byId(id: string): CompanyRow | undefined {
    return this.st.get<CompanyRow>('SELECT * FROM companies WHERE id = ?').get(id);
  }

  byPk(pk: number): CompanyRow | undefined {
    return this.st.get<CompanyRow>('SELECT * FROM companies WHERE pk = ?').get(pk);
  }

  byExternalId(externalId: string): CompanyRow | undefined {
    return this.st.get<CompanyRow>('SELECT * FROM companies WHERE external_id = ?').get(externalId);
  }

  update(pk: number, fields: CompanyWrite): void {
    const keys = (Object.keys(fields) as (keyof typeof WRITABLE)[]).filter((k) => fields[k] !== undefined).sort();
    if (keys.length === 0) return;
    this.st.get(`UPDATE companies SET ${keys.map((k) => `${WRITABLE[k]} = @${k}`).join(', ')} WHERE pk = @pk`).run({ ...fields, pk });
    if (keys.some((k) => k === 'name' || k === 'externalId')) this.reindex(pk);
  }

  count(): number {
    return (this.st.get<{ n: number }>('SELECT count(*) AS n FROM companies').get() as { n: number }).n;
  }

  /** Users of a company, most recently updated first. */
  users(companyPk: number, limit = 500): ContactRef[] {
    return this.st
      .get<ContactRow>(
        `SELECT c.id, c.name, c.email, c.role, c.stage FROM contact_companies l JOIN contacts c ON c.pk = l.contact_pk
         WHERE l.company_pk = ? ORDER BY c.updated_at DESC LIMIT ?`,
      )
      .all(companyPk, limit)
      .map(toContactRef);
  }

  /** Contacts whose search entry carries this company's name. */
  contactPks(companyPk: number): number[] {
    return this.st
      .get<{ contact_pk: number }>('SELECT contact_pk FROM contact_companies WHERE company_pk = ?')
      .all(companyPk)
      .map((r) => r.contact_pk);
  }

  reindex(pk: number): void {
    this.st.get('DELETE FROM company_search WHERE rowid = ?').run(pk);
    this.st
      .get(`INSERT INTO company_search (rowid, name, external_id) SELECT pk, name, coalesce(external_id, '') FROM companies WHERE pk = ?`)
      .run(pk);
  }

  // ---- taking changes back (an undo) ---------------------------------------------------------

  /** The whole row as stored, to put back with `restore`. */
  snapshot(pk: number): RowSnapshot | undefined {
    return this.snapshots.take(pk);
  }

  /** Puts a row back as it was (no trigger of a company row moves its own columns); the search entry is the caller's (`reindex`). */
  restore(snap: RowSnapshot): void {
    this.snapshots.put(snap);
  }

  /** The row and its search entry; its links, history and outbox entries must be gone first. */
  delete(pk: number): void {
    this.st.get('DELETE FROM company_search WHERE rowid = ?').run(pk);
    this.st.get('DELETE FROM companies WHERE pk = ?').run(pk);
  }

  list(q: CompanyListQuery): { rows: CompanyRow[]; total: number } {
    const clauses: string[] = [];
    const params: unknown[] = [];
    const fts = toFtsQuery(q.search);
    if (fts) {
      clauses.push('co.pk IN (SELECT rowid FROM company_search WHERE company_search MATCH ?)');
      params.push(fts);
    }
    const stages = [...new Set(q.filter.stage ?? [])];
    if (stages.length > 0 && stages.length < 3) {
      const named = stages.filter((s) => s !== 'none');
      const parts: string[] = [];
      if (named.length) {
        parts.push(`co.stage IN (${named.map(() => '?').join(', ')})`);
        params.push(...named);
      }
      if (stages.includes('none')) parts.push('co.stage IS NULL');
      clauses.push(`(${parts.join(' OR ')})`);
    }
    const sync = [...new Set(q.filter.syncState ?? [])];
    if (sync.length > 0 && sync.length < SYNC_STATES.length) {
      clauses.push(`co.sync_state IN (${sync.map(() => '?').join(', ')})`);
      params.push(...sync);
    }
    const where = clauses.length ? `WHERE ${clauses.join(' AND ')}` : '';
    const dir = q.sort.dir === 'desc' ? 'DESC' : 'ASC';
    const rows = this.st
      .get<CompanyRow>(`SELECT co.* FROM companies co ${where} ORDER BY ${SORT_EXPR[q.sort.field]} ${dir}, co.pk ${dir} LIMIT ? OFFSET ?`)
      .all(...params, q.limit, q.offset ?? 0);
    const total = (this.st.get<{ n: number }>(`SELECT count(*) AS n FROM companies co ${where}`).get(...params) as { n: number }).n;
    return { rows, total };
  }
}
