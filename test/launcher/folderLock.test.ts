// One process per data folder, across real processes: browser mode started twice on one folder
// (the second refuses, names the first, changes nothing, sends nothing), a killed holder taken
// over at the next start, and the lock given up on Ctrl+C and SIGTERM.
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DataFolderLock, HOLDER_FILE_NAME, type LockHolder } from '../../electron/core/lock/DataFolderLock';
import { startSandbox } from '../../electron/sandbox';
import { runStart } from '../helpers/runStart';
import { makeTempDir, removeTempDir } from '../helpers/testCore';
import { startHostileServer } from '../sync/hostileServer';

const ROOT = path.resolve(__dirname, '../..');
const CLI = path.join(ROOT, 'electron/bridge/cli.ts');
const EXIT_IN_USE = 5;

interface Running {
  child: ChildProcess;
  pid: number;
  url: string;
  token: string;
  output: () => string;
  call<T = unknown>(method: string, input?: unknown): Promise<T>;
  /** Sends the signal and resolves with the exit code. */
  stop(signal: NodeJS.Signals): Promise<number | null>;
}

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function folder(): string {
  const dir = makeTempDir('lead-console-lock-');
  cleanups.push(() => removeTempDir(dir));
  return dir;
}

/** Browser mode from source, running until stopped; resolves once its banner is printed. */
async function startRunning(dir: string, extra: string[] = []): Promise<Running> {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, '--data', dir, '--port', '0', ...extra], {
    cwd: ROOT,
    env: { ...process.env, LEAD_CONSOLE_RENDERER_DIR: ROOT },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  cleanups.push(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
  });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', () => output.includes('Press Ctrl+C to stop.') && resolve());
    void exited.then((code) => reject(new Error(`browser mode exited (${code}):\n${output}`)));
  });
  const { url, token } = JSON.parse(fs.readFileSync(path.join(dir, 'bridge.json'), 'utf8')) as { url: string; token: string };
  return {
    child,
    pid: child.pid!,
    url,
    token,
    output: () => output,
    async call<T>(method: string, input: unknown = {}) {
      const res = await fetch(`${url}api/${method}`, { method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }, body: JSON.stringify(input) });
      const body = (await res.json()) as { ok: boolean; value?: T; error?: unknown };
      if (!body.ok) throw new Error(`${method}: ${JSON.stringify(body.error)}`);
      return body.value as T;
    },
    stop(signal) {
      child.kill(signal);
      return exited;
    },
  };
}

/** The folder itself and every file under it: size, modification time, mode and a hash of its bytes. */
function snapshot(dir: string): Record<string, string> {
  const root = fs.statSync(dir);
  const out: Record<string, string> = { '.': `${root.mtimeMs} ${(root.mode & 0o777).toString(8)}` };
  const walk = (rel: string) => {
    for (const entry of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const name = path.join(rel, entry.name);
      const st = fs.statSync(path.join(dir, name));
      const hash = entry.isFile() ? createHash('sha256').update(fs.readFileSync(path.join(dir, name))).digest('hex') : 'folder';
      out[name] = `${st.size} ${st.mtimeMs} ${(st.mode & 0o777).toString(8)} ${hash}`;
      if (entry.isDirectory()) walk(name);
    }
  };
  walk('');
  return out;
}

const holderOf = (dir: string) => JSON.parse(fs.readFileSync(path.join(dir, HOLDER_FILE_NAME), 'utf8')) as LockHolder;

async function waitFor(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A start expected to refuse; one that gets as far as running is stopped at once (and fails the test on its exit code). */
function startRefused(args: string[]) {
  return runStart(args, async () => {});
}

function refusalOf(dir: string, first: Running): RegExp {
  const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  return new RegExp(
    `^Lead Console is already running on this data folder \\(${esc(dir)}\\): browser mode at ${esc(first.url)} \\(pid ${first.pid}\\), since \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d\\. ` +
      `Close it or open that address \\(the link with its access token is in ${esc(path.join(dir, 'bridge.json'))}\\), or start with another --data folder\\.$`,
  );
}

describe('one process per data folder', () => {
  it('a second start refuses, naming the first, and changes nothing; after a SIGKILL the next start takes over; Ctrl+C gives the folder up', async () => {
    const dir = folder();
    const first = await startRunning(dir);
    await first.call('contacts.create', { name: 'Kept' });
    expect(holderOf(dir)).toMatchObject({ mode: 'browser', pid: first.pid, url: first.url });
    const before = snapshot(dir);
    expect(Object.keys(before)).toEqual(expect.arrayContaining(['bridge.json', 'lead-console.sqlite', 'lead-console.lock', HOLDER_FILE_NAME]));

    // with --sandbox too: the demo's files would be the first thing a start writes
    const second = await startRefused(['--data', dir, '--port', '0', '--sandbox']);
    expect(second.code).toBe(EXIT_IN_USE);
    expect(second.stderr.trim()).toMatch(refusalOf(dir, first));
    expect(second.stdout).toBe('');
    expect(snapshot(dir)).toEqual(before);
    // the first went on as if nothing happened
    expect((await first.call<{ total: number }>('contacts.list', {})).total).toBe(1);

    expect(await first.stop('SIGKILL')).toBeNull();
    // the killed process's record stays behind; the OS has dropped its lock
    expect(holderOf(dir).pid).toBe(first.pid);
    const third = await startRunning(dir);
    expect(third.pid).not.toBe(first.pid);
    expect(holderOf(dir)).toMatchObject({ mode: 'browser', pid: third.pid, url: third.url });
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'bridge.json'), 'utf8'))).toMatchObject({ pid: third.pid, url: third.url });
    expect((await third.call<{ total: number }>('contacts.list', {})).total).toBe(1);
    const fourth = await startRefused(['--data', dir, '--port', '0']);
    expect(fourth.code).toBe(EXIT_IN_USE);
    expect(fourth.stderr.trim()).toMatch(refusalOf(dir, third));

    expect(await third.stop('SIGINT')).toBe(0);
    expect(fs.existsSync(path.join(dir, HOLDER_FILE_NAME))).toBe(false);
    DataFolderLock.acquire(dir, { mode: 'test' }).release();
  });

  it('with messages in flight, a second start refuses and marks nothing: each message reaches Intercom once', async () => {
    const dir = folder();
    const sandbox = await startSandbox({ randomSeed: 12, searchLagMs: 0 });
    cleanups.push(() => sandbox.close());
    // the test sets the pace: the first process's messages stay in flight until the gate opens
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const proxy = await startHostileServer({ upstream: sandbox.url, route: (r) => (r.method === 'POST' && r.path === '/messages' ? { hold: gate } : undefined) });
    cleanups.push(() => proxy.close());
    cleanups.push(() => open()); // a failing test must not leave requests held

    const first = await startRunning(dir, ['--intercom-url', proxy.url]);
    // queued before there is a token, so one run takes all four (a run cannot start without one)
    for (let i = 1; i <= 4; i++) {
      const { contact } = await first.call<{ contact: { id: string } }>('contacts.create', { email: `in-flight-${i}@example.com`, name: `In Flight ${i}` });
      await first.call('contacts.signUp', { id: contact.id, externalId: `in-flight-${i}` });
      await first.call('messages.send', { contactId: contact.id, channel: 'email', subject: 'Hello', body: `Message ${i}` });
    }
    await first.call('settings.set', { token: sandbox.token });
    await first.call('sync.now');
    await waitFor('four messages held in flight', () => proxy.count('POST', '/messages') === 4);
    const inFlight = await first.call<{ items: Array<{ op: string }> }>('outbox.list', { status: ['in_flight'], limit: 50 });
    expect(inFlight.items.map((e) => e.op)).toEqual(['message.send', 'message.send', 'message.send', 'message.send']);

    const second = await startRefused(['--data', dir, '--port', '0', '--intercom-url', proxy.url]);
    expect(second.code).toBe(EXIT_IN_USE);
    expect(second.stderr.trim()).toMatch(refusalOf(dir, first));
    // the second neither recovered (failed) the first's entries nor sent anything
    expect((await first.call<{ total: number }>('outbox.list', { status: ['in_flight'], limit: 50 })).total).toBe(4);
    expect((await first.call<{ total: number }>('outbox.list', { status: ['failed'], limit: 50 })).total).toBe(0);

    open();
    await waitFor('the outbox to drain', async () => (await first.call<{ total: number }>('outbox.list', { status: ['pending', 'in_flight', 'failed'], limit: 50 })).total === 0);
    expect(proxy.count('POST', '/messages')).toBe(4);
    expect(sandbox.workspace.messages().map((m) => m.body).sort()).toEqual(['Message 1', 'Message 2', 'Message 3', 'Message 4']);

    expect(await first.stop('SIGTERM')).toBe(0);
    expect(fs.existsSync(path.join(dir, HOLDER_FILE_NAME))).toBe(false);
    DataFolderLock.acquire(dir, { mode: 'test' }).release();
  });
});
