// A real full disk: the data folder on a small tmpfs, filled to the last byte. Needs root and a
// kernel that lets it mount; anywhere else it says plainly that it skipped. The same paths run
// everywhere by fault injection in diskFull.test.ts.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ErrorPayload } from '../../shared/errors';
import { runStart } from '../helpers/runStart';
import { makeTempDir, removeTempDir, startCore, type TestCore } from '../helpers/testCore';
import { contactsCsv, upload, waitFor } from './fixtures/import/importHarness';

const SIZE = '8m';

/** Whether a tmpfs can be mounted here: tried once, on a scratch folder. */
function canMount(): string | null {
  if (process.platform !== 'linux') return 'not Linux';
  if (process.getuid?.() !== 0) return 'not running as root';
  const probe = makeTempDir('lead-console-tmpfs-probe-');
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', probe], { stdio: 'pipe' });
    execFileSync('umount', [probe], { stdio: 'pipe' });
    return null;
  } catch (e) {
    return `mount failed (${String((e as { stderr?: Buffer }).stderr ?? e).trim()})`;
  } finally {
    removeTempDir(probe);
  }
}

const cannot = canMount();
if (cannot) console.log(`SKIPPED: the real disk-full tests need a small tmpfs: ${cannot}. diskFull.test.ts covers the same paths by fault injection.`);

/** Fills the disk holding `dir` to the last byte but `leave`; returns a function that frees it again. */
function fill(dir: string, leave = 0): () => void {
  const filler = path.join(dir, 'filler');
  const fd = fs.openSync(filler, 'w');
  const block = Buffer.alloc(64 * 1024, 1);
  try {
    for (;;) fs.writeSync(fd, block);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOSPC') throw e;
  }
  // and the last few bytes a 64 KiB block could not take
  try {
    for (;;) fs.writeSync(fd, block.subarray(0, 512));
  } catch {
    // full
  }
  if (leave > 0) fs.ftruncateSync(fd, Math.max(0, fs.fstatSync(fd).size - leave));
  fs.closeSync(fd);
  return () => fs.rmSync(filler, { force: true });
}

describe.skipIf(cannot !== null)('a real full disk (tmpfs)', () => {
  let dir: string;
  const cores: TestCore[] = [];
  beforeAll(() => {
    dir = makeTempDir('lead-console-tmpfs-');
  });
  afterEach(() => {
    for (const t of cores.splice(0)) if (t.core.store.db.open) t.dispose();
    try {
      execFileSync('umount', [dir], { stdio: 'pipe' });
    } catch {
      // not mounted: the test failed before it mounted
    }
  });
  afterAll(() => removeTempDir(dir));

  function mounted(size = SIZE): TestCore {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir]);
    const t = startCore(dir);
    cores.push(t);
    return t;
  }

  it('changes, exports and uploads answer DISK_FULL naming the folder; the store stays whole', async () => {
    const t = mounted();
    for (let i = 0; i < 20; i++) await t.api.call('contacts.create', { name: `Person ${i}`, email: `p${i}@example.com` });
    const job = await t.api.call('import.open', { fileName: 'people.csv', size: 300_000 });
    const free = fill(dir);

    let res = await t.raw('contacts.create', { name: 'New', email: 'new@example.com' });
    for (let i = 0; res.ok && i < 500; i++) res = await t.raw('contacts.create', { name: `New ${i}`, email: `new${i}@example.com` });
    expect(res.ok).toBe(false);
    const change = (res as { error: ErrorPayload }).error;
    expect(change).toMatchObject({ code: 'DISK_FULL', details: { folder: dir } });
    expect(change.message).toContain(`The disk holding ${dir} is full`);

    const exported = await t.fail('contacts.export', { view: {}, columns: ['name', 'email'] });
    expect(exported).toMatchObject({ code: 'DISK_FULL', details: { folder: path.join(dir, 'exports') } });
    expect(fs.readdirSync(path.join(dir, 'exports')).filter((f) => f.endsWith('.partial'))).toEqual([]);

    const piece = Buffer.alloc(200_000, 0x61).toString('base64');
    const uploaded = await t.fail('import.chunk', { importId: job.id, offset: 0, data: piece });
    expect(uploaded).toMatchObject({ code: 'DISK_FULL', details: { folder: path.join(dir, 'imports'), neededBytes: 300_000 } });

    free();
    expect(t.core.store.db.pragma('quick_check', { simple: true })).toBe('ok');
    const before = (await t.api.call('contacts.list', {})).total;
    expect(before).toBeGreaterThanOrEqual(20);
    await t.api.call('contacts.create', { name: 'After', email: 'after@example.com' });
    expect((await t.api.call('contacts.list', {})).total).toBe(before + 1);
  });

  it('an import stopped by the full disk says so, and resumes once there is room', async () => {
    const t = mounted('24m');
    const job = await upload(t, 'many.csv', contactsCsv(6000));
    const analysis = await t.api.call('import.analyse', { importId: job.id });
    // room to record the start and a little more, not for 6,000 contacts
    const free = fill(dir, 256 * 1024);
    await t.api.call('import.start', { importId: job.id, kind: 'contacts', mapping: analysis.mapping, duplicates: 'skip' });
    const stopped = await waitFor(t, job.id, ['interrupted', 'done', 'failed']);
    expect(stopped.state).toBe('interrupted');
    expect(stopped.error).toContain(`The disk holding ${dir} is full`);
    expect(stopped.error).toContain('resume it, or roll it back');
    free();
    await t.api.call('import.resume', { importId: job.id });
    expect(await waitFor(t, job.id, ['done', 'interrupted'])).toMatchObject({ state: 'done', created: 6000 });
  });

  it('a restart on the full disk still starts: it prints the link instead of saving it, and opens read-only', async () => {
    const t = mounted();
    await t.api.call('contacts.create', { name: 'Ada', email: 'ada@example.com' });
    t.dispose();
    const file = path.join(dir, 'lead-console.sqlite');
    const before = fs.readFileSync(file);
    fill(dir);
    let info: { ok: boolean; value?: { readOnly?: string } } | null = null;
    let refused: { ok: boolean; error?: ErrorPayload } | null = null;
    const run = await runStart(['--data', dir, '--port', '0'], async (stdout) => {
      const [, url, token] = /(http:\/\/127\.0\.0\.1:\d+\/)#token=(\S+)/.exec(stdout)!;
      const call = async (method: string, body: unknown) =>
        (await fetch(`${url}api/${method}`, { method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }, body: JSON.stringify(body) })).json();
      info = (await call('app.info', {})) as typeof info;
      refused = (await call('contacts.create', { name: 'Bob', email: 'bob@example.com' })) as typeof refused;
    });
    expect(run.stderr).not.toMatch(/ENOSPC|\n\s+at /);
    expect(run.stdout).toContain('Lead Console is running in browser mode.');
    expect(run.stdout).toMatch(/http:\/\/127\.0\.0\.1:\d+\/#token=/);
    expect(run.stdout).toContain(`The link could not be saved in ${path.join(dir, 'bridge.json')} (the disk holding ${dir} is full); copy it from here.`);
    expect(run.stdout).toContain(`Read-only: The disk holding ${dir} is full`);
    expect(run.code).toBe(0);
    expect(info).toMatchObject({ ok: true, value: { readOnly: expect.stringContaining('Read-only: The disk holding') } });
    expect(refused).toMatchObject({ ok: false, error: { code: 'DISK_FULL', details: { readOnly: true } } });
    expect(fs.readFileSync(file).equals(before)).toBe(true);
  });
});
