// The CSV export read back by the import: contacts whose values start with every character the
// export guards against spreadsheet formulas (and quotes, commas, line breaks, unicode, empty
// values, typed attributes, companies, stages) come back the same, field by field, into a fresh
// store and as an update of the store they came from; the preview shows the values unguarded.
import fs from 'node:fs';
import { beforeEach, describe, expect, it } from 'vitest';
import { EXPORT_COLUMNS } from '../../shared/api';
import type { ContactListItem } from '../../shared/domain';
import { FORMULA_STARTS, guardFormula, unguardFormula } from '../../shared/formulaGuard';
import { setNow } from '../helpers/activityData';
import { coresPerTest, outboxItems, type TestCore } from '../helpers/testCore';
import { runImport, upload } from './fixtures/import/importHarness';

const newCore = coresPerTest();

/** Every contact of a store, by its key (email, else user id). */
async function contactsOf(t: TestCore): Promise<Map<string, ContactListItem>> {
  const page = await t.api.call('contacts.list', { limit: 500, sort: { field: 'createdAt', dir: 'asc' } });
  return new Map(page.items.map((c) => [c.email ?? c.externalId ?? c.name!, c]));
}

/** The fields a round trip keeps, in words a failure can show. */
const kept = (c: ContactListItem) => ({
  name: c.name,
  email: c.email,
  phone: c.phone,
  role: c.role,
  stage: c.stage,
  externalId: c.externalId,
  visitorId: c.visitorId,
  createdAt: c.createdAt,
  companies: c.companies.map((co) => co.name).sort(),
  customAttributes: c.customAttributes,
});

const ATTRIBUTE_NAMES = ['note', 'score', 'ratio', 'active', 'since', 'renewal', 'zip', '=formula header'];

/** Text values starting with each guarded character, a guarded value behind quotes, and the awkward rest. */
const NOTES = [
  ...FORMULA_STARTS.map((c) => `${c}cmd|' /C calc'!A0`),
  "'=already quoted",
  "''+twice",
  "'plain quote",
  'line one\nline "two", three',
  'first\r\nsecond',
  'tab\tinside, comma',
  '日本語 ünïcödé 👍',
];

let t: TestCore;
let file: string;

beforeEach(async () => {
  t = newCore();
  setNow(t.clock, '2024-03-01T09:00:00.000Z');
  const evil = (await t.api.call('companies.create', { name: '=Evil Co' })).id;
  const acme = (await t.api.call('companies.create', { name: 'Acme, "The" Inc.' })).id;
  const home = (await t.api.call('companies.create', { name: '＠home 株式会社' })).id;
  const companies = [evil, acme, home];
  const names = ['=HYPERLINK("http://evil.test")', '+plus', '-minus', '@SUM(1+1)', '＝ full width', '＋ full width', 'Smith, "Q"', 'Zoë Ünal 山田'];
  for (let i = 0; i < NOTES.length; i++) {
    setNow(t.clock, `2024-03-01T10:${String(i).padStart(2, '0')}:00.000Z`);
    const { contact } = await t.api.call('contacts.create', {
      name: names[i % names.length]!,
      // some without an email (a user id names them), some without a phone
      email: i % 4 === 3 ? null : `person${i}@example.test`,
      externalId: i % 4 === 3 || i % 5 === 0 ? `${['-', '=', '@', '+'][i % 4]}user-${i}` : null,
      phone: i % 3 === 0 ? '+44 20 7946 0958' : i % 3 === 1 ? '-0207 946 0958' : null,
      role: i % 2 === 0 ? 'user' : 'lead',
      stage: i % 2 === 0 ? 'signed_up' : 'lead',
      customAttributes: {
        note: NOTES[i]!,
        score: i % 2 === 0 ? -5 - i : i * 1000,
        ratio: i / 8,
        active: i % 2 === 0,
        since: 1_700_000_000 + i,
        renewal: `2025-0${(i % 9) + 1}-01T00:00:00.000Z`,
        zip: `0${2100 + i}`,
        ...(i % 3 === 0 ? { '=formula header': `+${i}` } : {}),
      },
    });
    if (i % 4 !== 1) await t.api.call('companies.link', { contactId: contact.id, companyId: companies[i % 3]! });
    // some in two companies: the export lists them in one cell
    if (i % 4 === 2) await t.api.call('companies.link', { contactId: contact.id, companyId: companies[(i + 1) % 3]! });
  }
  // a company stage moves the funnel stage, which the export writes and the import leaves out
  await t.api.call('companies.setStage', { id: acme, stage: 'customer' });
  const out = await t.api.call('contacts.export', {
    view: { sort: { field: 'createdAt', dir: 'asc' } },
    columns: [...EXPORT_COLUMNS, ...ATTRIBUTE_NAMES.map((a) => `attribute:${a}` as const)],
  });
  file = out.path;
});

describe('formula guard', () => {
  it('guards what starts with a formula character, even behind quotes, and takes exactly that off again', () => {
    for (const c of FORMULA_STARTS) {
      expect(guardFormula(`${c}x`)).toBe(`'${c}x`);
      expect(guardFormula(`'${c}x`)).toBe(`''${c}x`);
      expect(unguardFormula(guardFormula(`'${c}x`))).toBe(`'${c}x`);
    }
    for (const v of ["'plain", 'plain', "'", '', '1-2', 'a=b']) {
      expect(guardFormula(v)).toBe(v);
      expect(unguardFormula(v)).toBe(v);
    }
  });
});

describe('export then import', () => {
  it('brings every contact back into a fresh store, field by field', async () => {
    const before = await contactsOf(t);
    expect(before.size).toBe(NOTES.length);
    const text = fs.readFileSync(file, 'utf8');
    // the file is guarded: a spreadsheet would run none of it
    expect(text).toContain(`'@SUM(1+1)`);
    expect(text).toContain(`'+44 20 7946 0958`);
    expect(text).toContain(`'-5`);

    const fresh = newCore();
    const { job, analysis } = await runImport(fresh, 'contacts.csv', text, { kind: 'contacts' });
    // the console's own export is known back: a contacts file, its derived columns left out
    expect(analysis.guessedKind).toBe('contacts');
    expect(analysis.mapping).toMatchObject({ Companies: 'companies', 'Funnel stage': 'ignore', 'Sync state': 'ignore', 'Intercom ID': 'ignore', Created: 'createdAt' });
    expect(analysis.columns).toContain('=formula header');
    expect(job).toMatchObject({ state: 'done', created: NOTES.length, failed: 0, skipped: 0 });

    const after = await contactsOf(fresh);
    expect([...after.keys()].sort()).toEqual([...before.keys()].sort());
    expect([...before.values()].filter((c) => c.companies.length === 2).length).toBeGreaterThan(2);
    expect((await fresh.api.call('companies.list', { limit: 50 })).items.map((co) => co.name).sort()).toEqual(['=Evil Co', 'Acme, "The" Inc.', '＠home 株式会社']);
    for (const [key, c] of before) expect(kept(after.get(key)!), key).toEqual(kept(c));
  });

  it('brings back what the bulk export action wrote, too', async () => {
    const before = await contactsOf(t);
    const ids = [...before.values()].map((c) => c.id);
    const columns = [...EXPORT_COLUMNS, ...ATTRIBUTE_NAMES.map((a) => `attribute:${a}`)];
    const out = await t.api.call('bulk.run', { target: { kind: 'ids', ids }, action: { type: 'export', columns }, confirm: true });
    const fresh = newCore();
    const { job } = await runImport(fresh, 'bulk.csv', fs.readFileSync(out.file!.path), { kind: 'contacts' });
    expect(job).toMatchObject({ state: 'done', created: NOTES.length, failed: 0 });
    const after = await contactsOf(fresh);
    for (const [key, c] of before) expect(kept(after.get(key)!), key).toEqual(kept(c));
  });

  it('is no change at all when read back into the store it came from', async () => {
    const before = await contactsOf(t);
    const queued = (await outboxItems(t)).length;
    const { job } = await runImport(t, 'contacts.csv', fs.readFileSync(file), { kind: 'contacts', duplicates: 'update' });
    expect(job).toMatchObject({ state: 'done', created: 0, updated: 0, failed: 0, skipped: NOTES.length });
    const after = await contactsOf(t);
    for (const [key, c] of before) expect(kept(after.get(key)!), key).toEqual(kept(c));
    // nothing new to send to Intercom
    expect((await outboxItems(t)).length).toBe(queued);
  });

  it('keeps a stored text attribute text when the file has it as a number, and takes a change', async () => {
    const [first] = (await contactsOf(t)).values();
    await t.api.call('contacts.update', { id: first!.id, patch: { customAttributes: { zip: '2100' } } });
    const csv = `Email,zip,score\n${first!.email},2100,'-7\n`;
    const { job } = await runImport(t, 'zip.csv', csv, { kind: 'contacts', duplicates: 'update' });
    expect(job).toMatchObject({ updated: 1, failed: 0 });
    const got = await t.api.call('contacts.get', { id: first!.id });
    expect(got.customAttributes).toMatchObject({ zip: '2100', score: -7 });
  });

  it('shows the values unguarded in the preview', async () => {
    const fresh = newCore();
    const job = await upload(fresh, 'contacts.csv', fs.readFileSync(file));
    const analysis = await fresh.api.call('import.analyse', { importId: job.id, kind: 'contacts' });
    const p = await fresh.api.call('import.preview', { importId: job.id, kind: 'contacts', mapping: analysis.mapping, duplicates: 'skip' });
    expect(p).toMatchObject({ rows: NOTES.length, valid: NOTES.length, invalid: 0, problems: [] });
    const people = p.mapped.map((m) => (m as { person: { name: string; phone: string | null; attributes: Record<string, unknown> } }).person);
    expect(people[0]).toMatchObject({ name: '=HYPERLINK("http://evil.test")', phone: '+44 20 7946 0958', attributes: { note: NOTES[0], score: -5, active: true } });
    expect(people[3]).toMatchObject({ name: '@SUM(1+1)', attributes: { note: NOTES[3] } });
    expect(people.map((x) => x.attributes.note)).toEqual(NOTES.slice(0, people.length));
    const companies = p.mapped.map((m) => (m as { company: { name: string } | null }).company?.name ?? null);
    expect(companies[0]).toBe('=Evil Co');
    // a contact in two companies: the first and the rest, each unguarded
    expect(p.mapped[2]).toMatchObject({ company: { name: '=Evil Co' }, more: [{ name: '＠home 株式会社' }] });
  });
});
