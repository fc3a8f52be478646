// Private by default: with the usual umask (022) the data folder is 0700 and every file the
// console writes (store, WAL, SHM, import uploads, exports, bridge.json, the token file) is 0600;
// a folder an older version left 0755 with 0644 files is tightened at start. Real files, real core.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startBridge } from '../../electron/bridge/BridgeServer';
import { DB_FILE_NAME } from '../../electron/core/app';
import { sweepDataDir } from '../../electron/core/files/privateFiles';
import { makeTempDir, removeTempDir, startCore, type TestCore } from '../helpers/testCore';

const mode = (file: string) => fs.statSync(file).mode & 0o777;

let previousUmask = 0;
beforeAll(() => {
  previousUmask = process.umask(0o022);
});
afterAll(() => {
  process.umask(previousUmask);
});

const dirs: string[] = [];
const cores: TestCore[] = [];
afterEach(() => {
  for (const c of cores.splice(0)) c.dispose();
  for (const d of dirs.splice(0)) removeTempDir(d);
});

function tempDir(): string {
  const d = makeTempDir();
  dirs.push(d);
  return d;
}

function start(dir: string): TestCore {
  const t = startCore(dir);
  cores.push(t);
  return t;
}

describe('a fresh start', () => {
  it('makes the data folder 0700 and the store, its WAL and SHM 0600', async () => {
    const dir = path.join(tempDir(), 'Lead Console');
    const t = start(dir);
    await t.api.call('contacts.create', { name: 'Private Lead' });
    const store = path.join(dir, DB_FILE_NAME);
    expect(fs.existsSync(`${store}-wal`)).toBe(true);
    expect(fs.existsSync(`${store}-shm`)).toBe(true);
    expect(mode(dir)).toBe(0o700);
    expect(mode(store)).toBe(0o600);
    expect(mode(`${store}-wal`)).toBe(0o600);
    expect(mode(`${store}-shm`)).toBe(0o600);
  });

  it('writes the token file and bridge.json 0600', async () => {
    const dir = tempDir();
    const t = start(dir);
    await t.api.call('settings.set', { token: 'secret-token-123' });
    const tokenFile = path.join(dir, 'intercom-token');
    expect(mode(tokenFile)).toBe(0o600);
    const bridge = await startBridge({ core: t.core, dataDir: dir });
    try {
      expect(mode(bridge.infoFile!)).toBe(0o600);
    } finally {
      await bridge.close();
    }
  });

  it('writes an import upload 0600 in a 0700 imports folder', async () => {
    const dir = tempDir();
    const t = start(dir);
    const job = await t.api.call('import.open', { fileName: 'leads.csv', size: 10 });
    await t.api.call('import.chunk', { importId: job.id, offset: 0, data: Buffer.from('name\nAnn\n\n').toString('base64') });
    const uploads = fs.readdirSync(path.join(dir, 'imports'));
    expect(uploads).toHaveLength(1);
    expect(mode(path.join(dir, 'imports'))).toBe(0o700);
    expect(mode(path.join(dir, 'imports', uploads[0]!))).toBe(0o600);
  });

  it('writes an export 0600, also over a file of the same name left readable by others', async () => {
    const dir = tempDir();
    const t = start(dir);
    await t.api.call('contacts.create', { name: 'Exported Lead' });
    const out = await t.api.call('contacts.export', { columns: ['name'] });
    expect(fs.readFileSync(out.path, 'utf8')).toContain('Exported Lead');
    expect(mode(out.path)).toBe(0o600);
    expect(mode(path.join(dir, 'exports'))).toBe(0o700);
  });

  it('leaves an exports folder it did not make (the Downloads folder) as it was', async () => {
    const dir = tempDir();
    const downloads = path.join(tempDir(), 'Downloads');
    fs.mkdirSync(downloads, { mode: 0o755 });
    const t = startCore(dir, undefined, { exportsDir: downloads });
    cores.push(t);
    const out = await t.api.call('contacts.export', { columns: ['name'] });
    expect(mode(downloads)).toBe(0o755);
    expect(mode(out.path)).toBe(0o600);
  });
});

describe('a folder left open by an older version', () => {
  it('is tightened at start: the folder, its files and those of imports/, exports/ and backups/', async () => {
    const dir = tempDir();
    const first = startCore(dir);
    await first.api.call('contacts.create', { name: 'Old Lead' });
    first.dispose();
    const store = path.join(dir, DB_FILE_NAME);
    const loose = [
      store,
      path.join(dir, 'bridge.json'),
      path.join(dir, 'intercom-token'),
      path.join(dir, 'sandbox-workspace.json'),
      path.join(dir, 'imports', 'old.src'),
      path.join(dir, 'exports', 'contacts-old.csv'),
      path.join(dir, 'backups', 'lead-console-20240101-000000.sqlite'),
    ];
    for (const sub of ['imports', 'exports', 'backups']) fs.mkdirSync(path.join(dir, sub), { recursive: true });
    for (const f of loose) {
      if (!fs.existsSync(f)) fs.writeFileSync(f, 'x');
      fs.chmodSync(f, 0o644);
    }
    for (const d of [dir, path.join(dir, 'imports'), path.join(dir, 'exports'), path.join(dir, 'backups')]) fs.chmodSync(d, 0o755);
    // a WAL and SHM as another program (or a crash) might leave them
    fs.writeFileSync(`${store}-wal`, '');
    fs.chmodSync(`${store}-wal`, 0o644);
    expect(mode(store)).toBe(0o644);

    const t = start(dir);
    expect(mode(dir)).toBe(0o700);
    for (const sub of ['imports', 'exports', 'backups']) expect(mode(path.join(dir, sub)), sub).toBe(0o700);
    for (const f of loose) expect(mode(f), f).toBe(0o600);
    expect(mode(`${store}-wal`)).toBe(0o600);
    expect(mode(`${store}-shm`)).toBe(0o600);
    // the store is still the one it was
    expect((await t.api.call('contacts.list', {})).items.map((c) => c.name)).toEqual(['Old Lead']);
  });

  it('keeps the owner bits, skips symbolic links and goes no deeper than the known folders', () => {
    const dir = tempDir();
    const elsewhere = path.join(tempDir(), 'shared.txt');
    fs.writeFileSync(elsewhere, 'not ours');
    fs.chmodSync(elsewhere, 0o644);
    fs.symlinkSync(elsewhere, path.join(dir, 'link.txt'));
    fs.writeFileSync(path.join(dir, 'script.sh'), '#!/bin/sh\n');
    fs.chmodSync(path.join(dir, 'script.sh'), 0o755);
    fs.mkdirSync(path.join(dir, 'other'), { mode: 0o755 });
    fs.writeFileSync(path.join(dir, 'other', 'notes.txt'), 'x');
    fs.chmodSync(path.join(dir, 'other', 'notes.txt'), 0o644);

    sweepDataDir(dir);
    expect(mode(path.join(dir, 'script.sh'))).toBe(0o700);
    expect(mode(elsewhere)).toBe(0o644);
    expect(mode(path.join(dir, 'other', 'notes.txt'))).toBe(0o644);
  });
});
