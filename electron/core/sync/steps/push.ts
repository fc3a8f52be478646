// Push: the outbox drained to Intercom (Pusher, driving the operations in ops/). It runs before
// the first pull (offline work has nothing to compare with yet) and after every later pull (a
// field changed on both sides must be seen as a conflict before the local value goes out).
import { Pusher } from '../Pusher';
import type { SyncRun, SyncStep } from './SyncStep';

async function push(run: SyncRun, onProgress: (done: number, total: number | null) => void): Promise<void> {
  const pushed = await new Pusher(run.ctx).run(onProgress);
  run.deferred += pushed.deferred;
}

const label = 'Sending changes to Intercom';

/** Offline work goes out before the first pull. */
export const pushBeforeFirstPull: SyncStep = { name: 'pushBeforeFirstPull', phase: 'push', label, when: (r) => !r.firstPullDone, run: push };

/** Local changes go out after the pull has shown what changed in Intercom. */
export const pushAfterPull: SyncStep = { name: 'push', phase: 'push', label, when: (r) => r.firstPullDone, run: push };
