// First pull: every company, then every contact, from Intercom (resumable; see Puller.firstPull).
import type { SyncStep } from './SyncStep';

export const firstPull: SyncStep = {
  name: 'firstPull',
  phase: 'import',
  label: 'Importing contacts and companies from Intercom',
  pull: true,
  when: (r) => !r.firstPullDone,
  async run(run, onProgress) {
    await run.puller.firstPull(onProgress);
  },
};
