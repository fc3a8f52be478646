// The built browser-mode server (out/main/bridge.js, what `npm start -- --browser` runs), started
// as a process of its own and measured from outside, as the product runs it: its event-loop delay
// and garbage-collection pauses come from loopProbe.mjs loaded into it with `node --import` (the
// bridge itself is unchanged), its resident memory (the bridge and its engine worker: one process)
// from /proc. Calls go over HTTP with the page's token, and an event stream stays open as the
// page keeps one, so the bridge does the routing work it does for a real page.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { Result } from '../../shared/errors';
import { bridgeInfo, stopBridge } from './bridge';
import { trackChild } from './cleanup';

const ROOT = path.resolve(__dirname, '../..');
const PROBE = path.join(__dirname, 'loopProbe.mjs');

export interface BridgeLag {
  p99: number;
  max: number;
  mean: number;
  /** Its own garbage-collection pauses: how many, their sum, the longest and its kind (minor, major, incremental). */
  gc: { count: number; totalMs: number; maxMs: number; maxKind: string | null };
}

export interface BridgeMemory {
  rssMiB: number;
  anonMiB: number;
}

export interface MeasuredBridge {
  pid: number;
  /** A call as the page makes it (POST /api/<method>), answered as the API answers: a Result. */
  call(method: string, input?: unknown): Promise<Result<unknown>>;
  /** Starts a window of the probe's figures. */
  resetLag(): Promise<void>;
  /** The probe's figures since the last reset. */
  lag(): Promise<BridgeLag>;
  memory(): BridgeMemory;
  stop(): Promise<void>;
}

const kib = (status: string, field: string) => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1] ?? 0) / 1024;

export async function startMeasuredBridge(dataDir: string, args: string[] = [], timeoutMs = 60_000): Promise<MeasuredBridge> {
  const info = path.join(dataDir, 'bridge.json');
  fs.rmSync(info, { force: true });
  const child = spawn(process.execPath, ['--import', PROBE, path.join(ROOT, 'out/main/bridge.js'), '--data', dataDir, '--port', '0', ...args], {
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { ...process.env, LEAD_CONSOLE_IMPORT_GATE: '' },
  });
  trackChild(child);
  // a bench that fails midway ends the bridge with it (it would go on syncing, taking a core from the next run)
  const endWithBench = () => child.kill('SIGKILL');
  process.once('exit', endWithBench);
  child.once('exit', () => process.off('exit', endWithBench));
  let output = '';
  const probeLines: ((line: string) => void)[] = [];
  let partial = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (d: string) => {
    partial += d;
    let nl;
    while ((nl = partial.indexOf('\n')) >= 0) {
      const line = partial.slice(0, nl);
      partial = partial.slice(nl + 1);
      if (line.startsWith('PROBE ')) probeLines.shift()?.(line.slice('PROBE '.length));
      else output += `${line}\n`;
    }
  });
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const { url: address, token } = await bridgeInfo(child, info, timeoutMs, () => output);
  const url = address.replace(/\/$/, '');
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };

  // the page's event stream, read and dropped
  const streamAbort = new AbortController();
  void fetch(`${url}/api/events`, { headers, signal: streamAbort.signal })
    .then(async (res) => {
      const reader = res.body!.getReader();
      while (!(await reader.read()).done);
    })
    .catch(() => undefined);

  const raw = async (method: string, input: unknown = {}): Promise<Result<unknown>> => {
    const res = await fetch(`${url}/api/${method}`, { method: 'POST', headers, body: JSON.stringify(input) });
    const text = await res.text();
    try {
      return JSON.parse(text) as Result<unknown>;
    } catch {
      throw new Error(`${method}: HTTP ${res.status} ${text.slice(0, 300)}`);
    }
  };

  const probe = (line: string) =>
    new Promise<string>((resolve) => {
      probeLines.push(resolve);
      child.stdin.write(`${line}\n`);
    });

  return {
    pid: child.pid!,
    call: raw,
    async resetLag() {
      child.stdin.write('reset\n');
      // lines are read in order on the bridge's loop: once a report after it is back, the reset was applied
      await probe('report');
    },
    async lag() {
      return JSON.parse(await probe('report')) as BridgeLag;
    },
    memory() {
      const status = fs.readFileSync(`/proc/${child.pid}/status`, 'utf8');
      return { rssMiB: kib(status, 'VmRSS'), anonMiB: kib(status, 'RssAnon') };
    },
    stop: () => {
      streamAbort.abort();
      return stopBridge(child, 15_000);
    },
  };
}
