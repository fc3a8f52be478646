// Incremental pull, companies: those changed since the company watermark (see Puller.pullCompanies).
import type { SyncStep } from './SyncStep';

export const pullCompanies: SyncStep = {
  name: 'companies',
  phase: 'pull',
  label: 'Fetching changes from Intercom',
  pull: true,
  when: (r) => r.firstPullDone,
  async run(run) {
    await run.puller.pullCompanies();
  },
};
