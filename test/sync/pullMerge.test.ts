// The field rule on its own (merge.ts): each case of base / local / remote, the waiting-entry
// check, a stage Intercom holds no known value for, and which fields waiting entries touch.
import { describe, expect, it } from 'vitest';
import { baseJson, flatten, mergeFields, parseBase, pendingFields, pendingLinks, withAttributes, type Flat } from '../../electron/core/sync/merge';

const none = new Set<string>();

describe('mergeFields', () => {
  const base: Flat = { name: 'Ann', phone: '1', 'customAttributes.tier': 'silver' };

  it('skips what Intercom did not change, moves the base where both agree, applies what only Intercom changed', () => {
    const m = mergeFields({
      local: { name: 'Ann', phone: '2', 'customAttributes.tier': 'gold' },
      remote: { name: 'Anna', phone: '1', 'customAttributes.tier': 'gold' },
      base,
      pending: none,
    });
    // name: only Intercom changed it; phone: only the console did; tier: both, to the same value
    expect(m.apply).toEqual({ name: 'Anna' });
    expect(m.conflicts).toEqual([]);
    expect(m.base).toEqual({ name: 'Anna', phone: '1', 'customAttributes.tier': 'gold' });
  });

  it('is a conflict when both changed a field, or a waiting entry changes it, and keeps the old base', () => {
    const m = mergeFields({
      local: { name: 'Local', phone: '1', 'customAttributes.tier': 'silver' },
      remote: { name: 'Remote', phone: '3', 'customAttributes.tier': null },
      base,
      // the phone was edited and edited back locally: the entry still waits to go out
      pending: new Set(['phone']),
    });
    expect(m.apply).toEqual({ 'customAttributes.tier': null });
    expect(m.conflicts).toEqual([
      { field: 'name', local: 'Local', remote: 'Remote', base: 'Ann' },
      { field: 'phone', local: '1', remote: '3', base: '1' },
    ]);
    expect(m.base).toEqual({ name: 'Ann', phone: '1', 'customAttributes.tier': null });
  });

  it('takes the remote as the base of a record never synced: nothing applies, nothing conflicts', () => {
    const m = mergeFields({ local: { name: 'Mine' }, remote: { name: 'Theirs', phone: '9' }, base: null, pending: new Set(['name']) });
    expect(m).toEqual({ apply: {}, conflicts: [], base: { name: 'Theirs', phone: '9' } });
  });

  it('ignores a stage Intercom has no known value for, and reads an unknown base stage as the local one', () => {
    const unknown = new Set(['stage']);
    expect(mergeFields({ local: { stage: 'signed_up' }, remote: { stage: null }, base: { stage: 'lead' }, pending: none, nullIsUnknown: unknown })).toEqual({
      apply: {},
      conflicts: [],
      base: { stage: 'lead' },
    });
    expect(mergeFields({ local: { stage: 'lead' }, remote: { stage: 'signed_up' }, base: { stage: null }, pending: none, nullIsUnknown: unknown }).apply).toEqual({
      stage: 'signed_up',
    });
    expect(
      mergeFields({ local: { stage: 'signed_up' }, remote: { stage: 'lead' }, base: { stage: null }, pending: new Set(['stage']), nullIsUnknown: unknown }).conflicts,
    ).toEqual([{ field: 'stage', local: 'signed_up', remote: 'lead', base: null }]);
  });
});

describe('waiting entries', () => {
  const entry = (op: string, payload: unknown) => ({ op, payload: JSON.stringify(payload) });

  it('name the fields their payloads carry', () => {
    const fields = pendingFields(
      [
        entry('contact.update', { name: 'x', visitorId: 'v', customAttributes: { tier: 'gold' } }),
        entry('contact.setStage', { from: 'lead', stage: 'signed_up' }),
        entry('contact.signUp', { role: 'user', externalId: 'u1', stage: 'signed_up', email: 'a@b.c', visitorId: null, from: 'lead' }),
        entry('company.link', { companyId: 'c1' }),
      ],
      'contact',
    );
    expect([...fields].sort()).toEqual(['customAttributes.tier', 'externalId', 'name', 'role', 'stage']);
    expect([...pendingFields([entry('company.update', { plan: 'p', externalId: 'x' })], 'company')]).toEqual(['plan']);
    expect([...pendingLinks([entry('company.link', { companyId: 'c1' }), entry('contact.update', { name: 'n' })])]).toEqual(['c1']);
  });
});

describe('bases and attributes', () => {
  it('round-trips a base with the remote version time, and treats "" as no attribute', () => {
    const json = baseJson({ name: 'A', 'customAttributes.x': 1, 'customAttributes.gone': null }, { remoteUpdatedAt: 1700000000 });
    expect(JSON.parse(json)).toEqual({ name: 'A', customAttributes: { x: 1 }, remoteUpdatedAt: 1700000000 });
    expect(parseBase(json)).toEqual({ flat: { name: 'A', 'customAttributes.x': 1 }, meta: { remoteUpdatedAt: 1700000000 } });
    expect(flatten({ name: 'n', plan: null, monthlySpend: null, stage: null, customAttributes: { a: '', b: false } })).toEqual({
      name: 'n',
      plan: null,
      monthlySpend: null,
      stage: null,
      'customAttributes.b': false,
    });
    expect(withAttributes('{"a":1,"b":2}', { 'customAttributes.a': null, 'customAttributes.c': 'x', name: 'ignored' })).toBe('{"b":2,"c":"x"}');
  });
});
