// The contract is the single source of truth: the router built by createCore serves every
// method in it (and only those), and the preload surface has exactly one entry per method,
// on the channel derived from its name, and forwards only contract events.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { contract, EVENT_NAMES, events, ipcChannel, isMethodName, METHOD_NAMES, type MethodInput, type MethodName } from '../../shared/api';
import { ERROR_CODES, type Result } from '../../shared/errors';
import { buildPreloadApi } from '../../electron/preload/apiSurface';
import { removeTempDir, startCore, type TestCore } from '../helpers/testCore';

let t: TestCore;
beforeAll(() => {
  t = startCore();
});
afterAll(() => {
  t.dispose();
  removeTempDir(t.dir);
});

const NOBODY = '3f0c2a4e-1b2c-4d3e-8f9a-0b1c2d3e4f5a';

/**
 * One well-formed input per method. Typed over the whole contract, so adding a method without
 * adding it here fails `tsc`. Ids point at nothing, so a method may answer NOT_FOUND, which
 * still proves a handler ran.
 */
const VALID_INPUT: { [M in MethodName]: MethodInput<M> } = {
  'app.info': {},
  'contacts.create': { name: 'Contract Check' },
  'contacts.get': { id: NOBODY },
  'contacts.list': { search: 'contract', limit: 5 },
  'contacts.update': { id: NOBODY, patch: { name: 'X' } },
  'contacts.setStage': { id: NOBODY, stage: 'signed_up' },
  'contacts.setStageMany': { ids: [NOBODY], stage: 'signed_up', dryRun: true },
  'contacts.findMatches': { email: 'contract@example.test', visitorId: 'v-contract' },
  'contacts.signUp': { id: NOBODY, externalId: 'u-1' },
  'companies.create': { name: 'Contract Co' },
  'companies.get': { id: NOBODY },
  'companies.list': { limit: 5 },
  'companies.update': { id: NOBODY, patch: { plan: 'pro' } },
  'companies.setStage': { id: NOBODY, stage: 'sql' },
  'companies.link': { contactId: NOBODY, companyId: NOBODY },
  'companies.unlink': { contactId: NOBODY, companyId: NOBODY },
  'outbox.list': { limit: 5 },
  'outbox.retry': { seqs: [999_999] },
  'outbox.discard': { seqs: [999_999], confirm: true },
  'settings.get': {},
  'settings.set': { stageValues: { customer: 'CUST' } },
  'sync.testConnection': {},
  'sync.status': {},
  'sync.now': {},
  'sync.setOnline': { online: true },
  'conflicts.list': { limit: 5 },
  'conflicts.resolve': { id: 999_999, keep: 'local' },
  'messages.send': { contactId: NOBODY, channel: 'inapp', body: 'Hi' },
  'messages.flush': { contactId: NOBODY },
  'messages.list': { contactId: NOBODY },
  'events.track': { contactId: NOBODY, name: 'viewed-pricing' },
  'contacts.timeline': { id: NOBODY },
  'companies.timeline': { id: NOBODY },
  'events.pull': { contactId: NOBODY },
  'import.open': { fileName: 'contacts.csv', size: 10 },
  'import.chunk': { importId: 'nothing', offset: 0, data: 'YQ==' },
  'import.analyse': { importId: 'nothing' },
  'import.preview': { importId: 'nothing', kind: 'contacts', mapping: { Email: 'email' }, duplicates: 'skip' },
  'import.start': { importId: 'nothing', kind: 'contacts', mapping: { Email: 'email' }, duplicates: 'skip' },
  'import.pause': { importId: 'nothing' },
  'import.resume': { importId: 'nothing' },
  'import.rollback': { importId: 'nothing', confirm: true },
  'import.status': { importId: 'nothing' },
  'import.list': {},
  'import.report': { importId: 'nothing' },
  'contacts.export': { columns: ['name', 'email'] },
  'funnel.get': {},
  'funnel.cohorts': { by: 'month' },
  'funnel.breakdown': { by: 'referrer' },
  'segments.list': {},
  'segments.count': { rule: { op: 'and', rules: [{ field: 'stage', in: ['lead'] }] } },
  'segments.save': { id: 'nothing', name: 'Contract', rule: { op: 'or', rules: [] } },
  'segments.delete': { id: 'nothing' },
  'bulk.run': { target: { kind: 'ids', ids: [NOBODY] }, action: { type: 'setStage', stage: 'signed_up' }, dryRun: true },
  'bulk.undo': { id: 'nothing' },
  'bulk.list': {},
};

/** The answer a well-formed call gets in a store with nothing in it, where it is not NOT_FOUND. */
const EXPECTED_ERROR: Partial<Record<MethodName, string>> = {
  // no token is set in a fresh store: the token field is named
  'sync.testConnection': 'VALIDATION',
};

describe('contract', () => {
  it('names methods domain.verb, each once, with input and output schemas', () => {
    expect(METHOD_NAMES.length).toBeGreaterThanOrEqual(15);
    for (const m of METHOD_NAMES) {
      expect(m).toMatch(/^[a-z]+\.[a-zA-Z]+$/);
      expect(typeof contract[m].input.safeParse).toBe('function');
      expect(typeof contract[m].output.safeParse).toBe('function');
      expect(isMethodName(m)).toBe(true);
    }
    expect(new Set(METHOD_NAMES.map(ipcChannel)).size).toBe(METHOD_NAMES.length);
    expect(isMethodName('toString')).toBe(false);
    expect(isMethodName('__proto__')).toBe(false);
    expect(ERROR_CODES).toEqual(expect.arrayContaining(['VALIDATION', 'NOT_FOUND', 'CONFLICT', 'UNKNOWN_METHOD', 'INTERNAL']));
  });

  it('has the methods the console is built on', () => {
    expect(METHOD_NAMES).toEqual(
      expect.arrayContaining([
        'contacts.create', 'contacts.get', 'contacts.list', 'contacts.update', 'contacts.setStage', 'contacts.signUp',
        'companies.create', 'companies.get', 'companies.list', 'companies.update', 'companies.setStage',
        'companies.link', 'companies.unlink', 'outbox.list',
      ]),
    );
    expect(EVENT_NAMES).toContain('changed');
  });
});

describe('router built by createCore', () => {
  it.each(METHOD_NAMES)('%s parses its input with the contract (bogus input is VALIDATION, not UNKNOWN_METHOD)', async (method) => {
    const res = await t.raw(method, { __bogus: 1 });
    expect(res.ok).toBe(false);
    if (res.ok) return;
    expect(res.error.code).toBe('VALIDATION');
    expect(res.error.field).toEqual(expect.any(String));
  });

  it.each(METHOD_NAMES)('%s has a handler whose answer matches the contract', async (method) => {
    const res = await t.raw(method, VALID_INPUT[method]);
    // INTERNAL would mean a missing handler, a throw, or an output that breaks the contract
    if (!res.ok) expect(res.error.code).toBe(EXPECTED_ERROR[method] ?? 'NOT_FOUND');
    else expect(contract[method].output.safeParse(res.value).success).toBe(true);
  });

  it('answers UNKNOWN_METHOD for a name outside the contract', async () => {
    expect(await t.raw('contacts.delete', {})).toMatchObject({ ok: false, error: { code: 'UNKNOWN_METHOD' } });
  });
});

describe('preload surface', () => {
  function build() {
    const invoke = vi.fn(async (channel: string, input: unknown): Promise<Result<unknown>> => ({ ok: true, value: { channel, input } }));
    let forward: ((name: string, payload: unknown) => void) | undefined;
    const unsubscribe = vi.fn();
    const subscribe = vi.fn((l: (name: string, payload: unknown) => void) => {
      forward = l;
      return unsubscribe;
    });
    const api = buildPreloadApi(invoke, subscribe);
    return { api, invoke, subscribe, unsubscribe, push: (name: string, payload: unknown) => forward!(name, payload) };
  }

  it('has one entry per contract method and no other', () => {
    const { api } = build();
    expect(Object.keys(api.methods).sort()).toEqual([...METHOD_NAMES].sort());
    expect(Object.keys(api).sort()).toEqual(['methods', 'onEvent']);
    for (const m of METHOD_NAMES) expect(typeof api.methods[m]).toBe('function');
  });

  it('invokes each method on the channel derived from its name, passing input and answer through', async () => {
    const { api, invoke } = build();
    for (const m of METHOD_NAMES) {
      const input = { probe: m };
      expect(await api.methods[m](input)).toEqual({ ok: true, value: { channel: ipcChannel(m), input } });
    }
    expect(invoke.mock.calls.map((c) => c[0])).toEqual(METHOD_NAMES.map(ipcChannel));
  });

  it('cannot be extended or rewired by the page', () => {
    const { api } = build();
    expect(Object.isFrozen(api)).toBe(true);
    expect(Object.isFrozen(api.methods)).toBe(true);
    expect(() => {
      (api.methods as Record<string, unknown>)['contacts.drop'] = () => null;
    }).toThrow(TypeError);
    expect('contacts.drop' in api.methods).toBe(false);
  });

  it('forwards only contract events, and unsubscribes', () => {
    const { api, push, unsubscribe } = build();
    const seen: [string, unknown][] = [];
    const off = api.onEvent((name, payload) => seen.push([name, payload]));
    const payload = { entity: 'contact', ids: ['x'], op: 'contact.create' };
    expect(events.changed.safeParse(payload).success).toBe(true);
    push('changed', payload);
    push('secret', { token: 'nope' });
    push('__proto__', {});
    push('api:event', {});
    expect(seen).toEqual([['changed', payload]]);
    for (const name of EVENT_NAMES) push(name, {});
    expect(seen.map(([n]) => n)).toEqual(['changed', ...EVENT_NAMES]);
    off();
    expect(unsubscribe).toHaveBeenCalledTimes(1);
    expect(() => api.onEvent('not a function' as never)).toThrow(TypeError);
  });
});
