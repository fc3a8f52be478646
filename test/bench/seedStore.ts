// Seeds a fresh store through SeedLoader with the repeatable bench data (seedData.ts): shared by
// the store benchmark (run.ts) and the console-in-Chromium one (ui.ts), so both time the same data.
import type { LoadTimings } from './SeedLoader';
import { SeedLoader } from './SeedLoader';
import { Store } from '../../electron/core/db/Store';
import { fmtInt } from './report';
import { companies, companyCount, contactBatches } from './seedData';
import { now } from './stats';

export const CONTACTS_PER_COMPANY = 20;
const BATCH = 20_000;

export interface Seeded {
  companies: number;
  links: number;
  seedSeconds: number;
  fileMiB: number;
  /** Where the seeding time went (absent when timing an existing store). */
  phases?: LoadTimings;
}

/** Seeds `contacts` contacts (and one company per CONTACTS_PER_COMPANY) into a new store at `file`. */
export function seedStore(file: string, contacts: number): Seeded {
  const store = Store.open(file);
  try {
    const plan = { contacts, contactsPerCompany: CONTACTS_PER_COMPANY };
    const seeder = new SeedLoader(store.db);
    const started = now();
    let lastReport = started;
    const phases = seeder.load((s) => {
      const companyPks = s.addCompanies([...companies(plan)]);
      for (const batch of contactBatches(plan, companyPks, BATCH)) {
        s.addContacts(batch);
        if (now() - lastReport > 10_000) {
          lastReport = now();
          process.stdout.write(`  ... ${fmtInt(s.counts.contacts)} contacts after ${((lastReport - started) / 1000).toFixed(0)} s\n`);
        }
      }
    });
    const seedSeconds = (now() - started) / 1000;
    if (seeder.counts.contacts !== contacts || store.contacts.count() !== contacts) throw new Error('seeding lost contacts');
    if (store.companies.count() !== companyCount(plan)) throw new Error('seeding lost companies');
    return { companies: seeder.counts.companies, links: seeder.counts.links, seedSeconds, fileMiB: 0, phases };
  } finally {
    store.close();
  }
}
