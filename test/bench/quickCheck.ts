// `npx tsx test/bench/quickCheck.ts [--contacts N,N] [--db FILE]`: how long SQLite's
// `PRAGMA quick_check` takes on a seeded store, the figure behind the check at open
// (electron/core/db/checkStore.ts). Prints the figures; asserts nothing.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { seedStore } from './seedStore';
import { fmtInt } from './report';
import { now } from './stats';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

function time(file: string): void {
  const mib = fs.statSync(file).size / 2 ** 20;
  for (const cold of [true, false]) {
    const db = new BetterSqlite3(file, { readonly: true });
    const t0 = now();
    const result = db.pragma('quick_check', { simple: true });
    const ms = now() - t0;
    db.close();
    console.log(`  ${path.basename(file)}: ${mib.toFixed(0)} MiB, quick_check ${result} in ${ms.toFixed(0)} ms (${cold ? 'first run' : 'second run, file cached'})`);
  }
}

const given = arg('--db');
if (given) time(given);
else {
  const sizes = (arg('--contacts') ?? '100000,300000,1000000').split(',').map(Number);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lead-console-qc-'));
  try {
    for (const n of sizes) {
      const file = path.join(dir, `store-${n}.sqlite`);
      const seeded = seedStore(file, n);
      console.log(`seeded ${fmtInt(n)} contacts in ${seeded.seedSeconds.toFixed(1)} s`);
      time(file);
      if (process.argv.includes('--keep')) console.log(`  kept ${file}`);
      else fs.rmSync(file, { force: true });
    }
  } finally {
    if (!process.argv.includes('--keep')) fs.rmSync(dir, { recursive: true, force: true });
  }
}
