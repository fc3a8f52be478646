// A rollback is one transaction: a process killed (SIGKILL) while rolling a big import back
// leaves the store either as the import left it or as it was before the import, never in
// between; the next start rolls it back whole.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { makeTempDir, removeTempDir, startCore, type TestCore } from '../helpers/testCore';
import { contactsCsv, runImport } from './fixtures/import/importHarness';

const ROOT = path.resolve(__dirname, '../..');
// tsx's loader in the process itself, so the SIGKILL reaches the process that writes
const TSX_LOADER = pathToFileURL(path.join(ROOT, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;
const CHILD = path.join(__dirname, 'rollbackChild.ts');

/** Runs the child; kills it `killAfterMs` after it says ROLLING (null: lets it finish). */
function rollInChild(dir: string, importId: string, killAfterMs: number | null): Promise<{ code: number | null; signal: string | null; out: string; err: string }> {
  const child = spawn(process.execPath, ['--import', TSX_LOADER, CHILD, dir, importId], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => {
    const had = out.includes('ROLLING');
    out += d.toString();
    if (!had && out.includes('ROLLING') && killAfterMs !== null) setTimeout(() => child.kill('SIGKILL'), killAfterMs);
  });
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  return new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal, out, err })));
}

describe('import rollback and SIGKILL', () => {
  const dir = makeTempDir();
  afterAll(() => removeTempDir(dir));

  it('leaves all or nothing of the rollback when killed part way, and a restart rolls it back whole', { timeout: 300_000 }, async () => {
    let t: TestCore = startCore(dir);
    const seeded = [];
    for (let i = 1; i <= 30; i++) seeded.push((await t.api.call('contacts.create', { email: `person${i}@example.com`, name: `Before ${i}` })).contact);
    const before = t.core.store.fingerprint();
    // 10,000 rows: the first 30 update the contacts above, the rest are new
    const { job } = await runImport(t, 'big.csv', contactsCsv(10_000), { duplicates: 'update' });
    expect(job).toMatchObject({ state: 'done', updated: 30, created: 9_970 });
    const imported = t.core.store.fingerprint();
    t.dispose();

    let killedMidway = 0;
    for (const delay of [5, 40, 150, 400]) {
      const run = await rollInChild(dir, job.id, delay);
      t = startCore(dir);
      const state = (await t.api.call('import.status', { importId: job.id })).state;
      const now = t.core.store.fingerprint();
      t.dispose();
      if (run.out.includes('DONE')) {
        // it finished before the kill: rolled back whole
        expect({ state, now }).toEqual({ state: 'rolled_back', now: before });
        break;
      }
      expect(run.signal).toBe('SIGKILL');
      expect({ state, now }).toEqual({ state: 'done', now: imported });
      killedMidway++;
    }
    expect(killedMidway).toBeGreaterThan(0);

    const last = await rollInChild(dir, job.id, null);
    t = startCore(dir);
    try {
      const state = (await t.api.call('import.status', { importId: job.id })).state;
      if (last.out.includes('DONE')) {
        expect(state).toBe('rolled_back');
        expect(t.core.store.fingerprint()).toEqual(before);
        expect((await t.api.call('contacts.get', { id: seeded[0]!.id })).name).toBe('Before 1');
      } else {
        // rolled back by one of the runs above already
        expect(last.err).toContain('rolled back already');
        expect(state).toBe('rolled_back');
        expect(t.core.store.fingerprint()).toEqual(before);
      }
    } finally {
      t.dispose();
    }
  });
});
