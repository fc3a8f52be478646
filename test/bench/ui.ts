// The console in real Chromium on a 100k store: time to first rows on start, keystroke in the
// search box to updated rows painted, and frame times while scrolling the leads table from top
// to bottom. Run by `npm run bench` after the store benchmark (see run.ts for the flags).
//
// It seeds a store with the same data as the store bench (seedStore.ts), starts the built
// browser-mode server on it (out/main/bridge.js, built first if stale), and drives Debian's
// Chromium (or CHROMIUM_PATH) with the launch arguments of playwright.config.ts. The timing
// happens inside the page (uiProbe.browser.js, injected before the app's own scripts), so the
// round trips between this process and the browser never count.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright';
import { DB_FILE_NAME } from '../../electron/core/app';
import { CHROMIUM_ARGS, systemChromium } from '../chromium';
import { startBridge, type RunningBridge } from './bridge';
import { trackDir, untrackDir } from './cleanup';
import { fmtInt, summarize, UI_TARGETS, type KeystrokeSample, type UiResult, type UiSkipped } from './report';
import { seedStore } from './seedStore';

const ROOT = path.resolve(import.meta.dirname, '../..');
const PROBE = path.join(import.meta.dirname, 'uiProbe.browser.js');

const VIEWPORT = { width: 1280, height: 800 };

export interface UiBenchOptions {
  contacts: number;
  /** Fresh page loads timed for the first rows (after one untimed cold load). */
  loads: number;
  /** Times the whole list of typed queries is typed. */
  rounds: number;
  /** Leave the temp folder (store and bridge.json). */
  keep: boolean;
  /** Build out/ first when the sources are newer (as the e2e tests do). */
  build: boolean;
  log?: (line: string) => void;
}

export const DEFAULT_UI_OPTIONS: UiBenchOptions = { contacts: 100_000, loads: 10, rounds: 2, keep: false, build: true };

/**
 * What a sales person types, from the seed data (seedData.ts): a common first name (many matches,
 * narrowing letter by letter), a last name, a personal email domain (many), a company name (the
 * search index holds the contact's companies; a few hundred), a piece of an email address (a
 * dozen) and a word that matches nothing.
 */
export const TYPED_QUERIES: { text: string; kind: string }[] = [
  { text: 'maria', kind: 'first name' },
  { text: 'nguyen', kind: 'last name' },
  { text: 'gmail', kind: 'email domain' },
  { text: 'acme', kind: 'company' },
  { text: 'mgarc', kind: 'email piece' },
  { text: 'qzxv', kind: 'no match' },
];
/** Pause after each keystroke's rows are painted: a typist's gap, and any trailing work settles. */
const TYPING_GAP_MS = 120;

/** The probe's API inside the page (uiProbe.browser.js). */
interface KeyTiming {
  keydown: number;
  commit: number;
  raf: number;
  painted: number;
  keys: number;
  rows: number;
  placeholders: number;
  total: number;
  /** contacts.list calls since the keydown, and the one that brought the rows. */
  calls: number;
  apiStart: number | null;
  apiEnd: number | null;
}
interface FrameRecord {
  frames: number[];
  longTasks: number[];
  longTaskSupported: boolean;
}
interface GridInfo {
  scrollHeight: number;
  clientHeight: number;
  scrollTop: number;
  resultFor: string | null;
  total: number;
  rowHeight: number | null;
  rows: number;
  placeholders: number;
  maxIndex: number;
}
interface FillResult {
  ms: number | null;
  frames: number;
  maxIndex: number;
  scrollTop: number;
}
interface Probe {
  firstRowCommit: number | null;
  firstRowPaint: number | null;
  navigation(): { responseEnd: number; domContentLoaded: number; listStart: number | null; listEnd: number | null } | null;
  expect(text: string): void;
  result(timeoutMs: number): Promise<KeyTiming | null>;
  gridInfo(): GridInfo | null;
  resultFor(): string | null;
  idleFrames(n: number): Promise<FrameRecord>;
  scrollBy(px: number, frames: number): Promise<FrameRecord>;
  scrollDrag(steps: number): Promise<FrameRecord>;
  startFrames(): void;
  stopFrames(): Promise<FrameRecord>;
  fillAfterJump(scrollTop: number, timeoutMs: number): Promise<FillResult>;
}
// Functions handed to page.evaluate are serialized and run in the page, where the probe is a
// global of the window: they name it directly (no closures over this module).
declare global {
  var __leadBench: Probe;
}

/** Debian's Chromium (or CHROMIUM_PATH), else Playwright's own if it was downloaded. */
async function findChromium(): Promise<string | null> {
  const system = systemChromium();
  if (system) return system;
  try {
    const { chromium } = await import('playwright');
    const own = chromium.executablePath();
    return own && fs.existsSync(own) ? own : null;
  } catch {
    return null;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function openConsole(browser: Browser, openUrl: string): Promise<{ page: Page; close(): Promise<void> }> {
  const context = await browser.newContext({ viewport: VIEWPORT });
  const page = await context.newPage();
  await page.addInitScript({ path: PROBE });
  await page.goto(openUrl, { waitUntil: 'commit' });
  await page.waitForFunction(() => typeof __leadBench !== 'undefined' && __leadBench.firstRowPaint !== null, undefined, { timeout: 60_000 });
  return { page, close: () => context.close() };
}

async function gridInfo(page: Page): Promise<GridInfo> {
  const info = await page.evaluate(() => __leadBench.gridInfo());
  if (!info) throw new Error('no [data-testid="leads-grid"] on the page');
  return info;
}

/** Waits until the grid shows the rows of `text` (all contacts for ''). A function, not a string: the console's CSP forbids eval. */
async function waitForResult(page: Page, text: string) {
  await page.waitForFunction((t) => __leadBench.resultFor() === t, text, { timeout: 30_000 });
}

export async function measureFirstRows(browser: Browser, openUrl: string, loads: number, log: (s: string) => void): Promise<UiResult['firstRows']> {
  const paint: number[] = [];
  const commit: number[] = [];
  const response: number[] = [];
  const dcl: number[] = [];
  const listStart: number[] = [];
  const listEnd: number[] = [];
  let cold = NaN;
  for (let i = 0; i <= loads; i++) {
    const { page, close } = await openConsole(browser, openUrl);
    try {
      const t = await page.evaluate(() => ({ commit: __leadBench.firstRowCommit!, paint: __leadBench.firstRowPaint!, nav: __leadBench.navigation() }));
      if (i === 0) cold = t.paint;
      else {
        paint.push(t.paint);
        commit.push(t.commit);
        if (t.nav) {
          response.push(t.nav.responseEnd);
          dcl.push(t.nav.domContentLoaded);
          if (t.nav.listStart !== null && t.nav.listEnd !== null) {
            listStart.push(t.nav.listStart);
            listEnd.push(t.nav.listEnd);
          }
        }
      }
      const n = t.nav;
      log(
        `  load ${i === 0 ? 'cold' : i}: first rows painted at ${t.paint.toFixed(0)} ms (HTML ${n?.responseEnd.toFixed(0)}, scripts run ` +
          `${n?.domContentLoaded.toFixed(0)}, first page asked ${n?.listStart?.toFixed(0)}, answered ${n?.listEnd?.toFixed(0)}, in the DOM ${t.commit.toFixed(0)})`,
      );
    } finally {
      await close();
    }
  }
  // Then the same profile reopening the console, as a second start would: caches warm.
  const warm: number[] = [];
  const { page, close } = await openConsole(browser, openUrl);
  try {
    for (let i = 0; i < loads; i++) {
      // leave first: the link differs from the page's address only after '#', which would not load anything
      await page.goto('about:blank');
      await page.goto(openUrl, { waitUntil: 'commit' });
      await page.waitForFunction(() => typeof __leadBench !== 'undefined' && __leadBench.firstRowPaint !== null, undefined, { timeout: 60_000 });
      warm.push(await page.evaluate(() => __leadBench.firstRowPaint!));
    }
  } finally {
    await close();
  }
  log(`  reopened in the same profile ${loads} times: first rows painted at ${warm.map((w) => w.toFixed(0)).join(', ')} ms`);
  return {
    cold,
    warm: summarize(warm),
    paint: summarize(paint),
    commit: summarize(commit),
    documentResponse: summarize(response),
    domContentLoaded: summarize(dcl),
    listStart: summarize(listStart),
    listEnd: summarize(listEnd),
    samples: paint,
  };
}

export async function measureKeystrokes(page: Page, rounds: number, log: (s: string) => void): Promise<UiResult['keystroke']> {
  const search = page.getByLabel('Search leads');
  await search.click();
  const samples: KeystrokeSample[] = [];
  let current = await search.inputValue();

  const keystroke = async (key: string, next: string, kind: string) => {
    await page.evaluate((t) => __leadBench.expect(t), next);
    await page.keyboard.press(key);
    const r = await page.evaluate(() => __leadBench.result(15_000));
    if (!r) {
      const info = await gridInfo(page).catch(() => null);
      throw new Error(
        `after typing "${next}" the grid never showed its rows (data-result-for stayed ${JSON.stringify(info?.resultFor)}; ` +
          `the box holds ${JSON.stringify(await search.inputValue())})`,
      );
    }
    if (r.keys !== 1) throw new Error(`expected one keydown for "${next}", saw ${r.keys}`);
    samples.push({
      text: next,
      kind,
      ms: r.painted - r.keydown,
      commitMs: r.commit - r.keydown,
      requestAtMs: r.apiStart === null ? null : r.apiStart - r.keydown,
      requestMs: r.apiStart === null || r.apiEnd === null ? null : r.apiEnd - r.apiStart,
      calls: r.calls,
      total: r.total,
      rows: r.rows,
      placeholders: r.placeholders,
    });
    current = next;
    await sleep(TYPING_GAP_MS);
  };

  for (let round = 0; round < rounds; round++) {
    for (const q of TYPED_QUERIES) {
      if (current !== '') {
        await page.keyboard.press('ControlOrMeta+a');
        await keystroke('Backspace', '', 'clear (all contacts)');
      }
      for (let i = 1; i <= q.text.length; i++) await keystroke(q.text[i - 1]!, q.text.slice(0, i), q.kind);
      const last = samples.slice(-q.text.length);
      log(`  "${q.text}" (${q.kind}): ${last.map((s) => `${s.text} ${s.ms.toFixed(0)} ms [${fmtInt(s.total)}]`).join(', ')}`);
    }
  }
  await page.keyboard.press('ControlOrMeta+a');
  await keystroke('Backspace', '', 'clear (all contacts)');

  const typed = samples.map((s) => s.ms);
  return {
    all: summarize(typed),
    commit: summarize(samples.map((s) => s.commitMs)),
    requestAt: summarize(samples.flatMap((s) => (s.requestAtMs === null ? [] : [s.requestAtMs]))),
    request: summarize(samples.flatMap((s) => (s.requestMs === null ? [] : [s.requestMs]))),
    overTarget: typed.filter((v) => v >= UI_TARGETS.keystrokeMs).length,
    byKind: [...new Set(samples.map((s) => s.kind))].map((kind) => ({ kind, ...summarize(samples.filter((s) => s.kind === kind).map((s) => s.ms)) })),
    emptyPaints: samples.filter((s) => s.total > 0 && s.rows === 0).length,
    samples,
  };
}

export async function measureScroll(page: Page, contacts: number, log: (s: string) => void): Promise<UiResult['scroll']> {
  await waitForResult(page, '');
  let info = await gridInfo(page);
  if (info.total !== contacts) throw new Error(`the grid's data-total is ${info.total}, expected ${contacts}`);
  const max = () => info.scrollHeight - info.clientHeight;
  log(`  grid: ${fmtInt(info.scrollHeight)} px tall, ${info.clientHeight} px in view, rows ${info.rowHeight ?? '?'} px`);

  const idle = await page.evaluate(() => __leadBench.idleFrames(60));

  // placeholders to rows: jumps to pages not seen yet, spread over the table
  const fill: number[] = [];
  let fillTimeouts = 0;
  let fillFirstFrame = 0;
  const JUMPS = 12;
  for (let k = 0; k < JUMPS; k++) {
    const top = Math.round((max() * (k + 0.37)) / JUMPS);
    const r = await page.evaluate(([t, ms]) => __leadBench.fillAfterJump(t, ms), [top, 10_000] as const);
    if (r.ms === null) fillTimeouts++;
    else {
      fill.push(r.ms);
      if (r.frames === 1) fillFirstFrame++;
    }
    await sleep(200);
  }
  // the very bottom: the last contact must be reachable
  const bottom = await page.evaluate(([t, ms]) => __leadBench.fillAfterJump(t, ms), [max(), 10_000] as const);
  const lastRowShown = bottom.maxIndex === contacts - 1;
  await page.evaluate(([t, ms]) => __leadBench.fillAfterJump(t, ms), [0, 10_000] as const);
  await sleep(300);

  const segments: UiResult['scroll']['segments'] = [];
  const allFrames: number[] = [];
  const longTasks: number[] = [];
  let longTaskSupported = true;
  const add = (label: string, rec: FrameRecord) => {
    segments.push({ label, ...summarize(rec.frames), over: rec.frames.filter((f) => f > UI_TARGETS.frameMs).length });
    allFrames.push(...rec.frames);
    longTasks.push(...rec.longTasks);
    longTaskSupported &&= rec.longTaskSupported;
    const s = segments.at(-1)!;
    log(`  ${label}: ${s.n} frames, median ${s.median.toFixed(1)} ms, p95 ${s.p95.toFixed(1)} ms, max ${s.max.toFixed(1)} ms, ${s.over} over ${UI_TARGETS.frameMs} ms`);
  };

  add('wheel speed, 40 px a frame (240 frames)', await page.evaluate(() => __leadBench.scrollBy(40, 240)));
  info = await gridInfo(page);
  add(`a page a frame, ${info.clientHeight} px (240 frames)`, await page.evaluate((px) => __leadBench.scrollBy(px, 240), info.clientHeight));
  add('top to bottom in 240 frames (thumb drag)', await page.evaluate(() => __leadBench.scrollDrag(240)));

  // real wheel input through the browser's input path, from the top
  await page.evaluate(([t, ms]) => __leadBench.fillAfterJump(t, ms), [0, 10_000] as const);
  await sleep(300);
  const box = await page.getByTestId('leads-grid').boundingBox();
  if (box) {
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.evaluate(() => __leadBench.startFrames());
    for (let i = 0; i < 120; i++) {
      await page.mouse.wheel(0, 120);
      await sleep(16);
    }
    const rec = await page.evaluate(() => __leadBench.stopFrames());
    const moved = (await gridInfo(page)).scrollTop;
    add(`mouse wheel, 120 px a tick (120 ticks, ${fmtInt(Math.round(moved))} px scrolled)`, rec);
  }
  const whole = summarize(allFrames);
  return {
    rowHeight: info.rowHeight,
    scrollHeight: info.scrollHeight,
    idle: summarize(idle.frames),
    frames: { ...whole, over: allFrames.filter((f) => f > UI_TARGETS.frameMs).length },
    segments,
    longTasks: longTaskSupported ? { count: longTasks.length, max: longTasks.length ? Math.max(...longTasks) : 0 } : null,
    fill: { ...summarize(fill), timeouts: fillTimeouts, firstFrame: fillFirstFrame },
    lastRowShown,
  };
}

/** Runs the whole UI benchmark; a missing Chromium (or playwright) is a skip, not a failure. */
export async function runUiBench(options: Partial<UiBenchOptions> = {}): Promise<UiResult | UiSkipped> {
  const opts = { ...DEFAULT_UI_OPTIONS, ...options };
  const log = opts.log ?? ((s: string) => console.log(s));

  const executablePath = await findChromium();
  if (!executablePath) {
    return { skipped: 'no Chromium found (install it with `apt-get install chromium`, or set CHROMIUM_PATH)' };
  }
  let chromium: typeof import('playwright').chromium;
  try {
    ({ chromium } = await import('playwright'));
  } catch (e) {
    return { skipped: `playwright could not be loaded (${(e as Error).message})` };
  }

  if (opts.build) {
    const { ensureBuilt } = await import('../../electron/launcher/build.mjs');
    ensureBuilt();
  }
  for (const f of ['out/main/bridge.js', 'out/renderer/index.html']) {
    if (!fs.existsSync(path.join(ROOT, f))) return { skipped: `${f} is missing: run \`npm run build\` first` };
  }

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lead-console-ui-bench-'));
  if (!opts.keep) trackDir(dir);
  let bridge: RunningBridge | null = null;
  let browser: Browser | null = null;
  // before this run adds its own load (seeding, then browser, server and this process)
  const loadBefore = os.loadavg()[0]!;
  try {
    log(`\nConsole in Chromium: seeding ${fmtInt(opts.contacts)} contacts into ${dir} ...`);
    const seeded = seedStore(path.join(dir, DB_FILE_NAME), opts.contacts);
    log(`  seeded in ${seeded.seedSeconds.toFixed(1)} s`);
    bridge = await startBridge(ROOT, dir);
    try {
      browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS });
    } catch (e) {
      return { skipped: `Chromium at ${executablePath} did not start (${(e as Error).message.split('\n')[0]})` };
    }
    const chromiumVersion = browser.version();
    log(`  Chromium ${chromiumVersion} (${executablePath}), headless, ${VIEWPORT.width}x${VIEWPORT.height}`);

    log(`First rows: 1 cold load, then ${opts.loads} fresh page loads (new browser context each)`);
    const firstRows = await measureFirstRows(browser, bridge.openUrl, opts.loads, log);

    const { page, close } = await openConsole(browser, bridge.openUrl);
    try {
      await waitForResult(page, '');
      const countText = (await page.getByTestId('contact-count').textContent())?.trim() ?? '';
      if (Number(countText.replace(/\D/g, '')) !== opts.contacts) log(`  note: the contact count reads "${countText}"`);
      await sleep(500);
      log(`Keystroke to painted rows: ${opts.rounds} round(s) of ${TYPED_QUERIES.map((q) => `"${q.text}"`).join(', ')}, a key at a time`);
      const keystroke = await measureKeystrokes(page, opts.rounds, log);
      log('Scrolling the whole table (search cleared)');
      const scroll = await measureScroll(page, opts.contacts, log);
      return {
        cores: os.cpus().length,
        loadAverage: loadBefore,
        contacts: opts.contacts,
        chromium: `Chromium ${chromiumVersion}`,
        viewport: VIEWPORT,
        seedSeconds: seeded.seedSeconds,
        loads: opts.loads,
        rounds: opts.rounds,
        firstRows,
        keystroke,
        scroll,
      };
    } finally {
      await close();
    }
  } finally {
    await browser?.close().catch(() => undefined);
    await bridge?.stop();
    if (opts.keep) log(`  kept ${dir}`);
    else fs.rmSync(dir, { recursive: true, force: true });
    untrackDir(dir);
  }
}
