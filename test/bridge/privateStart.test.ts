// Browser mode started as a person starts it (its entry point, in a process of its own) under the
// usual umask 022: the data folder comes out 0700 and every file in it 0600, the store's WAL and
// SHM and bridge.json included, because the process makes whatever it creates private. And on
// Linux its threads but the main one (the engine's, V8's helpers) run at the engine's lower
// priority, so the thread that answers HTTP gets a core first.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { ENGINE_NICE } from '../../electron/engine/protocol';

const ROOT = path.resolve(__dirname, '../..');
const TSX = path.join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs');

let child: ChildProcess | null = null;
let dir = '';

afterEach(async () => {
  if (child && child.exitCode === null) {
    const exited = new Promise((r) => child!.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  }
  child = null;
  fs.rmSync(dir, { recursive: true, force: true });
});

it('a fresh browser-mode start leaves nothing readable by others in its data folder', async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lead-console-private-start-'));
  const data = path.join(dir, 'Lead Console');
  const previous = process.umask(0o022); // inherited by the child
  try {
    child = spawn(process.execPath, [TSX, path.join(ROOT, 'electron/bridge/cli.ts'), '--data', data, '--port', '0'], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, LEAD_CONSOLE_RENDERER_DIR: path.join(dir, 'no-renderer') },
    });
  } finally {
    process.umask(previous);
  }
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  // the banner is printed once the store is open and bridge.json written
  await new Promise<void>((resolve, reject) => {
    child!.stdout!.on('data', () => output.includes('Press Ctrl+C') && resolve());
    child!.once('exit', (code) => reject(new Error(`browser mode exited (${code}):\n${output}`)));
  });
  const { url, token, pid } = JSON.parse(fs.readFileSync(path.join(data, 'bridge.json'), 'utf8')) as { url: string; token: string; pid: number };
  // a write, so the WAL has something in it
  const res = await fetch(`${url}api/contacts.create`, { method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }, body: '{"name":"Private"}' });
  expect(res.status).toBe(200);

  expect(fs.statSync(data).mode & 0o777).toBe(0o700);
  const files = fs.readdirSync(data);
  expect(files).toEqual(expect.arrayContaining(['lead-console.sqlite', 'lead-console.sqlite-wal', 'lead-console.sqlite-shm', 'bridge.json', 'logs']));
  // the log folder (its start-up line is written once the store is open) is 0700, like the data folder
  for (const f of [...files, 'logs/lead-console.log']) {
    const st = fs.statSync(path.join(data, f));
    expect(`${f} ${(st.mode & 0o777).toString(8)}`).toBe(`${f} ${st.isDirectory() ? '700' : '600'}`);
  }

  if (process.platform === 'linux') {
    const nice = (tid: string) => os.getPriority(Number(tid));
    const threads = fs.readdirSync(`/proc/${pid}/task`);
    expect(nice(String(pid))).toBe(os.getPriority(0));
    const others = threads.filter((t) => Number(t) !== pid);
    expect(others.length).toBeGreaterThanOrEqual(3);
    expect(others.filter((t) => nice(t) < ENGINE_NICE)).toEqual([]);
  }
});
