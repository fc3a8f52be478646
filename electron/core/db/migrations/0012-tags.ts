// Tags: the workspace's labels (Intercom's /tags) and which contacts and companies carry them.
// Both link tables are keyed tag first, so "who has tag X" (a segment, a filter) is a range of
// the primary key even at a million contacts; the second index answers "the tags of this record".
import type { Migration } from '../migrate';

export const migration0012: Migration = {
  version: 12,
  name: 'tags',
  up: `
    CREATE TABLE tags (
      pk INTEGER PRIMARY KEY,
      id TEXT NOT NULL UNIQUE,
      name TEXT NOT NULL,
      intercom_id TEXT,
      created_at INTEGER NOT NULL
    ) STRICT;
    -- Intercom's tag names are case-insensitive: one tag per name, whatever its case
    CREATE UNIQUE INDEX tags_by_name ON tags (name COLLATE NOCASE);
    CREATE UNIQUE INDEX tags_intercom_id ON tags (intercom_id) WHERE intercom_id IS NOT NULL;

    CREATE TABLE contact_tags (
      tag_pk INTEGER NOT NULL REFERENCES tags (pk) ON DELETE CASCADE,
      contact_pk INTEGER NOT NULL REFERENCES contacts (pk) ON DELETE CASCADE,
      created_at INTEGER NOT NULL,
      PRIMARY KEY (tag_pk, contact_pk)
    ) STRICT, WITHOUT ROWID;
    CREATE INDEX contact_tags_by_contact ON contact_tags (contact_pk, tag_pk);

    CREATE TABLE company_tags (
      tag_pk INTEGER NOT NULL REFERENCES tags (pk) ON DELETE CASCADE,
      company_pk INTEGER NOT NULL REFERENCES companies (pk) ON DELETE CASCADE,
      created_at INTEGER NOT NULL,
      PRIMARY KEY (tag_pk, company_pk)
    ) STRICT, WITHOUT ROWID;
    CREATE INDEX company_tags_by_company ON company_tags (company_pk, tag_pk);
  `,
};
