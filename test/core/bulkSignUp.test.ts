// The bulk sign-up against the sandbox: each contact becomes a user at Signed up as a single
// sign-up makes it (by its user id, else its email; one with neither is counted and left out),
// and its undo puts back role, user id and stage while Intercom has not got the sign-up, refuses
// in words once Intercom has the user, and is never offered when nothing could go back.
import { afterEach, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../electron/sandbox';
import type { MethodInput } from '../../shared/api';
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
  const sb = await startSandbox({ searchLagMs: 0, randomSeed: 7, now: clock.now, rateLimit: { limit: 1_000_000, windowMs: 10_000 } });
  const t = startCore(undefined, clock, {
    intercom: { baseUrl: sb.url, source: 'start-option', token: sb.token },
    autoSync: false,
    sync: { client: { timeoutMs: 5000, backoff: { baseMs: 5, maxMs: 50 } } },
  });
  runs.push({ t, sb });
  return { t, sb };
}

async function syncUntilQuiet(t: TestCore) {
  for (let i = 0; i < 40; i++) {
    const s = await t.core.sync.runOnce();
    if (s.pending === 0 && s.state === 'idle') return s;
  }
  throw new Error('sync did not settle');
}

/**
 * Ana and Bo (leads with an email), Uma (a lead with a user id and no email), Noa (a lead with a
 * name only), Cy (signed up), Gus (a user moved back to Lead), Lia (a lead at Signed up: moved
 * there without signing up).
 */
async function people(t: TestCore) {
  const make = async (input: MethodInput<'contacts.create'>) => (await t.api.call('contacts.create', input)).contact.id;
  const ana = await make({ email: 'ana@example.com', name: 'Ana Lima' });
  const bo = await make({ email: 'bo@example.com', name: 'Bo Berg' });
  const uma = await make({ name: 'Uma Udo', externalId: 'u-uma' });
  const noa = await make({ name: 'Noa Nobody' });
  const cy = await make({ email: 'cy@example.com', name: 'Cy Cole' });
  const gus = await make({ email: 'gus@example.com', name: 'Gus Grey' });
  const lia = await make({ email: 'lia@example.com', name: 'Lia Long', stage: 'signed_up' });
  await t.api.call('contacts.signUp', { id: cy, externalId: 'u-cy' });
  await t.api.call('contacts.signUp', { id: gus, externalId: 'u-gus' });
  await t.api.call('contacts.setStage', { id: gus, stage: 'lead', confirm: true });
  return { ana, bo, uma, noa, cy, gus, lia };
}

const get = (t: TestCore, id: string) => t.api.call('contacts.get', { id });
async function inIntercom(t: TestCore, sb: Sandbox, id: string) {
  const intercomId = (await get(t, id)).intercomId!;
  const r = sb.workspace.contacts().find((c) => c.id === intercomId)!;
  return { role: r.role, stage: r.custom_attributes?.Stage, externalId: r.external_id ?? null };
}

describe('bulk sign-up', () => {
  it('counts who is left out and why, signs the others up as a single sign-up does, and an undo before the push sends nothing', { timeout: 60_000 }, async () => {
    const { t, sb } = await withSandbox();
    const p = await people(t);
    await syncUntilQuiet(t);
    const target = { kind: 'ids' as const, ids: [p.ana, p.uma, p.noa, p.cy, p.gus, p.lia] };

    const dry = await t.api.call('bulk.run', { target, action: { type: 'signUp' }, dryRun: true });
    expect(dry).toMatchObject({ targeted: 6, touched: 4, dryRun: true, bulk: null });
    expect(dry.skipped.sort((a, b) => a.reason.localeCompare(b.reason))).toEqual([
      { reason: 'already signed up', count: 1 },
      { reason: 'no email address, which Intercom needs to make a user without a user id', count: 1 },
    ]);
    // a dry run writes nothing
    expect((await get(t, p.ana)).role).toBe('lead');
    expect(t.core.sync.status().pending).toBe(0);

    const err = await t.fail('bulk.run', { target, action: { type: 'signUp' } });
    expect(err.code).toBe('CONFIRM_REQUIRED');
    const run = await t.api.call('bulk.run', { target, action: { type: 'signUp' }, confirm: true });
    expect(run.bulk).toMatchObject({ summary: 'Signed up 4 selected contacts', touched: 4, undoable: true, undoBlockedReason: null });
    for (const id of [p.ana, p.uma, p.gus, p.lia]) {
      const c = await get(t, id);
      expect(c, c.name ?? id).toMatchObject({ role: 'user', stage: 'signed_up', syncState: 'pending' });
    }
    // the user id each had is kept; the history has the stage move (Lia was at Signed up already)
    expect((await get(t, p.uma)).externalId).toBe('u-uma');
    expect((await get(t, p.ana)).externalId).toBeNull();
    expect((await get(t, p.ana)).history[0]).toMatchObject({ fromStage: 'lead', toStage: 'signed_up', actor: 'tester@example.test' });
    expect((await get(t, p.lia)).history.filter((h) => h.toStage === 'signed_up')).toHaveLength(1);
    expect((await get(t, p.noa)).role).toBe('lead');
    // one contact.signUp entry each, as the single sign-up queues it
    const waiting = (await t.api.call('outbox.list', { limit: 50 })).items;
    expect(waiting.map((e) => [e.entityId, e.op]).sort()).toEqual([p.ana, p.uma, p.gus, p.lia].map((id) => [id, 'contact.signUp']).sort());
    expect(waiting.find((e) => e.entityId === p.ana)!.payload).toMatchObject({ role: 'user', externalId: null, stage: 'signed_up', email: 'ana@example.com' });

    const undone = await t.api.call('bulk.undo', { id: run.bulk!.id });
    expect(undone).toMatchObject({ restored: 4, kept: 0, compensated: 0, keptList: [] });
    expect(await get(t, p.ana)).toMatchObject({ role: 'lead', stage: 'lead', externalId: null });
    expect(await get(t, p.uma)).toMatchObject({ role: 'lead', stage: 'lead', externalId: 'u-uma' });
    expect(await get(t, p.gus)).toMatchObject({ role: 'user', stage: 'lead', externalId: 'u-gus' });
    expect(await get(t, p.lia)).toMatchObject({ role: 'lead', stage: 'signed_up' });
    expect((await get(t, p.ana)).history[0]).toMatchObject({ fromStage: 'signed_up', toStage: 'lead', actor: 'tester@example.test (undo)' });
    // withdrawn: nothing waits, and Intercom never hears of it
    expect(t.core.sync.status().pending).toBe(0);
    expect((await get(t, p.ana)).syncState).toBe('synced');
    await syncUntilQuiet(t);
    expect(await inIntercom(t, sb, p.ana)).toMatchObject({ role: 'lead', stage: 'Lead' });
    await expectIntercomMatches(t, sb);
  });

  it('after the push Intercom has them as users: no undo is offered, and one asked for is refused in words', { timeout: 60_000 }, async () => {
    const { t, sb } = await withSandbox();
    const p = await people(t);
    await syncUntilQuiet(t);
    const many = await t.api.call('bulk.run', { target: { kind: 'ids', ids: [p.ana, p.bo] }, action: { type: 'signUp' }, confirm: true });
    const one = await t.api.call('bulk.run', { target: { kind: 'ids', ids: [p.uma] }, action: { type: 'signUp' }, confirm: true });
    await syncUntilQuiet(t);
    expect(await inIntercom(t, sb, p.ana)).toMatchObject({ role: 'user', stage: 'Signed up' });
    expect(await inIntercom(t, sb, p.uma)).toEqual({ role: 'user', stage: 'Signed up', externalId: 'u-uma' });
    await expectIntercomMatches(t, sb);

    const listed = new Map((await t.api.call('bulk.list', {})).items.map((b) => [b.id, b]));
    expect(listed.get(many.bulk!.id)).toMatchObject({
      undoable: false,
      undoBlockedReason: 'These sign-ups already reached Intercom, which cannot turn a user back into a lead.',
    });
    expect(listed.get(one.bulk!.id)).toMatchObject({
      undoable: false,
      undoBlockedReason: 'The sign-up already reached Intercom, which cannot turn a user back into a lead.',
    });
    const err = await t.fail('bulk.undo', { id: many.bulk!.id });
    expect(err).toMatchObject({ code: 'CONFLICT', message: 'These sign-ups already reached Intercom, which cannot turn a user back into a lead.' });
    // nothing moved
    expect(await get(t, p.ana)).toMatchObject({ role: 'user', stage: 'signed_up', syncState: 'synced' });
    expect(t.core.sync.status().pending).toBe(0);
  });

  it('part pushed, part refused, part changed since: what Intercom has not got goes back, a user moved on only gets its stage back', { timeout: 60_000 }, async () => {
    const { t, sb } = await withSandbox();
    const p = await people(t);
    await syncUntilQuiet(t);
    const run = await t.api.call('bulk.run', { target: { kind: 'ids', ids: [p.ana, p.bo, p.uma, p.gus] }, action: { type: 'signUp' }, confirm: true });
    // Uma's sign-up is refused by Intercom (marked so here), so it never gets there
    const range = t.core.store.db.prepare('SELECT first_seq, last_seq FROM bulk_actions WHERE id = ?').get(run.bulk!.id) as { first_seq: number; last_seq: number };
    const seqOf = (id: string) => t.core.store.db.prepare('SELECT seq FROM outbox WHERE entity_id = ? AND seq BETWEEN ? AND ?').pluck().get(id, range.first_seq, range.last_seq) as number;
    t.core.store.db.prepare(`UPDATE outbox SET status = 'failed', last_error = 'refused' WHERE seq = ?`).run(seqOf(p.uma));
    await syncUntilQuiet(t);
    expect(await inIntercom(t, sb, p.uma)).toMatchObject({ role: 'lead', stage: 'Lead' });
    expect(await inIntercom(t, sb, p.ana)).toMatchObject({ role: 'user', stage: 'Signed up' });
    // Bo is moved by hand since
    await t.api.call('contacts.setStage', { id: p.bo, stage: 'lead', confirm: true });

    const [listed] = (await t.api.call('bulk.list', {})).items;
    expect(listed).toMatchObject({ id: run.bulk!.id, undoable: true, undoBlockedReason: null });
    const undone = await t.api.call('bulk.undo', { id: run.bulk!.id });
    expect(undone).toMatchObject({ restored: 2, kept: 2, compensated: 1 });
    expect(undone.keptList.sort()).toEqual([
      'Sign-up of Ana Lima: Intercom has it, and cannot turn a user back into a lead; kept',
      'Sign-up of Bo Berg: changed since, kept',
    ]);
    expect(await get(t, p.uma)).toMatchObject({ role: 'lead', stage: 'lead', externalId: 'u-uma' });
    expect(await get(t, p.gus)).toMatchObject({ role: 'user', stage: 'lead' });
    expect(await get(t, p.ana)).toMatchObject({ role: 'user', stage: 'signed_up' });
    expect(await get(t, p.bo)).toMatchObject({ role: 'user', stage: 'lead' });
    // Uma's refused entry is withdrawn; Gus's stage goes back to Intercom, and Bo's own change
    const waiting = (await t.api.call('outbox.list', { limit: 50 })).items;
    expect(waiting.map((e) => [e.entityId, e.op, e.status]).sort()).toEqual(
      [
        [p.bo, 'contact.setStage', 'pending'],
        [p.gus, 'contact.setStage', 'pending'],
      ].sort(),
    );
    await syncUntilQuiet(t);
    expect(await inIntercom(t, sb, p.gus)).toMatchObject({ role: 'user', stage: 'Lead' });
    await expectIntercomMatches(t, sb);
    // what is left cannot go back: the bulk is undone, and says so
    expect((await t.api.call('bulk.list', {})).items[0]).toMatchObject({ undoable: false, undoBlockedReason: 'this bulk action has already been undone' });
  });
});
