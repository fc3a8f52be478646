// An undo is one transaction: a process killed (SIGKILL) inside it leaves the store as it was
// before the undo began, and the undo can then be done in full.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { makeTempDir, removeTempDir, startCore, TestClock } from '../helpers/testCore';

const ROOT = path.resolve(__dirname, '../..');
// tsx's loader in the process itself, so the SIGKILL reaches the process doing the undo
const TSX_LOADER = pathToFileURL(path.join(ROOT, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;
const CHILD = path.join(__dirname, 'undoCrashChild.ts');

/** Runs the child until it says INSIDE (then kills it) or finishes; returns what it printed. */
function undoInChild(dir: string, changeId: string, stopAt: number): Promise<{ killed: boolean; out: string; err: string }> {
  const child = spawn(process.execPath, ['--import', TSX_LOADER, CHILD, dir, changeId, String(stopAt)], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  let killed = false;
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString();
    if (out.includes('INSIDE') && !killed) {
      killed = true;
      child.kill('SIGKILL');
    }
  });
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  return new Promise((resolve) => child.on('exit', () => resolve({ killed, out, err })));
}

const dirs: string[] = [];
afterAll(() => dirs.forEach(removeTempDir));

describe('undo and SIGKILL', () => {
  it('leaves all or nothing: killed before or after its writes, nothing of it stays; run again, all of it is done', async () => {
    const dir = makeTempDir();
    dirs.push(dir);
    let t = startCore(dir, new TestClock());
    const { contact } = await t.api.call('contacts.create', { name: 'Kim Kane', email: 'kim@example.test' });
    await t.api.call('contacts.update', { id: contact.id, patch: { phone: '+1 555 0142' } });
    await t.api.call('contacts.signUp', { id: contact.id, externalId: 'u-kim', company: { externalId: 'kappa', name: 'Kappa' } });
    const change = (await t.api.call('changes.list', { limit: 1 })).items[0]!;
    expect(change).toMatchObject({ kind: 'contact.signUp', undoable: true });
    const before = t.core.store.fingerprint();
    const journal = () => t.core.store.db.prepare('SELECT count(*) AS n, count(undone_at) AS undone FROM changes').get();
    const journalBefore = journal();
    t.core.dispose();

    // the clock's first reading in the undo comes before its writes, the second after all of them
    for (const stopAt of [1, 2]) {
      const run = await undoInChild(dir, change.id, stopAt);
      expect(run.killed, run.err).toBe(true);
      t = startCore(dir, new TestClock());
      expect(t.core.store.fingerprint()).toEqual(before);
      expect(journal()).toEqual(journalBefore);
      expect((await t.api.call('changes.list', { limit: 1 })).items[0]).toMatchObject({ id: change.id, undoable: true });
      t.core.dispose();
    }

    const done = await undoInChild(dir, change.id, 99);
    expect(done.out).toContain('DONE true');
    t = startCore(dir, new TestClock());
    expect(await t.api.call('contacts.get', { id: contact.id })).toMatchObject({ stage: 'lead', role: 'lead', externalId: null, phone: '+1 555 0142', companies: [] });
    expect(t.core.store.companies.byExternalId('kappa')).toBeUndefined();
    expect((await t.api.call('changes.list', { limit: 2 })).items.map((c) => c.kind)).toEqual(['undo', 'contact.signUp']);
    t.core.dispose();
  });
});
