// `npm run bench`: seeds a fresh store per size, then times `contacts.list` through the router
// against the bare SQL statements behind it; then opens the console on a 100k store in Chromium
// and times first rows, keystroke to painted rows and scrolling (ui.ts); then the sync engine
// against the Intercom sandbox: a 10,000-entry push under the rate limit (sync.ts), and the first
// import of 100k and of 1M contacts at 300 ms an answer and Intercom's default rate limit
// (firstImport.ts); then the funnel and the built-in segments on 1M contacts and 10M events (funnel.ts);
// then the import of a 100k-row contacts CSV and a 100k-row events CSV (importBench.ts);
// writes the figures to BENCHMARKS.md.
//   npm run bench                          100k and 1M contacts, then the console; writes BENCHMARKS.md
//   npm run bench -- --sizes 100000        a quick subset (BENCHMARKS.md untouched unless --write)
//   npm run bench -- --ui-only             only the console in Chromium (with --write, replaces only
//                                          its section of BENCHMARKS.md)
//   npm run bench -- --sync-only           only the sync with the Intercom sandbox (with --write,
//                                          replaces only its section of BENCHMARKS.md)
//   npm run bench -- --no-ui               the store benchmark and the sync, no console
//   npm run bench -- --no-sync             the store benchmark and the console, no sync (nor first import)
//   npm run bench -- --first-import-only   only the first import from the sandbox (with --write, replaces
//                                          only its section of BENCHMARKS.md); --first-import-sizes
//                                          100k,1m picks the workspace sizes (default both)
//   npm run bench -- --funnel-only         only the funnel and segments on 1M contacts / 10M events (with
//                                          --write, replaces only its section of BENCHMARKS.md)
//   npm run bench -- --no-funnel           everything but the funnel and segments
//   npm run bench -- --import-only         only the import of 100k contacts, then 100k events (with --write,
//                                          replaces only its section of BENCHMARKS.md)
//   npm run bench -- --no-import           everything but the import
//   options: --reps N (timed runs, 30)  --warmup N (5)  --keep (leave the temp folders)
//            --db FILE (time an existing store instead of seeding one; never writes BENCHMARKS.md
//            unless --write)
//            --ui-loads N (page loads timed for first rows, 10)  --ui-rounds N (rounds of typing, 2)
//            --no-build (use out/ as it is; by default the console is rebuilt first when stale)
//            --funnel-contacts N (1M; events are 10 per contact)  --funnel-db FILE (seed the funnel store into
//            FILE and keep it, or time FILE if it exists: fast re-runs)
//   The console bench needs Chromium (/usr/bin/chromium, or CHROMIUM_PATH); without it, it is
//   skipped with a message and BENCHMARKS.md keeps its previous console section.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { contract } from '../../shared/api';
import { createCore, type Core } from '../../electron/core/app';
import { trackDir, untrackDir } from './cleanup';
import { benchQueries, type BenchQuery, type ListInput } from './queries';
import {
  consoleTable,
  fmtInt,
  isSkipped,
  joinBenchmarks,
  markdownTable,
  phaseText,
  sizeHeading,
  splitBenchmarks,
  summary,
  uiConsoleTable,
  uiMarkdown,
  uiMisses,
  wrapSyncSection,
  wrapUiSection,
  type QueryResult,
  type SizeResult,
  type UiResult,
  type UiSkipped,
} from './report';
import { CONTACTS_PER_COMPANY, seedStore, type Seeded } from './seedStore';
import { median, now, percentile } from './stats';
import {
  DEFAULT_FIRST_IMPORT_OPTIONS,
  firstImportConsoleTable,
  firstImportMarkdown,
  firstImportMisses,
  putFirstImportSection,
  runFirstImportBench,
  takeFirstImportSection,
  wrapFirstImportSection,
  type FirstImportResult,
} from './firstImport';
import { isSyncSkipped, runSyncBench, syncConsoleTable, syncMarkdown, syncMisses, type SyncResult, type SyncSkipped } from './sync';
import { DEFAULT_UI_OPTIONS, runUiBench } from './ui';
import {
  DEFAULT_FUNNEL_CONTACTS,
  funnelMarkdown,
  funnelMisses,
  putFunnelSection,
  runFunnelBench,
  takeFunnelSection,
  wrapFunnelSection,
  type FunnelResult,
} from './funnel';
import {
  benchImport,
  importConsoleTable,
  importMarkdown,
  importMisses,
  putImportSection,
  takeImportSection,
  wrapImportSection,
  DEFAULT_IMPORT_ROWS,
  IMPORT_TARGET_SECONDS,
  type ImportBenchResult,
} from './importBench';

const DEFAULT_SIZES = [100_000, 1_000_000];
const ROOT = path.resolve(import.meta.dirname, '../..');

interface Options {
  sizes: number[];
  reps: number;
  warmup: number;
  write: boolean;
  keep: boolean;
  /** Time the queries on this existing store instead of seeding one (for quick iterations). */
  db?: string;
  /** Run the store benchmark / the console in Chromium / the sync with the Intercom sandbox. */
  store: boolean;
  ui: boolean;
  sync: boolean;
  funnel: boolean;
  /** Run the import of a 100k-row contacts file, then a 100k-row events file. */
  import: boolean;
  /** Run the first import from the sandbox, of these workspace sizes. */
  firstImport: boolean;
  firstImportSizes: number[];
  funnelContacts: number;
  funnelDb?: string;
  uiLoads: number;
  uiRounds: number;
  build: boolean;
}

function parseArgs(argv: string[]): Options {
  const opts: Options = {
    sizes: DEFAULT_SIZES,
    reps: 30,
    warmup: 5,
    write: true,
    keep: false,
    store: true,
    ui: true,
    sync: true,
    funnel: true,
    import: true,
    firstImport: true,
    firstImportSizes: DEFAULT_FIRST_IMPORT_OPTIONS.sizes,
    funnelContacts: DEFAULT_FUNNEL_CONTACTS,
    uiLoads: DEFAULT_UI_OPTIONS.loads,
    uiRounds: DEFAULT_UI_OPTIONS.rounds,
    build: true,
  };
  let sizesGiven = false;
  let writeGiven = false;
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i]!.split('=', 2) as [string, string | undefined];
    const value = () => inline ?? argv[++i] ?? '';
    const int = (s: string) => {
      const n = Number(s.replace(/_/g, '').replace(/k$/i, '000').replace(/m$/i, '000000'));
      if (!Number.isInteger(n) || n < 1) throw new Error(`${flag}: expected a positive integer, got "${s}"`);
      return n;
    };
    if (flag === '--sizes') {
      opts.sizes = value().split(',').filter(Boolean).map(int);
      sizesGiven = true;
    } else if (flag === '--reps') opts.reps = int(value());
    else if (flag === '--warmup') opts.warmup = Number(value());
    else if (flag === '--write') writeGiven = true;
    else if (flag === '--keep') opts.keep = true;
    else if (flag === '--db') opts.db = value();
    else if (flag === '--ui-only') {
      opts.store = false;
      opts.sync = false;
      opts.funnel = false;
      opts.import = false;
      opts.firstImport = false;
    } else if (flag === '--sync-only') {
      opts.store = false;
      opts.ui = false;
      opts.funnel = false;
      opts.import = false;
    } else if (flag === '--funnel-only') {
      opts.store = false;
      opts.ui = false;
      opts.sync = false;
      opts.import = false;
      opts.firstImport = false;
    } else if (flag === '--import-only') {
      opts.store = false;
      opts.ui = false;
      opts.sync = false;
      opts.funnel = false;
      opts.firstImport = false;
    } else if (flag === '--no-ui') opts.ui = false;
    else if (flag === '--no-sync') {
      opts.sync = false;
      opts.firstImport = false;
    } else if (flag === '--first-import-only') {
      opts.store = false;
      opts.ui = false;
      opts.sync = false;
      opts.funnel = false;
      opts.import = false;
    } else if (flag === '--no-first-import') opts.firstImport = false;
    else if (flag === '--first-import-sizes') opts.firstImportSizes = value().split(',').filter(Boolean).map(int);
    else if (flag === '--no-funnel') opts.funnel = false;
    else if (flag === '--no-import') opts.import = false;
    else if (flag === '--funnel-contacts') opts.funnelContacts = int(value());
    else if (flag === '--funnel-db') opts.funnelDb = value();
    else if (flag === '--ui-loads') opts.uiLoads = int(value());
    else if (flag === '--ui-rounds') opts.uiRounds = int(value());
    else if (flag === '--no-build') opts.build = false;
    else {
      throw new Error(
        `unknown option ${flag} (known: --sizes, --reps, --warmup, --write, --keep, --db, --ui-only, --sync-only, --funnel-only, --import-only, --no-ui, --no-sync, --no-funnel, --no-import, --first-import-only, --no-first-import, --first-import-sizes, --ui-loads, --ui-rounds, --no-build, --funnel-contacts, --funnel-db)`,
      );
    }
  }
  if (!opts.store && !opts.ui && !opts.sync && !opts.funnel && !opts.import && !opts.firstImport) throw new Error('those options together leave nothing to run');
  if (opts.db && !opts.store) throw new Error('--db times the store benchmark; it makes no sense with --ui-only, --sync-only, --funnel-only or --import-only');
  // a quick subset run must not overwrite the committed figures by accident
  opts.write =
    writeGiven ||
    (!opts.db && opts.store && opts.uiLoads === DEFAULT_UI_OPTIONS.loads && opts.uiRounds === DEFAULT_UI_OPTIONS.rounds &&
      (!sizesGiven || opts.sizes.join() === DEFAULT_SIZES.join()) &&
      opts.funnelContacts === DEFAULT_FUNNEL_CONTACTS);
  return opts;
}

/** At 100k the table must answer in 10 ms, at 1M (and above) in 50 ms. */
const targetFor = (contacts: number) => (contacts <= 100_000 ? 10 : 50);

async function routerList(core: Core, input: ListInput) {
  const res = await core.call('contacts.list', input);
  if (!res.ok) throw new Error(`contacts.list failed: ${res.error.code} ${res.error.message}`);
  return res.value as { items: { id: string }[]; total: number; nextCursor: string | null };
}

/** Resolves a cursor query to its input: the cursor of the page just before `cursorAt`. */
async function resolveInput(core: Core, q: BenchQuery): Promise<ListInput> {
  if (q.cursorAt === undefined) return q.input;
  const limit = q.input.limit ?? 50;
  const before = await routerList(core, { ...q.input, offset: q.cursorAt - limit, limit });
  if (!before.nextCursor) throw new Error(`${q.label}: no cursor at offset ${q.cursorAt}`);
  return { ...q.input, cursor: before.nextCursor };
}

async function measure(core: Core, q: BenchQuery, opts: Options): Promise<QueryResult> {
  const input = await resolveInput(core, q);
  const parsed = contract['contacts.list'].input.parse(input);
  const bare = () => core.store.contacts.listBare(parsed);

  // same rows, same total: the API answer and the bare statements must agree
  const viaRouter = await routerList(core, input);
  const viaBare = bare();
  if (viaRouter.total !== viaBare.total || viaRouter.items.map((i) => i.id).join() !== viaBare.rows.map((r) => r.id).join()) {
    throw new Error(`${q.label}: router and bare statements disagree`);
  }
  if (q.cursorAt !== undefined) {
    const byOffset = await routerList(core, { ...q.input, offset: q.cursorAt });
    if (byOffset.items.map((i) => i.id).join() !== viaRouter.items.map((i) => i.id).join()) {
      throw new Error(`${q.label}: the cursor page differs from the offset page`);
    }
  }

  for (let i = 0; i < opts.warmup; i++) {
    await routerList(core, input);
    bare();
  }
  const routerMs: number[] = [];
  const bareMs: number[] = [];
  const companiesMs: number[] = [];
  const pks = viaBare.rows.map((r) => r.pk);
  // interleaved, so a noisy neighbour or a GC pause hits both sides alike
  for (let i = 0; i < opts.reps; i++) {
    let t = now();
    await routerList(core, input);
    routerMs.push(now() - t);
    t = now();
    bare();
    bareMs.push(now() - t);
    // the one statement the API call runs beyond the bare ones: the page's companies
    t = now();
    core.store.links.companiesOfMany(pks);
    companiesMs.push(now() - t);
  }
  return {
    label: q.label,
    total: viaBare.total,
    router: { median: median(routerMs), p95: percentile(routerMs, 95) },
    bare: { median: median(bareMs), p95: percentile(bareMs, 95) },
    companiesMedian: median(companiesMs),
  };
}

async function runSize(contacts: number, opts: Options): Promise<SizeResult> {
  const dir = opts.db ? path.dirname(path.resolve(opts.db)) : fs.mkdtempSync(path.join(os.tmpdir(), 'lead-console-bench-'));
  if (!opts.db && !opts.keep) trackDir(dir); // removed on Ctrl-C too (a 1M store is 600 MiB)
  const file = opts.db ? path.resolve(opts.db) : path.join(dir, 'bench.sqlite');
  try {
    let seeded: Seeded;
    if (opts.db) {
      console.log(`\nUsing the existing store ${file} (not seeded by this run)`);
      seeded = { companies: NaN, links: NaN, seedSeconds: NaN, fileMiB: 0 };
    } else {
      console.log(`\nSeeding ${fmtInt(contacts)} contacts into ${file} ...`);
      seeded = seedStore(file, contacts);
      console.log(`  seeded in ${seeded.seedSeconds.toFixed(1)} s: ${fmtInt(Math.round(contacts / seeded.seedSeconds))} contacts/s (${phaseText(seeded.phases)})`);
    }
    seeded.fileMiB = fs.statSync(file).size / 2 ** 20;

    const core = createCore({ dataDir: dir, dbFile: file, mode: 'test', validateOutput: false, actor: 'bench' });
    try {
      const stored = core.store.contacts.count();
      if (opts.db) contacts = stored;
      else if (stored !== contacts) throw new Error(`expected ${contacts} contacts in the store, found ${stored}`);
      const queries: QueryResult[] = [];
      for (const q of benchQueries(contacts)) {
        const r = await measure(core, q, opts);
        queries.push(r);
        console.log(`  ${q.label.padEnd(32)} router ${r.router.median.toFixed(2)} ms, bare ${r.bare.median.toFixed(2)} ms`);
      }
      const size: SizeResult = { contacts, ...seeded, targetMs: targetFor(contacts), queries };
      console.log(`\n${sizeHeading(size)}\n${consoleTable(size)}`);
      return size;
    } finally {
      core.dispose();
    }
  } finally {
    if (opts.keep && !opts.db) console.log(`  kept ${dir}`);
    else if (!opts.db) fs.rmSync(dir, { recursive: true, force: true });
    untrackDir(dir);
  }
}

function markdown(sizes: SizeResult[], opts: Options, startedAt: Date, seconds: number): string {
  const cpus = os.cpus();
  const sqliteVersion = (JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules/better-sqlite3/package.json'), 'utf8')) as { version: string })
    .version;
  const { misses } = summary(sizes);
  const command = opts.sizes.join() === DEFAULT_SIZES.join() ? 'npm run bench' : `npm run bench -- --sizes ${opts.sizes.join(',')}`;
  return [
    '# Benchmarks: `contacts.list` on a large local store',
    '',
    `Made by \`${command}\` (test/bench/run.ts) on ${startedAt.toISOString().slice(0, 10)}; the whole run took ${Math.round(seconds)} s, ` +
      `peak resident memory ${Math.round(process.resourceUsage().maxRSS / 1024)} MiB (the page cache is 64 MiB, 256 MiB while seeding; ` +
      'file pages mapped by mmap count too).',
    '',
    `Machine: ${cpus.length} cores (${cpus[0]?.model.trim() ?? 'unknown CPU'}), ${Math.round(os.totalmem() / 2 ** 30)} GiB RAM, ` +
      `${os.type()} ${os.release()}; Node ${process.version}; better-sqlite3 ${sqliteVersion}.`,
    '',
    'Each size is seeded into a fresh temporary database through `SeedLoader` (test/bench): one company per ' +
      `${CONTACTS_PER_COMPANY} contacts, about 30% users (90% of them linked to a company), 9% email-only contacts, ` +
      'names and emails from a seeded PRNG so every run builds the same store. The timed call is ' +
      "`core.call('contacts.list', input)` through the router of a core built by `createCore` (input parsed with zod, " +
      'rows mapped, companies of the page fetched; output validation off, as in production). "bare" runs the same page ' +
      'and count statements straight through better-sqlite3 (`ContactRepository.listBare`) with no parsing or mapping. ' +
      `${opts.warmup} warm-up runs, then ${opts.reps} timed runs of each, interleaved; median and p95 (nearest rank) in ms. ` +
      'Page size 50. The cursor rows page with the keyset cursor of the page before the same depth. "companies" is the ' +
      'median of the page\'s companies statement (`LinkRepository.companiesOfMany`) alone: the part of the router\'s extra ' +
      'time that is SQL rather than parsing and mapping.',
    '',
    'Targets: median under 10 ms at 100k contacts and under 50 ms at 1M, for every query; the router call within 1.5x of ' +
      'the bare statements.',
    '',
    ...sizes.flatMap((s) => [`## ${fmtInt(s.contacts)} contacts`, '', sizeHeading(s) + '.', '', markdownTable(s), '']),
    misses.length ? '## Misses\n\n' + misses.map((m) => `- ${m}`).join('\n') + '\n' : 'Every query meets both targets.\n',
  ].join('\n');
}

/** Hand-written notes below this line in BENCHMARKS.md survive a new run. */
const NOTES_MARKER = '<!-- notes: everything below is kept by npm run bench -->';

function uiCommand(opts: Options): string {
  const extra = [
    opts.store ? '' : '--ui-only',
    opts.uiLoads !== DEFAULT_UI_OPTIONS.loads ? `--ui-loads ${opts.uiLoads}` : '',
    opts.uiRounds !== DEFAULT_UI_OPTIONS.rounds ? `--ui-rounds ${opts.uiRounds}` : '',
  ].filter(Boolean);
  return extra.length ? `npm run bench -- ${extra.join(' ')}` : 'npm run bench';
}

function syncCommand(opts: Options): string {
  return opts.store || opts.ui ? 'npm run bench' : 'npm run bench -- --sync-only';
}

function firstImportCommand(opts: Options): string {
  const extra = [
    opts.store || opts.ui || opts.sync ? '' : '--first-import-only',
    opts.firstImportSizes.join(',') !== DEFAULT_FIRST_IMPORT_OPTIONS.sizes.join(',') ? `--first-import-sizes ${opts.firstImportSizes.join(',')}` : '',
  ].filter(Boolean);
  return extra.length ? `npm run bench -- ${extra.join(' ')}` : 'npm run bench';
}

function funnelCommand(opts: Options): string {
  const extra = [
    opts.store || opts.ui || opts.sync ? '' : '--funnel-only',
    opts.funnelContacts !== DEFAULT_FUNNEL_CONTACTS ? `--funnel-contacts ${opts.funnelContacts}` : '',
  ].filter(Boolean);
  return extra.length ? `npm run bench -- ${extra.join(' ')}` : 'npm run bench';
}

function importCommand(opts: Options): string {
  return opts.store || opts.ui || opts.sync || opts.funnel ? 'npm run bench' : 'npm run bench -- --import-only';
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const startedAt = new Date();
  const t0 = now();
  const sizes: SizeResult[] = [];
  if (opts.store) for (const n of opts.db ? [0] : opts.sizes) sizes.push(await runSize(n, opts));
  const storeSeconds = (now() - t0) / 1000;

  let ui: UiResult | UiSkipped | null = null;
  if (opts.ui) {
    ui = await runUiBench({ loads: opts.uiLoads, rounds: opts.uiRounds, keep: opts.keep, build: opts.build });
    if (isSkipped(ui)) console.log(`\nConsole in Chromium: SKIPPED: ${ui.skipped}`);
    else console.log(`\nConsole in Chromium, ${fmtInt(ui.contacts)} contacts (${ui.chromium})\n${uiConsoleTable(ui)}`);
  }

  let sync: SyncResult | SyncSkipped | null = null;
  if (opts.sync) {
    try {
      sync = await runSyncBench({ keep: opts.keep });
      console.log(`\nSync with the Intercom sandbox\n${syncConsoleTable(sync)}`);
    } catch (e) {
      // the other parts' figures are still worth writing; this section keeps its previous text
      console.error(e);
      sync = { skipped: `the sync bench failed: ${e instanceof Error ? e.message : String(e)}` };
      console.log(`\nSync with the Intercom sandbox: FAILED: ${sync.skipped}`);
      process.exitCode = 1;
    }
  }

  let firstImport: FirstImportResult | null = null;
  let firstImportFailed = false;
  if (opts.firstImport) {
    try {
      firstImport = await runFirstImportBench({ sizes: opts.firstImportSizes, keep: opts.keep });
      console.log(`\nFirst import from the Intercom sandbox\n${firstImportConsoleTable(firstImport)}`);
    } catch (e) {
      // the other parts' figures are still worth writing; this section keeps its previous text
      console.error(e);
      firstImportFailed = true;
      console.log(`\nFirst import: FAILED: ${e instanceof Error ? e.message : String(e)}`);
      process.exitCode = 1;
    }
  }

  let funnel: FunnelResult | null = null;
  let funnelFailed = false;
  if (opts.funnel) {
    try {
      funnel = await runFunnelBench({ contacts: opts.funnelContacts, reps: opts.reps, warmup: opts.warmup, keep: opts.keep, db: opts.funnelDb });
    } catch (e) {
      // the other parts' figures are still worth writing; this section keeps its previous text
      console.error(e);
      funnelFailed = true;
      console.log(`\nFunnel and segments: FAILED: ${e instanceof Error ? e.message : String(e)}`);
      process.exitCode = 1;
    }
  }

  let imported: ImportBenchResult | null = null;
  let importFailed = false;
  if (opts.import) {
    try {
      console.log(`\nImport: ${fmtInt(DEFAULT_IMPORT_ROWS)} contacts, then ${fmtInt(DEFAULT_IMPORT_ROWS)} events, through the import API ...`);
      imported = await benchImport(DEFAULT_IMPORT_ROWS, (line) => console.log(`  ${line}`));
      console.log(`\nImport (upload to the end of the run, one run each; target < ${IMPORT_TARGET_SECONDS} s per file)\n${importConsoleTable(imported)}`);
    } catch (e) {
      // the other parts' figures are still worth writing; this section keeps its previous text
      console.error(e);
      importFailed = true;
      console.log(`\nImport: FAILED: ${e instanceof Error ? e.message : String(e)}`);
      process.exitCode = 1;
    }
  }

  const seconds = (now() - t0) / 1000;
  const misses = [
    ...summary(sizes).misses,
    ...(ui && !isSkipped(ui) ? uiMisses(ui) : []),
    ...(sync && !isSyncSkipped(sync) ? syncMisses(sync) : []),
    ...(firstImport ? firstImportMisses(firstImport) : []),
    ...(funnel ? funnelMisses(funnel) : []),
    ...(imported ? importMisses(imported) : []),
  ];
  const skipped =
    (ui && isSkipped(ui) ? ' (the console in Chromium was skipped)' : '') +
    (sync && isSyncSkipped(sync) ? ' (the sync bench failed)' : '') +
    (firstImportFailed ? ' (the first-import bench failed)' : '') +
    (funnelFailed ? ' (the funnel bench failed)' : '') +
    (importFailed ? ' (the import bench failed)' : '');
  console.log(
    `\nDone in ${seconds.toFixed(0)} s. ${misses.length ? `${misses.length} target(s) missed:\n  ${misses.join('\n  ')}` : 'Every target met.'}${skipped}`,
  );
  if (opts.write) {
    const file = path.join(ROOT, 'BENCHMARKS.md');
    // the funnel and import sections are taken out first, and put back (or replaced) before the notes
    const oldFirstImport = takeFirstImportSection(fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '');
    const oldImport = takeImportSection(oldFirstImport.rest);
    const oldFunnel = takeFunnelSection(oldImport.rest);
    const old = splitBenchmarks(oldFunnel.rest, NOTES_MARKER);
    const funnelSection = funnel ? wrapFunnelSection(funnelMarkdown(funnel, funnelCommand(opts), startedAt)) : oldFunnel.section;
    const importSection = imported ? wrapImportSection(importMarkdown(imported, importCommand(opts), startedAt)) : oldImport.section;
    const firstImportSection = firstImport ? wrapFirstImportSection(firstImportMarkdown(firstImport, firstImportCommand(opts), startedAt)) : oldFirstImport.section;
    fs.writeFileSync(
      file,
      putFirstImportSection(putImportSection(putFunnelSection(joinBenchmarks({
        // a part this run did not measure (or skipped) keeps its previous text
        store: opts.store ? markdown(sizes, opts, startedAt, storeSeconds) : old.store,
        ui: ui && !isSkipped(ui) ? wrapUiSection(uiMarkdown(ui, uiCommand(opts), startedAt)) : old.ui,
        sync: sync && !isSyncSkipped(sync) ? wrapSyncSection(syncMarkdown(sync, syncCommand(opts), startedAt)) : old.sync,
        notes: old.notes,
      }), funnelSection, NOTES_MARKER), importSection, NOTES_MARKER), firstImportSection, NOTES_MARKER),
    );
    console.log('Wrote BENCHMARKS.md');
  } else {
    console.log('Subset run: BENCHMARKS.md left as it was (pass --write to replace the parts it measured).');
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
