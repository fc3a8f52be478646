// Full-text search over contact name, email and company names, and over company names, plus the
// per-filter contact counts the table's totals are read from.
// Search: contentless (the text already lives in the tables) with delete support; the
// repositories keep it in step. Prefix indexes make search-as-you-type cheap for the first few
// letters. `detail = column` keeps which column a term is in but not its positions: the search
// box matches words as prefixes and never asks for phrases, and without positions the index is
// a third smaller and a lookup of one row in a large match (the list's probe) is about 3x cheaper.
// Counts: exact totals for the stage / role / sync-state filters at any size without counting
// rows, kept by triggers so every writer (services, sync) keeps them right. (A REPLACE would
// delete rows without firing the delete trigger: contacts are never written with OR REPLACE.)
import type { Migration } from '../migrate';

/** Prefix lengths (in characters) the contact search index holds; longer prefixes merge terms. */
export const CONTACT_SEARCH_PREFIXES = [1, 2, 3] as const;

const contactCountUp = (row: 'NEW') => `
    INSERT INTO contact_counts (stage, role, sync_state, n) VALUES (${row}.stage, ${row}.role, ${row}.sync_state, 1)
      ON CONFLICT (stage, role, sync_state) DO UPDATE SET n = n + 1;`;
const contactCountDown = (row: 'OLD') => `
    UPDATE contact_counts SET n = n - 1 WHERE stage = ${row}.stage AND role = ${row}.role AND sync_state = ${row}.sync_state;`;

/** Recounts contact_counts from the table (the migration's first fill; bulk loads after). */
export const RECOUNT_CONTACTS = `
    DELETE FROM contact_counts;
    INSERT INTO contact_counts (stage, role, sync_state, n)
      SELECT stage, role, sync_state, count(*) FROM contacts GROUP BY stage, role, sync_state;`;

export const migration0003: Migration = {
  version: 3,
  name: 'search-index',
  up: `
    CREATE VIRTUAL TABLE contact_search USING fts5(
      name, email, companies,
      content = '', contentless_delete = 1, detail = column,
      tokenize = 'unicode61 remove_diacritics 2', prefix = '${CONTACT_SEARCH_PREFIXES.join(' ')}'
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

    CREATE TABLE contact_counts (
      stage TEXT NOT NULL,
      role TEXT NOT NULL,
      sync_state TEXT NOT NULL,
      n INTEGER NOT NULL,
      PRIMARY KEY (stage, role, sync_state)
    ) STRICT, WITHOUT ROWID;
    CREATE TRIGGER contact_counts_insert AFTER INSERT ON contacts BEGIN ${contactCountUp('NEW')}
    END;
    CREATE TRIGGER contact_counts_delete AFTER DELETE ON contacts BEGIN ${contactCountDown('OLD')}
    END;
    CREATE TRIGGER contact_counts_update AFTER UPDATE OF stage, role, sync_state ON contacts
      WHEN NEW.stage IS NOT OLD.stage OR NEW.role IS NOT OLD.role OR NEW.sync_state IS NOT OLD.sync_state
    BEGIN ${contactCountDown('OLD')} ${contactCountUp('NEW')}
    END;
    ${RECOUNT_CONTACTS}
  `,
};
