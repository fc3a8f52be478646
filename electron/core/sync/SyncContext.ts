// What the sync steps (bootstrap, push, first pull, pull) get from the engine that runs them.
import type { EntityType } from '../../../shared/domain';
import type { Store } from '../db/Store';
import type { IntercomClient } from './IntercomClient';
import type { BootstrapResult, KnownAttributes } from './Bootstrap';
import type { SyncSettings } from './mapping';

export interface SyncContext {
  store: Store;
  client: IntercomClient;
  /** Read at the start of each step: the settings may change between runs. */
  settings: () => SyncSettings;
  now: () => number;
  /** Fires when the run must stop (pause, quit, settings changed). */
  signal: AbortSignal;
  /** Records changed by sync; the engine batches these into `changed` events. */
  changed: (entity: EntityType | 'outbox', ids: readonly string[], op: string) => void;
  /** How many records are pushed at once (each record's own entries stay in order). */
  concurrency: number;
  /**
   * Read each record by id before an update of its fields goes out, so a colleague's change the
   * pull has not seen becomes a conflict instead of being overwritten (ops/currentCheck.ts).
   * Default on; off only to measure what it costs (the push bench).
   */
  checkBeforeUpdate?: boolean;
  /** How many contact ranges the first pull reads at once (see Puller; default 64). */
  pullConcurrency?: number;
  log: (message: string, error?: unknown) => void;
  /** What this run learned so far, shared by its steps; the engine makes one per run (a step run alone makes its own). */
  run?: RunState;
}

export interface RunState {
  /** The attribute names Intercom has, listed once per run (see Bootstrap). */
  attributes?: KnownAttributes;
  /** The bootstrap step's result: the push of the same run reads it instead of asking again. */
  bootstrap?: BootstrapResult;
  /**
   * The team, asked for while the bootstrap's own reads are on the wire (the admins step takes
   * it): one answer's wait less before every run's first change.
   */
  admins?: ReturnType<IntercomClient['listAdmins']>;
}

/** Progress of one step: done so far, and the total when it is known. */
export type ProgressFn = (done: number, total: number | null) => void;
