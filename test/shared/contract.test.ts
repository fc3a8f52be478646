// The contract is the single source of truth: the router built by createCore serves every
// method in it (and only those), every method answers a call on real records (contacts,
// companies, links, events, segments, an import, a bulk action, a conflict, synced with the
// sandbox) with an output its schema accepts, and the preload surface has exactly one entry per
// method, on the channel derived from its name, and forwards only contract events.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  contract,
  EVENT_NAMES,
  events,
  ipcChannel,
  isMethodName,
  METHOD_NAMES,
  type MethodInput,
  type MethodName,
  type MethodOutput,
} from '../../shared/api';
import { ERROR_CODES, type Result } from '../../shared/errors';
import { buildPreloadApi } from '../../electron/preload/apiSurface';
import type { ImportPace } from '../../electron/core/import/ImportService';
import { startSandbox } from '../../electron/sandbox';
import { removeTempDir, startCore, TestClock, type TestCore } from '../helpers/testCore';

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
  'contacts.setArchived': { ids: [NOBODY], archived: true, dryRun: true },
  'contacts.delete': { id: NOBODY, confirm: true },
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
  'messages.cancel': { id: NOBODY },
  'messages.list': { contactId: NOBODY },
  'events.track': { contactId: NOBODY, name: 'viewed-pricing' },
  'contacts.timeline': { id: NOBODY },
  'companies.timeline': { id: NOBODY },
  'events.pull': { contactId: NOBODY },
  'notes.add': { contactId: NOBODY, note: 'Called, wants a demo' },
  'notes.edit': { id: NOBODY, note: 'Called twice' },
  'notes.delete': { id: NOBODY },
  'notes.list': { contactId: NOBODY },
  'notes.pull': { contactId: NOBODY },
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
  'import.failedRows': { importId: 'nothing' },
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
  'templates.list': {},
  'templates.save': { id: NOBODY, name: 'Welcome', channel: 'inapp', body: 'Hi {{first_name}}' },
  'templates.delete': { id: NOBODY },
  'templates.preview': { target: { kind: 'ids', ids: [NOBODY] }, channel: 'inapp', body: 'Hi {{first_name}}' },
  'backup.list': {},
  'backup.now': {},
  'backup.restore': { name: 'lead-console-20260101-000000-daily.sqlite', confirm: true },
  'changes.list': {},
  'changes.undo': { id: 'nothing' },
  'contacts.duplicates': {},
  'contacts.mergePreview': { fromId: NOBODY, intoId: NOBODY },
  'contacts.merge': { fromId: NOBODY, intoId: NOBODY },
  'logs.tail': { lines: 50 },
  'admins.list': {},
  'tags.list': {},
  'tags.of': { type: 'contact', id: NOBODY },
  'tags.add': { type: 'contact', id: NOBODY, name: 'VIP', create: true },
  'tags.remove': { type: 'contact', id: NOBODY, tagId: NOBODY },
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
    expect(await t.raw('contacts.obliterate', {})).toMatchObject({ ok: false, error: { code: 'UNKNOWN_METHOD' } });
  });
});

describe('every method on real records', () => {
  it('answers each method of the contract on records that exist, with an output its schema accepts', async () => {
    const clock = new TestClock();
    const sb = await startSandbox({ searchLagMs: 0, randomSeed: 11, now: clock.now, rateLimit: { limit: 1_000_000, windowMs: 10_000 } });
    // the import waits before each chunk until the test lets it go, so pause finds it running
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const importPace: ImportPace = () => gate;
    const r = startCore(undefined, clock, {
      intercom: { baseUrl: sb.url, source: 'start-option', token: sb.token },
      autoSync: false,
      importPace,
      sync: { client: { timeoutMs: 5000, backoff: { baseMs: 5, maxMs: 50 } } },
    });
    const called = new Set<string>();
    /** Calls through the router, which must answer ok with an output the contract's schema accepts. */
    async function call<M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>> {
      const res = await r.raw(method, input);
      if (!res.ok) throw new Error(`${method} answered ${JSON.stringify(res.error)}`);
      const parsed = contract[method].output.safeParse(res.value);
      expect(parsed.success, `${method}: ${parsed.error?.message}`).toBe(true);
      called.add(method);
      return res.value as MethodOutput<M>;
    }
    /** Lets the run sync.now started finish, then runs until nothing waits (as the engine tests do). */
    async function syncUntilQuiet() {
      for (let i = 0; i < 20; i++) {
        const status = await r.core.sync.runOnce();
        if (status.pending === 0 && status.state === 'idle') return;
      }
      throw new Error('the outbox did not drain');
    }
    try {
      await call('app.info', {});
      await call('settings.get', {});
      await call('settings.set', { stageValues: { customer: 'CUST' } });
      await call('sync.setOnline', { online: true });
      await call('sync.status', {});
      await call('sync.testConnection', {});

      // contacts
      const { contact: ann } = await call('contacts.create', { name: 'Ann Archer', email: 'ann@example.test' });
      const { contact: bob } = await call('contacts.create', { name: 'Bob Baker', email: 'bob@example.test' });
      const { contact: cy } = await call('contacts.create', { name: 'Cy Cole', email: 'cy@example.test' });
      expect((await call('contacts.get', { id: ann.id })).id).toBe(ann.id);
      expect((await call('contacts.list', { search: 'archer', limit: 5 })).total).toBe(1);
      expect((await call('contacts.update', { id: ann.id, patch: { phone: '+1 555 0101' } })).phone).toBe('+1 555 0101');
      expect((await call('contacts.setStage', { id: bob.id, stage: 'signed_up' })).stage).toBe('signed_up');
      await call('contacts.setStageMany', { ids: [cy.id], stage: 'signed_up', dryRun: true });
      expect((await call('contacts.findMatches', { email: 'ANN@example.test' })).email.map((c) => c.id)).toEqual([ann.id]);
      await call('contacts.signUp', { id: ann.id, externalId: 'u-ann' });
      expect((await call('contacts.setArchived', { ids: [cy.id], archived: true })).changed).toBe(1);
      expect((await call('contacts.setArchived', { ids: [cy.id], archived: false })).changed).toBe(1);
      const { contact: gone } = await call('contacts.create', { name: 'Gone Gail' });
      expect((await call('contacts.delete', { id: gone.id, confirm: true })).inIntercom).toBe(false);

      // companies and links
      const acme = await call('companies.create', { name: 'Acme' });
      expect((await call('companies.get', { id: acme.id })).id).toBe(acme.id);
      expect((await call('companies.list', { search: 'acme', limit: 5 })).total).toBe(1);
      await call('companies.update', { id: acme.id, patch: { plan: 'pro' } });
      expect((await call('companies.setStage', { id: acme.id, stage: 'sql' })).stage).toBe('sql');
      expect((await call('companies.link', { contactId: ann.id, companyId: acme.id })).changed).toBe(true);
      expect((await call('companies.link', { contactId: bob.id, companyId: acme.id })).changed).toBe(true);
      expect((await call('companies.unlink', { contactId: bob.id, companyId: acme.id })).changed).toBe(true);

      // tags on a contact and a company
      const vip = await call('tags.add', { type: 'contact', id: ann.id, name: 'VIP', create: true });
      expect(vip).toMatchObject({ created: true, changed: true });
      expect((await call('tags.add', { type: 'company', id: acme.id, name: 'vip' })).created).toBe(false);
      expect((await call('tags.of', { type: 'contact', id: ann.id })).items.map((x) => x.name)).toEqual(['VIP']);
      expect((await call('tags.list', {})).items).toEqual([expect.objectContaining({ name: 'VIP', contacts: 1, companies: 1 })]);
      await call('tags.add', { type: 'contact', id: bob.id, name: 'VIP' });
      expect((await call('tags.remove', { type: 'contact', id: bob.id, tagId: vip.tag.id })).changed).toBe(true);

      // the change journal and an undo
      const recent = await call('changes.list', { limit: 20 });
      const planChange = recent.items.find((c) => c.kind === 'company.update')!;
      expect(planChange.undoable).toBe(true);
      expect((await call('changes.undo', { id: planChange.id })).restored).toBe(1);

      // duplicates and a merge, undone
      const { contact: ann2 } = await call('contacts.create', { name: 'Ann A.', email: 'ANN@example.test' });
      expect((await call('contacts.duplicates', { reason: 'email' })).groups[0]!.contacts.map((c) => c.id)).toEqual([ann.id, ann2.id]);
      expect((await call('contacts.mergePreview', { fromId: ann2.id, intoId: ann.id })).intercom.mode).toBe('none');
      const merged = await call('contacts.merge', { fromId: ann2.id, intoId: ann.id, pick: { name: 'into' } });
      expect(merged.change.undoable).toBe(true);
      await call('changes.undo', { id: merged.change.id });
      expect((await call('contacts.get', { id: ann2.id })).name).toBe('Ann A.');

      // activity and messages
      await call('events.track', { contactId: ann.id, name: 'viewed-pricing' });
      expect((await call('contacts.timeline', { id: ann.id })).items.length).toBeGreaterThan(0);
      await call('companies.timeline', { id: acme.id });
      const welcome = await call('messages.send', { contactId: ann.id, channel: 'inapp', body: 'Welcome aboard' });
      await call('messages.flush', { contactId: ann.id });
      expect((await call('messages.list', { contactId: ann.id })).items).toHaveLength(2);
      expect(await call('messages.cancel', { id: welcome.id })).toMatchObject({ status: 'discarded', undoable: false });
      const note = await call('notes.add', { contactId: ann.id, note: 'Called, wants a demo' });
      expect((await call('notes.edit', { id: note.id, note: 'Called, wants a demo on Friday' })).body).toBe('Called, wants a demo on Friday');
      const draft = await call('notes.add', { contactId: ann.id, note: 'Scratch' });
      expect(await call('notes.delete', { id: draft.id })).toEqual({ id: draft.id, deleted: true });
      expect((await call('notes.list', { contactId: ann.id })).items.map((n) => n.id)).toEqual([note.id]);
      const template = await call('templates.save', { name: 'Welcome', channel: 'email', subject: 'Hi {{first_name}}', body: 'Welcome from {{company_name | fallback: "us"}}' });
      expect((await call('templates.list', {})).items.map((x) => x.id)).toEqual([template.id]);
      const preview = await call('templates.preview', { target: { kind: 'ids', ids: [ann.id, bob.id] }, channel: 'email', subject: template.subject!, body: template.body });
      expect(preview.items.map((i) => i.subject)).toEqual(['Hi Ann', 'Hi Bob']);
      expect((await call('templates.delete', { id: template.id })).deleted).toBe(true);

      // segments, funnel, export
      const rule = { op: 'and' as const, rules: [{ field: 'stage' as const, in: ['signed_up' as const] }] };
      expect((await call('segments.count', { rule })).count).toBeGreaterThan(0);
      const segment = await call('segments.save', { name: 'Signed up', rule });
      expect((await call('segments.list', {})).items.map((x) => x.id)).toContain(segment.id);
      expect((await call('segments.delete', { id: segment.id })).deleted).toBe(true);
      await call('funnel.get', {});
      await call('funnel.cohorts', { by: 'month' });
      await call('funnel.breakdown', { by: 'referrer' });
      await call('contacts.export', { columns: ['name', 'email'] });

      // a bulk action and its undo
      const bulk = await call('bulk.run', { target: { kind: 'ids', ids: [cy.id] }, action: { type: 'setStage', stage: 'signed_up' }, confirm: true });
      expect(bulk.bulk).not.toBeNull();
      expect((await call('bulk.list', {})).total).toBe(1);
      expect((await call('bulk.undo', { id: bulk.bulk!.id })).restored).toBe(1);

      // an import, paused while it runs, resumed, done and rolled back
      const csv = Buffer.from('email,name\ndora@example.test,Dora Dunn\neve@example.test,Eve Evans\nnot-an-email,Bad Row\n');
      const job = await call('import.open', { fileName: 'people.csv', size: csv.length });
      expect((await call('import.chunk', { importId: job.id, offset: 0, data: csv.toString('base64') })).state).toBe('ready');
      const analysis = await call('import.analyse', { importId: job.id });
      const plan = { importId: job.id, kind: 'contacts' as const, mapping: analysis.mapping, duplicates: 'skip' as const };
      expect((await call('import.preview', plan)).rows).toBe(3);
      expect((await call('import.start', plan)).state).toBe('running');
      expect((await call('import.pause', { importId: job.id })).state).toBe('interrupted');
      expect((await call('import.resume', { importId: job.id })).state).toBe('running');
      release();
      await vi.waitFor(async () => expect((await call('import.status', { importId: job.id })).state).toBe('done'));
      expect((await call('import.report', { importId: job.id })).job.created).toBe(2);
      expect((await call('import.failedRows', { importId: job.id })).rows).toBe(1);
      expect((await call('import.list', {})).total).toBe(1);
      expect((await call('import.rollback', { importId: job.id, confirm: true })).state).toBe('rolled_back');

      // a failed outbox entry (as the push step leaves one Intercom refused), retried, then discarded
      const { contact: refused } = await call('contacts.create', { name: 'Refused Rita' });
      const [entry] = (await call('outbox.list', { entityId: refused.id, limit: 5 })).items;
      const fail = () => r.core.store.db.prepare(`UPDATE outbox SET status = 'failed', last_error = 'refused' WHERE seq = ?`).run(entry!.seq);
      fail();
      expect(await call('outbox.retry', { seqs: [entry!.seq] })).toEqual({ retried: 1 });
      fail();
      expect(await call('outbox.discard', { seqs: [entry!.seq], confirm: true })).toEqual({ discarded: 1 });

      // sync with the sandbox, then a field changed on both sides is a conflict
      await call('sync.now', {});
      await syncUntilQuiet();
      const synced = await call('contacts.get', { id: ann.id });
      expect(synced.intercomId).toEqual(expect.any(String));
      // the team the sync read from GET /admins, and who I am (the connected admin)
      const team = await call('admins.list', {});
      expect(team.items.length).toBeGreaterThan(1);
      expect(team.me?.source).toBe('connection');
      await call('events.pull', { contactId: ann.id });
      expect(await call('notes.pull', { contactId: ann.id })).toMatchObject({ fetched: 1, added: 0 });
      await call('contacts.update', { id: ann.id, patch: { name: 'Ann Local' } });
      sb.workspace.remoteEdit(synced.intercomId!, { name: 'Ann Remote' });
      await r.core.sync.runOnce(); // the pull sees both sides changed; the local change waits for a decision
      const conflicts = await call('conflicts.list', { entityId: ann.id });
      expect(conflicts.items.map((k) => k.field)).toContain('name');
      expect((await call('conflicts.resolve', { id: conflicts.items.find((k) => k.field === 'name')!.id, keep: 'local' })).resolution).toBe('local');

      // a backup, listed, and put back in place of the store
      const backup = await call('backup.now', {});
      expect((await call('backup.list', {})).items.map((b) => b.name)).toContain(backup.name);
      expect((await call('backup.restore', { name: backup.name, confirm: true })).restored).toBe(backup.name);
      expect((await call('contacts.get', { id: ann.id })).id).toBe(ann.id);

      // the log of what just happened: the sync runs
      expect((await call('logs.tail', { lines: 20 })).lines.join('\n')).toContain('sync.end');

      expect(Object.keys(contract).filter((m) => !called.has(m))).toEqual([]);
    } finally {
      release();
      r.dispose();
      removeTempDir(r.dir);
      await sb.close();
    }
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
    expect(Object.keys(api).sort()).toEqual(['methods', 'onEvent', 'onMenuCommand', 'onOpenRequest']);
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
