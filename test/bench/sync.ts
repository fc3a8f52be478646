// The sync engine's push against the Intercom sandbox over real HTTP on 127.0.0.1 (the first import
// of a large workspace has a bench of its own, firstImport.ts, run after this one):
//   1. Push: 10,000 outbox entries (2,500 new leads, each with a create, an update, a stage change
//      and a link to one of 50 companies Intercom already has) drained by `core.sync.runOnce()`
//      into a sandbox limited to 1,000 requests per 10 s window, 30 ms per answer. Beside it, on a
//      fresh sandbox with the same settings, a naive client (one axios call at a time, no pacing).
//   1c. The check before an update (sync/ops/currentCheck.ts): 2,000 contacts Intercom already has,
//      each edited once here, pushed with the check and, on a fresh sandbox, without it.
// Run by `npm run bench` after the console bench, or alone with `npm run bench -- --sync-only`.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import axios from 'axios';
import { createCore, type Core } from '../../electron/core/app';
import { startSandbox, type Sandbox, type SandboxOptions } from '../../electron/sandbox';
import type { ExchangeInfo } from '../../electron/core/sync/IntercomClient';
import { trackDir, untrackDir } from './cleanup';
import { fmtInt } from './report';
import { now } from './stats';


export const SYNC_TARGETS = { share: 0.9, max429PerWindow: 1 } as const;

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
  updates: 2_000,
  keep: false,
};

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

export async function runSyncBench(options: Partial<SyncBenchOptions> = {}): Promise<SyncResult> {
  const o = { ...DEFAULT_SYNC_OPTIONS, ...options };
  const log = o.log ?? ((line: string) => console.log(line));
  const t0 = now();
  const loadAverage = os.loadavg()[0]!;
  log(`\nSync with the Intercom sandbox: push of ${fmtInt(o.leads * 4)} entries, naive client ...`);
  const push = await runPush(o, log);
  log(`  push: ${fmtInt(push.requests)} requests in ${(push.elapsedMs / 1000).toFixed(1)} s, ${pct(push.windows.share)} of the limit, ${push.windows.count429} x 429`);
  const naive = await runNaive(o);
  log(`  naive client: ${fmtInt(naive.requests)} requests in ${(naive.elapsedMs / 1000).toFixed(1)} s, ${pct(naive.windows.share)} of the limit`);
  const check = await runCheckCost(o, log);
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
const pushComplete = (r: SyncResult) => r.push.left.pending === 0 && r.push.left.failed === 0;

function rows(r: SyncResult): Row[] {
  const p = r.push;
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
  ];
}

const HEADERS = ['measure', 'figure', 'target', 'meets target'];
const cells = (row: Row) => [row.measure, row.figure, row.target, row.met === null ? '-' : verdict(row.met)];

export function syncMisses(r: SyncResult): string[] {
  const out: string[] = [];
  if (!pushShareOk(r)) out.push(`sync: push throughput ${pct(r.push.windows.share)} of the rate limit (target ≥ ${pct(SYNC_TARGETS.share)})`);
  if (!push429Ok(r)) out.push(`sync: up to ${r.push.windows.max429PerWindow} 429s in one window (target ≤ ${SYNC_TARGETS.max429PerWindow})`);
  if (!pushComplete(r)) out.push(`sync: the push left ${r.push.left.pending} entries pending and ${r.push.left.failed} failed`);
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
      `default concurrency ${p.concurrency}) talks HTTP over 127.0.0.1 to the sandbox (electron/sandbox) in this Node process; ` +
      `every sandbox answer waits ${o.latencyMs} ms first. The first import of a large workspace has its own section below.`,
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
    '',
    misses.length ? `Misses: ${misses.join('; ')}.` : 'Every sync target is met.',
  ].join('\n');
}
