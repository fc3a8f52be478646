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
    const result = await ensureStageAttributes(ctx);
    (ctx.run ??= {}).bootstrap = result;
  },
};
