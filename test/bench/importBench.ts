// Import speed: a generated 100,000-row contacts CSV, then a 100,000-row events file (page views of
// those contacts' visitor ids, with referrer and landing page), each imported through the API on
// a fresh core, from `import.open` to the run's end. Target: 100k rows in under 30 s, each file.
// Wired into `npm run bench` (run.ts: --import-only, --no-import), which writes its section of
// BENCHMARKS.md between the markers below.
//   npx tsx test/bench/importBench.ts [rows]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { createCore, type Core } from '../../electron/core/app';
import type { ImportJob } from '../../shared/activity';
import { trackDir, untrackDir } from './cleanup';
import { fmtInt } from './report';

/** Each file's import, upload to the end of the run, must take under this many seconds at 100k rows. */
export const IMPORT_TARGET_SECONDS = 30;
export const DEFAULT_IMPORT_ROWS = 100_000;

export interface ImportBenchFigures {
  rows: number;
  seconds: number;
  rowsPerSecond: number;
  /** CPU time (user + system) of the whole process over the same span. */
  cpuSeconds: number;
  /** Size of the generated file. */
  bytes: number;
}

export interface ImportBenchResult extends ImportBenchFigures {
  /** The events file imported after the contacts, into the same store. */
  events: ImportBenchFigures;
  /** One-minute load average just before the contacts import (a busy machine stretches wall time). */
  loadAverage: number;
}

async function call<T>(core: Core, method: string, input: unknown): Promise<T> {
  const res = await core.call(method, input);
  if (!res.ok) throw new Error(`${method}: ${res.error.code} ${res.error.message}`);
  return res.value as T;
}

function contactsCsv(n: number): Buffer {
  const lines = ['email,name,stage,user id,visitor id,phone,plan'];
  for (let i = 1; i <= n; i++) {
    lines.push(`person${i}@example.com,Person ${i},${i % 4 === 0 ? 'Signed up' : 'Lead'},user-${i},visitor-${i},+1 555 ${String(i).padStart(7, '0')},${i % 3 === 0 ? 'pro' : 'free'}`);
  }
  return Buffer.from(`${lines.join('\n')}\n`, 'utf8');
}

function eventsCsv(n: number, contacts: number): Buffer {
  const lines = ['visitor id,event,timestamp,referrer,landing page'];
  const t0 = Date.UTC(2024, 0, 1) / 1000;
  for (let i = 1; i <= n; i++) {
    const visitor = ((i * 7919) % contacts) + 1;
    lines.push(`visitor-${visitor},page_view,${t0 + i * 37},https://search.example/?q=${i % 50},https://app.example/pricing/${i % 20}`);
  }
  return Buffer.from(`${lines.join('\n')}\n`, 'utf8');
}

/** Uploads, starts with the guessed mapping and waits for the end; the seconds cover all of it. */
async function importFile(core: Core, fileName: string, bytes: Buffer): Promise<{ job: ImportJob; seconds: number; cpuSeconds: number }> {
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  let job = await call<ImportJob>(core, 'import.open', { fileName, size: bytes.length });
  const piece = 750_000; // a multiple of 3: every piece is whole base64, 1,000,000 characters
  for (let offset = 0; offset < bytes.length; offset += piece) {
    job = await call<ImportJob>(core, 'import.chunk', { importId: job.id, offset, data: bytes.subarray(offset, offset + piece).toString('base64') });
  }
  const analysis = await call<{ guessedKind: string; mapping: Record<string, string> }>(core, 'import.analyse', { importId: job.id });
  await call(core, 'import.start', { importId: job.id, kind: analysis.guessedKind, mapping: analysis.mapping, duplicates: 'skip' });
  for (;;) {
    job = await call<ImportJob>(core, 'import.status', { importId: job.id });
    if (job.state !== 'running') break;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  if (job.state !== 'done') throw new Error(`${fileName}: the import ended ${job.state} (${job.error ?? ''})`);
  return { job, seconds, cpuSeconds };
}

export async function benchImport(rows = DEFAULT_IMPORT_ROWS, log: (line: string) => void = () => {}): Promise<ImportBenchResult> {
  const loadAverage = os.loadavg()[0]!;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lead-console-import-bench-'));
  trackDir(dir);
  const core = createCore({ dataDir: dir, mode: 'test', autoSync: false, actor: 'bench' });
  try {
    const contactsBytes = contactsCsv(rows);
    const contacts = await importFile(core, 'contacts.csv', contactsBytes);
    if (contacts.job.created !== rows) throw new Error(`contacts: ${contacts.job.created} created of ${rows}`);
    log(`import: ${rows.toLocaleString('en')} contacts in ${contacts.seconds.toFixed(1)} s (${Math.round(rows / contacts.seconds).toLocaleString('en')} rows/s; ${contacts.cpuSeconds.toFixed(1)} s of CPU)`);
    const contactsFigures = { rows, seconds: contacts.seconds, rowsPerSecond: rows / contacts.seconds, cpuSeconds: contacts.cpuSeconds, bytes: contactsBytes.length };
    if (process.env.IMPORT_BENCH_CONTACTS_ONLY) return { ...contactsFigures, events: { rows: 0, seconds: 0, rowsPerSecond: 0, cpuSeconds: 0, bytes: 0 }, loadAverage };
    const eventsBytes = eventsCsv(rows, rows);
    const events = await importFile(core, 'events.csv', eventsBytes);
    if (events.job.created !== rows) throw new Error(`events: ${events.job.created} created of ${rows}`);
    log(`import: ${rows.toLocaleString('en')} events in ${events.seconds.toFixed(1)} s (${Math.round(rows / events.seconds).toLocaleString('en')} rows/s; ${events.cpuSeconds.toFixed(1)} s of CPU)`);
    return {
      ...contactsFigures,
      events: { rows, seconds: events.seconds, rowsPerSecond: rows / events.seconds, cpuSeconds: events.cpuSeconds, bytes: eventsBytes.length },
      loadAverage,
    };
  } finally {
    core.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
    untrackDir(dir);
  }
}

// ---- the report (npm run bench) ---------------------------------------------------------------

const verdict = (ok: boolean) => (ok ? 'PASS' : 'MISS');
const IMPORT_HEADERS = ['file', 'rows', 'size', 'seconds', 'rows/s', 'cpu seconds', 'cpu / wall', `< ${IMPORT_TARGET_SECONDS} s`];

/** The two files' rows, the events one left out when it did not run (IMPORT_BENCH_CONTACTS_ONLY). */
function importRows(r: ImportBenchResult): [string, ImportBenchFigures][] {
  const files: [string, ImportBenchFigures][] = [['contacts.csv', r]];
  if (r.events.rows > 0) files.push(['events.csv', r.events]);
  return files;
}

function importCells([file, f]: [string, ImportBenchFigures]): string[] {
  return [
    file,
    fmtInt(f.rows),
    `${(f.bytes / 2 ** 20).toFixed(1)} MiB`,
    f.seconds.toFixed(1),
    fmtInt(Math.round(f.rowsPerSecond)),
    f.cpuSeconds.toFixed(1),
    `${((100 * f.cpuSeconds) / f.seconds).toFixed(0)}%`,
    verdict(f.seconds < IMPORT_TARGET_SECONDS),
  ];
}

export function importConsoleTable(r: ImportBenchResult): string {
  const body = importRows(r).map(importCells);
  const widths = IMPORT_HEADERS.map((h, i) => Math.max(h.length, ...body.map((row) => row[i]!.length)));
  const line = (c: string[]) => c.map((x, i) => (i === 0 ? x.padEnd(widths[i]!) : x.padStart(widths[i]!))).join('  ');
  return [line(IMPORT_HEADERS), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}

/** The target is for 100k rows; a run with fewer rows must still fit in it. */
export function importMisses(r: ImportBenchResult): string[] {
  return importRows(r)
    .filter(([, f]) => !(f.seconds < IMPORT_TARGET_SECONDS))
    .map(([file, f]) => `import: ${file}: ${fmtInt(f.rows)} rows in ${f.seconds.toFixed(1)} s (target < ${IMPORT_TARGET_SECONDS} s)`);
}

export function importMarkdown(r: ImportBenchResult, command: string, date: Date): string {
  const line = (c: string[]) => `| ${c.join(' | ')} |`;
  const misses = importMisses(r);
  return [
    `## Import: ${fmtInt(r.rows)} contacts, then ${r.events.rows > 0 ? fmtInt(r.events.rows) : 'no'} events`,
    '',
    `Made by \`${command}\` (test/bench/importBench.ts) on ${date.toISOString().slice(0, 10)}, on ${os.cpus().length} cores ` +
      `(load average ${r.loadAverage.toFixed(1)} when it started). Target: each file's ${fmtInt(DEFAULT_IMPORT_ROWS)} rows imported in under ${IMPORT_TARGET_SECONDS} s.`,
    '',
    'Two generated CSV files go through the import API of a fresh core built by `createCore` (empty store, auto-sync off), ' +
      'one after the other into the same store: first the contacts (email, name, stage, user id, visitor id, phone, plan; ' +
      'every row a new contact), then as many page-view events (visitor id, event, timestamp, referrer, landing page) ' +
      'spread over those contacts\' visitor ids. Each file is timed from `import.open` to the end of the run: the upload in ' +
      'base64 pieces of 1,000,000 characters (`import.chunk`), `import.analyse`, `import.start` with the guessed kind and ' +
      'mapping (duplicates: skip), then `import.status` every 20 ms until the job leaves "running"; the job must end ' +
      '"done" with every row created. One run of each, no warm-up: single figures, not medians. "cpu seconds" is the CPU ' +
      'time (user + system) of the whole process over the same span; "cpu / wall" its share of one core, so a busy machine ' +
      '(see the load average) shows up as a low share rather than as more work.',
    '',
    line(IMPORT_HEADERS),
    line(IMPORT_HEADERS.map((_, i) => (i === 0 ? '---' : '---:'))),
    ...importRows(r).map((f) => line(importCells(f))),
    '',
    misses.length ? misses.map((m) => `- MISS ${m}`).join('\n') : 'Both files meet the target.',
  ].join('\n');
}

export const IMPORT_BEGIN = '<!-- import: written by npm run bench (test/bench/importBench.ts) -->';
export const IMPORT_END = '<!-- end of import -->';

/** BENCHMARKS.md without its import section, and that section (markers included, or ''). */
export function takeImportSection(text: string): { section: string; rest: string } {
  const b = text.indexOf(IMPORT_BEGIN);
  const e = text.indexOf(IMPORT_END);
  if (b < 0 || e <= b) return { section: '', rest: text };
  return { section: text.slice(b, e + IMPORT_END.length), rest: (text.slice(0, b).trimEnd() + '\n\n' + text.slice(e + IMPORT_END.length).trimStart()).trimEnd() + '\n' };
}

/** Puts the import section back before the hand-written notes (or at the end). */
export function putImportSection(text: string, section: string, notesMarker: string): string {
  if (!section) return text;
  const at = text.indexOf(notesMarker);
  if (at < 0) return `${text.trimEnd()}\n\n${section}\n`;
  return `${text.slice(0, at).trimEnd()}\n\n${section}\n\n${text.slice(at)}`;
}

export const wrapImportSection = (markdown: string) => `${IMPORT_BEGIN}\n${markdown.trim()}\n${IMPORT_END}`;

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const rows = Number(process.argv[2] ?? DEFAULT_IMPORT_ROWS);
  benchImport(rows, console.log).catch((err) => {
    console.error(err);
    process.exitCode = 1;
  });
}
