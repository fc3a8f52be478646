// Notes on contacts: written here (sent to Intercom through the outbox, which says whether it has
// them) or pulled from Intercom (a colleague's), and the contacts whose notes Intercom counts
// more of than this store holds, read by the next sync. Both go with their contact.
import type { Migration } from '../migrate';

export const migration0011: Migration = {
  version: 11,
  name: 'contact-notes',
  up: `
    CREATE TABLE notes (
      id TEXT PRIMARY KEY,
      contact_pk INTEGER NOT NULL REFERENCES contacts (pk) ON DELETE CASCADE,
      body TEXT NOT NULL,
      author TEXT,
      author_admin_id TEXT,
      source TEXT NOT NULL CHECK (source IN ('local', 'intercom')),
      intercom_id TEXT,
      created_at INTEGER NOT NULL,
      updated_at INTEGER NOT NULL
    ) STRICT;
    CREATE INDEX notes_by_contact ON notes (contact_pk, created_at);
    CREATE UNIQUE INDEX notes_by_intercom_id ON notes (intercom_id) WHERE intercom_id IS NOT NULL;

    CREATE TABLE notes_wanted (
      contact_pk INTEGER PRIMARY KEY REFERENCES contacts (pk) ON DELETE CASCADE,
      remote_count INTEGER NOT NULL,
      seen_at INTEGER NOT NULL
    ) STRICT;
  `,
};
