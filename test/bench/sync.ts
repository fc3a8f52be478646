// The sync engine against the Intercom sandbox over real HTTP on 127.0.0.1 (the push in this process,
// the import against a sandbox process of its own):
//   1. Push: 10,000 outbox entries (2,500 new leads, each with a create, an update, a stage change
//      and a link to one of 50 companies Intercom already has) drained by `core.sync.runOnce()`
//      into a sandbox limited to 1,000 requests per 10 s window, 30 ms per answer. Beside it, on a
//      fresh sandbox with the same settings, a naive client (one axios call at a time, no pacing).
//   1c. The check before an update (sync/ops/currentCheck.ts): 2,000 contacts Intercom already has,
//      each edited once here, pushed with the check and, on a fresh sandbox, without it.
//   2. Import: the first import of a 100,000-contact workspace (1,000 companies) into an empty
//      store, 30 ms per answer, a rate limit that does not bind, against the bound pages x latency.
// Run by `npm run bench` after the console bench, or alone with `npm run bench -- --sync-only`.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import axios from 'axios';
import { createCore, type Core } from '../../electron/core/app';
import { startSandbox, type Sandbox, type SandboxOptions } from '../../electron/sandbox';
import type { ExchangeInfo } from '../../electron/core/sync/IntercomClient';
import { trackDir, untrackDir } from './cleanup';
import { fmtInt } from './report';
import { median, ms, now } from './stats';

const ROOT = path.resolve(import.meta.dirname, '../..');

export const SYNC_TARGETS = { share: 0.9, max429PerWindow: 1, importRatio: 1.3 } as const;

export interface SyncBenchOptions {
  /** New leads of the push; each makes 4 outbox entries. */
  leads: number;
  /** Companies already in Intercom that the leads are linked to. */
  companies: number;
  rateLimit: { limit: number; windowMs: number };
  latencyMs: number;
  /** The naive client stops after this many requests or this long, whichever comes first. */
  naiveRequests: number;
  naiveMaxMs: number;
  importContacts: number;
  importCompanies: number;
  /** Contacts Intercom has, each edited once, for the cost of the check before an update. */
  updates: number;
  keep: boolean;
  log?: (line: string) => void;
}

export const DEFAULT_SYNC_OPTIONS: SyncBenchOptions = {
  leads: 2_500,
  companies: 50,
  rateLimit: { limit: 1_000, windowMs: 10_000 },
  latencyMs: 30,
  naiveRequests: 1_000,
  naiveMaxMs: 60_000,
  importContacts: 100_000,
  importCompanies: 1_000,
  updates: 2_000,
  keep: false,
};

const PER_PAGE = 150;
/** The engine's default (SyncEngine: records pushed at once, and the limiter's requests in flight), passed explicitly. */
const CONCURRENCY = 8;

/** What the sandbox answered, when (its own clock, at the moment it counted the request against the window). */
interface Answer {
  t: number;
  status: number;
}

export interface WindowFigures {
  /** Requests the sandbox accepted in each full window of the run (a window wholly inside it). */
  fullWindows: number[];
  /** Mean of fullWindows / limit; when no window is full, the accepted rate over the run scaled to a window. */
  share: number;
  count429: number;
  max429PerWindow: number;
  /** Windows the run touched (the first and last are partial). */
  windowsTouched: number;
}

export interface PushResult {
  entries: number;
  leads: number;
  companies: number;
  concurrency: number;
  /** Requests that reached the sandbox during the push (429 answers included). */
  requests: number;
  byRoute: Record<string, number>;
  /** The first push request to the answer of the last. */
  elapsedMs: number;
  /** The whole runOnce: the pull, then the push. */
  runMs: number;
  entriesPerSecond: number;
  windows: WindowFigures;
  /** From the engine's own limiter: time requests were held back for the rate limit. */
  throttledMs: number;
  left: { pending: number; failed: number };
  /** Contacts and links Intercom holds afterwards. */
  remoteContacts: number;
  remoteLinks: number;
  setupMs: number;
}

/** One push of field edits to contacts Intercom has, with or without the check before each update. */
export interface UpdatePushRun {
  check: boolean;
  requests: number;
  byRoute: Record<string, number>;
  elapsedMs: number;
  windows: WindowFigures;
  left: { pending: number; failed: number; conflicts: number };
}

export interface CheckCostResult {
  updates: number;
  without: UpdatePushRun;
  with: UpdatePushRun;
}

export interface NaiveResult {
  requests: number;
  elapsedMs: number;
  perSecond: number;
  windows: WindowFigures;
}

export interface ImportResult {
  contacts: number;
  companies: number;
  /** Contact list pages (GET /contacts) and all requests of the run. */
  pages: number;
  requests: number;
  elapsedMs: number;
  /** The brief's bound: ceil(contacts / 150) pages x latency. */
  boundMs: number;
  ratio: number;
  rowsPerSecond: number;
  /** Median time a contact page took on the wire (request sent to answer parsed). */
  pageMedianMs: number;
  /** CPU time of this process during the import (user + system), against its wall time. */
  cpuMs: number;
  /** The engine's write of one contact page (the store transaction that applies it): median and sum. */
  writeMedianMs: number;
  writeTotalMs: number;
  stored: number;
  seedMs: number;
}

export interface SyncResult {
  cores: number;
  cpu: string;
  /** 1-minute load average at the start and at the end: other work on the machine skews every figure. */
  loadAverage: number;
  loadAfter: number;
  node: string;
  options: SyncBenchOptions;
  push: PushResult;
  naive: NaiveResult;
  check: CheckCostResult;
  import: ImportResult;
  seconds: number;
}

export interface SyncSkipped {
  skipped: string;
}

export const isSyncSkipped = (r: SyncResult | SyncSkipped): r is SyncSkipped => 'skipped' in r;

function windowFigures(answers: readonly Answer[], from: number, to: number, rl: { limit: number; windowMs: number }): WindowFigures {
  const per = new Map<number, { accepted: number; r429: number }>();
  for (const a of answers) {
    if (a.t < from || a.t > to) continue;
    const w = Math.floor(a.t / rl.windowMs);
    const cell = per.get(w) ?? { accepted: 0, r429: 0 };
    if (a.status === 429) cell.r429++;
    else if (a.status !== 401) cell.accepted++;
    per.set(w, cell);
  }
  const first = Math.floor(from / rl.windowMs);
  const last = Math.floor(to / rl.windowMs);
  const fullWindows: number[] = [];
  for (let w = first + 1; w < last; w++) fullWindows.push(per.get(w)?.accepted ?? 0);
  const accepted = [...per.values()].reduce((n, c) => n + c.accepted, 0);
  const share = fullWindows.length
    ? fullWindows.reduce((a, b) => a + b, 0) / fullWindows.length / rl.limit
    : ((accepted / Math.max(1, to - from)) * rl.windowMs) / rl.limit;
  const r429 = [...per.values()].map((c) => c.r429);
  return {
    fullWindows,
    share,
    count429: r429.reduce((a, b) => a + b, 0),
    max429PerWindow: r429.length ? Math.max(...r429) : 0,
    windowsTouched: per.size,
  };
}

/** A sandbox whose log line for every answer is stamped the moment it is written (right after the window count). */
async function recordingSandbox(options: SandboxOptions): Promise<{ sb: Sandbox; answers: Answer[] }> {
  const answers: Answer[] = [];
  const sb = await startSandbox({
    ...options,
    log: (line) => {
      const m = / -> (\d{3})\b/.exec(line);
      if (m) answers.push({ t: Date.now(), status: Number(m[1]) });
    },
  });
  return { sb, answers };
}

function tempDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  trackDir(dir);
  return dir;
}

function removeDir(dir: string, keep: boolean, log: (line: string) => void) {
  if (keep) log(`  kept ${dir}`);
  else fs.rmSync(dir, { recursive: true, force: true });
  untrackDir(dir);
}

function benchCore(dir: string, sb: Pick<Sandbox, 'url' | 'token'>, onExchange: (e: ExchangeInfo) => void, errors: string[], checkBeforeUpdate = true): Core {
  return createCore({
    dataDir: dir,
    mode: 'test',
    autoSync: false,
    actor: 'bench',
    validateOutput: false,
    intercom: { baseUrl: sb.url, source: 'start-option', token: sb.token },
    sync: { concurrency: CONCURRENCY, checkBeforeUpdate, client: { onExchange } },
    log: (message, error) => errors.push(`${message}: ${error instanceof Error ? error.message : String(error ?? '')}`),
  });
}

async function must<T>(core: Core, method: string, input: unknown): Promise<T> {
  const res = await core.call(method, input);
  if (!res.ok) throw new Error(`${method} failed: ${res.error.code} ${res.error.message}`);
  return res.value as T;
}

const routeOf = (e: ExchangeInfo) =>
  `${e.method} ${e.path
    .replace(/\/contacts\/(?!search$|merge$)[^/]+/, '/contacts/{id}')
    .replace(/\/companies\/[0-9a-f]{8,}$/, '/companies/{id}')}`;

// ---- 1. push ---------------------------------------------------------------------------------

async function runPush(o: SyncBenchOptions, log: (line: string) => void): Promise<PushResult> {
  const { sb, answers } = await recordingSandbox({
    // Intercom hides a company until it has a user: three seeded contacts per company give each one
    seed: { contacts: 3 * o.companies, companies: o.companies, withStageAttributes: true },
    rateLimit: o.rateLimit,
    faults: { latencyMs: o.latencyMs },
    randomSeed: 11,
  });
  const dir = tempDir('lead-console-bench-push-');
  const exchanges: Array<ExchangeInfo & { at: number }> = [];
  const errors: string[] = [];
  const core = benchCore(dir, sb, (e) => exchanges.push({ ...e, at: Date.now() }), errors);
  try {
    const t0 = now();
    // the companies (and their 150 contacts) come in by the first import; the leads are then typed in offline
    const first = await core.sync.runOnce();
    if (first.initialImport !== 'done') throw new Error(`push setup: the first import did not finish (${first.state}: ${first.message ?? ''})`);
    const companies = (await must<{ items: Array<{ id: string; intercomId: string | null }> }>(core, 'companies.list', { limit: 500 })).items;
    if (companies.length !== o.companies || companies.some((c) => !c.intercomId)) throw new Error(`push setup: expected ${o.companies} imported companies`);
    for (let i = 0; i < o.leads; i++) {
      const { contact } = await must<{ contact: { id: string } }>(core, 'contacts.create', { email: `bench.lead${i}@fair.example`, name: `Bench Lead ${i}` });
      await must(core, 'contacts.update', { id: contact.id, patch: { phone: `+1 555 ${String(i).padStart(7, '0')}` } });
      await must(core, 'contacts.setStage', { id: contact.id, stage: 'signed_up' });
      await must(core, 'companies.link', { contactId: contact.id, companyId: companies[i % companies.length]!.id });
    }
    const entries = core.store.outbox.counts().waiting;
    const setupMs = now() - t0;
    log(`  push: ${fmtInt(entries)} outbox entries ready in ${(setupMs / 1000).toFixed(1)} s`);

    exchanges.length = 0;
    const from = Date.now();
    const started = now();
    const status = await core.sync.runOnce();
    const runMs = now() - started;
    const to = Date.now();
    // a run pulls first (company scroll, contact search), then pushes: the push is what follows the
    // pull's last request, up to its own last answer
    const isPull = (e: ExchangeInfo) => e.path.startsWith('/companies/scroll') || e.path === '/contacts/search';
    let lastPull = -1;
    exchanges.forEach((e, i) => {
      if (isPull(e)) lastPull = i;
    });
    const pushExchanges = exchanges.slice(lastPull + 1);
    const pushEnd = pushExchanges.length ? pushExchanges[pushExchanges.length - 1]!.at : to;
    const pushStart = pushExchanges.length ? pushExchanges[0]!.at - pushExchanges[0]!.ms : from;
    const elapsedMs = pushEnd - pushStart;
    const byRoute: Record<string, number> = {};
    for (const e of pushExchanges) byRoute[routeOf(e)] = (byRoute[routeOf(e)] ?? 0) + 1;
    const remote = sb.workspace.contacts();
    const remoteLinks = remote.reduce((n, c) => n + sb.workspace.contactCompanies(c.id).length, 0);
    if (errors.length) log(`  push: the engine logged ${errors.length} error(s), first: ${errors[0]}`);
    // the engine keeps its limiter private; its snapshot is read here for the report only
    const limiter = (core.sync as unknown as { limiter?: { limiter?: { snapshot(): { throttledMs: number } } } }).limiter?.limiter;
    return {
      entries,
      leads: o.leads,
      companies: o.companies,
      concurrency: CONCURRENCY,
      requests: pushExchanges.length,
      byRoute,
      elapsedMs,
      runMs,
      entriesPerSecond: entries / (elapsedMs / 1000),
      windows: windowFigures(answers, from, pushEnd, o.rateLimit),
      throttledMs: limiter?.snapshot().throttledMs ?? NaN,
      left: { pending: status.pending, failed: status.failed },
      remoteContacts: remote.length,
      remoteLinks,
      setupMs,
    };
  } finally {
    core.dispose();
    await sb.close();
    removeDir(dir, o.keep, log);
  }
}

// ---- 1c. what the check before an update costs ---------------------------------------------------

/** Imports `o.updates` contacts, edits each once offline, then times the push alone (the pull before it left out). */
async function runUpdatePush(o: SyncBenchOptions, check: boolean): Promise<UpdatePushRun> {
  const { sb, answers } = await recordingSandbox({
    seed: { contacts: o.updates, companies: 10, withStageAttributes: true },
    rateLimit: o.rateLimit,
    faults: { latencyMs: o.latencyMs },
    randomSeed: 13,
  });
  const dir = tempDir('lead-console-bench-check-');
  const exchanges: Array<ExchangeInfo & { at: number }> = [];
  const errors: string[] = [];
  const core = benchCore(dir, sb, (e) => exchanges.push({ ...e, at: Date.now() }), errors, check);
  try {
    const first = await core.sync.runOnce();
    if (first.initialImport !== 'done') throw new Error(`check setup: the first import did not finish (${first.state}: ${first.message ?? ''})`);
    const ids: string[] = [];
    for (let offset = 0; ids.length < o.updates; offset += 500) {
      const page = await must<{ items: Array<{ id: string }> }>(core, 'contacts.list', { limit: 500, offset, sort: { field: 'createdAt', dir: 'asc' } });
      if (page.items.length === 0) break;
      ids.push(...page.items.map((c) => c.id));
    }
    for (const [i, id] of ids.entries()) await must(core, 'contacts.update', { id, patch: { phone: `+1 555 ${String(i).padStart(7, '0')}` } });
    exchanges.length = 0;
    const from = Date.now();
    const status = await core.sync.runOnce();
    const isPull = (e: ExchangeInfo) => e.path.startsWith('/companies/scroll') || e.path === '/contacts/search' || e.path.startsWith('/companies?');
    let lastPull = -1;
    exchanges.forEach((e, i) => {
      if (isPull(e)) lastPull = i;
    });
    const push = exchanges.slice(lastPull + 1);
    const end = push.length ? push[push.length - 1]!.at : Date.now();
    const start = push.length ? push[0]!.at - push[0]!.ms : from;
    const byRoute: Record<string, number> = {};
    for (const e of push) byRoute[routeOf(e)] = (byRoute[routeOf(e)] ?? 0) + 1;
    if (errors.length) throw new Error(`check bench: the engine logged ${errors.length} error(s), first: ${errors[0]}`);
    return {
      check,
      requests: push.length,
      byRoute,
      elapsedMs: end - start,
      windows: windowFigures(answers, from, end, o.rateLimit),
      left: { pending: status.pending, failed: status.failed, conflicts: status.conflicts },
    };
  } finally {
    core.dispose();
    await sb.close();
    removeDir(dir, o.keep, () => undefined);
  }
}

export async function runCheckCost(o: SyncBenchOptions, log: (line: string) => void): Promise<CheckCostResult> {
  const without = await runUpdatePush(o, false);
  log(`  update push without the check: ${fmtInt(without.requests)} requests in ${sec(without.elapsedMs)}`);
  const withCheck = await runUpdatePush(o, true);
  log(`  update push with the check: ${fmtInt(withCheck.requests)} requests in ${sec(withCheck.elapsedMs)}`);
  return { updates: o.updates, without, with: withCheck };
}

// ---- 1b. the naive client ----------------------------------------------------------------------

async function runNaive(o: SyncBenchOptions): Promise<NaiveResult> {
  const { sb, answers } = await recordingSandbox({ seed: 'empty', rateLimit: o.rateLimit, faults: { latencyMs: o.latencyMs }, randomSeed: 12 });
  try {
    const headers = { Authorization: `Bearer ${sb.token}`, Accept: 'application/json', 'Intercom-Version': '2.14', 'Content-Type': 'application/json' };
    const from = Date.now();
    const started = now();
    let n = 0;
    while (n < o.naiveRequests && now() - started < o.naiveMaxMs) {
      await axios.post(`${sb.url}/contacts`, { role: 'lead', external_id: `naive-${n}`, email: `naive${n}@fair.example` }, { headers, validateStatus: () => true });
      n++;
    }
    const elapsedMs = now() - started;
    const to = Date.now();
    return { requests: n, elapsedMs, perSecond: n / (elapsedMs / 1000), windows: windowFigures(answers, from, to, o.rateLimit) };
  } finally {
    await sb.close();
  }
}

// ---- 2. import ---------------------------------------------------------------------------------

/**
 * The sandbox in a process of its own, as Intercom is never in ours: building and encoding
 * 150-contact pages (about 230 KB of JSON each) then does not take turns with the engine's
 * parsing and page writes on one thread.
 */
async function sandboxProcess(args: string[]): Promise<{ url: string; token: string; close(): Promise<void> }> {
  const tsx = path.join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs');
  const child = spawn(process.execPath, [tsx, path.join(ROOT, 'electron/sandbox/cli.ts'), '--quiet', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const first = await new Promise<{ url: string; token: string }>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const nl = out.indexOf('\n');
      if (nl >= 0) resolve(JSON.parse(out.slice(0, nl)) as { url: string; token: string });
    });
    child.once('exit', (code) => reject(new Error(`the sandbox process exited (${code}): ${err.slice(-500)}`)));
  });
  return {
    ...first,
    close: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

async function runImport(o: SyncBenchOptions, log: (line: string) => void): Promise<ImportResult> {
  const seedStarted = now();
  const sb = await sandboxProcess([
    '--seed', String(o.importContacts),
    '--companies', String(o.importCompanies),
    '--latency', String(o.latencyMs),
    // high enough never to bind: the import is one request at a time
    '--rate-limit', '100000/10000',
    '--random-seed', '13',
  ]);
  const seedMs = now() - seedStarted;
  const dir = tempDir('lead-console-bench-import-');
  const exchanges: ExchangeInfo[] = [];
  const errors: string[] = [];
  let firstPageAt = Infinity;
  const core = benchCore(
    dir,
    sb,
    (e) => {
      if (e.path === '/contacts' && firstPageAt === Infinity) firstPageAt = now();
      exchanges.push(e);
    },
    errors,
  );
  // Timing only: every store transaction of the run, to tell the engine's page writes from the wire
  const writes: Array<{ end: number; ms: number }> = [];
  const transaction = core.store.transaction.bind(core.store);
  core.store.transaction = (<T>(fn: () => T): T => {
    const a = now();
    try {
      return transaction(fn);
    } finally {
      writes.push({ end: now(), ms: now() - a });
    }
  }) as typeof core.store.transaction;
  try {
    const cpu0 = process.cpuUsage();
    const started = now();
    const status = await core.sync.runOnce();
    const elapsedMs = now() - started;
    const cpu = process.cpuUsage(cpu0);
    if (status.initialImport !== 'done') throw new Error(`import did not finish: ${status.state} ${status.message ?? ''}`);
    if (errors.length) log(`  import: the engine logged ${errors.length} error(s), first: ${errors[0]}`);
    const pageTimes = exchanges.filter((e) => e.path === '/contacts' && e.method === 'GET').map((e) => e.ms);
    const pages = pageTimes.length;
    const boundMs = Math.ceil(o.importContacts / PER_PAGE) * o.latencyMs;
    const stored = core.store.contacts.count();
    const pageWrites = writes.filter((w) => w.end > firstPageAt).map((w) => w.ms);
    return {
      contacts: o.importContacts,
      companies: o.importCompanies,
      pages,
      requests: exchanges.length,
      elapsedMs,
      boundMs,
      ratio: elapsedMs / boundMs,
      rowsPerSecond: stored / (elapsedMs / 1000),
      pageMedianMs: median(pageTimes),
      cpuMs: (cpu.user + cpu.system) / 1000,
      writeMedianMs: median(pageWrites),
      writeTotalMs: pageWrites.reduce((a, b) => a + b, 0),
      stored,
      seedMs,
    };
  } finally {
    core.dispose();
    await sb.close();
    removeDir(dir, o.keep, log);
  }
}

export async function runSyncBench(options: Partial<SyncBenchOptions> = {}): Promise<SyncResult> {
  const o = { ...DEFAULT_SYNC_OPTIONS, ...options };
  const log = o.log ?? ((line: string) => console.log(line));
  const t0 = now();
  const loadAverage = os.loadavg()[0]!;
  log(`\nSync with the Intercom sandbox: push of ${fmtInt(o.leads * 4)} entries, naive client, import of ${fmtInt(o.importContacts)} contacts ...`);
  const push = await runPush(o, log);
  log(`  push: ${fmtInt(push.requests)} requests in ${(push.elapsedMs / 1000).toFixed(1)} s, ${pct(push.windows.share)} of the limit, ${push.windows.count429} x 429`);
  const naive = await runNaive(o);
  log(`  naive client: ${fmtInt(naive.requests)} requests in ${(naive.elapsedMs / 1000).toFixed(1)} s, ${pct(naive.windows.share)} of the limit`);
  const check = await runCheckCost(o, log);
  const imp = await runImport(o, log);
  log(`  import: ${fmtInt(imp.stored)} contacts in ${(imp.elapsedMs / 1000).toFixed(1)} s (${imp.ratio.toFixed(2)}x the bound)`);
  const cpus = os.cpus();
  return {
    cores: cpus.length,
    cpu: cpus[0]?.model.trim() ?? 'unknown CPU',
    loadAverage,
    loadAfter: os.loadavg()[0]!,
    node: process.version,
    options: o,
    push,
    naive,
    check,
    import: imp,
    seconds: (now() - t0) / 1000,
  };
}

// ---- report ------------------------------------------------------------------------------------

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const sec = (msValue: number) => `${(msValue / 1000).toFixed(1)} s`;
const verdict = (ok: boolean) => (ok ? 'PASS' : 'MISS');

interface Row {
  measure: string;
  figure: string;
  target: string;
  met: boolean | null;
}

export const pushShareOk = (r: SyncResult) => r.push.windows.share >= SYNC_TARGETS.share;
export const push429Ok = (r: SyncResult) => r.push.windows.max429PerWindow <= SYNC_TARGETS.max429PerWindow;
export const importOk = (r: SyncResult) => r.import.ratio <= SYNC_TARGETS.importRatio;
const pushComplete = (r: SyncResult) => r.push.left.pending === 0 && r.push.left.failed === 0;
const importComplete = (r: SyncResult) => r.import.stored === r.import.contacts;

function rows(r: SyncResult): Row[] {
  const p = r.push;
  const i = r.import;
  const n = r.naive;
  const limit = r.options.rateLimit.limit;
  return [
    { measure: 'push: entries / requests', figure: `${fmtInt(p.entries)} / ${fmtInt(p.requests)}`, target: '(reported)', met: null },
    { measure: 'push: elapsed', figure: `${sec(p.elapsedMs)} (${fmtInt(Math.round(p.entriesPerSecond))} entries/s)`, target: '(reported)', met: null },
    {
      measure: 'push: throughput, share of the limit',
      figure: `${pct(p.windows.share)} (${p.windows.fullWindows.map(fmtInt).join(', ')} per full window)`,
      target: `≥ ${pct(SYNC_TARGETS.share)} of ${fmtInt(limit)}`,
      met: pushShareOk(r),
    },
    {
      measure: 'push: 429 answers',
      figure: `${p.windows.count429} (max ${p.windows.max429PerWindow} in a window)`,
      target: `≤ ${SYNC_TARGETS.max429PerWindow} per window`,
      met: push429Ok(r),
    },
    {
      measure: `check before an update: ${fmtInt(r.check.updates)} edits`,
      figure: `${sec(r.check.with.elapsedMs)} with, ${sec(r.check.without.elapsedMs)} without (${(r.check.with.elapsedMs / r.check.without.elapsedMs).toFixed(2)}x; ${fmtInt(r.check.with.requests)} / ${fmtInt(r.check.without.requests)} requests)`,
      target: '(reported)',
      met: null,
    },
    { measure: 'naive client: share of the limit', figure: `${pct(n.windows.share)} (${n.perSecond.toFixed(1)} requests/s)`, target: '(reported)', met: null },
    {
      measure: `import: ${fmtInt(i.contacts)} contacts`,
      figure: `${sec(i.elapsedMs)} (${fmtInt(Math.round(i.rowsPerSecond))} rows/s)`,
      target: `≤ ${SYNC_TARGETS.importRatio}x ${sec(i.boundMs)}`,
      met: importOk(r),
    },
    { measure: 'import: elapsed / bound', figure: `${i.ratio.toFixed(2)}x`, target: `≤ ${SYNC_TARGETS.importRatio}x`, met: importOk(r) },
  ];
}

const HEADERS = ['measure', 'figure', 'target', 'meets target'];
const cells = (row: Row) => [row.measure, row.figure, row.target, row.met === null ? '-' : verdict(row.met)];

export function syncMisses(r: SyncResult): string[] {
  const out: string[] = [];
  if (!pushShareOk(r)) out.push(`sync: push throughput ${pct(r.push.windows.share)} of the rate limit (target ≥ ${pct(SYNC_TARGETS.share)})`);
  if (!push429Ok(r)) out.push(`sync: up to ${r.push.windows.max429PerWindow} 429s in one window (target ≤ ${SYNC_TARGETS.max429PerWindow})`);
  if (!importOk(r)) out.push(`sync: import ${r.import.ratio.toFixed(2)}x the bound pages x latency (target ≤ ${SYNC_TARGETS.importRatio}x)`);
  if (!pushComplete(r)) out.push(`sync: the push left ${r.push.left.pending} entries pending and ${r.push.left.failed} failed`);
  if (!importComplete(r)) out.push(`sync: the import stored ${fmtInt(r.import.stored)} of ${fmtInt(r.import.contacts)} contacts`);
  return out;
}

export function syncConsoleTable(r: SyncResult): string {
  const body = rows(r).map(cells);
  const widths = HEADERS.map((h, k) => Math.max(h.length, ...body.map((c) => c[k]!.length)));
  const line = (c: string[]) => c.map((x, k) => x.padEnd(widths[k]!)).join('  ').trimEnd();
  return [line(HEADERS), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}

export function syncMarkdown(r: SyncResult, command: string, date: Date): string {
  const o = r.options;
  const p = r.push;
  const n = r.naive;
  const i = r.import;
  const misses = syncMisses(r);
  const mdLine = (c: string[]) => `| ${c.join(' | ')} |`;
  const routes = Object.entries(p.byRoute)
    .sort((a, b) => b[1] - a[1])
    .map(([k, v]) => `${k} ${fmtInt(v)}`)
    .join(', ');
  return [
    '## Sync with Intercom (sandbox)',
    '',
    `Made by \`${command}\` (test/bench/sync.ts) on ${date.toISOString().slice(0, 10)}; the sync part took ${Math.round(r.seconds)} s. ` +
      `Machine: ${r.cores} cores (${r.cpu}), ${Math.round(os.totalmem() / 2 ** 30)} GiB RAM, ${os.type()} ${os.release()}; Node ${r.node}; ` +
      `1-minute load average ${r.loadAverage.toFixed(1)} at the start and ${r.loadAfter.toFixed(1)} at the end` +
      (r.loadAverage > r.cores || r.loadAfter > r.cores ? ' (other work was running: more runnable processes than cores, so every figure is slower than on a quiet machine)' : '') +
      `. The engine (\`createCore\` -> \`core.sync.runOnce()\`, ` +
      `default concurrency ${p.concurrency}) talks HTTP over 127.0.0.1 to the sandbox (electron/sandbox): in this Node process for the ` +
      `push and the naive client, in a process of its own for the import (as Intercom is never in ours: encoding 230 KB pages would ` +
      `otherwise take turns with the engine on one thread); ` +
      `every sandbox answer waits ${o.latencyMs} ms first.`,
    '',
    mdLine(HEADERS),
    mdLine(['---', '---:', '---', '---']),
    ...rows(r).map((row) => mdLine(cells(row))),
    '',
    `- **Push**: ${fmtInt(p.leads)} leads typed in offline, each with a create, an update (phone), a stage change (signed up) and a link ` +
      `to one of ${p.companies} companies that the first import had brought in: ${fmtInt(p.entries)} outbox entries. The engine folds a ` +
      `new contact's create, update and stage change into one \`POST /contacts\`, so they go out as ${fmtInt(p.requests)} requests (${routes}). ` +
      `Sandbox limit ${fmtInt(o.rateLimit.limit)} per ${o.rateLimit.windowMs / 1000} s window (aligned to the clock, as Intercom's are). ` +
      `Elapsed is from the first push request to the answer of the last (the pull before it, and the rest of the run, took ${sec(p.runMs - p.elapsedMs)}). ` +
      `Share of the limit: the requests the sandbox accepted in each window wholly inside the push, over the limit, averaged ` +
      `(${p.windows.fullWindows.length} full windows of ${p.windows.windowsTouched} touched). The engine's limiter held requests back ` +
      `${sec(p.throttledMs)} in all. Afterwards ${p.left.pending} entries were pending and ${p.left.failed} failed; Intercom held ` +
      `${fmtInt(p.remoteContacts)} contacts and ${fmtInt(p.remoteLinks)} links.`,
    `- **Check before an update** (no silent overwrite between colleagues): ${fmtInt(r.check.updates)} contacts the first import brought in, ` +
      `each given a new phone here, pushed on a fresh sandbox (same limit and latency) with the check (each contact read by \`GET /contacts/{id}\` ` +
      `and applied as a pull would, then \`PUT\`) and without it: ${fmtInt(r.check.with.requests)} requests in ${sec(r.check.with.elapsedMs)} ` +
      `(${pct(r.check.with.windows.share)} of the limit) against ${fmtInt(r.check.without.requests)} in ${sec(r.check.without.elapsedMs)} ` +
      `(${pct(r.check.without.windows.share)}), ${(r.check.with.elapsedMs / r.check.without.elapsedMs).toFixed(2)}x; ` +
      `${r.check.with.left.conflicts} conflicts, ${r.check.with.left.pending + r.check.with.left.failed} entries left.`,
    `- **Naive client**: on a fresh sandbox with the same limit and latency, a plain loop of \`axios.post('/contacts')\`, each awaiting ` +
      `the one before, no pacing: ${fmtInt(n.requests)} requests in ${sec(n.elapsedMs)}, ${n.perSecond.toFixed(1)} requests/s, ` +
      `${pct(n.windows.share)} of the limit (${n.windows.fullWindows.map(fmtInt).join(', ') || 'no full window'} per full window), ` +
      `${n.windows.count429} x 429.`,
    `- **Import**: the first import of a sandbox seeded with ${fmtInt(i.contacts)} contacts and ${fmtInt(i.companies)} companies ` +
      `(Stage attributes defined; seeded in ${sec(i.seedMs)}) into an empty store, through \`runOnce()\` (attribute listing, company scroll, ` +
      `then the contact list 150 a page, each page written in one transaction while the next is on the wire). Rate limit ` +
      `100,000 per 10 s, which never binds. Bound: ceil(${fmtInt(i.contacts)} / 150) = ${fmtInt(Math.ceil(i.contacts / PER_PAGE))} pages x ` +
      `${o.latencyMs} ms = ${sec(i.boundMs)}. ${fmtInt(i.pages)} contact pages and ${fmtInt(i.requests)} requests in all; a contact page took ` +
      `${ms(i.pageMedianMs)} ms from request to parsed answer (median), and the engine's write of a page (the store transaction ` +
      `that applies it, while the next page is on the wire) ${ms(i.writeMedianMs)} ms (median; ${sec(i.writeTotalMs)} in all). ` +
      `The engine's process used ${sec(i.cpuMs)} of CPU in the ${sec(i.elapsedMs)} (${pct(i.cpuMs / i.elapsedMs)} of one core). ` +
      `${fmtInt(i.stored)} contacts stored.`,
    '',
    misses.length ? `Misses: ${misses.join('; ')}.` : 'Every sync target is met.',
    ...(importOk(r) || !(i.writeMedianMs > o.latencyMs)
      ? []
      : [
          '',
          `Why the import misses: the pages come one after the other (each answer names the next), so the import cannot go faster ` +
            `than its slowest stage per page. The engine's write of a page (median ${ms(i.writeMedianMs)} ms) is longer than the ` +
            `${o.latencyMs} ms a page waits on the wire, so the import runs at the pace of the writes, not of Intercom.`,
        ]),
  ].join('\n');
}
