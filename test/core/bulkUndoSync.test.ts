// Bulk undo against the sandbox, before and after the push: whatever had reached Intercom, once
// the undo syncs Intercom holds what the store holds (stages, company stages, links); a value
// changed since the bulk is kept, counted and named; a bulk message undone in its hold never
// reaches Intercom.
import { afterEach, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../electron/sandbox';
import type { MethodInput } from '../../shared/api';
import { MESSAGE_HOLD_MS } from '../../shared/domain';
import { setNow } from '../helpers/activityData';
import { removeTempDir, startCore, TestClock, type TestCore } from '../helpers/testCore';
import { expectIntercomMatches } from '../sync/syncFixtures';

const runs: Array<{ t: TestCore; sb: Sandbox }> = [];
afterEach(async () => {
  for (const { t, sb } of runs.splice(0)) {
    t.dispose();
    removeTempDir(t.dir);
    await sb.close();
  }
});

async function withSandbox() {
  const clock = new TestClock();
  const sb = await startSandbox({ searchLagMs: 0, randomSeed: 5, now: clock.now, rateLimit: { limit: 1_000_000, windowMs: 10_000 } });
  const t = startCore(undefined, clock, {
    intercom: { baseUrl: sb.url, source: 'start-option', token: sb.token },
    autoSync: false,
    sync: { client: { timeoutMs: 5000, backoff: { baseMs: 5, maxMs: 50 } } },
  });
  runs.push({ t, sb });
  return { t, sb, clock };
}

/** Runs the sync until nothing waits (the clock steps a second a reading, so holds pass too). */
async function syncUntilQuiet(t: TestCore) {
  for (let i = 0; i < 40; i++) {
    const s = await t.core.sync.runOnce();
    if (s.pending === 0 && s.state === 'idle') return s;
  }
  throw new Error('sync did not settle');
}

/** Ana, Bo, Eve and Fay (leads), Cy (user at Acme, SQL) and Dee (user at Beta, customer); Gamma has no stage and nobody. */
async function people(t: TestCore) {
  const make = async (input: MethodInput<'contacts.create'>) => (await t.api.call('contacts.create', input)).contact.id;
  const ana = await make({ email: 'ana@example.com', name: 'Ana Lima' });
  const bo = await make({ email: 'bo@example.com', name: 'Bo Berg' });
  const cy = await make({ email: 'cy@example.com', name: 'Cy Cole' });
  const dee = await make({ email: 'dee@example.com', name: 'Dee Dunn' });
  const eve = await make({ email: 'eve@example.com', name: 'Eve Ek' });
  const fay = await make({ email: 'fay@example.com', name: 'Fay Fox' });
  await t.api.call('contacts.signUp', { id: cy, externalId: 'u-cy', company: { externalId: 'acme', name: 'Acme' } });
  await t.api.call('contacts.signUp', { id: dee, externalId: 'u-dee', company: { externalId: 'beta', name: 'Beta' } });
  const companies = (await t.api.call('companies.list', { limit: 10 })).items;
  const acme = companies.find((c) => c.name === 'Acme')!.id;
  const beta = companies.find((c) => c.name === 'Beta')!.id;
  await t.api.call('companies.setStage', { id: beta, stage: 'customer' });
  const gamma = (await t.api.call('companies.create', { name: 'Gamma', externalId: 'gamma' })).id;
  return { ana, bo, cy, dee, eve, fay, acme, beta, gamma };
}

const stageIn = async (t: TestCore, sb: Sandbox, id: string) => {
  const intercomId = (await t.api.call('contacts.get', { id })).intercomId!;
  return sb.workspace.contacts().find((c) => c.id === intercomId)!.custom_attributes?.Stage;
};

describe('bulk undo and Intercom', () => {
  it('stage: undone before the push, nothing of it reaches Intercom', { timeout: 60_000 }, async () => {
    const { t, sb } = await withSandbox();
    const p = await people(t);
    await syncUntilQuiet(t);
    const run = await t.api.call('bulk.run', { target: { kind: 'ids', ids: [p.ana, p.bo] }, action: { type: 'setStage', stage: 'signed_up' }, confirm: true });
    const undone = await t.api.call('bulk.undo', { id: run.bulk!.id });
    expect(undone).toMatchObject({ restored: 2, kept: 0, compensated: 0, keptList: [] });
    // withdrawn: nothing waits
    expect(t.core.sync.status().pending).toBe(0);
    await syncUntilQuiet(t);
    expect(await stageIn(t, sb, p.ana)).toBe('Lead');
    await expectIntercomMatches(t, sb);
  });

  it('stage: undone after the push, a compensating change puts Intercom back', { timeout: 60_000 }, async () => {
    const { t, sb } = await withSandbox();
    const p = await people(t);
    await syncUntilQuiet(t);
    const run = await t.api.call('bulk.run', { target: { kind: 'ids', ids: [p.ana, p.bo] }, action: { type: 'setStage', stage: 'signed_up' }, confirm: true });
    await syncUntilQuiet(t);
    expect(await stageIn(t, sb, p.ana)).toBe('Signed up');
    const [listed] = (await t.api.call('bulk.list', {})).items;
    expect(listed).toMatchObject({ id: run.bulk!.id, undoable: true, undoBlockedReason: null });

    const undone = await t.api.call('bulk.undo', { id: run.bulk!.id });
    expect(undone).toMatchObject({ restored: 2, kept: 0, compensated: 2 });
    expect((await t.api.call('contacts.get', { id: p.ana })).stage).toBe('lead');
    const history = (await t.api.call('contacts.get', { id: p.ana })).history;
    expect(history[0]).toMatchObject({ fromStage: 'signed_up', toStage: 'lead', actor: 'tester@example.test (undo)' });
    // the store differs from Intercom until the compensation goes: never "Synced" meanwhile
    expect(t.core.sync.status().pending).toBe(2);
    await syncUntilQuiet(t);
    expect(await stageIn(t, sb, p.ana)).toBe('Lead');
    await expectIntercomMatches(t, sb);
  });

  it('stage: keeps and names a value changed since; part pushed, part pending, part refused', { timeout: 60_000 }, async () => {
    const { t, sb } = await withSandbox();
    const p = await people(t);
    await syncUntilQuiet(t);
    const run = await t.api.call('bulk.run', { target: { kind: 'ids', ids: [p.ana, p.bo, p.eve, p.fay] }, action: { type: 'setStage', stage: 'signed_up' }, confirm: true });
    await syncUntilQuiet(t);
    // Ana was moved by hand since; Eve's entry is put back to pending and Fay's marked refused, as if the push were part-way
    await t.api.call('contacts.setStage', { id: p.ana, stage: 'lead', confirm: true });
    const range = t.core.store.db.prepare('SELECT first_seq, last_seq FROM bulk_actions WHERE id = ?').get(run.bulk!.id) as { first_seq: number; last_seq: number };
    const seqOf = (id: string) => t.core.store.db.prepare('SELECT seq FROM outbox WHERE entity_id = ? AND seq BETWEEN ? AND ?').pluck().get(id, range.first_seq, range.last_seq) as number;
    t.core.store.db.prepare(`UPDATE outbox SET status = 'pending' WHERE seq = ?`).run(seqOf(p.eve));
    t.core.store.db.prepare(`UPDATE outbox SET status = 'failed', last_error = 'refused' WHERE seq = ?`).run(seqOf(p.fay));
    // ... so Intercom holds their stage from before the bulk
    for (const id of [p.eve, p.fay]) {
      const intercomId = (await t.api.call('contacts.get', { id })).intercomId!;
      const remote = sb.workspace.contact(intercomId)!;
      sb.workspace.remoteEdit(intercomId, { custom_attributes: { ...remote.custom_attributes, Stage: 'Lead' } });
    }

    const undone = await t.api.call('bulk.undo', { id: run.bulk!.id });
    expect(undone).toMatchObject({ restored: 3, kept: 1, compensated: 1, keptList: ['Stage of Ana Lima: changed since, kept'] });
    // the pending and the refused entries are withdrawn: only Bo's compensation and Ana's own change wait
    const waiting = (await t.api.call('outbox.list', { limit: 50 })).items;
    expect(waiting.map((e) => [e.entityId, e.op, e.status]).sort()).toEqual(
      [
        [p.ana, 'contact.setStage', 'pending'],
        [p.bo, 'contact.setStage', 'pending'],
      ].sort(),
    );
    await syncUntilQuiet(t);
    expect((await t.api.call('contacts.get', { id: p.ana })).stage).toBe('lead');
    await expectIntercomMatches(t, sb);
  });

  it('company stage: undone after the push puts back each company, a stage of none included', { timeout: 60_000 }, async () => {
    const { t, sb } = await withSandbox();
    const p = await people(t);
    await syncUntilQuiet(t);
    await t.api.call('companies.link', { contactId: p.ana, companyId: p.gamma });
    await syncUntilQuiet(t);
    const run = await t.api.call('bulk.run', { target: { kind: 'ids', ids: [p.cy, p.ana] }, action: { type: 'setCompanyStage', stage: 'customer' }, confirm: true });
    await syncUntilQuiet(t);
    const stageIn = (xid: string) => sb.workspace.companies().find((c) => c.company_id === xid)!.custom_attributes?.['Company Stage'] || null;
    expect([stageIn('acme'), stageIn('gamma')]).toEqual(['CUST', 'CUST']);
    const undone = await t.api.call('bulk.undo', { id: run.bulk!.id });
    expect(undone).toMatchObject({ restored: 2, kept: 0, compensated: 2 });
    expect((await t.api.call('companies.get', { id: p.acme })).stage).toBe('sql');
    expect((await t.api.call('companies.get', { id: p.gamma })).stage).toBeNull();
    await syncUntilQuiet(t);
    expect([stageIn('acme'), stageIn('gamma')]).toEqual(['SQL', null]);
    await expectIntercomMatches(t, sb);
  });

  it('link: undone after the push unlinks in Intercom too; a link changed since is kept and named', { timeout: 60_000 }, async () => {
    const { t, sb } = await withSandbox();
    const p = await people(t);
    await syncUntilQuiet(t);
    const run = await t.api.call('bulk.run', { target: { kind: 'ids', ids: [p.ana, p.bo, p.cy] }, action: { type: 'link', companyId: p.gamma }, confirm: true });
    await syncUntilQuiet(t);
    const gammaUsers = () => sb.workspace.contacts().filter((c) => sb.workspace.contactCompanies(c.id).some((co) => co.company_id === 'gamma')).length;
    expect(gammaUsers()).toBe(3);
    // Bo is unlinked and linked again by hand since
    await t.api.call('companies.unlink', { contactId: p.bo, companyId: p.gamma });
    await t.api.call('companies.link', { contactId: p.bo, companyId: p.gamma });
    const undone = await t.api.call('bulk.undo', { id: run.bulk!.id });
    expect(undone).toMatchObject({ restored: 2, kept: 1, compensated: 2, keptList: ['Link of Bo Berg to Gamma: changed since, kept'] });
    await syncUntilQuiet(t);
    expect(gammaUsers()).toBe(1);
    await expectIntercomMatches(t, sb);
  });

  it('message: undone during its hold, Intercom gets none of it; after the hold undo is not offered', { timeout: 60_000 }, async () => {
    const { t, sb, clock } = await withSandbox();
    const p = await people(t);
    await syncUntilQuiet(t);
    const at = setNow(clock, Date.now());
    const run = await t.api.call('bulk.run', { target: { kind: 'ids', ids: [p.ana, p.bo, p.cy] }, action: { type: 'message', channel: 'inapp', body: 'Hello' }, confirm: true });
    expect(run.bulk).toMatchObject({ undoable: true, releaseAt: new Date(at + MESSAGE_HOLD_MS).toISOString() });
    await t.core.sync.runOnce();
    expect(sb.workspace.messages()).toHaveLength(0);
    setNow(clock, at + MESSAGE_HOLD_MS - 1);
    const undone = await t.api.call('bulk.undo', { id: run.bulk!.id });
    expect(undone).toMatchObject({ restored: 3, kept: 0, compensated: 0 });
    const list = await t.api.call('messages.list', { contactId: p.ana, limit: 5 });
    expect(list.items[0]).toMatchObject({ status: 'discarded', undoable: false });
    expect(list.items[0]!.undoneAt).not.toBeNull();
    setNow(clock, at + 60_000);
    await t.core.sync.runOnce();
    expect(sb.workspace.messages()).toHaveLength(0);

    // a second bulk, left alone: sent after its hold, then undo is refused in words and not offered
    const second = await t.api.call('bulk.run', { target: { kind: 'ids', ids: [p.ana] }, action: { type: 'message', channel: 'inapp', body: 'Again' }, confirm: true });
    setNow(clock, at + 60_000 + MESSAGE_HOLD_MS);
    await t.core.sync.runOnce();
    expect(sb.workspace.messages()).toHaveLength(1);
    const [listed] = (await t.api.call('bulk.list', {})).items;
    expect(listed).toMatchObject({ id: second.bulk!.id, undoable: false, undoBlockedReason: 'Messages already sent cannot be taken back.' });
    const err = await t.fail('bulk.undo', { id: second.bulk!.id });
    expect(err).toMatchObject({ code: 'CONFLICT', message: 'Messages already sent cannot be taken back.' });
  });
});
