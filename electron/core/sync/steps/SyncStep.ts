// The shape of one named step of a sync run, and the run its steps share. The engine runs the
// list in steps/index.ts in order, each step when the run calls for it, with progress per step.
import type { SyncProgress } from '../../../../shared/domain';
import type { Puller } from '../Puller';
import type { ProgressFn, SyncContext } from '../SyncContext';

/** One sync run as its steps see it. */
export interface SyncRun {
  ctx: SyncContext;
  /** The first pull had finished when this run began: it pulls changes, then pushes. */
  firstPullDone: boolean;
  /** The run's puller (its steps share its options). */
  puller: Puller;
  /** Entries the push left for a later run: the engine comes back sooner for them. */
  deferred: number;
}

export interface SyncStep {
  /** Named in logs and tests. */
  name: string;
  /** The progress phase the console shows while it runs, and its words. */
  phase: SyncProgress['phase'];
  label: string;
  /** Whether this run takes the step (decided from what the run found at its start). */
  when(run: SyncRun): boolean;
  /**
   * A pull step: when it fails, the run skips the later pull steps and still pushes (a pull
   * problem never holds back local changes), then reports the failure.
   */
  pull?: boolean;
  run(run: SyncRun, onProgress: ProgressFn): Promise<void>;
}
