// Import speed: a generated 100,000-row contacts CSV, then a 100,000-row events file (page views of
// those contacts' visitor ids, with referrer and landing page), each imported through the API on
// a fresh core, from `import.open` to the run's end. Target: 100k rows in well under 30 s.
//   npx tsx test/bench/importBench.ts [rows]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { createCore, type Core } from '../../electron/core/app';
import type { ImportJob } from '../../shared/activity';
import { trackDir, untrackDir } from './cleanup';

export interface ImportBenchFigures {
  rows: number;
  seconds: number;
  rowsPerSecond: number;
}

export interface ImportBenchResult extends ImportBenchFigures {
  /** The events file imported after the contacts, into the same store. */
  events: ImportBenchFigures;
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

export async function benchImport(rows = 100_000, log: (line: string) => void = () => {}): Promise<ImportBenchResult> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lead-console-import-bench-'));
  trackDir(dir);
  const core = createCore({ dataDir: dir, mode: 'test', autoSync: false, actor: 'bench' });
  try {
    const contacts = await importFile(core, 'contacts.csv', contactsCsv(rows));
    if (contacts.job.created !== rows) throw new Error(`contacts: ${contacts.job.created} created of ${rows}`);
    log(`import: ${rows.toLocaleString('en')} contacts in ${contacts.seconds.toFixed(1)} s (${Math.round(rows / contacts.seconds).toLocaleString('en')} rows/s; ${contacts.cpuSeconds.toFixed(1)} s of CPU)`);
    if (process.env.IMPORT_BENCH_CONTACTS_ONLY) return { rows, seconds: contacts.seconds, rowsPerSecond: rows / contacts.seconds, events: { rows: 0, seconds: 0, rowsPerSecond: 0 } };
    const events = await importFile(core, 'events.csv', eventsCsv(rows, rows));
    if (events.job.created !== rows) throw new Error(`events: ${events.job.created} created of ${rows}`);
    log(`import: ${rows.toLocaleString('en')} events in ${events.seconds.toFixed(1)} s (${Math.round(rows / events.seconds).toLocaleString('en')} rows/s; ${events.cpuSeconds.toFixed(1)} s of CPU)`);
    return {
      rows,
      seconds: contacts.seconds,
      rowsPerSecond: rows / contacts.seconds,
      events: { rows, seconds: events.seconds, rowsPerSecond: rows / events.seconds },
    };
  } finally {
    core.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
    untrackDir(dir);
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const rows = Number(process.argv[2] ?? 100_000);
  benchImport(rows, console.log).catch((err) => {
    console.error(err);
    process.exitCode = 1;
  });
}
