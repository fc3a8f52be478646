// One process per data folder, within one process: the lock and its record, createCore refusing a
// folder held by someone else before it writes anything, and the sync engine built nowhere else.
// Across real processes (browser mode twice, a SIGKILL, messages in flight): test/launcher/folderLock.test.ts.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createCore } from '../../electron/core/app';
import { DataFolderLock, FolderInUseError, HOLDER_FILE_NAME, LOCK_FILE_NAME, type LockHolder } from '../../electron/core/lock/DataFolderLock';
import { makeTempDir, removeTempDir, startCore } from '../helpers/testCore';

const dirs: string[] = [];
const locks: DataFolderLock[] = [];
afterEach(() => {
  for (const l of locks.splice(0)) l.release();
  for (const d of dirs.splice(0)) removeTempDir(d);
});

function folder(): string {
  const dir = makeTempDir();
  dirs.push(dir);
  return dir;
}

function take(dir: string, mode: LockHolder['mode'] = 'browser'): DataFolderLock {
  const lock = DataFolderLock.acquire(dir, { mode, now: () => Date.UTC(2026, 11, 6, 5, 54) });
  locks.push(lock);
  return lock;
}

function refusal(run: () => unknown): FolderInUseError {
  try {
    run();
  } catch (e) {
    if (e instanceof FolderInUseError) return e;
    throw e;
  }
  throw new Error('expected a FolderInUseError');
}

const holderOf = (dir: string) => JSON.parse(fs.readFileSync(path.join(dir, HOLDER_FILE_NAME), 'utf8')) as LockHolder;
const modeOf = (file: string) => (fs.statSync(file).mode & 0o777).toString(8);

describe('the data folder lock', () => {
  it('records who holds it in a private file, beside an empty private lock file', () => {
    const dir = folder();
    const lock = take(dir);
    expect(lock.held).toBe(true);
    expect(holderOf(dir)).toEqual({ mode: 'browser', pid: process.pid, host: expect.any(String), since: '2026-12-06T05:54:00.000Z' });
    lock.recordUrl('http://127.0.0.1:4477/');
    expect(holderOf(dir).url).toBe('http://127.0.0.1:4477/');
    expect(fs.statSync(path.join(dir, LOCK_FILE_NAME)).size).toBe(0);
    expect(modeOf(path.join(dir, LOCK_FILE_NAME))).toBe('600');
    expect(modeOf(path.join(dir, HOLDER_FILE_NAME))).toBe('600');
  });

  it('a second taker is refused with a message naming the holder, its address and what to do', () => {
    const dir = folder();
    take(dir).recordUrl('http://127.0.0.1:4477/');
    const e = refusal(() => take(dir));
    expect(e.holder).toMatchObject({ mode: 'browser', pid: process.pid, url: 'http://127.0.0.1:4477/' });
    expect(e.message).toMatch(
      new RegExp(
        `^Lead Console is already running on this data folder \\(${escape(dir)}\\): browser mode at http://127\\.0\\.0\\.1:4477/ \\(pid ${process.pid}\\), ` +
          `since \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d\\. Close it or open that address \\(the link with its access token is in ${escape(path.join(dir, 'bridge.json'))}\\), ` +
          `or start with another --data folder\\.$`,
      ),
    );
  });

  it('names the desktop app, and says so when the holder has not recorded itself yet', () => {
    const dir = folder();
    const first = take(dir, 'desktop');
    expect(refusal(() => take(dir)).message).toContain(`: the desktop app (pid ${process.pid}), since `);
    expect(refusal(() => take(dir)).message).toContain('Close it or switch to its window, or start with another --data folder.');
    fs.rmSync(path.join(dir, HOLDER_FILE_NAME));
    const e = refusal(() => take(dir));
    expect(e.holder).toBeNull();
    expect(e.message).toBe(`Lead Console is already running on this data folder (${dir}); it may still be starting. Close it, or start with another --data folder.`);
    first.release();
  });

  it('a record left by a process that is gone does not name it', () => {
    const dir = folder();
    take(dir);
    // what a killed process leaves behind, while another (this one) has the lock
    fs.writeFileSync(path.join(dir, HOLDER_FILE_NAME), JSON.stringify({ ...holderOf(dir), pid: 2 ** 22 + 17 }));
    expect(refusal(() => take(dir)).holder).toBeNull();
  });

  it('is free again once released: the record goes, the lock file stays', () => {
    const dir = folder();
    const first = take(dir);
    first.release();
    first.release(); // twice is harmless
    expect(first.held).toBe(false);
    expect(fs.readdirSync(dir)).toEqual([LOCK_FILE_NAME]);
    const second = take(dir, 'desktop');
    expect(second.held).toBe(true);
    expect(holderOf(dir).mode).toBe('desktop');
  });

  it('refuses a lock file it did not make, in words', () => {
    const dir = folder();
    fs.writeFileSync(path.join(dir, LOCK_FILE_NAME), 'not a lock file, but something long enough to have a header that is not SQLite at all');
    expect(() => take(dir)).toThrow(`${path.join(dir, LOCK_FILE_NAME)} is not a lock file Lead Console made. Make sure no Lead Console runs on ${dir}, remove that file, and start again.`);
  });
});

describe('createCore and the lock', () => {
  it('takes the folder lock itself and gives it up on dispose', async () => {
    const dir = folder();
    const t = startCore(dir);
    expect(refusal(() => take(dir)).holder).toMatchObject({ mode: 'test', pid: process.pid });
    t.core.dispose();
    take(dir).release();
    const again = startCore(dir);
    expect((await again.api.call('app.info', {})).dataDir).toBe(dir);
    again.core.dispose();
  });

  it('on a folder held by another, stops before it writes anything: no store, no sweep, no sync', () => {
    const dir = folder();
    fs.chmodSync(dir, 0o755);
    fs.writeFileSync(path.join(dir, 'notes.txt'), 'mine', { mode: 0o644 });
    fs.chmodSync(path.join(dir, 'notes.txt'), 0o644);
    take(dir).recordUrl('http://127.0.0.1:4477/');
    const before = listing(dir);
    const e = refusal(() => createCore({ dataDir: dir, mode: 'browser', autoSync: true, autoBackup: true }));
    expect(e.holder?.url).toBe('http://127.0.0.1:4477/');
    expect(listing(dir)).toEqual(before);
    expect(fs.existsSync(path.join(dir, 'lead-console.sqlite'))).toBe(false);
    expect(modeOf(dir)).toBe('755');
  });

  it('a core that fails to open gives the lock back', () => {
    const dir = folder();
    fs.writeFileSync(path.join(dir, 'lead-console.sqlite'), Buffer.alloc(4096, 0x41));
    expect(() => startCore(dir)).toThrow(/is damaged/);
    take(dir).release();
  });

  it('takes a lock from its caller only for its own folder', () => {
    const dir = folder();
    const other = take(folder());
    expect(() => createCore({ dataDir: dir, mode: 'test', lock: other })).toThrow(`createCore: the lock given is not held for ${dir}`);
    const mine = take(dir);
    const core = createCore({ dataDir: dir, mode: 'test', lock: mine });
    core.dispose();
    // the caller's lock outlives the core: the caller gives it up, after what it still writes
    expect(mine.held).toBe(true);
    expect(refusal(() => take(dir)).holder?.pid).toBe(process.pid);
  });

  it('builds the sync engine (and so the in-flight recovery) only in createCore, under the lock', () => {
    const root = path.resolve(__dirname, '../..');
    const builders: string[] = [];
    const walk = (rel: string) => {
      for (const entry of fs.readdirSync(path.join(root, rel), { withFileTypes: true })) {
        const file = `${rel}/${entry.name}`;
        if (entry.isDirectory()) walk(file);
        else if (/\.(ts|mts|mjs)$/.test(entry.name) && /new SyncEngine\(|Store\.(open|snapshot)\(/.test(fs.readFileSync(path.join(root, file), 'utf8'))) builders.push(file);
      }
    };
    walk('electron');
    expect(builders).toEqual(['electron/core/app.ts']);
  });
});

/** Names, sizes, times, modes and contents; the lock file is not read (reading it here would drop this process's lock). */
function listing(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of fs.readdirSync(dir).sort()) {
    const st = fs.statSync(path.join(dir, name));
    const content = st.isFile() && name !== LOCK_FILE_NAME ? fs.readFileSync(path.join(dir, name)).toString('base64') : '';
    out[name] = `${st.size} ${st.mtimeMs} ${(st.mode & 0o777).toString(8)} ${content}`;
  }
  return out;
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
