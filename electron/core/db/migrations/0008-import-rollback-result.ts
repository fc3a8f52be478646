// What an import's rollback did (fields kept, contacts archived in Intercom, events left there) is
// kept with the import, so the report still says it after a restart.
import type { Migration } from '../migrate';

export const migration0008: Migration = {
  version: 8,
  name: 'import-rollback-result',
  up: `
    ALTER TABLE imports ADD COLUMN rollback_result TEXT CHECK (rollback_result IS NULL OR json_valid(rollback_result));
  `,
};
