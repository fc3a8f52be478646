// Shared by the push tests: a real core on a temp SQLite file, the sandbox over HTTP, and a
// SyncContext wired to both, with a clock the test can move past retry times.
import { startSandbox, type Sandbox, type SandboxFaults, type SandboxOptions } from '../../electron/sandbox';
import { IntercomClient, type ClientOptions } from '../../electron/core/sync/IntercomClient';
import { IntercomError } from '../../electron/core/sync/IntercomError';
import { Pusher, type PushSummary } from '../../electron/core/sync/Pusher';
import type { SyncContext } from '../../electron/core/sync/SyncContext';
import { DEFAULT_STAGE_VALUES, type EntityType } from '../../shared/domain';
import { removeTempDir, startCore, type TestCore } from '../helpers/testCore';

export interface PushRig {
  t: TestCore;
  sb: Sandbox;
  ctx: SyncContext;
  /** Moves the pusher's clock forward (past not_before times). */
  advance(ms: number): void;
  changed: Array<{ entity: EntityType | 'outbox'; ids: readonly string[] }>;
  logged: Array<{ message: string; error?: unknown }>;
  /** One run of a fresh Pusher. */
  push(): Promise<PushSummary>;
  /** Runs until nothing waits (moving the clock past retry times), returns the summaries. */
  pushUntilQuiet(maxRuns?: number): Promise<PushSummary[]>;
  /** A new client (new options) for the next runs. */
  setClient(opts: Partial<ClientOptions>): void;
  close(): Promise<void>;
}

export async function pushRig(
  opts: { faults?: Partial<SandboxFaults>; client?: Partial<ClientOptions>; sandbox?: Partial<SandboxOptions> } = {},
): Promise<PushRig> {
  // a bare workspace: the push itself creates the stage attributes it writes
  const sb = await startSandbox({ searchLagMs: 0, randomSeed: 7, ...opts.sandbox, faults: opts.faults });
  const t = startCore();
  let offset = 0;
  const changed: PushRig['changed'] = [];
  const logged: PushRig['logged'] = [];
  const makeClient = (o: Partial<ClientOptions>) =>
    new IntercomClient({ baseUrl: sb.url, token: sb.token, timeoutMs: 2000, backoff: { baseMs: 5, maxMs: 50 }, ...o });
  const ctx: SyncContext = {
    store: t.core.store,
    client: makeClient(opts.client ?? {}),
    settings: () => ({ stageAttribute: 'Stage', companyStageAttribute: 'Company Stage', stageValues: DEFAULT_STAGE_VALUES }),
    now: () => Date.now() + offset,
    signal: new AbortController().signal,
    changed: (entity, ids) => changed.push({ entity, ids }),
    concurrency: 8,
    log: (message, error) => logged.push({ message, error }),
  };
  const rig: PushRig = {
    t,
    sb,
    ctx,
    changed,
    logged,
    advance: (ms) => {
      offset += ms;
    },
    push: () => new Pusher(ctx).run(),
    async pushUntilQuiet(maxRuns = 40) {
      const out: PushSummary[] = [];
      for (let i = 0; i < maxRuns; i++) {
        try {
          out.push(await rig.push());
        } catch (e) {
          // as the engine does: a run that Intercom cut short (busy, rate-limited) is tried again
          if (!(e instanceof IntercomError) || !['transient', 'rate_limited', 'uncertain'].includes(e.kind)) throw e;
        }
        if (t.core.store.outbox.countWaiting() === 0) return out;
        rig.advance(11 * 60_000);
      }
      throw new Error(`the outbox did not drain in ${maxRuns} runs: ${JSON.stringify(out.at(-1))}`);
    },
    setClient(o) {
      ctx.client = makeClient({ ...opts.client, ...o });
    },
    async close() {
      t.dispose();
      removeTempDir(t.dir);
      await sb.close();
    },
  };
  return rig;
}

/** Outbox entries of every status, oldest first. */
export async function allEntries(t: TestCore) {
  return (await t.api.call('outbox.list', { status: ['pending', 'in_flight', 'failed', 'done'], limit: 500 })).items;
}
