// `npx tsx test/bench/duplicatesBench.ts [--contacts N,N]`: how long the "Possible duplicates"
// screen's first page takes (contacts.duplicates: the groups, their total and their contacts) on
// seeded stores, with and without a reason. Prints the figures; asserts nothing.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Store } from '../../electron/core/db/Store';
import { MergeService } from '../../electron/core/merges/MergeService';
import { ChangeService } from '../../electron/core/changes/ChangeService';
import { EventHub } from '../../electron/core/EventHub';
import type { ServiceContext } from '../../electron/core/ServiceContext';
import { seedStore } from './seedStore';
import { fmtInt } from './report';
import { now } from './stats';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const sizes = (arg('--contacts') ?? '100000,300000').split(',').map(Number);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lead-console-dups-'));
try {
  for (const n of sizes) {
    const file = path.join(dir, `store-${n}.sqlite`);
    seedStore(file, n);
    const store = Store.open(file);
    // a duplicate every 100 contacts: the same email in capitals
    store.db.prepare(`UPDATE contacts SET email = upper((SELECT email FROM contacts c2 WHERE c2.pk = contacts.pk - 1)) WHERE pk % 100 = 0 AND pk > 1`).run();
    const ctx: ServiceContext = { store, hub: new EventHub(), actor: 'bench', now: () => Date.now(), newId: () => 'x' };
    const merges = new MergeService(ctx, new ChangeService(ctx));
    for (const reason of [undefined, 'email', 'visitor', 'name'] as const) {
      const times: number[] = [];
      let total = 0;
      for (let i = 0; i < 5; i++) {
        const t0 = now();
        total = merges.duplicates({ reason, limit: 50, offset: 0 }).total;
        times.push(now() - t0);
      }
      times.sort((a, b) => a - b);
      console.log(`  ${fmtInt(n)} contacts, ${reason ?? 'all reasons'}: ${fmtInt(total)} groups, first page in ${times[2]!.toFixed(0)} ms (median of 5, best ${times[0]!.toFixed(0)} ms)`);
    }
    store.close();
  }
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
