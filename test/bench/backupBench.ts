// `npx tsx test/bench/backupBench.ts [contacts ...] [--db FILE]`: the online backup of a seeded
// store (`backup.now` through the router), its time and file size, and how other API calls
// answer meanwhile: `app.info` and a first page of `contacts.list` are called back to back
// for the whole backup and their latencies reported; then the time of the synchronous copy taken
// before a migration. Default sizes: 100k and 1M contacts.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { createCore } from '../../electron/core/app';
import { BACKUP_PAGES_PER_STEP, snapshotDatabase } from '../../electron/core/db/backup';
import { fmtInt } from './report';
import { seedStore } from './seedStore';
import { now, percentile } from './stats';

async function measure(contacts: number, existing?: string) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lead-console-backup-bench-'));
  try {
    const dbFile = existing ?? path.join(dir, 'lead-console.sqlite');
    if (!existing) {
      console.log(`Seeding ${fmtInt(contacts)} contacts ...`);
      const seeded = seedStore(dbFile, contacts);
      console.log(`  seeded in ${seeded.seedSeconds.toFixed(1)} s`);
    }
    const core = createCore({ dataDir: dir, dbFile, mode: 'test' });
    try {
      const storeMiB = fs.statSync(dbFile).size / 2 ** 20;
      // warm the caches the calls use, then time calls with no backup going on
      const calls = async (until: () => boolean) => {
        const info: number[] = [];
        const list: number[] = [];
        while (!until()) {
          let t = now();
          await core.call('app.info', {});
          info.push(now() - t);
          t = now();
          await core.call('contacts.list', { limit: 50 });
          list.push(now() - t);
          await new Promise((r) => setImmediate(r));
        }
        return { info, list };
      };
      const idleEnd = now() + 2000;
      const idle = await calls(() => now() > idleEnd);

      let finished = false;
      const started = now();
      const backup = core.call('backup.now', {}).finally(() => (finished = true));
      const during = await calls(() => finished);
      const res = await backup;
      const seconds = (now() - started) / 1000;
      if (!res.ok) throw new Error(`backup.now failed: ${res.error.message}`);
      const b = res.value as { name: string; sizeBytes: number };
      const fmt = (xs: number[]) => `n=${xs.length} median ${percentile(xs, 50).toFixed(1)} ms, p95 ${percentile(xs, 95).toFixed(1)} ms, max ${Math.max(...xs).toFixed(1)} ms`;
      console.log(`${fmtInt(contacts)} contacts, store ${storeMiB.toFixed(0)} MiB: backup in ${seconds.toFixed(1)} s, file ${(b.sizeBytes / 2 ** 20).toFixed(0)} MiB (${BACKUP_PAGES_PER_STEP} pages a step)`);
      console.log(`  app.info      idle: ${fmt(idle.info)}; during the backup: ${fmt(during.info)}`);
      console.log(`  contacts.list idle: ${fmt(idle.list)}; during the backup: ${fmt(during.list)}`);
      // the copy before a migration (VACUUM INTO, synchronous, while the store opens)
      const vacuumed = path.join(dir, 'pre-migration.sqlite');
      const t = now();
      snapshotDatabase(core.store.db, vacuumed);
      console.log(`  the copy before a migration (VACUUM INTO): ${((now() - t) / 1000).toFixed(1)} s, file ${(fs.statSync(vacuumed).size / 2 ** 20).toFixed(0)} MiB`);
    } finally {
      core.dispose();
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function countContacts(file: string): number {
  const db = new BetterSqlite3(file, { readonly: true });
  try {
    return (db.prepare('SELECT count(*) AS n FROM contacts').get() as { n: number }).n;
  } finally {
    db.close();
  }
}

async function main() {
  const args = process.argv.slice(2);
  const dbAt = args.indexOf('--db');
  const existing = dbAt >= 0 ? args[dbAt + 1] : undefined;
  const sizes = args.filter((a, i) => !a.startsWith('--') && (dbAt < 0 || i !== dbAt + 1)).map(Number);
  // a given store is measured once, whatever its size; its contacts are counted, not assumed
  if (existing) await measure(countContacts(existing), existing);
  else for (const n of sizes.length > 0 ? sizes : [100_000, 1_000_000]) await measure(n);
}

void main();
