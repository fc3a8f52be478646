// Merging duplicates: what a merge removed and moved, kept so its undo can put both contacts back
// until it reaches Intercom; and the index the "Possible duplicates" view groups emails by.
import type { Migration } from '../migrate';

export const migration0015: Migration = {
  version: 15,
  name: 'contact-merges',
  up: `
    -- one row per merge, by its change in the journal: the removed contact's row, links, unsent
    -- outbox entries and the rows that moved to the survivor (JSON; see MergeRepository.MergeSaved).
    -- It holds both contacts' data, so it goes with the survivor (a contact erased for good takes
    -- with it what was merged into it).
    CREATE TABLE contact_merges (
      change_id TEXT PRIMARY KEY,
      from_id TEXT NOT NULL,
      into_id TEXT NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
      mode TEXT NOT NULL CHECK (mode IN ('none', 'merge', 'archive')),
      saved TEXT NOT NULL CHECK (json_valid(saved)),
      created_at INTEGER NOT NULL
    ) STRICT;
    CREATE INDEX contact_merges_by_into ON contact_merges (into_id);

    -- same email whatever its case: the duplicates view groups by it without reading the table
    CREATE INDEX contacts_by_email_nocase ON contacts (email COLLATE NOCASE, pk) WHERE email IS NOT NULL AND email <> '';
  `,
};
