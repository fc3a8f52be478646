// Stage history (the funnel's raw data), the outbox (the only path to Intercom) and settings.
import type { Migration } from '../migrate';

export const migration0002: Migration = {
  version: 2,
  name: 'history-outbox-settings',
  up: `
    CREATE TABLE stage_history (
      id INTEGER PRIMARY KEY,
      entity_type TEXT NOT NULL CHECK (entity_type IN ('contact', 'company')),
      entity_id TEXT NOT NULL,
      from_stage TEXT,
      to_stage TEXT,
      at INTEGER NOT NULL,
      actor TEXT NOT NULL,
      source TEXT NOT NULL CHECK (source IN ('local', 'intercom'))
    ) STRICT;
    CREATE INDEX stage_history_by_entity ON stage_history (entity_id, at);
    CREATE INDEX stage_history_by_stage ON stage_history (entity_type, to_stage, at);

    -- AUTOINCREMENT: sequence numbers are never reused, so "in order" survives deletes
    CREATE TABLE outbox (
      seq INTEGER PRIMARY KEY AUTOINCREMENT,
      entity_type TEXT NOT NULL CHECK (entity_type IN ('contact', 'company')),
      entity_id TEXT NOT NULL,
      op TEXT NOT NULL,
      payload TEXT NOT NULL CHECK (json_valid(payload)),
      status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'in_flight', 'failed', 'done')),
      attempts INTEGER NOT NULL DEFAULT 0,
      last_error TEXT,
      created_at INTEGER NOT NULL,
      updated_at INTEGER NOT NULL
    ) STRICT;
    CREATE INDEX outbox_by_status ON outbox (status, seq);
    CREATE INDEX outbox_by_entity ON outbox (entity_id, status, seq);

    CREATE TABLE settings (
      key TEXT PRIMARY KEY,
      value TEXT NOT NULL CHECK (json_valid(value)),
      updated_at INTEGER NOT NULL
    ) STRICT;
  `,
};
