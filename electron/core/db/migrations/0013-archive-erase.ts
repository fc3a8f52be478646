// Archived contacts and erasure. An archived contact stays in the store with the time it was
// archived (`archived_at`), as Intercom keeps it; the contact counts leave it out, so the table's
// totals, search counts and segments hide it by default, and a partial index finds the few there
// are. (A deleted contact's erasure needs no schema: see ErasureRepository.)
import type { Migration } from '../migrate';

const countUp = (row: 'NEW') => `
    INSERT INTO contact_counts (stage, role, sync_state, n) SELECT ${row}.stage, ${row}.role, ${row}.sync_state, 1 WHERE ${row}.archived_at IS NULL
      ON CONFLICT (stage, role, sync_state) DO UPDATE SET n = n + 1;`;
const countDown = (row: 'OLD') => `
    UPDATE contact_counts SET n = n - 1
      WHERE ${row}.archived_at IS NULL AND stage = ${row}.stage AND role = ${row}.role AND sync_state = ${row}.sync_state;`;

export const migration0013: Migration = {
  version: 13,
  name: 'archive-erase',
  up: `
    ALTER TABLE contacts ADD COLUMN archived_at INTEGER;
    CREATE INDEX contacts_archived ON contacts (archived_at) WHERE archived_at IS NOT NULL;

    DROP TRIGGER contact_counts_insert;
    DROP TRIGGER contact_counts_delete;
    DROP TRIGGER contact_counts_update;
    CREATE TRIGGER contact_counts_insert AFTER INSERT ON contacts BEGIN ${countUp('NEW')}
    END;
    CREATE TRIGGER contact_counts_delete AFTER DELETE ON contacts BEGIN ${countDown('OLD')}
    END;
    CREATE TRIGGER contact_counts_update AFTER UPDATE OF stage, role, sync_state, archived_at ON contacts
      WHEN NEW.stage IS NOT OLD.stage OR NEW.role IS NOT OLD.role OR NEW.sync_state IS NOT OLD.sync_state
        OR (NEW.archived_at IS NULL) IS NOT (OLD.archived_at IS NULL)
    BEGIN ${countDown('OLD')} ${countUp('NEW')}
    END;
  `,
};
