// Contacts, companies and the links between them. `pk` is the compact integer key used by
// indexes, links and the search index; `id` (UUID) is the identity every API payload carries.
import type { Migration } from '../migrate';

export const migration0001: Migration = {
  version: 1,
  name: 'contacts-companies',
  up: `
    CREATE TABLE contacts (
      pk INTEGER PRIMARY KEY,
      id TEXT NOT NULL UNIQUE,
      role TEXT NOT NULL CHECK (role IN ('lead', 'user')),
      email TEXT,
      name TEXT,
      phone TEXT,
      visitor_id TEXT,
      external_id TEXT,
      intercom_id TEXT,
      stage TEXT NOT NULL CHECK (stage IN ('lead', 'signed_up')),
      custom_attributes TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(custom_attributes)),
      created_at INTEGER NOT NULL,
      updated_at INTEGER NOT NULL,
      last_activity_at INTEGER,
      sync_state TEXT NOT NULL DEFAULT 'local' CHECK (sync_state IN ('local', 'pending', 'synced', 'failed'))
    ) STRICT;

    -- identities: one person per visitor cookie, per customer user id, per Intercom contact
    CREATE UNIQUE INDEX contacts_visitor_id ON contacts (visitor_id) WHERE visitor_id IS NOT NULL;
    CREATE UNIQUE INDEX contacts_external_id ON contacts (external_id) WHERE external_id IS NOT NULL;
    CREATE UNIQUE INDEX contacts_intercom_id ON contacts (intercom_id) WHERE intercom_id IS NOT NULL;

    -- one index per sortable column, each ending in pk so pages are stable and keyset-able;
    -- the stage pairs serve the most common filter with the two most common sorts. The list
    -- reads a page by walking one of these in order (see ContactRepository.list), so a deep
    -- offset skips index entries only, never table rows.
    CREATE INDEX contacts_by_email ON contacts (email, pk);
    CREATE INDEX contacts_by_name ON contacts (name COLLATE NOCASE, pk);
    CREATE INDEX contacts_by_updated ON contacts (updated_at, pk);
    CREATE INDEX contacts_by_created ON contacts (created_at, pk);
    CREATE INDEX contacts_by_activity ON contacts (last_activity_at, pk);
    CREATE INDEX contacts_by_phone ON contacts (phone, pk);
    CREATE INDEX contacts_by_external ON contacts (external_id, pk);
    CREATE INDEX contacts_by_role ON contacts (role, pk);
    CREATE INDEX contacts_by_sync ON contacts (sync_state, pk);
    CREATE INDEX contacts_by_stage ON contacts (stage, pk);
    CREATE INDEX contacts_by_stage_updated ON contacts (stage, updated_at, pk);
    CREATE INDEX contacts_by_stage_name ON contacts (stage, name COLLATE NOCASE, pk);

    CREATE TABLE companies (
      pk INTEGER PRIMARY KEY,
      id TEXT NOT NULL UNIQUE,
      external_id TEXT,
      intercom_id TEXT,
      name TEXT NOT NULL,
      plan TEXT,
      monthly_spend REAL,
      stage TEXT CHECK (stage IN ('sql', 'customer')),
      custom_attributes TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(custom_attributes)),
      -- kept by the link repository so the list can sort by it without counting per row
      user_count INTEGER NOT NULL DEFAULT 0,
      created_at INTEGER NOT NULL,
      updated_at INTEGER NOT NULL,
      sync_state TEXT NOT NULL DEFAULT 'local' CHECK (sync_state IN ('local', 'pending', 'synced', 'failed'))
    ) STRICT;
    CREATE UNIQUE INDEX companies_external_id ON companies (external_id) WHERE external_id IS NOT NULL;
    CREATE UNIQUE INDEX companies_intercom_id ON companies (intercom_id) WHERE intercom_id IS NOT NULL;
    CREATE INDEX companies_by_name ON companies (name COLLATE NOCASE, pk);
    CREATE INDEX companies_by_stage ON companies (stage, pk);
    CREATE INDEX companies_by_users ON companies (user_count, pk);
    CREATE INDEX companies_by_updated ON companies (updated_at, pk);

    CREATE TABLE contact_companies (
      contact_pk INTEGER NOT NULL REFERENCES contacts (pk) ON DELETE CASCADE,
      company_pk INTEGER NOT NULL REFERENCES companies (pk) ON DELETE CASCADE,
      created_at INTEGER NOT NULL,
      PRIMARY KEY (contact_pk, company_pk)
    ) STRICT, WITHOUT ROWID;
    CREATE INDEX contact_companies_by_company ON contact_companies (company_pk, contact_pk);
  `,
};
