// The speed work behind `npm run bench` must not change a single answer. `contacts.list` now
// reads its total from the trigger-kept counts or the search index, and its page by one of
// several plans chosen from that total; here every plan, for many searches, filters, sorts,
// offsets and cursor walks, is checked against a plain model of the table built in memory.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contract, type MethodInput } from '../../shared/api';
import { createCore, type Core } from '../../electron/core/app';
import { SeedLoader } from './SeedLoader';
import type { ContactListQuery, PagePlan } from '../../electron/core/db/ContactRepository';
import type { ContactRow } from '../../electron/core/db/rows';
import { Store } from '../../electron/core/db/Store';
import { companies, contactBatches } from './seedData';

type ListInput = NonNullable<MethodInput<'contacts.list'>>;
type SortField = ContactListQuery['sort']['field'];

const PLANS: PagePlan[] = ['plain', 'walk', 'walk-probe', 'walk-set', 'gather-search'];
const CONTACTS = 2000;

let dir: string;
let core: Core;
let model: ModelRow[];

interface ModelRow {
  row: ContactRow;
  tokens: string[];
}

/** unicode61 with remove_diacritics: case folded, marks dropped, split on anything else. */
const tokenize = (text: string) =>
  text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);

function loadModel(store: Store): ModelRow[] {
  const out: ModelRow[] = [];
  for (let pk = 1; ; pk++) {
    const row = store.contacts.byPk(pk);
    if (!row) break;
    const companyNames = store.links.companiesOf(pk).map((c) => c.name);
    out.push({ row, tokens: tokenize([row.name ?? '', row.email ?? '', ...companyNames].join(' ')) });
  }
  return out;
}

const COLUMN: Record<SortField, keyof ContactRow> = {
  name: 'name',
  email: 'email',
  role: 'role',
  stage: 'stage',
  phone: 'phone',
  externalId: 'external_id',
  createdAt: 'created_at',
  updatedAt: 'updated_at',
  lastActivityAt: 'last_activity_at',
  syncState: 'sync_state',
  owner: 'owner_id',
};

/** SQLite's order: NULL first, numbers, then text (NOCASE folds ASCII letters for name). */
function compareValues(a: unknown, b: unknown, noCase: boolean): number {
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const fold = (s: string) => Buffer.from(noCase ? s.replace(/[A-Z]/g, (c) => c.toLowerCase()) : s, 'utf8');
  return Buffer.compare(fold(String(a)), fold(String(b)));
}

/** What contacts.list must answer, computed the slow and obvious way. */
function expected(q: ContactListQuery): { ids: string[]; total: number } {
  const words = (q.search?.match(/[\p{L}\p{N}]+/gu) ?? []).slice(0, 8).map((w) => tokenize(w.slice(0, 64)).join(''));
  const oneOf = (values: readonly string[] | undefined, v: string) => !values || values.length === 0 || values.includes(v);
  const matches = model.filter(
    ({ row, tokens }) =>
      words.every((w) => tokens.some((t) => t.startsWith(w))) &&
      oneOf(q.filter.stage, row.stage) &&
      oneOf(q.filter.role, row.role) &&
      oneOf(q.filter.syncState, row.sync_state),
  );
  const col = COLUMN[q.sort.field];
  const sign = q.sort.dir === 'desc' ? -1 : 1;
  matches.sort((x, y) => sign * (compareValues(x.row[col], y.row[col], q.sort.field === 'name') || x.row.pk - y.row.pk));
  const offset = q.offset ?? 0;
  return { ids: matches.slice(offset, offset + q.limit).map((m) => m.row.id), total: matches.length };
}

const parse = (input: ListInput) => contract['contacts.list'].input.parse(input);

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lead-console-list-plans-'));
  const file = path.join(dir, 'store.sqlite');
  const store = Store.open(file);
  const plan = { contacts: CONTACTS, contactsPerCompany: 20 };
  new SeedLoader(store.db).load((s) => {
    const pks = s.addCompanies([...companies(plan, 7)]);
    for (const batch of contactBatches(plan, pks, 500, 8)) s.addContacts(batch);
  });
  store.close();

  // then ordinary changes through the API, so the count triggers and the search index are
  // exercised by the services too, not only by the bulk load
  core = createCore({ dataDir: dir, dbFile: file, mode: 'test', validateOutput: true, actor: 'test' });
  const call = async (method: string, input: unknown) => {
    const res = await core.call(method, input);
    if (!res.ok) throw new Error(`${method}: ${res.error.message}`);
    return res.value as Record<string, unknown>;
  };
  const created = await call('contacts.create', { name: 'María José Núñez', email: 'mj.nunez@example.com', phone: '+34 600 000 000' });
  await call('contacts.create', { email: 'marianne@example.org' });
  await call('contacts.create', { name: 'Mar Adentro', role: 'user', stage: 'signed_up' });
  const mj = (created.contact as { id: string }).id;
  await call('contacts.signUp', { id: mj, externalId: 'u-mj', company: { externalId: 'co-mj', name: 'Marisma Labs' } });
  const page = (await call('contacts.list', { search: 'mar', limit: 40 })) as { items: { id: string; stage: string }[] };
  for (const item of page.items.slice(0, 15)) {
    if (item.stage === 'lead') await call('contacts.setStage', { id: item.id, stage: 'signed_up' });
    else await call('contacts.setStage', { id: item.id, stage: 'lead', confirm: true });
  }
  for (const item of page.items.slice(15, 25)) await call('contacts.update', { id: item.id, patch: { name: 'Zed Marsh' } });
  model = loadModel(core.store);
});

afterAll(() => {
  core?.dispose();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

const SEARCHES = [undefined, 'm', 'mar', 'mari', 'maria', 'mgarc', 'ma ga', 'Zed MAR', 'nunez', 'qqqq'];
const FILTERS: ListInput['filter'][] = [
  {},
  { stage: ['signed_up'] },
  { stage: ['lead'] },
  { role: ['user'] },
  { syncState: ['failed', 'pending'] },
  { stage: ['lead'], syncState: ['local'] },
];
const SORTS: { field: SortField; dir: 'asc' | 'desc' }[] = [
  { field: 'updatedAt', dir: 'desc' },
  { field: 'name', dir: 'asc' },
  { field: 'name', dir: 'desc' },
  { field: 'email', dir: 'asc' },
  { field: 'lastActivityAt', dir: 'desc' },
  { field: 'stage', dir: 'asc' },
  { field: 'syncState', dir: 'desc' },
];

/** Probing the search index row by row is only ever chosen for words of up to 3 letters. */
const plansFor = (search: string | undefined) =>
  PLANS.filter((p) => p !== 'walk-probe' || (search?.match(/[\p{L}\p{N}]+/gu) ?? []).every((w) => w.length <= 3));

describe('contacts.list plans', () => {
  it('every plan returns the model\'s page and total, for every search, filter, sort and offset', () => {
    let checked = 0;
    for (const search of SEARCHES) {
      for (const filter of FILTERS) {
        for (const sort of SORTS) {
          for (const [offset, limit] of [[0, 25], [CONTACTS - 40, 50]] as const) {
            const q = parse({ search, filter, sort, offset, limit });
            const want = expected(q);
            for (const plan of plansFor(search)) {
              const got = core.store.contacts.listBare(q, { plan });
              const label = JSON.stringify({ search, filter, sort, offset, plan });
              expect(got.total, label).toBe(want.total);
              expect(got.rows.map((r) => r.id), label).toEqual(want.ids);
              checked++;
            }
          }
        }
      }
    }
    expect(checked).toBeGreaterThan(2000);
  });

  it('a cursor walk visits every row once, in order, NULLs included, for each plan', () => {
    const walks: ListInput[] = [
      { sort: { field: 'name', dir: 'asc' } },
      { sort: { field: 'name', dir: 'desc' } },
      { sort: { field: 'lastActivityAt', dir: 'asc' }, filter: { syncState: ['failed'] } },
      { sort: { field: 'lastActivityAt', dir: 'desc' }, filter: { stage: ['signed_up'] } },
      { sort: { field: 'email', dir: 'desc' }, search: 'ma' },
      { sort: { field: 'updatedAt', dir: 'desc' }, search: 'mari' },
      { sort: { field: 'phone', dir: 'asc' }, search: 'm', filter: { role: ['lead'] } },
    ];
    for (const walk of walks) {
      const want = expected({ ...parse(walk), limit: Number.MAX_SAFE_INTEGER });
      for (const plan of plansFor(walk.search)) {
        const seen: string[] = [];
        let cursor: string | undefined;
        for (let guard = 0; guard < 1000; guard++) {
          const q = parse({ ...walk, limit: 97, cursor });
          const page = core.store.contacts.list(q);
          // the repository's own cursor, then the same page read with the plan under test
          const forced = core.store.contacts.listBare(q, { plan });
          expect(forced.rows.map((r) => r.id)).toEqual(page.rows.map((r) => r.id));
          seen.push(...page.rows.map((r) => r.id));
          if (!page.nextCursor) break;
          cursor = page.nextCursor;
        }
        expect(seen, `${JSON.stringify(walk)} ${plan}`).toEqual(want.ids);
      }
    }
  });

  it('keeps exact totals after creates, stage moves, sign-ups and renames (the count triggers)', () => {
    for (const filter of [{}, { stage: ['lead'] }, { stage: ['signed_up'] }, { role: ['user'] }, { role: ['lead'], syncState: ['local', 'synced'] }] as ListInput['filter'][]) {
      const q = parse({ filter, limit: 1 });
      expect(core.store.contacts.list(q).total, JSON.stringify(filter)).toBe(expected(q).total);
    }
    expect(core.store.contacts.list(parse({ limit: 1 })).total).toBe(CONTACTS + 3);
  });

  it('walks the sort index (no sort step) when it chooses to walk', () => {
    const cases: ListInput[] = [
      { search: 'm' },
      { search: 'ma', sort: { field: 'name', dir: 'asc' } },
      { search: 'maria', filter: { stage: ['lead'] } },
      { filter: { role: ['user'] } },
      { filter: { syncState: ['synced'] }, sort: { field: 'email', dir: 'desc' } },
    ];
    for (const input of cases) {
      const plans = !input.search ? (['walk'] as const) : input.search.length <= 3 ? (['walk-probe', 'walk-set'] as const) : (['walk-set'] as const);
      for (const plan of plans) {
        const { page } = core.store.contacts.explainList(parse(input), { plan });
        const steps = page[0]!.queryPlan.join(' / ');
        expect(steps, `${JSON.stringify(input)} ${plan}`).not.toMatch(/TEMP B-TREE FOR ORDER BY/);
        expect(steps, `${JSON.stringify(input)} ${plan}`).toMatch(/(SCAN|SEARCH) c USING INDEX contacts_by_/);
      }
    }
  });

  it('chooses by density: probes for a dense short prefix, gathers for a rare one', () => {
    expect(core.store.contacts.explainList(parse({ search: 'qqqq' })).total).toBe(0);
    expect(core.store.contacts.explainList(parse({ search: 'mgarc' })).plan).toBe('gather-search');
    expect(core.store.contacts.explainList(parse({ search: 'm', limit: 10 })).plan).toMatch(/^walk-/);
    expect(core.store.contacts.explainList(parse({})).plan).toBe('plain');
  });
});
