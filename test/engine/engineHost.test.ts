// The engine in a worker thread (electron/engine): a real worker running the core on a real
// SQLite file, driven through the host the Electron main process and the bridge use. Calls and
// events cross intact; the host's loop runs while the engine is held inside a call; a worker that
// dies answers its waiting calls in words and comes back; dispose closes the store before it
// returns; the token kept by the host (the OS key store in the desktop app) is written, refused
// and forgotten as in-process.
import Database from 'better-sqlite3';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DataFolderLock } from '../../electron/core/lock/DataFolderLock';
import { logFilePath } from '../../electron/core/log/AppLog';
import { ENCRYPTED_TOKEN_FILE, EncryptedTokenStore, TOKEN_FILE, type TokenStore } from '../../electron/core/settings/TokenStore';
import { ENGINE_CLOSED, ENGINE_CRASHED, ENGINE_STOPPED, startEngine, type EngineHost, type EngineHostOptions } from '../../electron/engine/EngineHost';
import { ENGINE_NICE } from '../../electron/engine/protocol';
import type { ErrorPayload, Result } from '../../shared/errors';
import { makeTempDir, removeTempDir, TEST_ACTOR } from '../helpers/testCore';

const cleanups: (() => void | Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function engine(extra: Partial<EngineHostOptions> = {}): Promise<{ host: EngineHost; dir: string }> {
  const dir = makeTempDir();
  const lock = DataFolderLock.acquire(dir, { mode: 'test' });
  cleanups.push(() => removeTempDir(dir), () => lock.release());
  const host = await startEngine({ dataDir: dir, mode: 'test', actor: TEST_ACTOR, validateOutput: true, lock, ...extra });
  cleanups.push(() => host.dispose());
  return { host, dir };
}

const ok = <T>(r: Result<unknown>) => {
  if (!r.ok) throw new Error(`expected ok, got ${JSON.stringify(r.error)}`);
  return r.value as T;
};
const failed = (r: Result<unknown>): ErrorPayload => {
  if (r.ok) throw new Error(`expected an error, got ${JSON.stringify(r.value)}`);
  return r.error;
};

describe('calls and events', () => {
  it('cross to the worker and back: values, errors with their fields, and every hub event before the answer that caused it', async () => {
    const { host, dir } = await engine();
    expect(host.readOnly).toBeNull();
    expect(host.dbFile).toBe(path.join(dir, 'lead-console.sqlite'));
    const events: { name: string; payload: unknown }[] = [];
    host.subscribe((name, payload) => events.push({ name, payload }));

    const { contact } = ok<{ contact: { id: string; email: string; stage: string } }>(await host.call('contacts.create', { email: 'ana@example.com', name: 'Ana Lima' }));
    expect(contact).toMatchObject({ email: 'ana@example.com', stage: 'lead' });
    // the worker posts the hub's event before the answer, and one port keeps their order
    expect(events).toContainEqual({ name: 'changed', payload: expect.objectContaining({ entity: 'contact', ids: [contact.id] }) });

    const list = ok<{ items: { id: string }[]; total: number }>(await host.call('contacts.list', {}));
    expect(list.total).toBe(1);
    expect(list.items.map((c) => c.id)).toEqual([contact.id]);
    expect(failed(await host.call('contacts.create', { email: 'not an email' }))).toMatchObject({ code: 'VALIDATION', field: 'email' });
    expect(failed(await host.call('contacts.get', { id: '00000000-0000-4000-8000-000000000000' }))).toMatchObject({ code: 'NOT_FOUND' });
    expect(failed(await host.call('no.such', {}))).toMatchObject({ code: 'UNKNOWN_METHOD' });
    // many calls at once each get their own answer
    const many = await Promise.all(Array.from({ length: 20 }, (_, i) => host.call('contacts.create', { email: `p${i}@example.com` })));
    expect(many.map((r) => ok<{ contact: { email: string } }>(r).contact.email)).toEqual(Array.from({ length: 20 }, (_, i) => `p${i}@example.com`));
  });

  it('a start the core refuses rejects with the core’s own error (a damaged store: DAMAGED)', async () => {
    const dir = makeTempDir();
    const lock = DataFolderLock.acquire(dir, { mode: 'test' });
    cleanups.push(() => removeTempDir(dir), () => lock.release());
    fs.mkdirSync(path.join(dir, 'lead-console.sqlite'));
    await expect(startEngine({ dataDir: dir, mode: 'test', lock })).rejects.toMatchObject({ name: 'AppError', code: 'DAMAGED' });
  });
});

describe("the host's loop", () => {
  it('runs while the engine is held inside a call: a timer fires and lets it through (in one thread the call would wait out the lock and fail BUSY)', async () => {
    const { host } = await engine();
    ok(await host.call('contacts.create', { email: 'first@example.com' }));
    // another writer holds the store; the engine's write waits on it inside SQLite, synchronously
    const other = new Database(host.dbFile);
    cleanups.push(() => void other.close());
    other.exec('BEGIN IMMEDIATE');
    let pending = true;
    const call = host.call('contacts.create', { email: 'second@example.com' }).finally(() => (pending = false));
    const firedWhilePending = await new Promise<boolean>((resolve) =>
      setTimeout(() => {
        const was = pending;
        other.exec('COMMIT');
        resolve(was);
      }, 50),
    );
    expect(firedWhilePending).toBe(true);
    // it could only get the lock once this thread let go of it
    expect(ok<{ contact: { email: string } }>(await call).contact.email).toBe('second@example.com');
  });

  it.runIf(process.platform === 'linux')('is favoured over the engine when both want a core: only the engine thread runs at a lower priority', async () => {
    const niceOf = () =>
      new Map(
        fs.readdirSync('/proc/self/task').map((tid) => {
          // the fields after the command name: state is the 1st, nice the 17th
          const stat = fs.readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
          return [tid, Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16])] as const;
        }),
      );
    const before = niceOf();
    const { host } = await engine();
    ok(await host.call('contacts.list', {}));
    const started = [...niceOf()].filter(([tid]) => !before.has(tid));
    // one new thread (the engine's) at ENGINE_NICE; this thread and every one there before keep theirs
    expect(started.filter(([, nice]) => nice === ENGINE_NICE)).toHaveLength(1);
    expect(os.getPriority(0)).toBe(0);
    for (const [tid, nice] of niceOf()) if (before.has(tid)) expect(nice, `thread ${tid}`).toBe(before.get(tid));
  });
});

describe('a worker that dies', () => {
  /** An Intercom that takes requests and never answers, so a call stays inside the engine. */
  async function silentIntercom() {
    let arrived: () => void = () => {};
    const asked = new Promise<void>((resolve) => (arrived = resolve));
    const server = http.createServer(() => arrived());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))));
    return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, asked };
  }

  it('answers the calls waiting on it in words, logs it, and is started again on the same store', async () => {
    const intercom = await silentIntercom();
    const { host, dir } = await engine({ intercom: { baseUrl: intercom.url, source: 'environment' } });
    const { contact } = ok<{ contact: { id: string } }>(await host.call('contacts.create', { email: 'kept@example.com' }));
    const waiting = host.call('sync.testConnection', { token: 'tok-test' });
    await intercom.asked;
    const first = host.worker!;
    await first.terminate();
    expect(failed(await waiting)).toEqual({ code: 'INTERNAL', message: ENGINE_CRASHED });
    // a new worker on the same store answers what comes next
    expect(ok<{ id: string; email: string }>(await host.call('contacts.get', { id: contact.id }))).toMatchObject({ id: contact.id, email: 'kept@example.com' });
    expect(host.worker).not.toBe(first);
    expect(fs.readFileSync(logFilePath(dir), 'utf8')).toMatch(/ERROR engine\.stopped exitCode=1[^\n]*\n[\s\S]*INFO {2}engine\.restart restartsLeft=2/);
  });

  it('past its restarts, every call says the engine stopped, at once', async () => {
    const { host } = await engine({ restarts: 0 });
    await host.worker!.terminate();
    expect(failed(await host.call('contacts.list', {}))).toEqual({ code: 'INTERNAL', message: ENGINE_STOPPED });
    expect(host.worker).toBeNull();
  });
});

describe('dispose', () => {
  it('returns once the store is closed, ends the thread, and answers later calls that the console is closing', async () => {
    const { host } = await engine();
    ok(await host.call('contacts.create', { email: 'a@example.com' }));
    const wal = `${host.dbFile}-wal`;
    expect(fs.existsSync(wal)).toBe(true);
    const worker = host.worker!;
    const exited = new Promise<number>((resolve) => worker.once('exit', resolve));
    host.dispose();
    // SQLite removes the WAL when its last connection closes: the store is closed before dispose returns
    expect(fs.existsSync(wal)).toBe(false);
    await exited;
    expect(failed(await host.call('contacts.list', {}))).toEqual({ code: 'INTERNAL', message: ENGINE_CLOSED });
  });
});

describe('a token the host keeps', () => {
  /** A stand-in for the OS key store, counting what it was asked in this (the host's) thread. */
  function keyStore(dir: string) {
    const asked = { encrypt: 0, decrypt: 0 };
    const store = new EncryptedTokenStore(dir, {
      encrypt: (s) => (asked.encrypt++, Buffer.from(`enc:${Buffer.from(s).toString('base64')}`)),
      decrypt: (b) => (asked.decrypt++, Buffer.from(b.toString().slice(4), 'base64').toString()),
    });
    return { store, asked };
  }
  const filesHolding = (dir: string, secret: string) =>
    (fs.readdirSync(dir, { recursive: true }) as string[]).map((f) => path.join(dir, f)).filter((f) => fs.statSync(f).isFile() && fs.readFileSync(f).includes(secret));

  it('is encrypted by the host, read back after a restart of the engine, and forgotten everywhere', async () => {
    const dir = makeTempDir();
    const lock = DataFolderLock.acquire(dir, { mode: 'test' });
    cleanups.push(() => removeTempDir(dir), () => lock.release());
    const { store, asked } = keyStore(dir);
    let host = await startEngine({ dataDir: dir, mode: 'test', lock, tokenStore: store });
    ok(await host.call('settings.set', { token: 'tok-secret-123' }));
    expect(asked.encrypt).toBe(1);
    expect(fs.existsSync(path.join(dir, ENCRYPTED_TOKEN_FILE))).toBe(true);
    expect(filesHolding(dir, 'tok-secret-123')).toEqual([]);
    expect(ok(await host.call('settings.get', {}))).toMatchObject({ intercom: { tokenSet: true, tokenStorage: 'os-keychain', tokenFile: path.join(dir, ENCRYPTED_TOKEN_FILE) } });
    host.dispose();
    // a new engine gets the token the host decrypts
    host = await startEngine({ dataDir: dir, mode: 'test', lock, tokenStore: store });
    cleanups.push(() => host.dispose());
    expect(asked.decrypt).toBeGreaterThan(0);
    expect(ok(await host.call('settings.get', {}))).toMatchObject({ intercom: { tokenSet: true } });
    // a plain copy left by browser mode goes too
    fs.writeFileSync(path.join(dir, TOKEN_FILE), 'tok-secret-123', { mode: 0o600 });
    ok(await host.call('settings.set', { token: null }));
    expect(fs.existsSync(path.join(dir, ENCRYPTED_TOKEN_FILE))).toBe(false);
    expect(fs.existsSync(path.join(dir, TOKEN_FILE))).toBe(false);
    expect(filesHolding(dir, 'tok-secret-123')).toEqual([]);
    expect(ok(await host.call('settings.get', {}))).toMatchObject({ intercom: { tokenSet: false } });
  });

  it('that the host cannot write fails the settings change whole, with the error the core gives a full disk', async () => {
    const full: TokenStore = {
      kind: 'os-keychain',
      file: '/nowhere/intercom-token.enc',
      get: () => null,
      set: () => {
        throw Object.assign(new Error('ENOSPC: no space left on device, open'), { code: 'ENOSPC', path: '/nowhere/intercom-token.enc' });
      },
    };
    const { host } = await engine({ tokenStore: full });
    expect(failed(await host.call('settings.set', { token: 'tok-1', yourName: 'Dana' }))).toMatchObject({ code: 'DISK_FULL' });
    // the name given with it was rolled back with the rest
    expect(ok(await host.call('settings.get', {}))).toMatchObject({ yourName: null, intercom: { tokenSet: false } });
  });
});
