// `npm run bench:engine`: the engine in its worker thread, seen from the process that hosts it.
// The loop delay and the memory are measured in the built browser-mode bridge (out/main/bridge.js,
// what `npm start -- --browser` runs: it only routes HTTP calls and events to the engine's worker),
// started as a process of its own and measured from inside by test/bench/loopProbe.mjs
// (measuredBridge.ts); the page's calls go over HTTP with an event stream open, as the console's
// page makes them. It seeds a store, then measures:
//   - the cost the worker adds to a call: `contacts.list` (first page) through the engine's host
//     (startEngine, in a fresh child process) against the same call on a core built in that thread
//     (createCore);
//   - the bridge's event-loop delay (perf_hooks.monitorEventLoopDelay, 1 ms resolution: p99 and
//     max) and its own garbage-collection pauses while the worker runs the funnel over the seeded
//     contacts, a CSV import, and a first import from an Intercom sandbox running in its own
//     process; the same stretch with nothing to do; and the delay with the engine in the host's own
//     thread, for comparison (funnel and a smaller import);
//   - the bridge's resident memory (the bridge and its engine worker: one process, from /proc) on
//     an empty folder, after opening the store, and at its peak during the funnel, the import and
//     the first import.
//   npm run bench:engine                             100k contacts, 100k-row import, 100k first import
//   npm run bench:engine -- --contacts 1000000 --first-import 0    the 1M store (seeded ~2 min), no sandbox
//   npm run bench:engine -- --first-import-only --first-import 1000000 [--latency 300 --rate-limit 1666/10000]
//            the first import alone (no store seeded)
//   options: --import-rows N (100,000)  --first-import N (contacts in the sandbox, 100,000; 0 skips)
//            --latency MS (sandbox latency per answer, 0)  --rate-limit N/MS (the sandbox's, 100000/10000:
//            never binds, so the engine runs flat out: the most work per second the bridge can see)
//            --calls N (timed calls, 300)  --compare-rows N (in-thread import for comparison, 20,000; 0 skips)
//            --json (one line of figures)
//            --store FILE (a copy of this store instead of seeding one, e.g. one a 1M first import left:
//            `npm run bench -- --first-import-only --first-import-sizes 1m --keep`)
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createCore, type Core } from '../../electron/core/app';
import { DataFolderLock } from '../../electron/core/lock/DataFolderLock';
import { startEngine, type EngineHost } from '../../electron/engine/EngineHost';
import { startMeasuredBridge, type BridgeLag, type MeasuredBridge } from './measuredBridge';
import type { Result } from '../../shared/errors';
import { fmtInt } from './report';
import { Store } from '../../electron/core/db/Store';
import { sandboxProcess } from './sandboxProcess';
import { seedStore } from './seedStore';
import { median, now } from './stats';

const ROOT = path.resolve(__dirname, '../..');
/** The worker as the app runs it: built (main() rebuilds a stale build first), not its source through tsx. */
const BUILT_WORKER = path.join(ROOT, 'out/main/engineWorker.js');

interface Options {
  contacts: number;
  importRows: number;
  firstImport: number;
  latencyMs: number;
  calls: number;
  compareRows: number;
  store: string | null;
  rateLimit: string;
  firstImportOnly: boolean;
}

function parse(argv: string[]): Options & { measure: string | null; json: boolean } {
  const o = {
    contacts: 100_000,
    importRows: 100_000,
    firstImport: 100_000,
    latencyMs: 0,
    calls: 300,
    compareRows: 20_000,
    store: null as string | null,
    rateLimit: '100000/10000',
    firstImportOnly: false,
    measure: null as string | null,
    json: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const next = () => Number(argv[++i]);
    switch (argv[i]) {
      case '--contacts': o.contacts = next(); break;
      case '--import-rows': o.importRows = next(); break;
      case '--first-import': o.firstImport = next(); break;
      case '--latency': o.latencyMs = next(); break;
      case '--calls': o.calls = next(); break;
      case '--compare-rows': o.compareRows = next(); break;
      case '--measure': o.measure = argv[++i]!; break;
      case '--json': o.json = true; break;
      case '--store': o.store = argv[++i]!; break;
      case '--rate-limit': o.rateLimit = argv[++i]!; break;
      case '--first-import-only': o.firstImportOnly = true; break;
      default: throw new Error(`unknown option ${argv[i]}`);
    }
  }
  return o;
}

type Caller = Pick<Core, 'call'>;
async function call<T>(core: Caller, method: string, input: unknown = {}): Promise<T> {
  const r: Result<unknown> = await core.call(method, input);
  if (!r.ok) throw new Error(`${method}: ${r.error.code} ${r.error.message}`);
  return r.value as T;
}

const mib = (bytes: number) => bytes / 2 ** 20;
const rss = () => process.memoryUsage.rss();
/** The resident pages that are not file-backed (the store's mmap and the libraries are), from /proc on Linux; else the whole RSS. */
function rssAnon(): number {
  try {
    const m = /RssAnon:\s+(\d+) kB/.exec(fs.readFileSync('/proc/self/status', 'utf8'));
    return m ? Number(m[1]) * 1024 : rss();
  } catch {
    return rss();
  }
}
interface Memory {
  rssMiB: number;
  anonMiB: number;
}
const memoryNow = (): Memory => ({ rssMiB: mib(rss()), anonMiB: mib(rssAnon()) });

/** The host's loop delay and the process's peak memory while `work` runs. */
async function watch<T>(work: () => Promise<T>): Promise<{ value: T; lag: Lag; peak: Memory; seconds: number }> {
  const h = monitorEventLoopDelay({ resolution: 1 });
  const peak = memoryNow();
  const sample = () => {
    const m = memoryNow();
    peak.rssMiB = Math.max(peak.rssMiB, m.rssMiB);
    peak.anonMiB = Math.max(peak.anonMiB, m.anonMiB);
  };
  const sampler = setInterval(sample, 100);
  h.enable();
  const t0 = now();
  try {
    const value = await work();
    sample();
    return { value, lag: lagOf(h), peak, seconds: (now() - t0) / 1000 };
  } finally {
    h.disable();
    clearInterval(sampler);
  }
}

interface Lag {
  p99: number;
  max: number;
  mean: number;
  /** The measured process's own garbage-collection pauses in the same stretch (the bridge's). */
  gc?: BridgeLag['gc'];
}
const lagOf = (h: ReturnType<typeof monitorEventLoopDelay>): Lag => ({ p99: h.percentile(99) / 1e6, max: h.max / 1e6, mean: h.mean / 1e6 });

/** Every row a new contact: `tag` keeps two files' emails and ids apart. */
function contactsCsv(n: number, tag: string): Buffer {
  const lines = ['email,name,stage,user id,visitor id,phone,plan'];
  for (let i = 1; i <= n; i++) lines.push(`${tag}${i}@example.com,Imported ${i},${i % 4 === 0 ? 'Signed up' : 'Lead'},${tag}-u-${i},${tag}-v-${i},+1 555 ${String(i).padStart(7, '0')},${i % 3 === 0 ? 'pro' : 'free'}`);
  return Buffer.from(`${lines.join('\n')}\n`, 'utf8');
}

/**
 * Uploads and starts the import (the upload's base64 pieces are the host's to parse, as the bridge
 * parses a request's JSON); resolves to a poll of its status, as the console's page does (a call
 * every 20 ms), until it is done: the part watched.
 */
async function startImport(core: Caller, fileName: string, bytes: Buffer): Promise<() => Promise<number>> {
  let job = await call<{ id: string }>(core, 'import.open', { fileName, size: bytes.length });
  const piece = 750_000;
  for (let offset = 0; offset < bytes.length; offset += piece) {
    job = await call(core, 'import.chunk', { importId: job.id, offset, data: bytes.subarray(offset, offset + piece).toString('base64') });
  }
  const analysis = await call<{ guessedKind: string; mapping: Record<string, string> }>(core, 'import.analyse', { importId: job.id });
  await call(core, 'import.start', { importId: job.id, kind: analysis.guessedKind, mapping: analysis.mapping, duplicates: 'skip' });
  return async () => {
    for (;;) {
      const status = await call<{ state: string; created: number; error?: string }>(core, 'import.status', { importId: job.id });
      if (status.state !== 'running') {
        if (status.state !== 'done') throw new Error(`${fileName}: the import ended ${status.state} (${status.error ?? ''})`);
        return status.created;
      }
      await new Promise((r) => setTimeout(r, 20));
    }
  };
}

/** Requests come one by one from the network: the loop turns between them. */
const nextTurn = () => new Promise((r) => setImmediate(r));

async function funnelRounds(core: Caller, rounds: number): Promise<number> {
  for (let i = 0; i < rounds; i++) {
    await call(core, 'funnel.get', {});
    await nextTurn();
    await call(core, 'funnel.breakdown', { by: 'referrer' });
    await nextTurn();
    await call(core, 'segments.list', {});
    await nextTurn();
  }
  return rounds;
}

async function timeCalls(core: Caller, n: number): Promise<number> {
  for (let i = 0; i < 20; i++) await call(core, 'contacts.list', {});
  const samples: number[] = [];
  for (let i = 0; i < n; i++) {
    await nextTurn();
    const t = now();
    await call(core, 'contacts.list', {});
    samples.push(now() - t);
  }
  return median(samples);
}

type Phase = 'open' | 'inThread';

export interface EngineFigures {
  contacts: number;
  /** The bridge's loop with nothing to do, for as long as the import took (at most 20 s): what the machine's load alone does to it. */
  idle: Lag;
  /** The bridge with its engine on an empty data folder (the first import's, before the token is given). */
  bridgeEmpty: Memory | null;
  open: Memory;
  listInThreadMs: number;
  listWorkerMs: number;
  import: { rows: number; seconds: number; lag: Lag; peak: Memory };
  importInThread: { rows: number; seconds: number; lag: Lag } | null;
  funnel: { rounds: number; seconds: number; lag: Lag; peak: Memory };
  funnelInThread: { rounds: number; seconds: number; lag: Lag };
  firstImport: { contacts: number; seconds: number; lag: Lag; peak: Memory; latencyMs: number; rateLimit: string } | null;
  node: string;
  loadAverage: number[];
}

async function withEngine<T>(dir: string, work: (host: EngineHost) => Promise<T>): Promise<T> {
  const lock = DataFolderLock.acquire(dir, { mode: 'test' });
  const host = await startEngine({ dataDir: dir, mode: 'test', autoSync: false, actor: 'bench', lock, entry: BUILT_WORKER });
  try {
    return await work(host);
  } finally {
    host.dispose();
    lock.release();
  }
}

const funnelRoundsFor = (contacts: number) => (contacts >= 1_000_000 ? 5 : 20);

/**
 * In a child process of its own per phase: the cost of a call through the engine's host, and the
 * engine in this thread for comparison.
 */
async function measure(phase: Phase, dir: string, o: Options): Promise<Partial<EngineFigures>> {
  switch (phase) {
    case 'open':
      return withEngine(dir, async (host) => ({ listWorkerMs: await timeCalls(host, o.calls) }));
    case 'inThread': {
      const inThread = createCore({ dataDir: dir, mode: 'test', autoSync: false, actor: 'bench' });
      try {
        const listInThreadMs = await timeCalls(inThread, o.calls);
        const funnelInThread = await watch(() => funnelRounds(inThread, funnelRoundsFor(o.contacts)));
        let importInThread: EngineFigures['importInThread'] = null;
        if (o.compareRows > 0) {
          const run = await startImport(inThread, 'compare.csv', contactsCsv(o.compareRows, 'thread'));
          const r = await watch(run);
          importInThread = { rows: r.value, seconds: r.seconds, lag: r.lag };
        }
        return { listInThreadMs, funnelInThread: { rounds: funnelInThread.value, seconds: funnelInThread.seconds, lag: funnelInThread.lag }, importInThread };
      } finally {
        inThread.dispose();
      }
    }
  }
}

/** The bridge's loop delay and GC pauses (from inside it) and its peak resident memory while `work` runs. */
async function watchBridge<T>(bridge: MeasuredBridge, work: () => Promise<T>): Promise<{ value: T; lag: Lag; peak: Memory; seconds: number }> {
  const peak = bridge.memory();
  const sample = () => {
    const m = bridge.memory();
    peak.rssMiB = Math.max(peak.rssMiB, m.rssMiB);
    peak.anonMiB = Math.max(peak.anonMiB, m.anonMiB);
  };
  await bridge.resetLag();
  const sampler = setInterval(sample, 100);
  const t0 = now();
  try {
    const value = await work();
    const seconds = (now() - t0) / 1000;
    sample();
    return { value, lag: await bridge.lag(), peak, seconds };
  } finally {
    clearInterval(sampler);
  }
}

/**
 * The seeded store served by the built bridge: its memory once the store is open, the funnel's
 * rounds and a CSV import (uploaded and polled over HTTP as the page does), and as long again with
 * nothing to do.
 */
async function bridgeOnStore(dir: string, o: Options): Promise<Pick<EngineFigures, 'open' | 'funnel' | 'import' | 'idle'>> {
  // the file is built here, before the bridge starts: only the bridge is measured
  const bytes = contactsCsv(o.importRows, 'bridge');
  const bridge = await startMeasuredBridge(dir);
  try {
    await call(bridge, 'contacts.list', {});
    const open = bridge.memory();
    const funnel = await watchBridge(bridge, () => funnelRounds(bridge, funnelRoundsFor(o.contacts)));
    const run = await startImport(bridge, 'contacts.csv', bytes);
    const imp = await watchBridge(bridge, run);
    // the same stretch of time with nothing to do: the machine's share of the delays above
    const idle = await watchBridge(bridge, () => new Promise((r) => setTimeout(r, Math.min(imp.seconds, 20) * 1000)));
    return {
      open,
      funnel: { rounds: funnel.value, seconds: funnel.seconds, lag: funnel.lag, peak: funnel.peak },
      import: { rows: imp.value, seconds: imp.seconds, lag: imp.lag, peak: imp.peak },
      idle: idle.lag,
    };
  } finally {
    await bridge.stop();
  }
}

/**
 * A first import of `o.firstImport` contacts into an empty folder, run by the bridge once the
 * sandbox's token is given in Settings (as a person does), the sandbox in its own process; the
 * status polled every 50 ms, as the status bar is kept fresh.
 */
async function bridgeFirstImport(o: Options): Promise<{ firstImport: NonNullable<EngineFigures['firstImport']>; bridgeEmpty: Memory }> {
  const sb = await sandboxProcess(['--seed', String(o.firstImport), '--companies', String(Math.max(1, Math.floor(o.firstImport / 100))), '--latency', String(o.latencyMs), '--rate-limit', o.rateLimit, '--random-seed', '13']);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lead-console-engine-first-'));
  try {
    const bridge = await startMeasuredBridge(dir, ['--intercom-url', sb.url]);
    try {
      await call(bridge, 'contacts.list', {});
      const bridgeEmpty = bridge.memory();
      const r = await watchBridge(bridge, async () => {
        await call(bridge, 'settings.set', { token: sb.token });
        for (;;) {
          const status = await call<{ state: string; initialImport: string; message: string | null }>(bridge, 'sync.status', {});
          if (status.initialImport === 'done' && status.state !== 'syncing') return status;
          if (status.state === 'error' || status.state === 'paused_auth') throw new Error(`first import: ${status.state} ${status.message ?? ''}`);
          await new Promise((res) => setTimeout(res, 50));
        }
      });
      const stored = (await call<{ total: number }>(bridge, 'contacts.list', {})).total;
      if (stored !== o.firstImport) throw new Error(`first import: ${stored} contacts stored of ${o.firstImport}`);
      return { firstImport: { contacts: stored, seconds: r.seconds, lag: r.lag, peak: r.peak, latencyMs: o.latencyMs, rateLimit: o.rateLimit }, bridgeEmpty };
    } finally {
      await bridge.stop();
    }
  } finally {
    await sb.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const f2 = (n: number) => (n >= 100 ? n.toFixed(0) : n >= 10 ? n.toFixed(1) : n.toFixed(2));
const lagText = (l: Lag) =>
  `p99 ${f2(l.p99)} ms, max ${f2(l.max)} ms` + (l.gc ? ` (its own GC: ${l.gc.count} pauses, longest ${f2(l.gc.maxMs)} ms${l.gc.maxKind ? `, ${l.gc.maxKind}` : ''})` : '');
const mem = (m: Memory) => `${m.rssMiB.toFixed(0)} MiB (${m.anonMiB.toFixed(0)} MiB not file-backed)`;
const verdict = (ok: boolean) => (ok ? 'PASS' : 'MISS');
const tableOf = (rows: string[][]) => ['| measure | figure | target | meets target |', '| --- | --- | --- | ---: |', ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
const madeBy = (command: string, loadAverage: number[]) =>
  `Made by \`${command}\` on ${new Date().toISOString().slice(0, 10)}; Node ${process.versions.node}; 1-minute load average ${loadAverage[0]!.toFixed(1)} on ${os.cpus().length} cores at the end.`;

function firstImportRows(f: NonNullable<EngineFigures['firstImport']>, empty: Memory | null): string[][] {
  const pace = `sandbox latency ${f.latencyMs} ms, rate limit ${f.rateLimit}`;
  return [
    [`bridge loop delay: first import of ${fmtInt(f.contacts)} contacts (${f.seconds.toFixed(1)} s, ${pace})`, lagText(f.lag), 'max < 20 ms', verdict(f.lag.max < 20)],
    ...(empty ? [['resident memory of the bridge: its engine on an empty folder', mem(empty), '(reported)', '-']] : []),
    ['resident memory of the bridge: peak during the first import', mem(f.peak), '< 500 MiB', verdict(f.peak.rssMiB < 500)],
  ];
}

function markdown(f: EngineFigures, command: string): string {
  const rows: string[][] = [
    ['cost added per call: `contacts.list` median', `${(f.listWorkerMs - f.listInThreadMs).toFixed(3)} ms (${f.listWorkerMs.toFixed(3)} through the worker, ${f.listInThreadMs.toFixed(3)} in the same thread)`, '< 0.3 ms', verdict(f.listWorkerMs - f.listInThreadMs < 0.3)],
    [`bridge loop delay: import of ${fmtInt(f.import.rows)} CSV rows (${f.import.seconds.toFixed(1)} s)`, lagText(f.import.lag), 'max < 20 ms', verdict(f.import.lag.max < 20)],
    [`bridge loop delay: funnel over ${fmtInt(f.contacts)} contacts (${f.funnel.rounds} rounds, ${f.funnel.seconds.toFixed(1)} s)`, lagText(f.funnel.lag), 'max < 20 ms', verdict(f.funnel.lag.max < 20)],
  ];
  if (f.firstImport) rows.push(firstImportRows(f.firstImport, null)[0]!);
  if (f.importInThread) rows.push([`engine in the host's thread, for comparison: import of ${fmtInt(f.importInThread.rows)} rows`, lagText(f.importInThread.lag), '(reported)', '-']);
  rows.push([`engine in the host's thread, for comparison: the funnel rounds`, lagText(f.funnelInThread.lag), '(reported)', '-']);
  rows.push([`bridge loop delay with nothing to do (the machine's load alone)`, lagText(f.idle), '(reported)', '-']);
  if (f.bridgeEmpty) rows.push(['resident memory of the bridge: its engine on an empty folder', mem(f.bridgeEmpty), '(reported)', '-']);
  rows.push([`resident memory of the bridge: store of ${fmtInt(f.contacts)} opened`, mem(f.open), '< 500 MiB', verdict(f.open.rssMiB < 500)]);
  rows.push([`resident memory of the bridge: peak during the funnel`, mem(f.funnel.peak), '< 500 MiB', verdict(f.funnel.peak.rssMiB < 500)]);
  // the issue's memory targets are the store opened, the funnel and the first import; the CSV import's is reported
  rows.push([`resident memory of the bridge: peak during the import (file-backed: the store's pages it maps)`, mem(f.import.peak), '(reported)', '-']);
  if (f.firstImport) rows.push(firstImportRows(f.firstImport, null)[1]!);
  return `${madeBy(command, f.loadAverage)}\n\n${tableOf(rows)}`;
}

function contactCount(file: string): number {
  const store = Store.open(file);
  try {
    return store.contacts.count();
  } finally {
    store.close();
  }
}

/** The phases that measure the engine's host in this process's children (under tsx, as the source runs). */
async function measureInChildren(phases: Phase[], args: string[], dir: string): Promise<Partial<EngineFigures>> {
  let figures: Partial<EngineFigures> = {};
  for (const phase of phases) {
    console.log(`measuring: ${phase}...`);
    const child = spawn(process.execPath, ['--import', 'tsx', __filename, ...args, '--measure', `${phase}:${dir}`], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    const line = out.split('\n').find((l) => l.startsWith('FIGURES '));
    if (code !== 0 || !line) throw new Error(`measuring ${phase} failed (${code}):\n${out}`);
    figures = { ...figures, ...(JSON.parse(line.slice('FIGURES '.length)) as Partial<EngineFigures>) };
  }
  return figures;
}

async function main() {
  const o = parse(process.argv.slice(2));
  if (o.measure) {
    const at = o.measure.indexOf(':');
    const figures = await measure(o.measure.slice(0, at) as Phase, o.measure.slice(at + 1), o);
    console.log(`FIGURES ${JSON.stringify(figures)}`);
    return;
  }
  const { ensureBuilt } = await import('../../electron/launcher/build.mjs');
  ensureBuilt();
  const args = process.argv.slice(2);
  const command = `npm run bench:engine${args.length ? ` -- ${args.join(' ')}` : ''}`;
  if (o.firstImportOnly) {
    console.log(`measuring: the first import of ${fmtInt(o.firstImport)} contacts through the bridge...`);
    const { firstImport, bridgeEmpty } = await bridgeFirstImport(o);
    if (o.json) console.log(JSON.stringify({ firstImport, bridgeEmpty, node: process.versions.node, loadAverage: os.loadavg() }));
    console.log(`${madeBy(command, os.loadavg())}\n\n${tableOf(firstImportRows(firstImport, bridgeEmpty))}`);
    return;
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lead-console-engine-bench-'));
  try {
    const file = path.join(dir, 'lead-console.sqlite');
    if (o.store) {
      // a store left by an earlier run (e.g. a first import): copied, so the import phase writes into the copy
      fs.copyFileSync(o.store, file);
      if (fs.existsSync(`${o.store}-wal`)) fs.copyFileSync(`${o.store}-wal`, `${file}-wal`);
      o.contacts = contactCount(file);
      console.log(`copied ${o.store}: ${fmtInt(o.contacts)} contacts, ${(fs.statSync(file).size / 2 ** 20).toFixed(0)} MiB`);
    } else {
      console.log(`seeding ${fmtInt(o.contacts)} contacts...`);
      // seeded here, measured in other processes: seeding's memory is not the engine's
      const seeded = seedStore(file, o.contacts);
      console.log(`  seeded in ${seeded.seedSeconds.toFixed(1)} s, ${seeded.fileMiB.toFixed(0)} MiB`);
    }
    // the measuring processes learn the copied store's size too (the funnel's rounds follow it)
    const childArgs = o.store ? [...args, '--contacts', String(o.contacts)] : args;
    // the cost per call and the funnel on the store as seeded; the imports add rows after them
    let figures: Partial<EngineFigures> = { contacts: o.contacts, ...(await measureInChildren(['open'], childArgs, dir)) };
    console.log('measuring: the bridge on the store (funnel, CSV import)...');
    figures = { ...figures, ...(await bridgeOnStore(dir, o)) };
    figures = { ...figures, ...(await measureInChildren(['inThread'], childArgs, dir)) };
    figures.firstImport = null;
    figures.bridgeEmpty = null;
    if (o.firstImport > 0) {
      console.log(`measuring: the first import of ${fmtInt(o.firstImport)} contacts through the bridge...`);
      const r = await bridgeFirstImport(o);
      figures = { ...figures, ...r };
    }
    figures = { ...figures, node: process.versions.node, loadAverage: os.loadavg() };
    if (o.json) console.log(JSON.stringify(figures));
    console.log(markdown(figures as EngineFigures, command));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
