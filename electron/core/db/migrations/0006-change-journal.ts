// The change journal: one row per change a person makes (a stage, an edit, a link, a sign-up, a
// new record), with the records it touched and, per record and field, the value before and after,
// so an undo can decide field by field; the outbox range it appended says what reached Intercom.
import type { Migration } from '../migrate';

export const migration0006: Migration = {
  version: 6,
  name: 'change-journal',
  up: `
    CREATE TABLE changes (
      n INTEGER PRIMARY KEY,
      id TEXT NOT NULL UNIQUE,
      kind TEXT NOT NULL,
      summary TEXT NOT NULL,
      actor TEXT NOT NULL,
      created_at INTEGER NOT NULL,
      -- the outbox entries it appended: seq in (after_seq, last_seq]; AUTOINCREMENT never reuses one
      after_seq INTEGER NOT NULL,
      last_seq INTEGER NOT NULL,
      -- the stage history rows it added: id in (after_history, last_history]
      after_history INTEGER NOT NULL,
      last_history INTEGER NOT NULL,
      undone_at INTEGER,
      -- an undo is journalled too: the change it took back
      undo_of TEXT
    ) STRICT;
    CREATE INDEX changes_undo_of ON changes (undo_of) WHERE undo_of IS NOT NULL;

    CREATE TABLE change_records (
      change_n INTEGER NOT NULL REFERENCES changes (n) ON DELETE CASCADE,
      entity_type TEXT NOT NULL CHECK (entity_type IN ('contact', 'company')),
      entity_id TEXT NOT NULL,
      label TEXT NOT NULL,
      PRIMARY KEY (change_n, entity_type, entity_id)
    ) STRICT;
    CREATE INDEX change_records_by_entity ON change_records (entity_id, change_n);

    -- per record and field: JSON values before and after (a link: 'linked' / 'unlinked')
    CREATE TABLE change_fields (
      change_n INTEGER NOT NULL REFERENCES changes (n) ON DELETE CASCADE,
      entity_type TEXT NOT NULL CHECK (entity_type IN ('contact', 'company')),
      entity_id TEXT NOT NULL,
      field TEXT NOT NULL,
      before TEXT CHECK (before IS NULL OR json_valid(before)),
      after TEXT CHECK (after IS NULL OR json_valid(after)),
      PRIMARY KEY (change_n, entity_type, entity_id, field)
    ) STRICT;
  `,
};
