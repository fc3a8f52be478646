// Words shown to people carry no internal field names: every error the API can be made to answer
// (unknown records for each method that takes an id, bad ids, missing and unknown fields, refused
// actions on real records) starts with words, not with `id:` or `importId:`; the field's path
// stays in `field`, where forms find it.
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { METHOD_NAMES } from '../../shared/api';
import type { ErrorPayload } from '../../shared/errors';
import { fieldLabel, withoutFieldLabel } from '../../shared/fieldLabels';
import { coresPerTest, type TestCore } from '../helpers/testCore';
import { upload } from './fixtures/import/importHarness';

const newCore = coresPerTest();

/** A message that starts with a field's path: `id: …`, `patch.email: …`, `action.columns.0: …`. */
const STARTS_WITH_FIELD = /^[a-z][A-Za-z0-9_]*(\.[^\s:]+)*: /;
/** The ids' names anywhere, as a prefix of what follows. */
const NAMES_AN_ID = /\b(id|importId|contactId|companyId|bulkId|segmentId|changeId|seqs(\.\d+)?|patch\.\w+)\s*:/;

/** What each method is tried with: nothing, an unknown record, a malformed id, an unknown field. */
function probes(): unknown[] {
  const ghost = randomUUID();
  return [
    null,
    {},
    { id: ghost },
    { id: 'not-an-id' },
    { id: 999_999 },
    { id: ghost, confirm: true },
    { id: ghost, patch: { name: 'X' } },
    { id: ghost, patch: { email: 'not an email' } },
    { id: ghost, stage: 'signed_up' },
    { id: ghost, keep: 'local' },
    { importId: ghost },
    { importId: ghost, confirm: true },
    { importId: 'nope' },
    { contactId: ghost },
    { contactId: ghost, companyId: ghost },
    { seqs: [999_999] },
    { cursor: 'garbage' },
    { name: 'no-such-backup.sqlite', confirm: true },
    { surprise: 1 },
  ];
}

async function errorsOf(t: TestCore, method: string, inputs: unknown[]): Promise<ErrorPayload[]> {
  const out: ErrorPayload[] = [];
  for (const input of inputs) {
    const r = await t.raw(method, input);
    if (!r.ok) out.push(r.error);
  }
  return out;
}

function expectWords(method: string, e: ErrorPayload): void {
  const where = `${method}: ${e.code} ${JSON.stringify(e.message)}`;
  expect(STARTS_WITH_FIELD.test(e.message), where).toBe(false);
  expect(NAMES_AN_ID.test(e.message), where).toBe(false);
}

describe('error messages', () => {
  it('never start with an internal field name, whatever the API is sent', async () => {
    const t = newCore();
    let seen = 0;
    for (const method of METHOD_NAMES) {
      for (const e of await errorsOf(t, method, probes())) {
        expectWords(method, e);
        if (e.code === 'VALIDATION') expect(e.field, `${method} ${e.message}`).toBeTruthy();
        seen++;
      }
    }
    expect(seen).toBeGreaterThan(METHOD_NAMES.length * 5);
  });

  it('say plainly that a record is not there, for each method that looks one up, and keep the field', async () => {
    const t = newCore();
    const ghost = randomUUID();
    const lookups: [string, unknown, string][] = [
      ['contacts.get', { id: ghost }, 'id'],
      ['contacts.update', { id: ghost, patch: { name: 'X' } }, 'id'],
      ['contacts.setStage', { id: ghost, stage: 'signed_up' }, 'id'],
      ['contacts.timeline', { id: ghost }, 'id'],
      ['companies.get', { id: ghost }, 'id'],
      ['companies.timeline', { id: ghost }, 'id'],
      ['companies.link', { contactId: ghost, companyId: ghost }, 'contactId'],
      ['bulk.undo', { id: ghost }, 'id'],
      ['import.status', { importId: ghost }, 'importId'],
      ['import.rollback', { importId: ghost, confirm: true }, 'importId'],
      ['import.report', { importId: ghost }, 'importId'],
      ['conflicts.resolve', { id: 999_999, keep: 'local' }, 'id'],
      ['outbox.retry', { seqs: [999_999] }, 'seqs.0'],
      ['messages.list', { contactId: ghost }, 'contactId'],
    ];
    for (const [method, input, field] of lookups) {
      const e = await t.fail(method, input);
      expect(e, method).toMatchObject({ code: 'NOT_FOUND', field });
      expect(e.message, method).toMatch(/^There is no /);
      expectWords(method, e);
    }
  });

  it('name the field in words for bad input, which a form can take off again', async () => {
    const t = newCore();
    const { contact } = await t.api.call('contacts.create', { name: 'Ann' });
    const bad = await t.fail('contacts.update', { id: contact.id, patch: { email: 'nope' } });
    expect(bad).toMatchObject({ code: 'VALIDATION', field: 'patch.email', message: 'Email: is not a valid email address' });
    expect(withoutFieldLabel(bad.message, bad.field)).toBe('is not a valid email address');
    expect(await t.fail('contacts.get', { id: 'nope' })).toMatchObject({ field: 'id', message: 'Contact: must be a local id (UUID)' });
    expect(await t.fail('bulk.undo', { id: 42 })).toMatchObject({ field: 'id', message: expect.stringMatching(/^Bulk action: /) });
    expect(await t.fail('import.status', { importId: 42 })).toMatchObject({ field: 'importId', message: expect.stringMatching(/^Import: /) });
    expect(fieldLabel('mapping.E-mail')).toBe('Column mapping “E-mail”');
    expect(fieldLabel('action.columns.2')).toBe('Columns');
    expect(fieldLabel('monthlySpend')).toBe('Monthly spend');
  });

  it('say in words why a refused action on a real record is refused', async () => {
    const t = newCore();
    const { contact: lead } = await t.api.call('contacts.create', { name: 'Lee Lead' });
    const { contact: other } = await t.api.call('contacts.create', { name: 'Otto', externalId: 'u-1' });
    await t.api.call('segments.list', {});
    const refusals: [string, unknown][] = [
      ['contacts.update', { id: lead.id, patch: { externalId: 'u-1' } }],
      ['contacts.update', { id: other.id, patch: { name: null } }],
      ['messages.send', { contactId: lead.id, channel: 'email', subject: 'Hi', body: 'Hello' }],
      ['messages.flush', { contactId: lead.id }],
      ['segments.delete', { id: 'builtin:slipping-away' }],
      ['events.pull', { contactId: lead.id }],
      ['bulk.run', { target: { kind: 'ids', ids: [lead.id] }, action: { type: 'export', columns: ['shoeSize'] }, confirm: true }],
      ['contacts.export', { columns: ['attribute:x', 'nope'] }],
      ['contacts.list', { cursor: 'garbage' }],
    ];
    const job = await upload(t, 'people.csv', 'email\na@example.com\n');
    refusals.push(['import.pause', { importId: job.id }]);
    refusals.push(['import.preview', { importId: job.id, kind: 'contacts', mapping: { nope: 'email' }, duplicates: 'skip' }]);
    refusals.push(['import.chunk', { importId: job.id, offset: 0, data: 'YQ==' }]);
    for (const [method, input] of refusals) {
      const e = await t.fail(method, input);
      expect(e.code, `${method} ${e.message}`).not.toBe('INTERNAL');
      expectWords(method, e);
    }
  });
});
