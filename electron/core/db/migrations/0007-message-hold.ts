// The undo-send hold: a message or flush waits in the outbox until its release time, so a person
// can take it back for a few seconds; the time is stored, so a restart keeps the hold. Messages
// record when they were taken back, so the list can say "Not sent (undone)".
import type { Migration } from '../migrate';

export const migration0007: Migration = {
  version: 7,
  name: 'message-hold',
  up: `
    ALTER TABLE outbox ADD COLUMN release_at INTEGER;
    CREATE INDEX outbox_by_release ON outbox (release_at) WHERE release_at IS NOT NULL;
    ALTER TABLE messages ADD COLUMN release_at INTEGER;
    ALTER TABLE messages ADD COLUMN undone_at INTEGER;
  `,
};
