// Owners: the workspace's team (Intercom admins, refreshed by each sync) and each contact's owner,
// an admin id as Intercom gives it (`owner_id`). The owner index serves the table's owner filter
// and sort, and "My leads", at any size.
import type { Migration } from '../migrate';

export const migration0010: Migration = {
  version: 10,
  name: 'owners',
  up: `
    CREATE TABLE admins (
      id TEXT PRIMARY KEY,
      name TEXT,
      email TEXT,
      -- an admin no longer listed by GET /admins stays, so contacts it owned still name it
      active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
      updated_at INTEGER NOT NULL
    ) STRICT;

    ALTER TABLE contacts ADD COLUMN owner_id TEXT;
    CREATE INDEX contacts_by_owner ON contacts (owner_id, pk);
    CREATE INDEX contacts_by_owner_updated ON contacts (owner_id, updated_at, pk);
  `,
};
