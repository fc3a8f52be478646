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

  /**
   * Links of contacts just inserted (a first import's pages): each company's user count goes up
   * once for all of its new links instead of once per link. Returns how many links were new.
   */
  linkNew(links: readonly { contactPk: number; companyPk: number; at: number }[]): number {
    const insert = this.st.get('INSERT OR IGNORE INTO contact_companies (contact_pk, company_pk, created_at) VALUES (?, ?, ?)');
    const added = new Map<number, number>();
    for (const l of links) if (insert.run(l.contactPk, l.companyPk, l.at).changes > 0) added.set(l.companyPk, (added.get(l.companyPk) ?? 0) + 1);
    const count = this.st.get('UPDATE companies SET user_count = user_count + ? WHERE pk = ?');
    let n = 0;
    for (const [companyPk, k] of added) {
      count.run(k, companyPk);
      n += k;
    }
    return n;
  }

  /** Returns false when there was no link. */
  unlink(contactPk: number, companyPk: number): boolean {
    const info = this.st.get('DELETE FROM contact_companies WHERE contact_pk = ? AND company_pk = ?').run(contactPk, companyPk);
    if (info.changes === 0) return false;
    this.st.get('UPDATE companies SET user_count = user_count - 1 WHERE pk = ?').run(companyPk);
    return true;
  }

  /** Every link of a contact that is going away; its companies' user counts go down. */
  unlinkContact(contactPk: number): void {
    this.st
      .get('UPDATE companies SET user_count = user_count - 1 WHERE pk IN (SELECT company_pk FROM contact_companies WHERE contact_pk = ?)')
      .run(contactPk);
    this.st.get('DELETE FROM contact_companies WHERE contact_pk = ?').run(contactPk);
  }

  /** Every link of a company that is going away (its user count with it); returns the contacts it had. */
  unlinkCompany(companyPk: number): number[] {
    const contactPks = this.st
      .get<{ contact_pk: number }>('SELECT contact_pk FROM contact_companies WHERE company_pk = ?')
      .all(companyPk)
      .map((r) => r.contact_pk);
    this.st.get('DELETE FROM contact_companies WHERE company_pk = ?').run(companyPk);
    return contactPks;
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

  /**
   * Companies of many contacts at once (one query per table page), each contact's sorted by
   * name as `companiesOf` sorts them. The statement walks the given pks in order and sorts
   * nothing: most contacts have one company or none, so the few lists that need it are sorted
   * here, saving SQLite's sorter on every page.
   */
  companiesOfMany(contactPks: number[]): Map<number, CompanyRef[]> {
    const out = new Map<number, CompanyRef[]>();
    if (contactPks.length === 0) return out;
    // raw rows (arrays): no object per row that is thrown away at once
    const rows = this.st
      .get(
        `SELECT l.contact_pk, co.id, co.external_id, co.name, co.stage
         FROM json_each(?) j CROSS JOIN contact_companies l ON l.contact_pk = j.value JOIN companies co ON co.pk = l.company_pk`,
      )
      .raw(true)
      .all(JSON.stringify(contactPks)) as [number, string, string | null, string, CompanyRef['stage']][];
    for (const [contactPk, id, externalId, name, stage] of rows) {
      const ref: CompanyRef = { id, externalId, name, stage };
      const list = out.get(contactPk);
      if (list) list.push(ref);
      else out.set(contactPk, [ref]);
    }
    for (const list of out.values()) if (list.length > 1) list.sort(byNameNoCase);
    return out;
  }
}

/** SQLite's NOCASE order: ASCII letters folded, then UTF-8 bytes compared. */
function byNameNoCase(a: CompanyRef, b: CompanyRef): number {
  const fold = (s: string) => Buffer.from(s.replace(/[A-Z]+/g, (m) => m.toLowerCase()), 'utf8');
  return Buffer.compare(fold(a.name), fold(b.name));
}
