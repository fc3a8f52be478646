// Once after migration 0014: the contacts Intercom holds unsubscribed from emails, which the
// incremental pull would not read unless they change (see Puller.pullUnsubscribed).
import type { SyncStep } from './SyncStep';

export const pullUnsubscribed: SyncStep = {
  name: 'unsubscribed',
  phase: 'pull',
  label: 'Fetching email consent from Intercom',
  pull: true,
  when: (r) => r.firstPullDone,
  async run(run) {
    await run.puller.pullUnsubscribed();
  },
};
