// Turns benchmark results into the console table and the BENCHMARKS.md text.
import type { LoadTimings } from '../../electron/core/db/BulkSeeder';
import { ms } from './stats';

export interface QueryResult {
  label: string;
  total: number;
  router: { median: number; p95: number };
  bare: { median: number; p95: number };
  /** The page's companies statement alone: part of what the router adds to the bare ones. */
  companiesMedian: number;
}

export interface SizeResult {
  contacts: number;
  companies: number;
  links: number;
  seedSeconds: number;
  fileMiB: number;
  /** Where the seeding time went (absent when timing an existing store). */
  phases?: LoadTimings;
  targetMs: number;
  queries: QueryResult[];
}

export const RATIO_TARGET = 1.5;

export const ratioOf = (q: QueryResult) => q.router.median / q.bare.median;
export const latencyOk = (q: QueryResult, targetMs: number) => q.router.median < targetMs;
export const ratioOk = (q: QueryResult) => ratioOf(q) <= RATIO_TARGET;

const HEADERS = ['query', 'total', 'router median', 'router p95', 'bare median', 'bare p95', 'ratio', 'companies', 'median < target', 'ratio ≤ 1.5x'];

function rows(size: SizeResult): string[][] {
  return size.queries.map((q) => [
    q.label,
    String(q.total),
    ms(q.router.median),
    ms(q.router.p95),
    ms(q.bare.median),
    ms(q.bare.p95),
    `${ratioOf(q).toFixed(2)}x`,
    ms(q.companiesMedian),
    latencyOk(q, size.targetMs) ? 'PASS' : 'MISS',
    ratioOk(q) ? 'PASS' : 'MISS',
  ]);
}

export const fmtInt = (n: number) => n.toLocaleString('en-US');

export function phaseText(p: LoadTimings | undefined): string {
  if (!p) return 'no breakdown';
  const s = (v: number) => `${(v / 1000).toFixed(1)} s`;
  return `rows ${s(p.rowsMs)}, indexes ${s(p.indexesMs)}, search merge ${s(p.searchMs)}, analyze ${s(p.analyzeMs)}, checkpoint ${s(p.checkpointMs)}`;
}

export function sizeHeading(size: SizeResult): string {
  const rate = Math.round(size.contacts / size.seedSeconds);
  return (
    `${fmtInt(size.contacts)} contacts, ${fmtInt(size.companies)} companies, ${fmtInt(size.links)} links; ` +
    `seeded in ${size.seedSeconds.toFixed(1)} s (${fmtInt(rate)} contacts/s; ${phaseText(size.phases)}), file ${size.fileMiB.toFixed(0)} MiB; ` +
    `target: median < ${size.targetMs} ms`
  );
}

export function consoleTable(size: SizeResult): string {
  const body = rows(size);
  const widths = HEADERS.map((h, i) => Math.max(h.length, ...body.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(HEADERS), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}

export function markdownTable(size: SizeResult): string {
  const body = rows(size);
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(HEADERS), line(HEADERS.map((_, i) => (i === 0 ? '---' : '---:'))), ...body.map(line)].join('\n');
}

export function summary(sizes: SizeResult[]): { misses: string[] } {
  const misses: string[] = [];
  for (const s of sizes) {
    for (const q of s.queries) {
      if (!latencyOk(q, s.targetMs)) misses.push(`${fmtInt(s.contacts)}: ${q.label}: median ${ms(q.router.median)} ms ≥ ${s.targetMs} ms`);
      if (!ratioOk(q)) misses.push(`${fmtInt(s.contacts)}: ${q.label}: router ${ratioOf(q).toFixed(2)}x the bare statements`);
    }
  }
  return { misses };
}
