// Import memory and responsiveness: a generated CSV of 200 MB and of 1 GB goes through the import
// API of a fresh core, each in a child process of its own so that its peak RSS
// (process.resourceUsage().maxRSS) is the import's alone: the upload in pieces (whose last piece
// reads the whole file: encoding, rows), the analysis, and the preview (every row checked) for the
// sizes asked. While the file is read and previewed, the longest stall of the event loop
// (perf_hooks.monitorEventLoopDelay) and the slowest `import.status` answer (asked every 20 ms)
// are recorded. The generated files live in a temp folder, deleted at the end.
//   npm run bench:import-memory                      200 MB (with preview) and 1 GB (without)
//   npm run bench:import-memory -- --sizes 200,1024 --preview 200,1024
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createCore, type Core } from '../../electron/core/app';
import type { ImportJob } from '../../shared/activity';

const MB = 1024 * 1024;

export interface PhaseFigures {
  seconds: number;
  /** Longest event-loop stall during the phase, ms. */
  stallMs: number;
  /** 99th percentile of the event-loop delay during the phase, ms. */
  p99StallMs: number;
  /** Slowest `import.status` answer during the phase, ms. */
  slowestCallMs: number;
  /** Peak RSS of the process so far, MB. */
  peakRssMb: number;
}

export interface MemoryFigures {
  sizeMb: number;
  rows: number;
  generateSeconds: number;
  upload: PhaseFigures;
  /** The last piece's share of the upload: the whole file read once. */
  readSeconds: number;
  analyse: PhaseFigures;
  preview: PhaseFigures | null;
  peakRssMb: number;
  /** One-minute load average when the run started (a busy machine stretches stalls). */
  loadAverage: number;
  cores: number;
}

async function call<T>(core: Core, method: string, input: unknown): Promise<T> {
  const res = await core.call(method, input);
  if (!res.ok) throw new Error(`${method}: ${res.error.code} ${res.error.message}`);
  return res.value as T;
}

/** Contacts with accents and a quoted two-line note, until the file is `bytes` long. */
function generateCsv(file: string, bytes: number): number {
  const fd = fs.openSync(file, 'w');
  let size = 0;
  let rows = 0;
  try {
    const header = 'email,name,stage,user id,notes\n';
    fs.writeSync(fd, header);
    size += header.length;
    // whole rows only, and never past `bytes` (the limit is exact)
    for (let full = false; !full; ) {
      const lines: string[] = [];
      for (let i = 0; i < 10_000; i++) {
        const line = `person${rows + 1}@example.com,Zoë Núñez ${rows + 1},${(rows + 1) % 3 === 0 ? 'Signed up' : 'Lead'},user-${rows + 1},"first line ${rows + 1}\nsecond line, with a comma"\n`;
        const length = Buffer.byteLength(line);
        if (size + length > bytes) {
          full = true;
          break;
        }
        lines.push(line);
        size += length;
        rows++;
      }
      fs.writeSync(fd, lines.join(''));
    }
  } finally {
    fs.closeSync(fd);
  }
  return rows;
}

const peakRssMb = () => process.resourceUsage().maxRSS / 1024;

/** Runs `work`, measuring the event loop and the answer time of a status call every 20 ms meanwhile. */
async function phase<T>(core: Core, importId: string | null, work: () => Promise<T>): Promise<{ value: T; figures: PhaseFigures }> {
  const loop = monitorEventLoopDelay({ resolution: 5 });
  loop.enable();
  let slowest = 0;
  let asking = false;
  const timer = setInterval(() => {
    if (!importId || asking) return;
    asking = true;
    const t0 = performance.now();
    void core.call('import.status', { importId }).finally(() => {
      slowest = Math.max(slowest, performance.now() - t0);
      asking = false;
    });
  }, 20);
  const t0 = performance.now();
  try {
    const value = await work();
    const figures = { seconds: (performance.now() - t0) / 1000, stallMs: loop.max / 1e6, p99StallMs: loop.percentile(99) / 1e6, slowestCallMs: slowest, peakRssMb: peakRssMb() };
    return { value, figures };
  } finally {
    clearInterval(timer);
    loop.disable();
  }
}

/** One size, in this process (the child). */
async function measure(sizeMb: number, withPreview: boolean): Promise<MemoryFigures> {
  const loadAverage = os.loadavg()[0]!;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lead-console-import-memory-'));
  const core = createCore({ dataDir: path.join(dir, 'data'), mode: 'test', autoSync: false, actor: 'bench' });
  try {
    const file = path.join(dir, `contacts-${sizeMb}mb.csv`);
    const g0 = performance.now();
    const rows = generateCsv(file, sizeMb * MB);
    const generateSeconds = (performance.now() - g0) / 1000;
    const size = fs.statSync(file).size;
    let job = await call<ImportJob>(core, 'import.open', { fileName: 'contacts.csv', size });
    const piece = 750_000; // a multiple of 3: every piece is whole base64, 1,000,000 characters
    const buf = Buffer.alloc(piece);
    const fd = fs.openSync(file, 'r');
    let readSeconds = 0;
    const upload = await phase(core, job.id, async () => {
      for (let offset = 0; offset < size; offset += piece) {
        const n = fs.readSync(fd, buf, 0, piece, offset);
        const t0 = performance.now();
        job = await call<ImportJob>(core, 'import.chunk', { importId: job.id, offset, data: buf.subarray(0, n).toString('base64') });
        if (offset + n >= size) readSeconds = (performance.now() - t0) / 1000;
      }
    });
    fs.closeSync(fd);
    if (job.state !== 'ready' || job.rowsTotal !== rows) throw new Error(`upload ended ${job.state} with ${job.rowsTotal} rows of ${rows} (${job.error ?? ''})`);
    const analyse = await phase(core, job.id, () => call<{ mapping: Record<string, string>; guessedKind: string }>(core, 'import.analyse', { importId: job.id }));
    let preview: PhaseFigures | null = null;
    if (withPreview) {
      const { mapping, guessedKind } = analyse.value;
      const p = await phase(core, job.id, () =>
        call<{ rows: number; valid: number }>(core, 'import.preview', { importId: job.id, kind: guessedKind, mapping, duplicates: 'skip' }),
      );
      if (p.value.rows !== rows || p.value.valid !== rows) throw new Error(`preview: ${p.value.valid} valid of ${p.value.rows}, expected ${rows}`);
      preview = p.figures;
    }
    return { sizeMb, rows, generateSeconds, upload: upload.figures, readSeconds, analyse: analyse.figures, preview, peakRssMb: peakRssMb(), loadAverage, cores: os.cpus().length };
  } finally {
    core.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Each size in a child process of its own (a fresh peak RSS). */
export function runImportMemoryBench(sizes: number[], previewSizes: number[], log: (line: string) => void = console.log): MemoryFigures[] {
  const script = fileURLToPath(import.meta.url);
  const results: MemoryFigures[] = [];
  for (const sizeMb of sizes) {
    log(`import memory: ${sizeMb} MB${previewSizes.includes(sizeMb) ? ' with preview' : ''}...`);
    const child = spawnSync(process.execPath, ['--import', 'tsx', script, '--child', String(sizeMb), previewSizes.includes(sizeMb) ? 'preview' : 'no-preview'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
      maxBuffer: 16 * MB,
    });
    if (child.status !== 0) throw new Error(`the ${sizeMb} MB run failed (exit ${child.status})`);
    const figures = JSON.parse(child.stdout.trim().split('\n').pop()!) as MemoryFigures;
    results.push(figures);
    log(describe(figures));
  }
  return results;
}

const f1 = (n: number) => n.toFixed(1);

export function describe(r: MemoryFigures): string {
  const lines = [
    `${r.sizeMb} MB, ${r.rows.toLocaleString('en')} rows: peak RSS ${Math.round(r.peakRssMb)} MB (${r.cores} cores, load average ${r.loadAverage.toFixed(1)} at the start)`,
    `  upload ${f1(r.upload.seconds)} s (reading the file at its end: ${f1(r.readSeconds)} s), peak RSS ${Math.round(r.upload.peakRssMb)} MB, ` +
      `event-loop stall longest ${f1(r.upload.stallMs)} ms (p99 ${f1(r.upload.p99StallMs)} ms), slowest import.status ${f1(r.upload.slowestCallMs)} ms`,
    `  analyse ${f1(r.analyse.seconds)} s, peak RSS ${Math.round(r.analyse.peakRssMb)} MB, stall ${f1(r.analyse.stallMs)} ms`,
  ];
  if (r.preview) {
    lines.push(
      `  preview ${f1(r.preview.seconds)} s, peak RSS ${Math.round(r.preview.peakRssMb)} MB, event-loop stall longest ${f1(r.preview.stallMs)} ms (p99 ${f1(r.preview.p99StallMs)} ms), ` +
        `slowest import.status ${f1(r.preview.slowestCallMs)} ms`,
    );
  }
  return lines.join('\n');
}

function numbers(flag: string, fallback: number[]): number[] {
  const i = process.argv.indexOf(flag);
  return i < 0 ? fallback : process.argv[i + 1]!.split(',').filter(Boolean).map(Number);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const child = process.argv.indexOf('--child');
  if (child >= 0) {
    measure(Number(process.argv[child + 1]), process.argv[child + 2] === 'preview').then(
      (figures) => console.log(JSON.stringify(figures)),
      (err) => {
        console.error(err);
        process.exitCode = 1;
      },
    );
  } else {
    try {
      runImportMemoryBench(numbers('--sizes', [200, 1024]), numbers('--preview', [200]));
    } catch (err) {
      console.error(err);
      process.exitCode = 1;
    }
  }
}
