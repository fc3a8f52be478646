// Undo of a single change, against a real store and the sandbox over HTTP, the push driven by
// hand: before the push its entries are withdrawn and nothing reaches Intercom; after it, a
// compensating entry makes Intercom equal the store again. Fields changed since stay and are
// listed, and undo is offered exactly where it is done.
import { afterEach, describe, expect, it } from 'vitest';
import { Puller } from '../../electron/core/sync/Puller';
import type { ChangeRecord, MethodOutput } from '../../shared/api';
import { TEST_ACTOR, takeChanges } from '../helpers/testCore';
import { allEntries, pushRig, type PushRig } from './pushHarness';
import { expectIntercomMatches } from './syncFixtures';

let rig: PushRig;
afterEach(async () => {
  await rig?.close();
});

const api = () => rig.t.api;
const store = () => rig.t.core.store;

async function lead(name: string, extra: Record<string, unknown> = {}) {
  return (await api().call('contacts.create', { name, email: `${name.toLowerCase().replace(/\W+/g, '.')}@example.test`, ...extra })).contact.id;
}

/** The newest journalled change (optionally about one record). */
async function latest(entityId?: string): Promise<ChangeRecord> {
  const page = await api().call('changes.list', { limit: 1, ...(entityId ? { entityId } : {}) });
  return page.items[0]!;
}

async function waiting() {
  return (await allEntries(rig.t)).filter((e) => e.status !== 'done');
}

function remoteContact(id: string) {
  const intercomId = store().contacts.byId(id)!.intercom_id!;
  return rig.sb.workspace.contacts().find((c) => c.id === intercomId)!;
}

/** The list's verdict and the undo agree: offered means done, refused means the same words. */
async function undoAsOffered(id: string): Promise<MethodOutput<'changes.undo'> | null> {
  const offered = (await api().call('changes.list', { limit: 500 })).items.find((c) => c.id === id)!;
  const res = await rig.t.raw('changes.undo', { id });
  expect(res.ok, `offered ${offered.undoable} (${offered.undoBlockedReason})`).toBe(offered.undoable);
  if (!res.ok) {
    expect(res.error.code).toBe('CONFLICT');
    expect(res.error.message).toContain(offered.undoBlockedReason!);
    expect(res.error.message).not.toMatch(/\bid:|importId|entity_id|_/);
    return null;
  }
  return res.value as MethodOutput<'changes.undo'>;
}

describe('undo before the change reaches Intercom', () => {
  it('withdraws a stage move: the entry goes, the stage comes back, nothing is sent', async () => {
    rig = await pushRig();
    const id = await lead('Ana Lima');
    await rig.push();
    await api().call('contacts.setStage', { id, stage: 'signed_up' });
    const change = takeChanges(rig.t).at(-1)!;
    expect(change).toMatchObject({ kind: 'contact.setStage', summary: 'Stage of Ana Lima set to Signed up', undoable: true, actor: TEST_ACTOR });
    expect(change.records).toEqual([{ type: 'contact', id, label: 'Ana Lima' }]);
    expect(change.historyIds).toHaveLength(1);

    const result = (await undoAsOffered(change.id))!;
    expect(result).toMatchObject({ restored: 1, kept: [] });
    expect(result.message).toContain('Nothing of it had reached Intercom');
    expect(result.change.undoneAt).not.toBeNull();
    expect(await waiting()).toEqual([]);
    const detail = await api().call('contacts.get', { id });
    expect(detail.stage).toBe('lead');
    expect(detail.syncState).toBe('synced');
    expect(detail.history[0]).toMatchObject({ fromStage: 'signed_up', toStage: 'lead', actor: `${TEST_ACTOR} (undo)` });

    rig.sb.resetStats();
    expect(await rig.push()).toMatchObject({ requests: 0 });
    expect(remoteContact(id).custom_attributes?.Stage).toBe('Lead');
    // the undo is journalled, and the undone change cannot be undone twice
    const list = (await api().call('changes.list', { limit: 10 })).items;
    expect(list[0]).toMatchObject({ kind: 'undo', summary: 'Undone: Stage of Ana Lima set to Signed up', undoable: false });
    expect(list[1]).toMatchObject({ id: change.id, undoable: false, undoBlockedReason: 'already undone' });
    expect(await undoAsOffered(change.id)).toBeNull();
  });

  it('withdraws a new lead, many stages, an edit, a link, a company and a sign-up: Intercom never hears of them', async () => {
    rig = await pushRig();
    const ann = await lead('Ann Archer');
    const bob = await lead('Bob Baker');
    const acme = (await api().call('companies.create', { name: 'Acme', externalId: 'acme' })).id;
    await rig.push();
    const fingerprint = store().fingerprint();
    const intercomBefore = JSON.stringify(rig.sb.workspace.contacts());

    const made: string[] = [];
    const note = async () => made.push((await latest()).id);
    await lead('Cy Cole');
    await note();
    await api().call('contacts.setStageMany', { ids: [ann, bob], stage: 'signed_up' });
    await note();
    await api().call('contacts.update', { id: ann, patch: { phone: '+1 555 0101', customAttributes: { seats: 3 } } });
    await note();
    await api().call('companies.link', { contactId: bob, companyId: acme });
    await note();
    await api().call('companies.setStage', { id: acme, stage: 'sql' });
    await note();
    await api().call('companies.update', { id: acme, patch: { plan: 'pro' } });
    await note();
    const beta = (await api().call('companies.create', { name: 'Beta' })).id;
    await note();
    await api().call('contacts.signUp', { id: ann, externalId: 'u-ann', company: { externalId: 'gamma', name: 'Gamma' } });
    await note();
    expect(made).toHaveLength(8);

    // newest first, each as offered
    for (const id of [...made].reverse()) expect(await undoAsOffered(id)).not.toBeNull();
    expect(await waiting()).toEqual([]);
    expect(store().companies.byId(beta)).toBeUndefined();
    expect(store().companies.byExternalId('gamma')).toBeUndefined();
    expect((await api().call('contacts.list', { search: 'cole', limit: 5 })).total).toBe(0);
    const annNow = await api().call('contacts.get', { id: ann });
    expect(annNow).toMatchObject({ stage: 'lead', role: 'lead', externalId: null, phone: null, customAttributes: {}, companies: [] });
    expect((await api().call('companies.get', { id: acme })).stage).toBeNull();
    // rows, links, outbox and search entries as before (history and times carry the undo)
    const now = store().fingerprint();
    expect(now.counts.contacts).toBe(fingerprint.counts.contacts);
    expect(now.counts.companies).toBe(fingerprint.counts.companies);
    expect(now.counts.contact_companies).toBe(fingerprint.counts.contact_companies);
    expect(now.counts.outbox).toBe(fingerprint.counts.outbox);

    rig.sb.resetStats();
    expect(await rig.push()).toMatchObject({ requests: 0 });
    expect(JSON.stringify(rig.sb.workspace.contacts())).toBe(intercomBefore);
    await expectIntercomMatches(rig.t, rig.sb);
  });

  it('withdraws a sign-up into an existing company: its stage, the link and the funnel come back', async () => {
    rig = await pushRig();
    const jo = await lead('Jo Jones');
    const kai = await lead('Kai Kim');
    const acme = (await api().call('companies.create', { name: 'Acme', externalId: 'acme' })).id;
    await api().call('companies.link', { contactId: kai, companyId: acme });
    await rig.pushUntilQuiet();
    const funnel = (id: string) =>
      store().db.prepare('SELECT funnel_rank, funnel_max, signed_up_at, sql_at, customer_at FROM contacts WHERE id = ?').get(id);
    const before = { jo: funnel(jo), kai: funnel(kai) };

    await api().call('contacts.signUp', { id: jo, externalId: 'u-jo', company: { externalId: 'acme' } });
    const signUp = await latest();
    expect(signUp.summary).toBe('Jo Jones signed up with Acme');
    expect(funnel(jo)).toMatchObject({ funnel_rank: 2, funnel_max: 2 });
    expect(funnel(kai)).toMatchObject({ funnel_rank: 2, funnel_max: 2 });

    expect(await undoAsOffered(signUp.id)).toMatchObject({ restored: 5, kept: [] });
    expect(await waiting()).toEqual([]);
    expect(await api().call('contacts.get', { id: jo })).toMatchObject({ stage: 'lead', role: 'lead', externalId: null, companies: [] });
    expect((await api().call('companies.get', { id: acme })).stage).toBeNull();
    expect({ jo: funnel(jo), kai: funnel(kai) }).toEqual(before);
    rig.sb.resetStats();
    expect(await rig.push()).toMatchObject({ requests: 0 });
    await expectIntercomMatches(rig.t, rig.sb);
  });

  it('withdraws an entry Intercom refused', async () => {
    rig = await pushRig();
    const id = await lead('Dee Dale');
    await rig.push();
    await api().call('contacts.setStage', { id, stage: 'signed_up' });
    const change = await latest();
    const seq = (await waiting())[0]!.seq;
    store().db.prepare(`UPDATE outbox SET status = 'failed', last_error = 'refused' WHERE seq = ?`).run(seq);
    expect(await undoAsOffered(change.id)).not.toBeNull();
    expect(await allEntries(rig.t)).not.toContainEqual(expect.objectContaining({ seq }));
    expect((await api().call('contacts.get', { id })).syncState).toBe('synced');
  });
});

describe('undo after the change reached Intercom', () => {
  it('compensates stages, edits, links and company changes: after sync Intercom equals the store', async () => {
    rig = await pushRig();
    const ann = await lead('Ann Archer', { phone: '+1 555 0100', customAttributes: { tier: 'gold' } });
    const bob = await lead('Bob Baker');
    const acme = (await api().call('companies.create', { name: 'Acme', externalId: 'acme', plan: 'basic' })).id;
    await api().call('companies.link', { contactId: ann, companyId: acme });
    await rig.pushUntilQuiet();

    const made: string[] = [];
    const note = async () => made.push((await latest()).id);
    await api().call('contacts.setStage', { id: ann, stage: 'signed_up' });
    await note();
    await api().call('contacts.setStageMany', { ids: [bob], stage: 'signed_up' });
    await note();
    await api().call('contacts.update', { id: ann, patch: { name: 'Ann Smith', phone: '+1 555 0199', customAttributes: { tier: 'silver', seats: 4 } } });
    await note();
    await api().call('companies.unlink', { contactId: ann, companyId: acme });
    await note();
    await api().call('companies.link', { contactId: bob, companyId: acme });
    await note();
    await api().call('companies.setStage', { id: acme, stage: 'sql' });
    await note();
    await api().call('companies.update', { id: acme, patch: { plan: 'pro', customAttributes: { region: 'EU' } } });
    await note();
    await rig.pushUntilQuiet();
    expect(remoteContact(ann).name).toBe('Ann Smith');

    for (const id of [...made].reverse()) {
      const result = (await undoAsOffered(id))!;
      expect(result.kept).toEqual([]);
      expect(result.message).toContain('Intercom gets the previous values');
    }
    expect((await waiting()).length).toBeGreaterThan(0);
    await rig.pushUntilQuiet();

    await expectIntercomMatches(rig.t, rig.sb);
    const annRemote = remoteContact(ann);
    expect(annRemote).toMatchObject({ name: 'Ann Archer', phone: '+1 555 0100' });
    expect(annRemote.custom_attributes?.tier).toBe('gold');
    // an attribute removed is blank in Intercom, as any removal through an edit
    expect(['', null, undefined]).toContain(annRemote.custom_attributes?.seats);
    const acmeRow = store().companies.byId(acme)!;
    const acmeRemote = rig.sb.workspace.companies().find((c) => c.id === acmeRow.intercom_id)!;
    expect(acmeRemote.plan?.name ?? acmeRemote.plan ?? null).toBe('basic');
    expect(['', null, undefined]).toContain(acmeRemote.custom_attributes?.region);
    const local = await api().call('contacts.get', { id: ann });
    expect(local).toMatchObject({ name: 'Ann Archer', phone: '+1 555 0100', stage: 'lead', customAttributes: { tier: 'gold' }, syncState: 'synced' });
    expect(local.companies.map((c) => c.id)).toEqual([acme]);
  });

  it('compensates a change whose entry is in flight: it goes out, then the previous value after it', async () => {
    rig = await pushRig();
    const id = await lead('Lee Lane');
    await rig.push();
    await api().call('contacts.setStage', { id, stage: 'signed_up' });
    const change = await latest();
    const [entry] = await waiting();
    // as the pusher marks it before its request (a process killed then leaves it so)
    store().transaction(() => store().outbox.markInFlight([entry!.seq], Date.now()));
    expect((await api().call('changes.list', { limit: 1 })).items[0]).toMatchObject({ id: change.id, undoable: true });

    const result = (await undoAsOffered(change.id))!;
    expect(result.message).toContain('Intercom gets the previous values');
    expect((await allEntries(rig.t)).filter((e) => e.entityId === id).map((e) => [e.op, e.status])).toEqual([
      ['contact.create', 'done'],
      ['contact.setStage', 'in_flight'],
      ['contact.setStage', 'pending'],
    ]);
    await rig.pushUntilQuiet();
    expect(remoteContact(id).custom_attributes?.Stage).toBe('Lead');
    await expectIntercomMatches(rig.t, rig.sb);
  });

  it('keeps a field changed since and lists it in words; the rest goes back', async () => {
    rig = await pushRig();
    const id = await lead('Eve Evans');
    await rig.push();
    await api().call('contacts.update', { id, patch: { name: 'Eve Early', phone: '+1 555 0123' } });
    const first = await latest();
    await rig.push();
    await api().call('contacts.update', { id, patch: { name: 'Eve Later' } });

    const result = (await undoAsOffered(first.id))!;
    expect(result.restored).toBe(1);
    expect(result.kept).toEqual([{ record: 'Eve Later', field: 'Name', why: 'changed since' }]);
    expect(result.message).toContain('Name of Eve Later (changed since)');
    await rig.pushUntilQuiet();
    expect(remoteContact(id)).toMatchObject({ name: 'Eve Later' });
    expect(remoteContact(id).phone ?? null).toBeNull();
    expect(await api().call('contacts.get', { id })).toMatchObject({ name: 'Eve Later', phone: null, syncState: 'synced' });

    // a change whose every field moved since is not offered, and refused in the same words
    await api().call('contacts.update', { id, patch: { phone: '+1 555 0124' } });
    const phone = await latest();
    await api().call('contacts.update', { id, patch: { phone: '+1 555 0125' } });
    const offered = (await api().call('changes.list', { limit: 10 })).items.find((c) => c.id === phone.id)!;
    expect(offered).toMatchObject({ undoable: false });
    expect(offered.undoBlockedReason).toBe('nothing left to undo: Phone of Eve Later changed again since');
    expect(await undoAsOffered(phone.id)).toBeNull();
  });

  it('refuses a sign-up that reached Intercom and a new lead changed since, saying why; a new company is offered (deleted there)', async () => {
    rig = await pushRig();
    const id = await lead('Fay Fox');
    const newLead = await latest();
    await api().call('companies.create', { name: 'Delta' });
    const newCompany = await latest();
    await api().call('contacts.signUp', { id, externalId: 'u-fay', company: { externalId: 'omega', name: 'Omega' } });
    const signUp = await latest();
    await rig.pushUntilQuiet();

    const list = (await api().call('changes.list', { limit: 10 })).items;
    const reason = (cid: string) => list.find((c) => c.id === cid)!.undoBlockedReason;
    expect(reason(signUp.id)).toBe('the sign-up of Fay Fox already reached Intercom, which cannot turn a user back into a lead');
    expect(reason(newCompany.id)).toBeNull();
    expect(reason(newLead.id)).toMatch(/^Fay Fox was changed after it was created/);
    for (const c of [signUp, newLead]) expect(await undoAsOffered(c.id)).toBeNull();
    expect((await undoAsOffered(newCompany.id))!.message).toContain('Delta is deleted in Intercom at the next sync.');

  });

  it('archives a new lead Intercom has: gone here, archived there, and no pull brings it back', async () => {
    rig = await pushRig();
    const gus = await lead('Gus Gray');
    const hal = await lead('Hal Hunt');
    const gusChange = await latest(gus);
    await rig.push();
    const intercomId = store().contacts.byId(gus)!.intercom_id!;

    const result = (await undoAsOffered(gusChange.id))!;
    expect(result.message).toBe('Undone: New lead Gus Gray. Gus Gray is archived in Intercom at the next sync.');
    expect(store().contacts.byId(gus)).toBeUndefined();
    expect((await waiting()).map((e) => e.op)).toEqual(['contact.archive']);
    // Intercom still lists Gus until the archive goes: a pull meanwhile must not make him again
    await new Puller(rig.ctx).firstPull();
    expect(store().contacts.byId(gus)).toBeUndefined();

    await rig.pushUntilQuiet();
    expect(rig.sb.workspace.contact(intercomId)).toMatchObject({ archived: true });
    await new Puller(rig.ctx).firstPull();
    expect((await api().call('contacts.list', { limit: 10 })).items.map((c) => c.id)).toEqual([hal]);
    await expectIntercomMatches(rig.t, rig.sb);
  });

  it('refuses a new lead changed after it was created, until those changes are undone', async () => {
    rig = await pushRig();
    const ivy = await lead('Ivy Ives');
    const created = await latest(ivy);
    await api().call('contacts.update', { id: ivy, patch: { phone: '+1 555 0177' } });
    const edit = await latest(ivy);
    await rig.push();
    expect(await undoAsOffered(created.id)).toBeNull();
    expect(await undoAsOffered(edit.id)).not.toBeNull();
    expect(await undoAsOffered(created.id)).not.toBeNull();
    await rig.pushUntilQuiet();
    expect(store().contacts.byId(ivy)).toBeUndefined();
    expect(rig.sb.workspace.contacts().filter((c) => !c.archived)).toEqual([]);
  });

  it('lists changes newest first, by record, with the history rows they added', async () => {
    rig = await pushRig();
    const id = await lead('Hal Hunt');
    const other = await lead('Ivy Ives');
    await api().call('contacts.setStage', { id, stage: 'signed_up' });
    const all = await api().call('changes.list', { limit: 10 });
    expect(all.total).toBe(3);
    expect(all.items.map((c) => c.summary)).toEqual(['Stage of Hal Hunt set to Signed up', 'New lead Ivy Ives', 'New lead Hal Hunt']);
    const mine = await api().call('changes.list', { entityType: 'contact', entityId: id, limit: 10 });
    expect(mine.items.map((c) => c.kind)).toEqual(['contact.setStage', 'contact.create']);
    expect((await api().call('changes.list', { entityId: other, limit: 10 })).total).toBe(1);
    const history = (await api().call('contacts.get', { id })).history;
    expect(mine.items[0]!.historyIds).toEqual([history[0]!.id]);

    // one change for many: listed by record, it gives that record's history rows
    const jay = await lead('Jay Joy');
    await api().call('contacts.setStageMany', { ids: [jay, other], stage: 'signed_up' });
    const many = (await api().call('changes.list', { entityId: other, limit: 1 })).items[0]!;
    expect(many).toMatchObject({ kind: 'contact.setStageMany', summary: 'Stage of 2 contacts set to Signed up', undoable: true });
    expect(many.records.map((r) => r.label)).toEqual(['Jay Joy', 'Ivy Ives']);
    expect(many.historyIds).toEqual([(await api().call('contacts.get', { id: other })).history[0]!.id]);
  });
});
