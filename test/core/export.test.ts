// CSV export on a real core: the file's name, header and columns, RFC 4180 quoting of commas,
// quotes and line breaks, the formula guard, the view's filters / search / sort / segment, a
// selection in view order, paging past one page of rows, and the browser-mode download through
// the bridge. Files are parsed back with papaparse, independently of the writer.
import fs from 'node:fs';
import path from 'node:path';
import Papa from 'papaparse';
import { beforeEach, describe, expect, it } from 'vitest';
import { startBridge } from '../../electron/bridge/BridgeServer';
import { ExportService } from '../../electron/core/export/ExportService';
import { setFirstTouch, setNow } from '../helpers/activityData';
import { coresPerTest, type TestCore } from '../helpers/testCore';

const newCore = coresPerTest();
let t: TestCore;
let ids: Record<string, string>;

/** The file's rows (header first), after checking the UTF-8 byte order mark and CRLF line ends. */
function readCsv(file: string): string[][] {
  const text = fs.readFileSync(file, 'utf8');
  expect(text.startsWith('\uFEFF')).toBe(true);
  expect(text.endsWith('\r\n')).toBe(true);
  const parsed = Papa.parse<string[]>(text.slice(1), { delimiter: ',', newline: '\r\n', skipEmptyLines: true });
  expect(parsed.errors).toEqual([]);
  return parsed.data;
}

beforeEach(async () => {
  t = newCore();
  const { api, clock } = t;
  ids = {};
  setNow(clock, '2024-01-01T09:00:00.000Z');
  const acme = (await api.call('companies.create', { name: 'Acme, Inc.' })).id;
  const beta = (await api.call('companies.create', { name: 'beta "quoted"' })).id;
  const make = async (key: string, at: string, fields: Record<string, unknown>) => {
    setNow(clock, at);
    ids[key] = (await api.call('contacts.create', fields)).contact.id;
  };
  await make('ann', '2024-01-02T10:00:00.000Z', {
    name: 'Ann Smith',
    email: 'ann@example.test',
    phone: '+1 555 0100',
    customAttributes: { plan: 'pro', note: 'line one\nline "two", three', seats: 12, trial: false },
  });
  await make('bob', '2024-01-03T10:00:00.000Z', { name: '=HYPERLINK("http://evil.test")', email: 'bob@example.test', customAttributes: { plan: '-2+3' } });
  await make('cat', '2024-01-04T10:00:00.000Z', { name: 'Cat Jones', role: 'user', stage: 'signed_up', customAttributes: { plan: '@sum' } });
  await make('dan', '2024-01-05T10:00:00.000Z', { name: 'Dan Smith', customAttributes: { plan: '+cmd' } });
  setNow(clock, '2024-01-06T10:00:00.000Z');
  await api.call('companies.link', { contactId: ids.cat!, companyId: beta });
  await api.call('companies.link', { contactId: ids.cat!, companyId: acme });
  await api.call('companies.setStage', { id: acme, stage: 'sql' });
  setFirstTouch(t, ids.ann!, { referrer: 'https://google.com/?q=a,b', landingPage: '/pricing' });
  setNow(clock, '2024-02-03T14:05:00.000Z');
});

describe('contacts.export', () => {
  it('writes the named columns with human headers, quoted and guarded', async () => {
    const out = await t.api.call('contacts.export', {
      view: { sort: { field: 'createdAt', dir: 'asc' } },
      columns: ['name', 'email', 'phone', 'role', 'stage', 'funnelStage', 'companies', 'createdAt', 'firstReferrer', 'firstLandingPage', 'attribute:plan', 'attribute:note', 'attribute:seats', 'attribute:trial'],
    });
    expect(out).toEqual({
      fileName: 'contacts-2024-02-03-1405.csv',
      path: path.join(t.dir, 'exports', 'contacts-2024-02-03-1405.csv'),
      rows: 4,
      downloadUrl: null,
    });
    expect(readCsv(out.path)).toEqual([
      ['Name', 'Email', 'Phone', 'Role', 'Stage', 'Funnel stage', 'Companies', 'Created', 'First referrer', 'First landing page', 'plan', 'note', 'seats', 'trial'],
      ['Ann Smith', 'ann@example.test', "'+1 555 0100", 'Lead', 'Lead', 'Lead', '', '2024-01-02T10:00:00.000Z', 'https://google.com/?q=a,b', '/pricing', 'pro', 'line one\nline "two", three', '12', 'false'],
      ["'=HYPERLINK(\"http://evil.test\")", 'bob@example.test', '', 'Lead', 'Lead', 'Lead', '', '2024-01-03T10:00:00.000Z', '', '', "'-2+3", '', '', ''],
      // companies sorted by name, joined by "; "; funnel stage from the SQL company
      ['Cat Jones', '', '', 'User', 'Signed up', 'SQL', 'Acme, Inc.; beta "quoted"', '2024-01-04T10:00:00.000Z', '', '', "'@sum", '', '', ''],
      ['Dan Smith', '', '', 'Lead', 'Lead', 'Lead', '', '2024-01-05T10:00:00.000Z', '', '', "'+cmd", '', '', ''],
    ]);
    // the raw text: RFC 4180 quoting, nothing else quoted
    const raw = fs.readFileSync(out.path, 'utf8').split('\r\n');
    expect(raw[3]).toBe(`Cat Jones,,,User,Signed up,SQL,"Acme, Inc.; beta ""quoted""",2024-01-04T10:00:00.000Z,,,'@sum,,,`);
    // no half-written file is left beside it
    expect(fs.readdirSync(path.join(t.dir, 'exports'))).toEqual(['contacts-2024-02-03-1405.csv']);
  });

  it("repeats the view: search, filters and sort; a second export that minute gets its own name", async () => {
    const first = await t.api.call('contacts.export', {
      view: { search: 'smith', filter: { stage: ['lead'] }, sort: { field: 'name', dir: 'desc' } },
      columns: ['name'],
    });
    expect(readCsv(first.path)).toEqual([['Name'], ['Dan Smith'], ['Ann Smith']]);
    const second = await t.api.call('contacts.export', { view: { filter: { role: ['user'] } }, columns: ['name', 'email'] });
    expect(second.fileName).toBe('contacts-2024-02-03-1405-2.csv');
    expect(readCsv(second.path)).toEqual([['Name', 'Email'], ['Cat Jones', '']]);
    // a segment and a rule in the view
    const seg = await t.api.call('segments.save', { name: 'plans', rule: { op: 'and', rules: [{ field: 'attribute', name: 'plan', op: 'exists' }] } });
    const third = await t.api.call('contacts.export', {
      view: { filter: { segmentId: seg.id, rule: { op: 'and', rules: [{ field: 'company', op: 'none' }] } }, sort: { field: 'createdAt', dir: 'desc' } },
      columns: ['attribute:plan'],
    });
    expect(readCsv(third.path)).toEqual([['plan'], ["'+cmd"], ["'-2+3"], ['pro']]);
    // nothing matches: just the header
    const empty = await t.api.call('contacts.export', { view: { search: 'nobody' }, columns: ['name'] });
    expect(empty.rows).toBe(0);
    expect(readCsv(empty.path)).toEqual([['Name']]);
  });

  it('exports a selection in the view order, skipping ids that do not exist', async () => {
    const out = await t.api.call('contacts.export', {
      view: { sort: { field: 'name', dir: 'asc' } },
      columns: ['name'],
      ids: [ids.dan!, ids.ann!, '3f0c2a4e-1b2c-4d3e-8f9a-0b1c2d3e4f5a', ids.cat!],
    });
    expect(out.rows).toBe(3);
    expect(readCsv(out.path)).toEqual([['Name'], ['Ann Smith'], ['Cat Jones'], ['Dan Smith']]);
  });

  it('pages through more rows than one page holds, in order', async () => {
    // 4,500 more contacts from 2023, straight into the store (the triggers fill the funnel columns)
    t.core.store.db
      .prepare(
        `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 4500)
         INSERT INTO contacts (id, role, name, stage, created_at, updated_at)
         SELECT printf('00000000-0000-4000-8000-%012d', i), 'lead', printf('bulk %05d', i), 'lead', 1700000000000 + i, 1700000000000 + i FROM n`,
      )
      .run();
    const before2024 = { op: 'and' as const, rules: [{ field: 'created' as const, op: 'between' as const, from: '2023-01-01T00:00:00.000Z', to: '2024-01-01T00:00:00.000Z' }] };
    const out = await t.api.call('contacts.export', { view: { filter: { rule: before2024 }, sort: { field: 'name', dir: 'asc' } }, columns: ['name', 'funnelStage'] });
    expect(out.rows).toBe(4500);
    const rows = readCsv(out.path);
    expect(rows).toHaveLength(4501);
    expect(rows.slice(1).map((r) => r[0])).toEqual(Array.from({ length: 4500 }, (_, i) => `bulk ${String(i + 1).padStart(5, '0')}`));
    expect(new Set(rows.slice(1).map((r) => r[1]))).toEqual(new Set(['Lead']));
  });

  it('refuses unknown columns and empty column lists, naming the field', async () => {
    expect(await t.fail('contacts.export', { columns: [] })).toMatchObject({ code: 'VALIDATION', field: 'columns' });
    expect(await t.fail('contacts.export', { columns: ['name', 'password'] })).toMatchObject({ code: 'VALIDATION', field: 'columns.1' });
    expect(fs.existsSync(path.join(t.dir, 'exports'))).toBe(false);
  });
});

describe('browser mode download', () => {
  it('the bridge serves an export at its downloadUrl, to the token holder only', async () => {
    const exportsDir = path.join(t.dir, 'exports');
    const ctx = { store: t.core.store, hub: { emit() {} } as never, actor: 'x', now: () => Date.parse('2024-02-03T14:05:00.000Z'), newId: () => 'unused' };
    const service = new ExportService(ctx, exportsDir, true);
    const file = await service.writeCsv({ ids: [ids.ann!, ids.bob!] }, ['name', 'email']);
    expect(file.downloadUrl).toBe('/exports/contacts-2024-02-03-1405.csv');
    const bridge = await startBridge({ core: t.core, port: 0, exportsDir, token: 'secret-token' });
    try {
      const get = (url: string, token?: string) => fetch(new URL(url, bridge.url), { headers: token ? { Authorization: `Bearer ${token}` } : {} });
      const ok = await get(file.downloadUrl!, 'secret-token');
      expect(ok.status).toBe(200);
      expect(ok.headers.get('content-type')).toBe('text/csv; charset=utf-8');
      expect(ok.headers.get('content-disposition')).toBe('attachment; filename="contacts-2024-02-03-1405.csv"');
      expect(Buffer.from(await ok.arrayBuffer()).equals(fs.readFileSync(file.path))).toBe(true);
      expect((await get(file.downloadUrl!)).status).toBe(401);
      expect((await get(file.downloadUrl!, 'wrong')).status).toBe(401);
      fs.writeFileSync(path.join(t.dir, 'secret.csv'), 'x');
      expect((await get('/exports/..%2Fsecret.csv', 'secret-token')).status).toBe(404);
      expect((await get('/exports/lead-console.sqlite', 'secret-token')).status).toBe(404);
      expect((await get('/exports/missing.csv', 'secret-token')).status).toBe(404);
    } finally {
      await bridge.close();
    }
  });
});
