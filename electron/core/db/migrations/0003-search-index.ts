// Full-text search over contact name, email and company names, and over company names.
// Contentless (the text already lives in the tables) with delete support; the repositories
// keep it in step. Prefix indexes make search-as-you-type cheap for the first few letters.
import type { Migration } from '../migrate';

export const migration0003: Migration = {
  version: 3,
  name: 'search-index',
  up: `
    CREATE VIRTUAL TABLE contact_search USING fts5(
      name, email, companies,
      content = '', contentless_delete = 1,
      tokenize = 'unicode61 remove_diacritics 2', prefix = '1 2 3'
    );
    CREATE VIRTUAL TABLE company_search USING fts5(
      name, external_id,
      content = '', contentless_delete = 1,
      tokenize = 'unicode61 remove_diacritics 2', prefix = '1 2 3'
    );

    -- index what earlier versions stored
    INSERT INTO contact_search (rowid, name, email, companies)
      SELECT c.pk, coalesce(c.name, ''), coalesce(c.email, ''),
             coalesce((SELECT group_concat(co.name, ' ') FROM contact_companies l
                       JOIN companies co ON co.pk = l.company_pk WHERE l.contact_pk = c.pk), '')
      FROM contacts c;
    INSERT INTO company_search (rowid, name, external_id)
      SELECT pk, name, coalesce(external_id, '') FROM companies;
  `,
};
