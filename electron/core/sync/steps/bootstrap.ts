// Bootstrap: every attribute the run is about to write exists in Intercom. Once per run; the
// push reads its result from the run state.
import { ensureStageAttributes } from '../Bootstrap';
import type { SyncStep } from './SyncStep';

export const bootstrap: SyncStep = {
  name: 'bootstrap',
  phase: 'bootstrap',
  label: 'Preparing Intercom',
  when: () => true,
  async run({ ctx }) {
    const run = (ctx.run ??= {});
    // the admins step comes next and its read does not depend on this one: it goes out now
    // (a failure surfaces there, when the step takes it)
    run.admins = ctx.client.listAdmins();
    run.admins.catch(() => undefined);
    const result = await ensureStageAttributes(ctx);
    run.bootstrap = result;
  },
};
