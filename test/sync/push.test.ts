// The push side of sync against the sandbox over HTTP: offline work reaches Intercom once, field
// changes fold into one request, a sign-up merges into an existing user, refusals fail only their
// own entries, messages go out at most once, and a killed process resumes without duplicates.
import { afterEach, describe, expect, it } from 'vitest';
import { LOST_SEND_MESSAGE, Pusher } from '../../electron/core/sync/Pusher';
import { IntercomError } from '../../electron/core/sync/IntercomError';
import { syntheticExternalId } from '../../electron/core/sync/mapping';
import { allEntries, pushRig, type PushRig } from './pushHarness';
import { expectIntercomMatches, makeOfflineWork } from './syncFixtures';

let rig: PushRig;
afterEach(async () => {
  await rig?.close();
});

const api = () => rig.t.api;
const contactRow = (id: string) => rig.t.core.store.contacts.byId(id)!;

async function lead(email: string, extra: Record<string, unknown> = {}) {
  return (await api().call('contacts.create', { email, ...extra })).contact.id;
}

describe('Pusher: offline work reaches Intercom', () => {
  it('creates every contact and company once, with stages and links, and records ids and bases', async () => {
    rig = await pushRig();
    await makeOfflineWork(rig.t);
    const waiting = rig.t.core.store.outbox.countWaiting();
    const progress: Array<[number, number | null]> = [];
    const summary = await new Pusher(rig.ctx).run((done, total) => progress.push([done, total]));

    expect(summary).toMatchObject({ done: waiting, failed: 0, deferred: 0 });
    expect(rig.t.core.store.outbox.countWaiting()).toBe(0);
    expect((await allEntries(rig.t)).every((e) => e.status === 'done')).toBe(true);
    await expectIntercomMatches(rig.t, rig.sb);
    expect(progress.at(-1)).toEqual([waiting, waiting]);

    const local = (await api().call('contacts.list', { limit: 500 })).items;
    expect(local.every((c) => c.syncState === 'synced')).toBe(true);
    // the base is what Intercom holds now
    const one = local.find((c) => c.role === 'user')!;
    const base = JSON.parse(rig.t.core.store.db.prepare('SELECT sync_base FROM contacts WHERE id = @id').pluck().get({ id: one.id }) as string);
    expect(base).toMatchObject({ email: one.email, externalId: one.externalId, role: 'user', stage: 'signed_up' });
    expect(rig.changed.some((c) => c.entity === 'contact' && c.ids.includes(one.id))).toBe(true);

    // a second run has nothing to do and makes no requests
    rig.sb.resetStats();
    expect(await rig.push()).toMatchObject({ done: 0, requests: 0 });
  });

  it('folds a create and five updates into exactly one request', async () => {
    rig = await pushRig();
    const id = await lead('fold@example.com');
    for (let i = 0; i < 5; i++) {
      await api().call('contacts.update', { id, patch: { name: `Name ${i}`, customAttributes: { visits: i } } });
    }
    await rig.push(); // attributes exist after the first run; measure a clean second one
    const id2 = await lead('fold2@example.com');
    for (let i = 0; i < 5; i++) await api().call('contacts.update', { id: id2, patch: { name: `Other ${i}`, phone: `+1 555 000${i}` } });
    rig.sb.resetStats();
    const s = await rig.push();
    expect(s).toMatchObject({ done: 6, requests: 1 });
    expect(rig.sb.stats().byRoute).toEqual({ 'POST /contacts': 1 });
    const remote = rig.sb.workspace.contacts().find((c) => c.external_id === syntheticExternalId(id2))!;
    expect(remote).toMatchObject({ name: 'Other 4', phone: '+1 555 0004', email: 'fold2@example.com', role: 'lead' });
    expect(remote.custom_attributes.Stage).toBe('Lead');
    const first = rig.sb.workspace.contacts().find((c) => c.external_id === syntheticExternalId(id))!;
    expect(first).toMatchObject({ name: 'Name 4' });
    expect(first.custom_attributes.visits).toBe(4);
  });

  it('folds a sign-up into the create of a contact not yet in Intercom: one POST with the real user id', async () => {
    rig = await pushRig();
    const id = await lead('early@example.com');
    await api().call('contacts.signUp', { id, externalId: 'user-early' });
    await rig.push();
    const remote = rig.sb.workspace.contacts();
    expect(remote).toHaveLength(1);
    expect(remote[0]).toMatchObject({ external_id: 'user-early', role: 'user', email: 'early@example.com' });
    expect(remote[0]!.custom_attributes.Stage).toBe('Signed up');
    expect(contactRow(id).intercom_id).toBe(remote[0]!.id);
  });

  it('signs up a lead already in Intercom by converting it in place', async () => {
    rig = await pushRig();
    const id = await lead('convert@example.com', { name: 'Convert Me' });
    await rig.push();
    const leadId = contactRow(id).intercom_id!;
    const acme = await api().call('companies.create', { name: 'Acme', externalId: 'acme' });
    await api().call('contacts.signUp', { id, externalId: 'user-c', company: { externalId: 'acme' } });
    const s = await rig.push();
    expect(s.failed).toBe(0);
    const remote = rig.sb.workspace.contacts();
    expect(remote).toHaveLength(1);
    expect(remote[0]).toMatchObject({ id: leadId, role: 'user', external_id: 'user-c' });
    expect(remote[0]!.custom_attributes.Stage).toBe('Signed up');
    expect(rig.sb.workspace.contactCompanies(leadId).map((c) => c.company_id)).toEqual(['acme']);
    expect(rig.sb.workspace.company('acme')!.custom_attributes['Company Stage']).toBe('SQL');
    expect(rig.t.core.store.companies.byId(acme.id)!.intercom_id).toBe(rig.sb.workspace.company('acme')!.id);
  });

  it('merges the lead into an existing user with the same user id and points the local contact at the user', async () => {
    rig = await pushRig();
    const user = rig.sb.workspace.remoteCreateContact({ role: 'user', external_id: 'user-m', email: 'm@example.com', name: 'Existing User' });
    const id = await lead('m-lead@example.com');
    await rig.push();
    const leadId = contactRow(id).intercom_id!;
    expect(leadId).not.toBe(user.id);
    await api().call('contacts.signUp', { id, externalId: 'user-m', company: { externalId: 'co-m', name: 'Co M' } });
    const s = await rig.push();
    expect(s.failed).toBe(0);

    const live = rig.sb.workspace.contacts();
    expect(live).toHaveLength(1);
    expect(live[0]!.id).toBe(user.id);
    expect(rig.sb.workspace.contact(leadId)!.mergedInto).toBe(user.id);
    expect(live[0]!.custom_attributes.Stage).toBe('Signed up');
    const row = contactRow(id);
    expect(row.intercom_id).toBe(user.id);
    expect(row.id).toBe(id); // the local id stays
    expect(rig.sb.workspace.contactCompanies(user.id).map((c) => c.company_id)).toEqual(['co-m']);
    expect(row.sync_state).toBe('synced');
  });

  it('adopts a contact Intercom already has under the synthetic external id (a lost create answer), unarchiving it', async () => {
    rig = await pushRig();
    const id = await lead('again@example.com', { name: 'Again' });
    // the first create reached Intercom, then someone archived it there
    const prior = rig.sb.workspace.remoteCreateContact({ role: 'lead', external_id: syntheticExternalId(id), email: 'again@example.com' });
    rig.sb.workspace.archiveContact(prior.id, true);
    rig.sb.resetStats();
    const s = await rig.push();
    expect(s.failed).toBe(0);
    expect(rig.sb.stats().byRoute).toMatchObject({ 'POST /contacts': 1, 'POST /contacts/{id}/unarchive': 1, 'PUT /contacts/{id}': 1 });
    const live = rig.sb.workspace.contacts();
    expect(live).toHaveLength(1);
    expect(live[0]).toMatchObject({ id: prior.id, name: 'Again' });
    expect(contactRow(id).intercom_id).toBe(prior.id);
  });

  it('re-creates a contact deleted in Intercom when an update gets 404, and finds a user by external id', async () => {
    rig = await pushRig();
    const leadId = await lead('gone@example.com');
    const userId = (await api().call('contacts.create', { role: 'user', externalId: 'u-gone', email: 'ug@example.com', stage: 'signed_up' })).contact.id;
    await rig.push();
    const oldLead = contactRow(leadId).intercom_id!;
    rig.sb.workspace.deleteContact(oldLead);
    // the user was merged away remotely into another user holding the same id now
    const oldUser = contactRow(userId).intercom_id!;
    rig.sb.workspace.deleteContact(oldUser);
    const replacement = rig.sb.workspace.remoteCreateContact({ role: 'user', external_id: 'u-gone', email: 'ug@example.com' });

    await api().call('contacts.update', { id: leadId, patch: { name: 'Back Again' } });
    await api().call('contacts.update', { id: userId, patch: { name: 'Found User' } });
    const s = await rig.push();
    expect(s.failed).toBe(0);
    expect(contactRow(userId).intercom_id).toBe(replacement.id);
    expect(rig.sb.workspace.contact(replacement.id)!.name).toBe('Found User');
    const recreated = rig.sb.workspace.contacts().find((c) => c.external_id === syntheticExternalId(leadId))!;
    expect(recreated.id).not.toBe(oldLead);
    expect(recreated).toMatchObject({ name: 'Back Again', email: 'gone@example.com' });
    expect(contactRow(leadId).intercom_id).toBe(recreated.id);
    expect(rig.sb.workspace.contacts()).toHaveLength(2);
  });

  it('detaches on unlink, and treats an already detached company as done', async () => {
    rig = await pushRig();
    const id = (await api().call('contacts.create', { role: 'user', externalId: 'u-l', email: 'l@example.com', stage: 'signed_up' })).contact.id;
    const co = await api().call('companies.create', { name: 'Linky', externalId: 'linky', stage: 'sql' });
    await api().call('companies.link', { contactId: id, companyId: co.id });
    await rig.push();
    const cid = contactRow(id).intercom_id!;
    expect(rig.sb.workspace.contactCompanies(cid)).toHaveLength(1);
    await api().call('companies.unlink', { contactId: id, companyId: co.id });
    await api().call('companies.link', { contactId: id, companyId: co.id });
    await api().call('companies.unlink', { contactId: id, companyId: co.id });
    const s = await rig.push();
    expect(s).toMatchObject({ done: 3, failed: 0 });
    expect(rig.sb.workspace.contactCompanies(cid)).toHaveLength(0);
  });
});

describe('Pusher: refusals and retries', () => {
  it("fails only the refused entry with Intercom's message; the others go out", async () => {
    rig = await pushRig();
    rig.sb.workspace.defineAttribute('contact', 'score', 'integer');
    const bad = await lead('bad@example.com', { customAttributes: { score: 'high' } });
    const good = await lead('good@example.com', { customAttributes: { score: 3 } });
    const fine = await lead('fine@example.com');
    await api().call('contacts.update', { id: bad, patch: { name: 'Waits' } });
    await api().call('contacts.update', { id: fine, patch: { customAttributes: { score: 'x' } } });
    await api().call('contacts.update', { id: fine, patch: { name: 'After the refusal' } });
    const s = await rig.push();

    const entries = await allEntries(rig.t);
    const badEntries = entries.filter((e) => e.entityId === bad);
    // the create and its update were folded; refused as one, they were sent again one by one
    expect(badEntries.map((e) => e.status)).toEqual(['failed', 'pending']);
    expect(badEntries[0]!.lastError).toMatch(/Custom attribute 'score' expects a value of type integer/);
    expect(contactRow(bad)).toMatchObject({ intercom_id: null, sync_state: 'failed' });
    expect(entries.filter((e) => e.entityId === good).every((e) => e.status === 'done')).toBe(true);
    // an update refused after the create: only it fails, the create and the next update go out
    const fineEntries = entries.filter((e) => e.entityId === fine);
    expect(fineEntries.map((e) => e.status)).toEqual(['done', 'failed', 'done']);
    expect(s).toMatchObject({ failed: 2, done: 3 });
    expect(rig.sb.workspace.contacts().find((c) => c.email === 'fine@example.com')!.name).toBe('After the refusal');
    expect(rig.sb.workspace.contacts().map((c) => c.email).sort()).toEqual(['fine@example.com', 'good@example.com']);
  });

  it('a refused create holds back its later entries (left pending) until it is retried', async () => {
    rig = await pushRig();
    rig.sb.workspace.defineAttribute('contact', 'score', 'integer');
    const id = await lead('held@example.com', { customAttributes: { score: 'high' } });
    await rig.push();
    await api().call('contacts.update', { id, patch: { name: 'Later' } });
    const s = await rig.push();
    expect(s).toMatchObject({ done: 0, failed: 0, requests: 0 });
    expect((await allEntries(rig.t)).map((e) => e.status)).toEqual(['failed', 'pending']);
    // the user fixes the value and discards the refused create: the contact goes out from its row
    await api().call('contacts.update', { id, patch: { customAttributes: { score: 5 } } });
    await api().call('outbox.discard', { seqs: [(await allEntries(rig.t))[0]!.seq], confirm: true });
    expect(await rig.push()).toMatchObject({ done: 2, failed: 0, requests: 1 });
    expect(rig.sb.workspace.contacts()).toHaveLength(1);
    expect(rig.sb.workspace.contacts()[0]).toMatchObject({ name: 'Later', email: 'held@example.com' });
    expect(rig.sb.workspace.contacts()[0]!.custom_attributes).toMatchObject({ score: 5, Stage: 'Lead' });
  });

  it('a link waits (pending, not failed) while its company is not in Intercom, and goes out once it is', async () => {
    rig = await pushRig();
    rig.sb.workspace.defineAttribute('company', 'tier', 'integer');
    const id = (await api().call('contacts.create', { role: 'user', externalId: 'u-w', email: 'w@example.com', stage: 'signed_up' })).contact.id;
    const co = await api().call('companies.create', { name: 'Refused Co', externalId: 'refused', customAttributes: { tier: 'gold' } });
    await api().call('companies.link', { contactId: id, companyId: co.id });
    const s = await rig.push();
    // the create of the contact went out; the company was refused; the link waits for the user
    expect(s).toMatchObject({ done: 1, failed: 1, deferred: 0 });
    const entries = await allEntries(rig.t);
    expect(entries.map((e) => [e.op, e.status])).toEqual([
      ['contact.create', 'done'],
      ['company.create', 'failed'],
      ['company.link', 'pending'],
    ]);
    await api().call('companies.update', { id: co.id, patch: { customAttributes: { tier: 3 } } });
    await api().call('outbox.discard', { seqs: [entries[1]!.seq], confirm: true });
    expect(await rig.push()).toMatchObject({ done: 2, failed: 0 });
    const cid = contactRow(id).intercom_id!;
    expect(rig.sb.workspace.contactCompanies(cid).map((c) => [c.company_id, c.custom_attributes.tier])).toEqual([['refused', 3]]);
  });

  it('defers on 5xx with a retry time, then sends once the time has come', async () => {
    rig = await pushRig({ client: { maxAttempts: 2 } });
    await rig.push(); // the client now knows the attributes: no listing in the runs below
    rig.sb.setFaults({ errorRate: 1 });
    const id = await lead('later@example.com');
    const s = await rig.push();
    expect(s).toMatchObject({ done: 0, deferred: 1, failed: 0 });
    const [entry] = await allEntries(rig.t);
    expect(entry).toMatchObject({ status: 'pending', attempts: 1 });
    expect(entry!.lastError).toMatch(/Intercom/);
    const notBefore = rig.t.core.store.db.prepare('SELECT not_before FROM outbox').pluck().get() as number;
    expect(notBefore).toBeGreaterThan(Date.now() + 4000);

    rig.sb.setFaults({ errorRate: 0 });
    expect(await rig.push()).toMatchObject({ done: 0, requests: 0 }); // not due yet
    rig.advance(6000);
    expect(await rig.push()).toMatchObject({ done: 1 });
    expect(contactRow(id).sync_state).toBe('synced');
  });

  it('stops the whole run on a refused token and leaves nothing in flight', async () => {
    rig = await pushRig();
    await makeOfflineWork(rig.t, 6);
    rig.setClient({ token: 'wrong-token' });
    const err = await rig.push().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(IntercomError);
    expect((err as IntercomError).kind).toBe('auth');
    const entries = await allEntries(rig.t);
    expect(entries.every((e) => e.status === 'pending')).toBe(true);
    rig.setClient({});
    await rig.pushUntilQuiet();
    await expectIntercomMatches(rig.t, rig.sb);
  });

  it('skips records with an open conflict', async () => {
    rig = await pushRig();
    const id = await lead('conflicted@example.com');
    const other = await lead('free@example.com');
    rig.t.core.store.db
      .prepare(`INSERT INTO conflicts (entity_type, entity_id, field, detected_at) VALUES ('contact', @id, 'name', 1)`)
      .run({ id });
    await rig.push();
    expect(contactRow(id).intercom_id).toBeNull();
    expect(contactRow(other).intercom_id).not.toBeNull();
  });

  it('resumes after a kill: in-flight entries are sent again without duplicates, an in-flight message is not', async () => {
    rig = await pushRig();
    const id = await lead('killed@example.com');
    await rig.push();
    await api().call('contacts.update', { id, patch: { name: 'Half Sent' } });
    const fresh = await lead('fresh@example.com');
    await api().call('messages.send', { contactId: id, channel: 'inapp', body: 'Hello there' });
    // a previous process claimed these and died before recording the answers; its create had reached Intercom
    rig.sb.workspace.remoteCreateContact({ role: 'lead', external_id: syntheticExternalId(fresh), email: 'fresh@example.com' });
    rig.t.core.store.db.prepare(`UPDATE outbox SET status = 'in_flight', attempts = 1 WHERE status = 'pending'`).run();

    const s = await rig.push();
    expect(s.failed).toBe(0);
    expect(rig.sb.workspace.contacts()).toHaveLength(2);
    expect(rig.sb.workspace.messages()).toHaveLength(0);
    const entries = await allEntries(rig.t);
    const send = entries.find((e) => e.op === 'message.send')!;
    expect(send).toMatchObject({ status: 'failed', lastError: LOST_SEND_MESSAGE });
    expect(entries.filter((e) => e.op !== 'message.send').every((e) => e.status === 'done')).toBe(true);
    const msgs = await api().call('messages.list', { contactId: id, limit: 10 });
    expect(msgs.items[0]).toMatchObject({ status: 'failed', error: LOST_SEND_MESSAGE });
  });
});

describe('Pusher: messages', () => {
  it('sends in-app and email messages from the admin and flushes a user, marking them sent', async () => {
    rig = await pushRig();
    const id = (await api().call('contacts.create', { role: 'user', externalId: 'u-msg', email: 'msg@example.com', stage: 'signed_up' })).contact.id;
    const inapp = await api().call('messages.send', { contactId: id, channel: 'inapp', body: 'Welcome aboard' });
    const email = await api().call('messages.send', { contactId: id, channel: 'email', subject: 'Hi', body: 'Welcome by mail' });
    const flush = await api().call('messages.flush', { contactId: id });
    const s = await rig.push();
    expect(s.failed).toBe(0);
    const cid = contactRow(id).intercom_id!;
    const sent = rig.sb.workspace.messages();
    expect(sent.map((m) => [m.message_type, m.body, m.to.id, m.to.type])).toEqual([
      ['inapp', 'Welcome aboard', cid, 'user'],
      ['email', 'Welcome by mail', cid, 'user'],
    ]);
    expect(sent[1]).toMatchObject({ subject: 'Hi', template: 'plain' });
    expect(rig.sb.workspace.flushes()).toEqual([expect.objectContaining({ contactId: cid, userId: 'u-msg', triggered: true })]);
    const list = (await api().call('messages.list', { contactId: id, limit: 10 })).items;
    for (const m of [inapp, email, flush.message]) {
      expect(list.find((x) => x.id === m.id)).toMatchObject({ status: 'sent', error: null });
    }
  });

  it('marks a send whose answer was lost as failed-uncertain and never sends it again', async () => {
    rig = await pushRig();
    const id = await lead('uncertain@example.com');
    await rig.push();
    await api().call('messages.send', { contactId: id, channel: 'inapp', body: 'Only once' });
    rig.sb.setFaults({ dropAfterCommitRate: 1 });
    const s = await rig.push();
    rig.sb.setFaults({ dropAfterCommitRate: 0 });
    expect(s).toMatchObject({ failed: 1, done: 0 });
    expect(rig.sb.workspace.messages()).toHaveLength(1);
    const [entry] = (await allEntries(rig.t)).filter((e) => e.op === 'message.send');
    expect(entry).toMatchObject({ status: 'failed' });
    expect(entry!.lastError).toMatch(/may or may not have sent/);
    rig.advance(60 * 60_000);
    await rig.push();
    expect(rig.sb.workspace.messages()).toHaveLength(1);
    const [msg] = (await api().call('messages.list', { contactId: id, limit: 5 })).items;
    expect(msg).toMatchObject({ status: 'failed' });
  });

  it('retries a send to a contact Intercom does not know yet (brand-new contacts 404 for a while)', async () => {
    rig = await pushRig({ sandbox: { messageLagMs: 60_000 } });
    const id = await lead('new@example.com');
    await api().call('messages.send', { contactId: id, channel: 'inapp', body: 'Soon' });
    const s = await rig.push();
    expect(s).toMatchObject({ done: 1, deferred: 1 });
    expect((await allEntries(rig.t)).find((e) => e.op === 'message.send')).toMatchObject({ status: 'pending' });
  });
});
