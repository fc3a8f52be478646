// A full disk, by fault injection on the real code paths (runs everywhere): Node writes that
// answer ENOSPC, and SQLite's own SQLITE_FULL from a page limit on the real store file. Each
// step answers DISK_FULL naming the folder and the space it needs, and the store stays whole.
// The same on a real full disk (a small tmpfs, root only): test/core/diskFullTmpfs.test.ts.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { startBridge } from '../../electron/bridge/BridgeServer';
import { Store } from '../../electron/core/db/Store';
import { startSandbox } from '../../electron/sandbox';
import { diskFullError, isDiskFull, storeHeadroom } from '../../electron/core/diskSpace';
import type { ErrorPayload } from '../../shared/errors';
import { contactsCsv, upload, waitFor } from './fixtures/import/importHarness';
import { coresPerTest, makeTempDir, removeTempDir, startCore, type TestCore } from '../helpers/testCore';

const newCore = coresPerTest();

function enospc(file: string): NodeJS.ErrnoException {
  const e: NodeJS.ErrnoException = new Error(`ENOSPC: no space left on device, write '${file}'`);
  e.code = 'ENOSPC';
  e.path = file;
  return e;
}

/** SQLite answers SQLITE_FULL once the file would grow past its current size: a full disk for the store alone. */
function capStore(t: TestCore): () => void {
  const db = t.core.store.db;
  db.pragma('wal_checkpoint(TRUNCATE)');
  const pages = db.pragma('page_count', { simple: true }) as number;
  db.pragma(`max_page_count = ${pages}`);
  return () => db.pragma('max_page_count = 4294967294');
}

function quickCheck(t: TestCore): string {
  return t.core.store.db.pragma('quick_check', { simple: true }) as string;
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('a full disk while writing the store', () => {
  it('answers DISK_FULL naming the data folder and at least the headroom a change needs; nothing is half written', async () => {
    const t = newCore();
    await t.api.call('contacts.create', { name: 'Ada', email: 'ada@example.com' });
    const lift = capStore(t);
    // the free room left in the file's pages fills after a few contacts
    let saved = 1;
    let res = await t.raw('contacts.create', { name: 'Person 0', email: 'p0@example.com' });
    for (let i = 1; res.ok && i < 2000; i++) {
      saved++;
      res = await t.raw('contacts.create', { name: `Person ${i}`, email: `p${i}@example.com` });
    }
    expect(res.ok).toBe(false);
    const err = (res as { ok: false; error: ErrorPayload }).error;
    expect(err).toMatchObject({ code: 'DISK_FULL', details: { folder: t.dir, neededBytes: storeHeadroom(t.core.dbFile) } });
    expect(err.message).toContain(`The disk holding ${t.dir} is full`);
    expect(err.message).toMatch(/needs at least \d+(\.\d)? MB; nothing was changed/);
    lift();
    expect((await t.api.call('contacts.list', {})).total).toBe(saved);
    expect(quickCheck(t)).toBe('ok');
  });
});

describe('a full disk during an import', () => {
  it('refuses an upload piece with the bytes still to come, and takes the same piece once there is room', async () => {
    const t = newCore();
    const csv = Buffer.from(contactsCsv(50));
    const job = await t.api.call('import.open', { fileName: 'people.csv', size: csv.length });
    const write = vi.spyOn(fs, 'writeSync').mockImplementationOnce(() => {
      throw enospc(path.join(t.dir, 'imports', `${job.id}.src`));
    });
    const piece = csv.subarray(0, 100).toString('base64');
    const err = await t.fail('import.chunk', { importId: job.id, offset: 0, data: piece });
    expect(err).toMatchObject({ code: 'DISK_FULL', details: { folder: path.join(t.dir, 'imports'), neededBytes: csv.length } });
    expect(err.message).toContain('the rest of the upload of people.csv');
    write.mockRestore();
    expect((await t.api.call('import.status', { importId: job.id })).state).toBe('uploading');
    await t.api.call('import.chunk', { importId: job.id, offset: 0, data: piece });
    const done = await t.api.call('import.chunk', { importId: job.id, offset: 100, data: csv.subarray(100).toString('base64') });
    expect(done).toMatchObject({ state: 'ready', rowsTotal: 50 });
  });

  it('a run stopped by SQLITE_FULL says so, stays interrupted, and can be resumed or rolled back', async () => {
    let chunks = 0;
    let lift: (() => void) | null = null;
    // caps the store before the second chunk of 2,000 rows: the first is written, the last 500 are not
    const t: TestCore = newCore(undefined, undefined, {
      importPace: async () => {
        if (++chunks === 2) lift = capStore(t);
      },
    });
    const uploaded = await upload(t, 'many.csv', contactsCsv(2500));
    const analysis = await t.api.call('import.analyse', { importId: uploaded.id });
    await t.api.call('import.start', { importId: uploaded.id, kind: 'contacts', mapping: analysis.mapping, duplicates: 'skip' });
    const stopped = await waitFor(t, uploaded.id, ['interrupted', 'done', 'failed']);
    expect(stopped).toMatchObject({ state: 'interrupted', rowsDone: 2000 });
    expect(stopped.error).toContain(`The disk holding ${t.dir} is full`);
    expect(stopped.error).toMatch(/the rest of the import needs about [\d.]+ MB; free some space there and resume it, or roll it back/);
    expect(stopped.error).not.toContain('unexpected');
    expect(quickCheck(t)).toBe('ok');

    lift!();
    await t.api.call('import.resume', { importId: uploaded.id });
    expect(await waitFor(t, uploaded.id, ['done', 'interrupted'])).toMatchObject({ state: 'done', created: 2500 });
    await t.api.call('import.rollback', { importId: uploaded.id, confirm: true });
    expect((await t.api.call('contacts.list', {})).total).toBe(0);
  });

  it('a run stopped on a full disk can be rolled back at once', async () => {
    let chunks = 0;
    let lift: (() => void) | null = null;
    const t: TestCore = newCore(undefined, undefined, {
      importPace: async () => {
        if (++chunks === 2) lift = capStore(t);
      },
    });
    const uploaded = await upload(t, 'many.csv', contactsCsv(2500));
    const analysis = await t.api.call('import.analyse', { importId: uploaded.id });
    await t.api.call('import.start', { importId: uploaded.id, kind: 'contacts', mapping: analysis.mapping, duplicates: 'skip' });
    expect(await waitFor(t, uploaded.id, ['interrupted', 'done', 'failed'])).toMatchObject({ state: 'interrupted' });
    // a rollback deletes rows: with the store capped it frees pages rather than needing new ones
    lift!();
    expect(await t.api.call('import.rollback', { importId: uploaded.id, confirm: true })).toMatchObject({ state: 'rolled_back' });
    expect((await t.api.call('contacts.list', {})).total).toBe(0);
    expect(fs.readdirSync(path.join(t.dir, 'imports'))).toEqual([]);
  });
});

describe('a full disk during an export', () => {
  it('answers DISK_FULL naming the exports folder and the expected size left to write, and leaves no partial file', async () => {
    const t = newCore();
    for (let i = 0; i < 30; i++) await t.api.call('contacts.create', { name: `Person ${i}`, email: `p${i}@example.com` });
    const exportsDir = path.join(t.dir, 'exports');
    let writes = 0;
    const real = fs.writeSync;
    vi.spyOn(fs, 'writeSync').mockImplementation(((...args: Parameters<typeof fs.writeSync>) => {
      // the header goes through; the first page of rows meets a full disk
      if (++writes === 2) throw enospc(path.join(exportsDir, 'x.csv.partial'));
      return (real as (...a: unknown[]) => number)(...args);
    }) as typeof fs.writeSync);
    const err = await t.fail('contacts.export', { view: {}, columns: ['name', 'email'] });
    expect(err).toMatchObject({ code: 'DISK_FULL', details: { folder: exportsDir } });
    const needed = (err.details as { neededBytes: number }).neededBytes;
    // 30 rows of "Person N,pN@example.com" are some 700 bytes: the estimate is of that order
    expect(needed).toBeGreaterThan(500);
    expect(needed).toBeLessThan(2000);
    expect(err.message).toContain('this export of 30 contacts needs about');
    expect(fs.readdirSync(exportsDir)).toEqual([]);
  });
});

describe('bridge.json on a full disk', () => {
  it('the bridge starts all the same and says the link was not saved', async () => {
    const t = newCore();
    vi.spyOn(fs, 'writeFileSync').mockImplementation(((file: fs.PathOrFileDescriptor) => {
      throw enospc(String(file));
    }) as typeof fs.writeFileSync);
    const bridge = await startBridge({ core: t.core, port: 0, dataDir: t.dir });
    try {
      expect(bridge.infoFile).toBeNull();
      expect(bridge.infoError).toBe(`the disk holding ${t.dir} is full`);
      expect(fs.readdirSync(t.dir).filter((f) => f.startsWith('bridge'))).toEqual([]);
      const res = await fetch(`${bridge.url}api/app.info`, { method: 'POST', headers: { Authorization: `Bearer ${bridge.token}`, 'Content-Type': 'application/json' }, body: '{}' });
      expect(((await res.json()) as { ok: boolean }).ok).toBe(true);
    } finally {
      await bridge.close();
    }
  });
});

describe('the sandbox workspace file on a full disk', () => {
  it('the demo starts all the same, says the disk is full in words, and keeps the workspace in memory', async () => {
    const dir = makeTempDir();
    const file = path.join(dir, 'sandbox-workspace.json');
    vi.spyOn(fs, 'writeFileSync').mockImplementation(((f: fs.PathOrFileDescriptor) => {
      throw enospc(String(f));
    }) as typeof fs.writeFileSync);
    const lines: string[] = [];
    const sb = await startSandbox({ randomSeed: 1, searchLagMs: 0, seed: 'demo', stateFile: file, log: (l) => lines.push(l) });
    try {
      expect(lines).toContain(
        `Intercom sandbox: could not save the workspace to ${file}: the disk holding ${dir} is full; the demo workspace is kept in memory and saved once there is room`,
      );
      expect(sb.workspace.counts().contacts).toBe(40);
      expect(fs.readdirSync(dir)).toEqual([]);
    } finally {
      await sb.close();
      removeTempDir(dir);
    }
  });
});

describe('a store that cannot be opened for writing', () => {
  it('opens read-only: reads answer, app.info says why, every change answers DISK_FULL, and the file is untouched', async () => {
    const dir = makeTempDir();
    try {
      const first = startCore(dir);
      await first.api.call('contacts.create', { name: 'Ada', email: 'ada@example.com' });
      first.dispose();
      const file = path.join(dir, 'lead-console.sqlite');
      const before = fs.readFileSync(file);
      const open = Store.open.bind(Store);
      // the write-mode open meets a full disk (as the WAL switch or a migration would)
      vi.spyOn(Store, 'open').mockImplementation((f, o) => {
        if (!o?.readonly) throw Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' });
        return open(f, o);
      });
      const t = startCore(dir);
      try {
        expect(t.core.readOnly).toMatch(new RegExp(`^Read-only: The disk holding ${dir} is full .*: opening the store for changes needs at least`));
        expect(await t.api.call('app.info', {})).toMatchObject({ readOnly: t.core.readOnly });
        expect((await t.api.call('contacts.list', {})).items.map((c) => c.email)).toEqual(['ada@example.com']);
        const err = await t.fail('contacts.create', { name: 'Bob', email: 'bob@example.com' });
        expect(err).toMatchObject({ code: 'DISK_FULL', message: t.core.readOnly, details: { folder: dir, readOnly: true } });
      } finally {
        t.dispose();
      }
      expect(fs.readFileSync(file).equals(before)).toBe(true);
    } finally {
      removeTempDir(dir);
    }
  });

  it('when SQLite cannot even make its side files, reads a copy in memory', async () => {
    const dir = makeTempDir();
    try {
      const first = startCore(dir);
      await first.api.call('contacts.create', { name: 'Ada', email: 'ada@example.com' });
      first.dispose();
      vi.spyOn(Store, 'open').mockImplementation(() => {
        throw Object.assign(new Error('disk I/O error'), { code: 'SQLITE_FULL' });
      });
      const t = startCore(dir);
      try {
        expect(t.core.readOnly).toContain('Read-only');
        expect(t.core.store.db.memory).toBe(true);
        expect((await t.api.call('contacts.list', {})).total).toBe(1);
        expect(await t.fail('contacts.create', { name: 'Bob', email: 'bob@example.com' })).toMatchObject({ code: 'DISK_FULL' });
      } finally {
        t.dispose();
      }
    } finally {
      removeTempDir(dir);
    }
  });

  it('a store a migration behind is not opened read-only: the migration needs the room, and start-up says so', () => {
    const dir = makeTempDir();
    try {
      const file = path.join(dir, 'lead-console.sqlite');
      Store.open(file, { targetVersion: 4 }).close();
      const before = fs.readFileSync(file);
      const open = Store.open.bind(Store);
      vi.spyOn(Store, 'open').mockImplementation((f, o) => {
        if (!o?.readonly) throw Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' });
        return open(f, o);
      });
      expect(() => startCore(dir)).toThrow(expect.objectContaining({ code: 'DISK_FULL', message: expect.stringContaining('opening the store for changes needs at least') }));
      expect(fs.readFileSync(file).equals(before)).toBe(true);
    } finally {
      removeTempDir(dir);
    }
  });

  it('with no store to read at all, start-up fails with DISK_FULL in words', () => {
    const dir = makeTempDir();
    try {
      vi.spyOn(Store, 'open').mockImplementation(() => {
        throw Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' });
      });
      expect(() => startCore(dir)).toThrow(expect.objectContaining({ code: 'DISK_FULL', message: expect.stringContaining(`The disk holding ${dir} is full`) }));
    } finally {
      removeTempDir(dir);
    }
  });
});

describe('diskSpace', () => {
  it('knows every form of a full disk and nothing else', () => {
    expect(isDiskFull({ code: 'ENOSPC' })).toBe(true);
    expect(isDiskFull({ code: 'EDQUOT' })).toBe(true);
    expect(isDiskFull({ code: 'SQLITE_FULL' })).toBe(true);
    expect(isDiskFull({ code: 'EACCES' })).toBe(false);
    expect(isDiskFull(new Error('disk full'))).toBe(false);
  });

  it('names the folder, its free space and the estimate', () => {
    const dir = makeTempDir();
    try {
      const e = diskFullError('the thing', dir, 3_500_000);
      expect(e.code).toBe('DISK_FULL');
      expect(e.message).toMatch(new RegExp(`^The disk holding ${dir} is full \\([\\d.]+ [KMG]?B\\s?(free)?.*\\): the thing needs about 3.5 MB; free some space there and try again\\.$`));
      expect(e.details).toMatchObject({ folder: dir, neededBytes: 3_500_000 });
      expect(typeof (e.details as { freeBytes: unknown }).freeBytes).toBe('number');
    } finally {
      removeTempDir(dir);
    }
  });
});
