// Test harness: a real core on a real SQLite file in a fresh temp folder, a controllable clock,
// the pushed events it emitted, and a typed client over it (the same shared client the
// renderer uses, with the core as a direct transport).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createCore, type Core, type CoreOptions } from '../../electron/core/app';
import { afterEach, expect } from 'vitest';
import { events as eventSchemas, type ChangeRecord, type EventName, type MethodOutput } from '../../shared/api';
import { createClient, type Client } from '../../shared/client';
import type { ErrorPayload, Result } from '../../shared/errors';

/** A fresh folder under the OS temp dir; remove it with `removeTempDir`. */
export function makeTempDir(prefix = 'lead-console-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export function removeTempDir(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
}

/** Starts at 2024-01-01T00:00:00Z and moves `step` ms on every reading (0 = frozen). */
export class TestClock {
  private t = Date.UTC(2024, 0, 1);
  step = 1000;
  now = (): number => (this.t += this.step);
}

export interface PushedEvent {
  name: EventName;
  payload: unknown;
}

export interface TestCore {
  core: Core;
  dir: string;
  clock: TestClock;
  events: PushedEvent[];
  /** `change` announcements taken out of `events` by takeEvents, for takeChanges. */
  changes: ChangeRecord[];
  api: Client;
  /** The raw envelope, for calls expected to fail (or with deliberately mistyped input). */
  raw(method: string, input: unknown): Promise<Result<unknown>>;
  /** Calls, expects `{ ok:false }` and returns the error. */
  fail(method: string, input: unknown): Promise<ErrorPayload>;
  /** Builds a second core on the same folder (after `core.dispose()`), for persistence tests. */
  reopen(): TestCore;
  dispose(): void;
}

export const TEST_ACTOR = 'tester@example.test';

export function startCore(dir = makeTempDir(), clock = new TestClock(), extra: Partial<CoreOptions> = {}): TestCore {
  const logged: unknown[] = [];
  const core = createCore({
    ...extra,
    dataDir: dir,
    mode: 'test',
    validateOutput: true,
    actor: TEST_ACTOR,
    now: clock.now,
    log: (message, error) => logged.push({ message, error }),
  });
  const events: PushedEvent[] = [];
  core.subscribe((name, payload) => events.push({ name, payload }));
  const api = createClient({ invoke: (m, i) => core.call(m, i), subscribe: (l) => core.subscribe(l) });
  const raw = (method: string, input: unknown) => core.call(method, input);
  const harness: TestCore = {
    core,
    dir,
    clock,
    events,
    changes: [],
    api,
    raw,
    async fail(method, input) {
      const res = await raw(method, input);
      if (res.ok) throw new Error(`${method} was expected to fail but returned ${JSON.stringify(res.value).slice(0, 300)}`);
      return res.error;
    },
    reopen() {
      return startCore(dir, clock, extra);
    },
    dispose() {
      core.dispose();
      // an INTERNAL answer in a test is a bug in the core: make it visible
      if (logged.length > 0) console.error('core logged unexpected errors', logged);
    },
  };
  return harness;
}

/** Everything waiting in the outbox (oldest first). */
export async function outboxItems(t: TestCore): Promise<MethodOutput<'outbox.list'>['items']> {
  return (await t.api.call('outbox.list', { limit: 500 })).items;
}

/**
 * Events pushed since the last call, each checked against the contract's event schema. The
 * journal's `change` announcements (one per change a person makes, for its undo) are checked
 * here and left out: tests of the journal read them with `takeChanges`.
 */
export function takeEvents(t: TestCore): Array<{ name: EventName } & Record<string, unknown>> {
  const out = t.events.splice(0);
  for (const e of out) expect(eventSchemas[e.name].safeParse(e.payload).success).toBe(true);
  t.changes.push(...out.filter((e) => e.name === 'change').map((e) => e.payload as ChangeRecord));
  return out.filter((e) => e.name !== 'change').map((e) => ({ name: e.name, ...(e.payload as object) }));
}

/** The journal's `change` announcements since the last call, oldest first. */
export function takeChanges(t: TestCore): ChangeRecord[] {
  takeEvents(t);
  return t.changes.splice(0);
}

/** Cores started through the returned function are disposed and removed after each test. */
export function coresPerTest(): (...args: Parameters<typeof startCore>) => TestCore {
  const cores: TestCore[] = [];
  afterEach(() => {
    for (const t of cores.splice(0)) {
      t.dispose();
      removeTempDir(t.dir);
    }
  });
  return (...args) => {
    const t = startCore(...args);
    cores.push(t);
    return t;
  };
}
