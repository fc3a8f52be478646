// What the Intercom sync needs beside the records: the last values both sides agreed on (to tell
// a remote change from a local one), open conflicts, queued messages, and per-entry retry times.
import type { Migration } from '../migrate';

export const migration0004: Migration = {
  version: 4,
  name: 'sync',
  up: `
    -- JSON of the synced fields as Intercom last had them (after a push or a pull); NULL until
    -- the record has been in Intercom. A field whose local value differs from its base was
    -- changed here; a remote value that differs from it was changed in Intercom.
    ALTER TABLE contacts ADD COLUMN sync_base TEXT CHECK (sync_base IS NULL OR json_valid(sync_base));
    ALTER TABLE companies ADD COLUMN sync_base TEXT CHECK (sync_base IS NULL OR json_valid(sync_base));

    -- a transient failure waits before the entry is tried again
    ALTER TABLE outbox ADD COLUMN not_before INTEGER;

    -- both sides changed the same field since the last sync; the user picks one
    CREATE TABLE conflicts (
      id INTEGER PRIMARY KEY,
      entity_type TEXT NOT NULL CHECK (entity_type IN ('contact', 'company')),
      entity_id TEXT NOT NULL,
      field TEXT NOT NULL,
      local_value TEXT CHECK (local_value IS NULL OR json_valid(local_value)),
      remote_value TEXT CHECK (remote_value IS NULL OR json_valid(remote_value)),
      base_value TEXT CHECK (base_value IS NULL OR json_valid(base_value)),
      detected_at INTEGER NOT NULL,
      resolved_at INTEGER,
      resolution TEXT CHECK (resolution IS NULL OR resolution IN ('local', 'remote'))
    ) STRICT;
    CREATE INDEX conflicts_open ON conflicts (entity_id, field) WHERE resolved_at IS NULL;
    CREATE INDEX conflicts_by_time ON conflicts (resolved_at, detected_at);

    -- messages sent from the console (send now) and auto-message flushes, with their fate
    CREATE TABLE messages (
      id TEXT PRIMARY KEY,
      contact_id TEXT NOT NULL,
      kind TEXT NOT NULL CHECK (kind IN ('send', 'flush')),
      channel TEXT CHECK (channel IS NULL OR channel IN ('inapp', 'email')),
      subject TEXT,
      body TEXT,
      status TEXT NOT NULL CHECK (status IN ('queued', 'sent', 'failed', 'discarded')),
      created_at INTEGER NOT NULL,
      sent_at INTEGER,
      intercom_id TEXT,
      error TEXT,
      actor TEXT NOT NULL
    ) STRICT;
    CREATE INDEX messages_by_contact ON messages (contact_id, created_at);
  `,
};
