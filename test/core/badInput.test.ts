// Bad input through the API: every malformed call is refused with VALIDATION naming the field
// (or UNKNOWN_METHOD), and the store is byte-for-byte what it was before (row counts and a
// digest of every row). SQL and FTS syntax typed into a search box is not an error at all: it is
// searched for, and the answer is an ordinary page.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createCore } from '../../electron/core/app';
import type { Fingerprint } from '../../electron/core/db/fingerprint';
import { makeTempDir, removeTempDir, startCore, type TestCore } from '../helpers/testCore';

let t: TestCore;
let contactId: string;
let companyId: string;
let baseline: Fingerprint;

beforeAll(async () => {
  t = startCore();
  const jane = await t.api.call('contacts.create', { email: 'jane@acme.test', name: 'Jane Doe', visitorId: 'v-jane' });
  contactId = jane.contact.id;
  await t.api.call('contacts.create', { name: "Conan O'Brien", email: 'conan@late.test' });
  await t.api.call('contacts.create', { name: 'Bobby Tables', email: 'bobby@xkcd.test' });
  companyId = (await t.api.call('companies.create', { name: 'Acme Rockets', externalId: 'co-acme' })).id;
  await t.api.call('companies.link', { contactId, companyId });
  baseline = t.core.store.fingerprint();
});

afterAll(() => {
  t.dispose();
  removeTempDir(t.dir);
});

/** Calls, expects the given refusal, and checks that nothing at all changed or was announced. */
async function expectRefused(method: string, input: unknown, want: { code: string; field?: string }) {
  t.events.length = 0;
  const res = await t.raw(method, input);
  expect(res.ok, `${method} ${JSON.stringify(input)?.slice(0, 120)} should be refused`).toBe(false);
  if (res.ok) return;
  expect(res.error.code).toBe(want.code);
  if (want.field !== undefined) expect(res.error.field).toBe(want.field);
  expect(res.error.message.length).toBeGreaterThan(0);
  expect(res.error.message.length).toBeLessThan(400); // never echoes a 100 KB input back
  expect(res.error.message).not.toMatch(/\n\s+at |SQLITE|sqlite|better-sqlite3/);
  expect(t.core.store.fingerprint()).toEqual(baseline);
  expect(t.events).toEqual([]);
}

const UUID = '3f0c2a4e-1b2c-4d3e-8f9a-0b1c2d3e4f5a';
const KB100 = 'x'.repeat(100 * 1024);
const id = () => contactId;
const co = () => companyId;

// [what, method, input, field]; input is a thunk so it can use ids made in beforeAll
type Case = [string, string, () => unknown, string];

const CASES: Case[] = [
  // wrong types
  ['name is a number', 'contacts.create', () => ({ name: 42 }), 'name'],
  ['email is a boolean', 'contacts.create', () => ({ email: true }), 'email'],
  ['role is not a role', 'contacts.create', () => ({ name: 'X', role: 'admin' }), 'role'],
  ['contact stage is a company stage', 'contacts.create', () => ({ name: 'X', stage: 'customer' }), 'stage'],
  ['custom attributes is an array', 'contacts.create', () => ({ name: 'X', customAttributes: ['a'] }), 'customAttributes'],
  ['custom attribute value is an object', 'contacts.create', () => ({ name: 'X', customAttributes: { deep: { a: 1 } } }), 'customAttributes.deep'],
  ['101 custom attributes', 'contacts.create', () => ({ name: 'X', customAttributes: Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`k${i}`, i])) }), 'customAttributes'],
  ['limit is a string', 'contacts.list', () => ({ limit: '10' }), 'limit'],
  ['limit is a fraction', 'contacts.list', () => ({ limit: 1.5 }), 'limit'],
  ['limit is too big', 'contacts.list', () => ({ limit: 501 }), 'limit'],
  ['stage filter is not a list', 'contacts.list', () => ({ filter: { stage: 'lead' } }), 'filter.stage'],
  ['sort on a column that is not offered', 'contacts.list', () => ({ sort: { field: 'password_hash', dir: 'asc' } }), 'sort.field'],
  ['sort direction with SQL', 'contacts.list', () => ({ sort: { field: 'name', dir: 'ASC; DROP TABLE contacts' } }), 'sort.dir'],
  ['search is a number', 'contacts.list', () => ({ search: 7 }), 'search'],
  ['monthly spend is a string', 'companies.create', () => ({ name: 'X', monthlySpend: '100' }), 'monthlySpend'],
  ['monthly spend is NaN', 'companies.create', () => ({ name: 'X', monthlySpend: NaN }), 'monthlySpend'],
  ['monthly spend is infinite', 'companies.create', () => ({ name: 'X', monthlySpend: Infinity }), 'monthlySpend'],
  ['monthly spend is negative', 'companies.create', () => ({ name: 'X', monthlySpend: -1 }), 'monthlySpend'],
  ['confirm is a string', 'contacts.setStage', () => ({ id: id(), stage: 'lead', confirm: 'yes' }), 'confirm'],
  ['company stage filter value', 'companies.list', () => ({ filter: { stage: ['lead'] } }), 'filter.stage.0'],
  ['input is a string', 'contacts.create', () => 'Jane Doe', 'input'],
  ['input is a number', 'contacts.create', () => 42, 'input'],
  ['input is an array', 'contacts.create', () => [{ name: 'Jane' }], 'input'],
  ['input is missing', 'contacts.create', () => undefined, 'input'],
  ['input is null', 'contacts.get', () => null, 'input'],

  // missing fields
  ['no email and no name', 'contacts.create', () => ({ phone: '+1 555 0100' }), 'email'],
  ['empty name only', 'contacts.create', () => ({ name: '   ' }), 'name'],
  ['id missing', 'contacts.get', () => ({}), 'id'],
  ['stage missing', 'contacts.setStage', () => ({ id: id() }), 'stage'],
  ['patch missing', 'contacts.update', () => ({ id: id() }), 'patch'],
  ['empty company in sign-up', 'contacts.signUp', () => ({ id: id(), externalId: 'u-1', company: {} }), 'company.name'],
  ['new company without a name in sign-up', 'contacts.signUp', () => ({ id: id(), externalId: 'u-1', company: { externalId: 'co-new' } }), 'company.name'],
  ['company name missing', 'companies.create', () => ({ plan: 'pro' }), 'name'],
  ['company side of a link missing', 'companies.link', () => ({ contactId: id() }), 'companyId'],
  ['edit that leaves neither email nor name', 'contacts.update', () => ({ id: id(), patch: { email: null, name: null } }), 'email'],

  // unknown fields
  ['unknown top-level field', 'contacts.create', () => ({ name: 'X', isAdmin: true }), 'isAdmin'],
  ['__proto__ from JSON', 'contacts.create', () => JSON.parse('{"name":"X","__proto__":{"isAdmin":true}}'), '__proto__'],
  ['stage is not editable through update', 'contacts.update', () => ({ id: id(), patch: { stage: 'signed_up' } }), 'patch.stage'],
  ['role is not editable through update', 'contacts.update', () => ({ id: id(), patch: { role: 'user' } }), 'patch.role'],
  ['intercom id is not the caller\'s to set', 'contacts.update', () => ({ id: id(), patch: { intercomId: 'ic-1' } }), 'patch.intercomId'],
  ['unknown filter', 'contacts.list', () => ({ filter: { deleted: true } }), 'filter.deleted'],
  ['unknown field on a company', 'companies.update', () => ({ id: co(), patch: { userCount: 99 } }), 'patch.userCount'],
  ['unknown field on app.info', 'app.info', () => ({ debug: true }), 'debug'],

  // bad emails and phones
  ['email without @', 'contacts.create', () => ({ email: 'not-an-email' }), 'email'],
  ['email with two @', 'contacts.create', () => ({ email: 'jane@@acme.test' }), 'email'],
  ['email with a space', 'contacts.create', () => ({ email: 'jane doe@acme.test' }), 'email'],
  ['email too long', 'contacts.create', () => ({ email: `${'a'.repeat(250)}@acme.test` }), 'email'],
  ['email with SQL', 'contacts.create', () => ({ email: "x'); DROP TABLE contacts; --@acme.test" }), 'email'],
  ['bad email in an edit', 'contacts.update', () => ({ id: id(), patch: { email: 'jane(at)acme.test' } }), 'patch.email'],
  ['phone with letters', 'contacts.create', () => ({ name: 'X', phone: 'call me maybe' }), 'phone'],
  ['phone too short', 'contacts.create', () => ({ name: 'X', phone: '12' }), 'phone'],

  // oversized text
  ['100 KB name', 'contacts.create', () => ({ name: KB100 }), 'name'],
  ['100 KB name in an edit', 'contacts.update', () => ({ id: id(), patch: { name: KB100 } }), 'patch.name'],
  ['100 KB company name', 'companies.create', () => ({ name: KB100 }), 'name'],
  ['100 KB email', 'contacts.create', () => ({ email: `${KB100}@acme.test` }), 'email'],
  ['100 KB visitor id', 'contacts.create', () => ({ name: 'X', visitorId: KB100 }), 'visitorId'],
  ['100 KB custom attribute', 'contacts.create', () => ({ name: 'X', customAttributes: { note: KB100 } }), 'customAttributes.note'],
  ['100 KB search', 'contacts.list', () => ({ search: KB100 }), 'search'],
  ['100 KB cursor', 'contacts.list', () => ({ cursor: KB100 }), 'cursor'],

  // control characters
  ['NUL in a name', 'contacts.create', () => ({ name: 'Jane\u0000Doe' }), 'name'],
  ['newline in a name', 'contacts.create', () => ({ name: 'Jane\nDoe' }), 'name'],
  ['tab in a name', 'contacts.create', () => ({ name: 'Jane\tDoe' }), 'name'],
  ['terminal escape in a name', 'contacts.create', () => ({ name: '\u001b[31mJane' }), 'name'],
  ['DEL in a name', 'contacts.create', () => ({ name: 'Jane\u007f' }), 'name'],
  ['C1 control in a name', 'contacts.create', () => ({ name: 'Jane\u0085Doe' }), 'name'],
  ['control character in a company name edit', 'companies.update', () => ({ id: co(), patch: { name: 'Acme\u0007' } }), 'patch.name'],
  ['control character in a user id', 'contacts.signUp', () => ({ id: id(), externalId: 'u\u00001' }), 'externalId'],
  ['control character in an attribute name', 'contacts.create', () => ({ name: 'X', customAttributes: { 'a\u0000b': 1 } }), 'customAttributes.a\u0000b'],

  // ids that are not local ids
  ['id is not a uuid', 'contacts.get', () => ({ id: '42' }), 'id'],
  ['id is SQL', 'contacts.get', () => ({ id: "' OR '1'='1" }), 'id'],
  ['id is a number', 'contacts.update', () => ({ id: 42, patch: { name: 'X' } }), 'id'],
  ['company id is not a uuid', 'companies.get', () => ({ id: 'acme' }), 'id'],
  ['contact side of a link is not a uuid', 'companies.link', () => ({ contactId: 'jane', companyId: co() }), 'contactId'],
  ['company filter is not a uuid', 'contacts.list', () => ({ filter: { companyId: 'co-acme' } }), 'filter.companyId'],

  // paging
  ['negative limit', 'contacts.list', () => ({ limit: -1 }), 'limit'],
  ['zero limit', 'companies.list', () => ({ limit: 0 }), 'limit'],
  ['negative outbox limit', 'outbox.list', () => ({ limit: -5 }), 'limit'],
  ['negative offset', 'contacts.list', () => ({ offset: -1 }), 'offset'],
  ['cursor that is not one', 'contacts.list', () => ({ cursor: 'garbage' }), 'cursor'],
  ['cursor with a forged value', 'contacts.list', () => ({ sort: { field: 'name', dir: 'asc' }, cursor: forged({ f: 'name', d: 'asc', v: { $gt: 1 }, p: 1 }) }), 'cursor'],
  ['cursor for another sort', 'contacts.list', () => ({ cursor: forged({ f: 'name', d: 'asc', v: 'a', p: 1 }) }), 'cursor'],
];

function forged(c: unknown): string {
  return Buffer.from(JSON.stringify(c), 'utf8').toString('base64url');
}

describe('bad input is refused with VALIDATION naming the field, and changes nothing', () => {
  it.each(CASES)('%s (%s)', async (_what, method, input, field) => {
    await expectRefused(method, input(), { code: 'VALIDATION', field });
  });

  it('says plainly that a missing input is required', async () => {
    const res = await t.core.call('contacts.get', null);
    expect(res).toEqual({ ok: false, error: { code: 'VALIDATION', field: 'input', message: 'Input: is required' } });
  });

  it('also refuses identity clashes without changing anything', async () => {
    await expectRefused('contacts.create', { name: 'Imposter', visitorId: 'v-jane' }, { code: 'CONFLICT', field: 'visitorId' });
    await expectRefused('companies.create', { name: 'Acme again', externalId: 'co-acme' }, { code: 'CONFLICT', field: 'externalId' });
    await expectRefused('contacts.update', { id: UUID, patch: { name: 'Ghost' } }, { code: 'NOT_FOUND', field: 'id' });
  });

  it('notices a change the fingerprint is there to catch (a control for the checks above)', async () => {
    const row = t.core.store.contacts.byId(contactId)!;
    const before = t.core.store.fingerprint();
    t.core.store.contacts.update(row.pk, { phone: '+1 555 0199' });
    const after = t.core.store.fingerprint();
    expect(after.counts).toEqual(before.counts);
    expect(after.digest).not.toBe(before.digest);
    t.core.store.contacts.update(row.pk, { phone: null });
    expect(t.core.store.fingerprint()).toEqual(before);
  });
});

describe('unknown methods', () => {
  it.each(['contacts.drop', 'contacts.create ', 'CONTACTS.CREATE', 'contacts', '', '__proto__', 'constructor', 'toString', 'hasOwnProperty', 'api:contacts.list'])(
    '%j is UNKNOWN_METHOD',
    async (method) => {
      await expectRefused(method, { name: 'X' }, { code: 'UNKNOWN_METHOD' });
    },
  );

  it('does not trip over a method name that is not a string', async () => {
    await expectRefused(42 as unknown as string, {}, { code: 'UNKNOWN_METHOD' });
    await expectRefused({ toString: () => 'contacts.create' } as unknown as string, { name: 'X' }, { code: 'UNKNOWN_METHOD' });
  });
});

describe('SQL and FTS syntax in a search box is searched for, not run', () => {
  const TEXTS = [
    "'; DROP TABLE contacts; --",
    "' OR 1=1 --",
    '" OR ""="',
    '"a" OR NEAR(',
    'NEAR(jane doe, 2)',
    'name:jane',
    '{name email}: jane',
    'jane AND NOT doe',
    '* OR *',
    '"',
    "'",
    '(',
    ')',
    '^',
    '%',
    '_',
    '\\',
    '\u0000',
    'SELECT * FROM contacts WHERE 1=1',
    'x'.repeat(200),
    '🚀 rockets',
    'a b c d e f g h i j k l m n o p',
  ];

  it.each(TEXTS)('%j gives an ordinary page for contacts and companies', async (search) => {
    t.events.length = 0;
    for (const method of ['contacts.list', 'companies.list'] as const) {
      const res = await t.raw(method, { search, limit: 50 });
      expect(res.ok, `${method} ${JSON.stringify(search)}`).toBe(true);
      if (!res.ok) continue;
      const page = res.value as { items: { id: string }[]; total: number };
      expect(page.total).toBe(page.items.length);
      expect(page.total).toBeLessThanOrEqual(baseline.counts[method === 'contacts.list' ? 'contacts' : 'companies']!);
    }
    expect(t.core.store.fingerprint()).toEqual(baseline);
    expect(t.events).toEqual([]);
  });

  it('still finds what the words say once the operators are stripped', async () => {
    const names = async (search: string) =>
      (await t.api.call('contacts.list', { search, sort: { field: 'name', dir: 'asc' } })).items.map((c) => c.name);
    expect(await names("o'brien")).toEqual(["Conan O'Brien"]);
    expect(await names('"jane')).toEqual(['Jane Doe']);
    expect(await names('jane*')).toEqual(['Jane Doe']);
    expect(await names('^jane')).toEqual(['Jane Doe']);
    expect(await names('-jane')).toEqual(['Jane Doe']);
    expect(await names('name:jane')).toEqual([]); // "name" is just another word to find
    expect(await names("Robert'); DROP TABLE contacts; --")).toEqual([]);
    expect(await names('bobby tables')).toEqual(['Bobby Tables']);
    // nothing searchable at all: no search filter, every contact
    expect(await names('" * ( ) ^')).toEqual(['Bobby Tables', "Conan O'Brien", 'Jane Doe']);
    expect((await t.api.call('companies.list', { search: 'co-acme' })).items.map((c) => c.name)).toEqual(['Acme Rockets']);
  });

  it('treats SQL inside a well-formed cursor as a value', async () => {
    const cursor = forged({ f: 'name', d: 'asc', v: "'; DROP TABLE contacts; --", p: 0 });
    const res = await t.api.call('contacts.list', { sort: { field: 'name', dir: 'asc' }, cursor });
    expect(res.total).toBe(baseline.counts.contacts);
    // names after that string in NOCASE order: all of them, as letters sort after quote marks
    expect(res.items.map((c) => c.name)).toEqual(['Bobby Tables', "Conan O'Brien", 'Jane Doe']);
    expect(t.core.store.fingerprint()).toEqual(baseline);
  });
});

describe('unexpected failures', () => {
  it('reach the caller as a plain INTERNAL message, with the details only in the log', async () => {
    const dir = makeTempDir();
    const log = vi.fn();
    const core = createCore({ dataDir: dir, mode: 'test', log });
    try {
      const created = await core.call('contacts.create', { name: 'X' });
      expect(created.ok).toBe(true);
      core.store.close(); // the store goes away under the router
      const res = await core.call('contacts.list', {});
      expect(res).toEqual({ ok: false, error: { code: 'INTERNAL', message: expect.any(String) } });
      if (!res.ok) expect(res.error.message).not.toMatch(/database|connection|sqlite|\bat\b.*\.ts/i);
      expect(log).toHaveBeenCalledTimes(1);
      expect(log.mock.calls[0]![1]).toBeInstanceOf(Error);
    } finally {
      core.dispose();
      removeTempDir(dir);
    }
  });
});
