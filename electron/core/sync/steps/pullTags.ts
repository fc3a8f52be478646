// The workspace's tags (GET /tags), on every run before the records that carry them are pulled,
// so a contact's tag ids name tags this store knows.
import type { SyncStep } from './SyncStep';

export const pullTags: SyncStep = {
  name: 'tags',
  phase: 'pull',
  label: 'Fetching tags from Intercom',
  pull: true,
  when: () => true,
  async run(run) {
    await run.puller.pullTags();
  },
};
