// Crash safety: a process syncing the store is killed with SIGKILL at random moments, at least
// 50 times, while more offline work keeps arriving between runs; then a last run completes.
// Intercom must end with exactly one contact per local contact, with the right stages, companies
// and links, and the local store must have lost nothing.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../electron/sandbox';
import { makeTempDir, removeTempDir, startCore, TestClock } from '../helpers/testCore';
import { expectIntercomMatches, makeOfflineWork } from './syncFixtures';

const ROOT = path.resolve(__dirname, '../..');
// tsx's loader in the syncing process itself: its CLI would run the script in a child process
// of its own, which a SIGKILL of the CLI leaves running (an orphan syncing beside the next run)
const TSX_LOADER = pathToFileURL(path.join(ROOT, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;
const CHILD = path.join(__dirname, 'crashChild.ts');
const KILLS = 50;

function spawnChild(dir: string, sb: Sandbox): { child: ChildProcess; started: Promise<void>; finished: Promise<{ code: number | null; out: string; err: string }> } {
  const child = spawn(process.execPath, ['--import', TSX_LOADER, CHILD, dir, sb.url, sb.token], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  let markStarted: () => void = () => {};
  const started = new Promise<void>((resolve) => (markStarted = resolve));
  child.stdout!.on('data', (d: Buffer) => {
    out += d.toString();
    if (out.includes('SYNCING')) markStarted();
  });
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const finished = new Promise<{ code: number | null; out: string; err: string }>((resolve) => {
    child.on('exit', (code) => {
      markStarted();
      resolve({ code, out, err });
    });
  });
  return { child, started, finished };
}

let seed = 12345;
const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);

describe('crash safety', () => {
  const dir = makeTempDir();
  let sb: Sandbox;
  afterAll(async () => {
    await sb?.close();
    removeTempDir(dir);
  });

  it(`loses nothing and duplicates nothing when killed ${KILLS} times mid-sync`, { timeout: 600_000 }, async () => {
    // a workspace big enough that the import takes several pages, answers slow enough that a
    // kill lands in the middle of things, and lost answers on top
    sb = await startSandbox({ searchLagMs: 0, randomSeed: 99, seed: { contacts: 1500, companies: 20, withStageAttributes: true }, faults: { latencyMs: 10, latencyJitterMs: 20, dropAfterCommitRate: 0.05 } });
    const clock = new TestClock();
    let kills = 0;
    let batches = 0;
    let rounds = 0;
    // a kill lands only while the child is still syncing: keep going until 50 have
    while (kills < KILLS && rounds < KILLS * 4) {
      rounds++;
      if (rounds % 2 === 1) {
        // more offline work arrives between runs, as it would on a real day
        const t = startCore(dir, clock);
        await makeOfflineWork(t, 6);
        t.dispose();
        batches++;
      }
      const { child, started, finished } = spawnChild(dir, sb);
      await started;
      await new Promise((r) => setTimeout(r, Math.floor(random() * 250)));
      if (child.exitCode === null) {
        child.kill('SIGKILL');
        kills++;
      }
      const res = await finished;
      if (res.code !== null && res.code !== 0) throw new Error(`the sync process failed on its own (code ${res.code}):\n${res.err.slice(-2000)}`);
    }
    expect(kills).toBeGreaterThanOrEqual(KILLS);

    // one last run to the end, without faults
    sb.setFaults({ dropAfterCommitRate: 0, latencyMs: 0, latencyJitterMs: 0 });
    const last = spawnChild(dir, sb);
    const res = await last.finished;
    expect(res.code, res.err.slice(-2000)).toBe(0);
    expect(res.out).toMatch(/DONE/);

    const t = startCore(dir, clock);
    try {
      const status = await t.api.call('sync.status', {});
      const stuck = await t.api.call('outbox.list', { status: ['pending', 'in_flight', 'failed'], limit: 20 });
      expect({ pending: status.pending, failed: status.failed }, JSON.stringify(stuck.items.map((e) => [e.op, e.status, e.lastError]))).toEqual({ pending: 0, failed: 0 });
      // every contact typed in the 10 batches is there, once
      const typed = await t.api.call('contacts.list', { search: 'fair.example', limit: 10 });
      expect(typed.total).toBe(batches * 2);
      expect((await t.api.call('contacts.list', { limit: 1 })).total).toBe(1500 + batches * 6);
      await expectIntercomMatches(t, sb, { importedWithoutStage: true });
      console.log(`crash test: ${kills} kills in ${rounds} runs, ${batches} batches of offline work, ${sb.workspace.contacts().length} Intercom contacts, each once`);
    } finally {
      t.dispose();
    }
  });
});
