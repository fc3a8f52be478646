// Browser mode lowers every thread of the bridge but the main one (electron/engine/threadPriority.ts):
// V8's helpers that collect the engine's heap yield a core to the routing thread. Checked in a
// process of its own, on Linux (where each thread has its own nice value; elsewhere it does nothing).
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { lowerHelperThreads } from '../../electron/engine/threadPriority';

interface Seen {
  pid: number;
  before: number;
  lowered: number;
  threads: { tid: number; nice: number }[];
  again: number;
}

describe('lowerHelperThreads', () => {
  it.skipIf(process.platform !== 'linux')('lowers every thread but the main one to the nice given, keeps one already lower, and finds nothing left to do the second time', () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(__dirname, 'threadPriorityChild.ts')], { encoding: 'utf8', timeout: 30_000 });
    expect(r.status, r.stderr).toBe(0);
    const seen = JSON.parse(r.stdout.trim().split('\n').pop()!) as Seen;
    const main = seen.threads.find((t) => t.tid === seen.pid)!;
    const others = seen.threads.filter((t) => t.tid !== seen.pid);
    // the main thread keeps the priority it had
    expect(main.nice).toBe(seen.before);
    // V8's helpers and libuv's pool are there, and none is left above the engine's priority
    expect(others.length).toBeGreaterThanOrEqual(3);
    expect(others.every((t) => t.nice >= 10)).toBe(true);
    // the worker lowered itself further: it was not raised to 10
    expect(others.filter((t) => t.nice === 15)).toHaveLength(1);
    expect(seen.lowered).toBe(others.length - 1);
    expect(seen.again).toBe(0);
  });

  it.skipIf(process.platform === 'linux')('does nothing where a nice value belongs to the whole process', () => {
    expect(lowerHelperThreads(10)).toBe(0);
  });
});
