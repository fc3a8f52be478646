// Incremental pull, contacts: those changed since the contact watermark (see Puller.pullContacts).
import type { SyncStep } from './SyncStep';

export const pullContacts: SyncStep = {
  name: 'contacts',
  phase: 'pull',
  label: 'Fetching changes from Intercom',
  pull: true,
  when: (r) => r.firstPullDone,
  async run(run, onProgress) {
    await run.puller.pullContacts(undefined, onProgress);
  },
};
