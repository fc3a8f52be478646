// Activity, the funnel, segments, imports and bulk actions.
//
// Funnel position (DESIGN: the furthest of a contact's own stage and its companies' stages) is
// kept on the contact row by triggers, like contact_counts, so every writer (services, sync,
// import) keeps it right and the funnel reads indexes instead of joining at 1M contacts:
//   funnel_rank       0 lead, 1 signed up, 2 SQL, 3 customer: where the contact is now
//   funnel_max        the furthest it has ever been (reached / conversion)
//   stage_entered_at  when it entered its current position (stuck in stage)
//   signed_up_at, sql_at, customer_at: when it first entered that position
//   *_ms              virtual: time spent in lead / signed up / SQL by those who moved on
// The time of a change is the changed row's own time (contacts.updated_at, companies.updated_at,
// contact_companies.created_at), so tests on a fake clock and data pulled from Intercom get the
// right figures; only an unlink, which leaves no row, uses the wall clock.
import type { Migration } from '../migrate';

/** The funnel rank of the contact row being updated (`contacts` in an UPDATE contacts). */
const RANK = `max(CASE contacts.stage WHEN 'signed_up' THEN 1 ELSE 0 END,
      coalesce((SELECT max(CASE co.stage WHEN 'customer' THEN 3 WHEN 'sql' THEN 2 ELSE 0 END)
                FROM contact_companies l JOIN companies co ON co.pk = l.company_pk
                WHERE l.contact_pk = contacts.pk), 0))`;

export const migration0005: Migration = {
  version: 5,
  name: 'activity-funnel',
  up: `
    ALTER TABLE contacts ADD COLUMN funnel_rank INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE contacts ADD COLUMN funnel_max INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE contacts ADD COLUMN stage_entered_at INTEGER;
    ALTER TABLE contacts ADD COLUMN signed_up_at INTEGER;
    ALTER TABLE contacts ADD COLUMN sql_at INTEGER;
    ALTER TABLE contacts ADD COLUMN customer_at INTEGER;
    -- first touch: the first recorded visit (its referrer and landing page)
    ALTER TABLE contacts ADD COLUMN first_seen_at INTEGER;
    ALTER TABLE contacts ADD COLUMN first_referrer TEXT;
    ALTER TABLE contacts ADD COLUMN first_landing_page TEXT;
    ALTER TABLE contacts ADD COLUMN lead_ms INTEGER GENERATED ALWAYS AS (coalesce(signed_up_at, sql_at, customer_at) - created_at) VIRTUAL;
    ALTER TABLE contacts ADD COLUMN signed_up_ms INTEGER GENERATED ALWAYS AS (coalesce(sql_at, customer_at) - signed_up_at) VIRTUAL;
    ALTER TABLE contacts ADD COLUMN sql_ms INTEGER GENERATED ALWAYS AS (customer_at - sql_at) VIRTUAL;

    UPDATE contacts SET
      funnel_rank = ${RANK},
      signed_up_at = coalesce((SELECT min(h.at) FROM stage_history h WHERE h.entity_id = contacts.id AND h.to_stage = 'signed_up'),
                              CASE WHEN stage = 'signed_up' THEN created_at END),
      sql_at = (SELECT min(max(h.at, l.created_at)) FROM contact_companies l JOIN companies co ON co.pk = l.company_pk
                JOIN stage_history h ON h.entity_id = co.id AND h.to_stage = 'sql' WHERE l.contact_pk = contacts.pk),
      customer_at = (SELECT min(max(h.at, l.created_at)) FROM contact_companies l JOIN companies co ON co.pk = l.company_pk
                JOIN stage_history h ON h.entity_id = co.id AND h.to_stage = 'customer' WHERE l.contact_pk = contacts.pk);
    UPDATE contacts SET
      funnel_max = funnel_rank,
      stage_entered_at = coalesce(CASE funnel_rank WHEN 1 THEN signed_up_at WHEN 2 THEN sql_at WHEN 3 THEN customer_at END, updated_at);
    UPDATE contacts SET stage_entered_at = created_at WHERE funnel_rank = 0;

    CREATE INDEX contacts_funnel_entered ON contacts (funnel_rank, stage_entered_at);
    CREATE INDEX contacts_funnel_created ON contacts (funnel_rank, created_at, pk);
    -- how far contacts got, overall and per capture period: each a plain range count
    CREATE INDEX contacts_max_created ON contacts (funnel_max, created_at);
    CREATE INDEX contacts_lead_ms ON contacts (lead_ms) WHERE lead_ms IS NOT NULL;
    CREATE INDEX contacts_signed_up_ms ON contacts (signed_up_ms) WHERE signed_up_ms IS NOT NULL;
    CREATE INDEX contacts_sql_ms ON contacts (sql_ms) WHERE sql_ms IS NOT NULL;
    CREATE INDEX contacts_first_referrer ON contacts (first_referrer, funnel_max);
    CREATE INDEX contacts_first_landing ON contacts (first_landing_page, funnel_max);

    -- a new contact starts at its own stage (a bulk writer that inserts the row with its funnel
    -- columns already set, as the import does, skips this second write of every row)
    CREATE TRIGGER funnel_contact_insert AFTER INSERT ON contacts WHEN NEW.stage_entered_at IS NULL BEGIN
      UPDATE contacts SET
        funnel_rank = CASE NEW.stage WHEN 'signed_up' THEN 1 ELSE 0 END,
        funnel_max = CASE NEW.stage WHEN 'signed_up' THEN 1 ELSE 0 END,
        stage_entered_at = NEW.created_at,
        signed_up_at = CASE NEW.stage WHEN 'signed_up' THEN NEW.created_at END
      WHERE pk = NEW.pk;
    END;
    CREATE TRIGGER funnel_contact_stage AFTER UPDATE OF stage ON contacts WHEN NEW.stage IS NOT OLD.stage BEGIN
      UPDATE contacts SET funnel_rank = ${RANK}, stage_entered_at = NEW.updated_at
      WHERE pk = NEW.pk AND funnel_rank IS NOT ${RANK};
    END;
    CREATE TRIGGER funnel_link_insert AFTER INSERT ON contact_companies BEGIN
      UPDATE contacts SET funnel_rank = ${RANK}, stage_entered_at = NEW.created_at
      WHERE pk = NEW.contact_pk AND funnel_rank IS NOT ${RANK};
    END;
    CREATE TRIGGER funnel_link_delete AFTER DELETE ON contact_companies BEGIN
      UPDATE contacts SET funnel_rank = ${RANK}, stage_entered_at = CAST(unixepoch('subsec') * 1000 AS INTEGER)
      WHERE pk = OLD.contact_pk AND funnel_rank IS NOT ${RANK};
    END;
    CREATE TRIGGER funnel_company_stage AFTER UPDATE OF stage ON companies WHEN NEW.stage IS NOT OLD.stage BEGIN
      UPDATE contacts SET funnel_rank = ${RANK}, stage_entered_at = NEW.updated_at
      WHERE pk IN (SELECT contact_pk FROM contact_companies WHERE company_pk = NEW.pk) AND funnel_rank IS NOT ${RANK};
    END;
    -- entering a position records when it was first reached (stage_entered_at carries the time)
    CREATE TRIGGER funnel_entered AFTER UPDATE OF funnel_rank ON contacts WHEN NEW.funnel_rank IS NOT OLD.funnel_rank BEGIN
      UPDATE contacts SET
        funnel_max = max(funnel_max, NEW.funnel_rank),
        signed_up_at = CASE WHEN NEW.funnel_rank = 1 AND signed_up_at IS NULL THEN NEW.stage_entered_at ELSE signed_up_at END,
        sql_at = CASE WHEN NEW.funnel_rank = 2 AND sql_at IS NULL THEN NEW.stage_entered_at ELSE sql_at END,
        customer_at = CASE WHEN NEW.funnel_rank = 3 AND customer_at IS NULL THEN NEW.stage_entered_at ELSE customer_at END
      WHERE pk = NEW.pk;
    END;

    -- activity: events of contacts, and of anonymous visitors (contact_pk NULL) until a lead with
    -- that visitor id is captured. Times are whole seconds in ms: Intercom's precision, and part of
    -- its duplicate rule (contact + name + created_at), which the unique indexes mirror.
    CREATE TABLE events (
      id INTEGER PRIMARY KEY,
      contact_pk INTEGER REFERENCES contacts (pk) ON DELETE CASCADE,
      visitor_id TEXT,
      name TEXT NOT NULL,
      at INTEGER NOT NULL,
      metadata TEXT CHECK (metadata IS NULL OR json_valid(metadata)),
      source TEXT NOT NULL CHECK (source IN ('local', 'website', 'import', 'intercom')),
      sync_state TEXT NOT NULL DEFAULT 'waiting' CHECK (sync_state IN ('waiting', 'pending', 'synced', 'failed')),
      CHECK (contact_pk IS NOT NULL OR visitor_id IS NOT NULL)
    ) STRICT;
    CREATE UNIQUE INDEX events_of_contact ON events (contact_pk, name, at) WHERE contact_pk IS NOT NULL;
    CREATE UNIQUE INDEX events_of_visitor ON events (visitor_id, name, at) WHERE contact_pk IS NULL;
    CREATE INDEX events_timeline ON events (contact_pk, at);
    CREATE INDEX events_by_name ON events (name, at, contact_pk);

    -- event names sent to Intercom (it keeps at most 120 active ones)
    CREATE TABLE event_names (
      name TEXT PRIMARY KEY,
      first_sent_at INTEGER NOT NULL
    ) STRICT, WITHOUT ROWID;

    CREATE TABLE segments (
      id TEXT PRIMARY KEY,
      name TEXT NOT NULL,
      rule TEXT NOT NULL CHECK (json_valid(rule)),
      builtin TEXT UNIQUE,
      created_at INTEGER NOT NULL,
      updated_at INTEGER NOT NULL
    ) STRICT;

    -- an import's outbox entries are held until it finishes, so an interrupted one can be rolled
    -- back before any of it reaches Intercom
    ALTER TABLE outbox ADD COLUMN hold TEXT;
    CREATE INDEX outbox_by_hold ON outbox (hold) WHERE hold IS NOT NULL;

    CREATE TABLE imports (
      id TEXT PRIMARY KEY,
      file_name TEXT NOT NULL,
      file_path TEXT NOT NULL,
      size INTEGER NOT NULL,
      format TEXT,
      encoding TEXT,
      encoding_note TEXT,
      kind TEXT,
      mapping TEXT CHECK (mapping IS NULL OR json_valid(mapping)),
      duplicates TEXT,
      state TEXT NOT NULL,
      rows_total INTEGER NOT NULL DEFAULT 0,
      -- rows below this are written (the resume point)
      next_row INTEGER NOT NULL DEFAULT 0,
      created INTEGER NOT NULL DEFAULT 0,
      updated INTEGER NOT NULL DEFAULT 0,
      skipped INTEGER NOT NULL DEFAULT 0,
      failed INTEGER NOT NULL DEFAULT 0,
      error TEXT,
      actor TEXT NOT NULL,
      created_at INTEGER NOT NULL,
      started_at INTEGER,
      finished_at INTEGER
    ) STRICT;
    -- what each row did, and what an update overwrote (for rollback)
    CREATE TABLE import_rows (
      import_id TEXT NOT NULL,
      row_no INTEGER NOT NULL,
      action TEXT NOT NULL CHECK (action IN ('created', 'updated', 'skipped', 'failed')),
      entity_type TEXT,
      entity_id TEXT,
      before TEXT CHECK (before IS NULL OR json_valid(before)),
      reason TEXT,
      PRIMARY KEY (import_id, row_no)
    ) STRICT, WITHOUT ROWID;
    CREATE INDEX import_rows_by_action ON import_rows (import_id, action, row_no);

    CREATE TABLE bulk_actions (
      id TEXT PRIMARY KEY,
      action TEXT NOT NULL CHECK (json_valid(action)),
      summary TEXT NOT NULL,
      touched INTEGER NOT NULL,
      actor TEXT NOT NULL,
      created_at INTEGER NOT NULL,
      -- the outbox entries it queued: one transaction, so one contiguous range
      first_seq INTEGER,
      last_seq INTEGER,
      undone_at INTEGER
    ) STRICT;
    CREATE TABLE bulk_items (
      bulk_id TEXT NOT NULL,
      entity_id TEXT NOT NULL,
      before TEXT CHECK (before IS NULL OR json_valid(before)),
      after TEXT CHECK (after IS NULL OR json_valid(after)),
      PRIMARY KEY (bulk_id, entity_id)
    ) STRICT, WITHOUT ROWID;
  `,
};
