// Contact <-> company links (many to many). Keeps companies.user_count in step.
import type { Database } from 'better-sqlite3';
import type { CompanyRef } from '../../../shared/domain';
import { type CompanyRow, toCompanyRef } from './rows';
import { Statements } from './Statements';

export class LinkRepository {
  private readonly st: Statements;
  constructor(db: Database) {
    this.st = new Statements(db);
  }

  /** Returns false when the link already existed. */
  link(contactPk: number, companyPk: number, at: number): boolean {
    const info = this.st
      .get('INSERT OR IGNORE INTO contact_companies (contact_pk, company_pk, created_at) VALUES (?, ?, ?)')
      .run(contactPk, companyPk, at);
    if (info.changes === 0) return false;
    this.st.get('UPDATE companies SET user_count = user_count + 1 WHERE pk = ?').run(companyPk);
    return true;
  }

  /** Returns false when there was no link. */
  unlink(contactPk: number, companyPk: number): boolean {
    const info = this.st.get('DELETE FROM contact_companies WHERE contact_pk = ? AND company_pk = ?').run(contactPk, companyPk);
    if (info.changes === 0) return false;
    this.st.get('UPDATE companies SET user_count = user_count - 1 WHERE pk = ?').run(companyPk);
    return true;
  }

  companiesOf(contactPk: number): CompanyRef[] {
    return this.st
      .get<CompanyRow>(
        `SELECT co.id, co.external_id, co.name, co.stage FROM contact_companies l JOIN companies co ON co.pk = l.company_pk
         WHERE l.contact_pk = ? ORDER BY co.name COLLATE NOCASE`,
      )
      .all(contactPk)
      .map(toCompanyRef);
  }

  /** Companies of many contacts at once (one query per table page). */
  companiesOfMany(contactPks: number[]): Map<number, CompanyRef[]> {
    const out = new Map<number, CompanyRef[]>();
    if (contactPks.length === 0) return out;
    const rows = this.st
      .get<CompanyRow & { contact_pk: number }>(
        `SELECT l.contact_pk, co.id, co.external_id, co.name, co.stage FROM contact_companies l
         JOIN companies co ON co.pk = l.company_pk
         WHERE l.contact_pk IN (SELECT value FROM json_each(?)) ORDER BY co.name COLLATE NOCASE`,
      )
      .all(JSON.stringify(contactPks));
    for (const r of rows) {
      const list = out.get(r.contact_pk) ?? [];
      list.push(toCompanyRef(r));
      out.set(r.contact_pk, list);
    }
    return out;
  }
}
