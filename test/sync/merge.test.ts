// A merge made here, mirrored in Intercom through the outbox against the sandbox: a lead into a
// user with POST /contacts/merge (once, whatever answers are lost), any other pair as the
// survivor updated and the other archived; a pull while it waits does not bring the other back;
// the undo offer ends once it has gone out, and says why.
import { afterEach, describe, expect, it } from 'vitest';
import { Puller } from '../../electron/core/sync/Puller';
import { allEntries, pushRig, type PushRig } from './pushHarness';

const rigs: PushRig[] = [];
afterEach(async () => {
  for (const r of rigs.splice(0)) await r.close();
});

async function rig(opts: Parameters<typeof pushRig>[0] = {}): Promise<PushRig> {
  const r = await pushRig(opts);
  rigs.push(r);
  return r;
}

const intercomId = (r: PushRig, id: string) => r.t.core.store.contacts.byId(id)!.intercom_id!;
const eventsOf = (r: PushRig, contactId: string) =>
  r.sb.workspace
    .events()
    .filter((e) => e.contactId === contactId)
    .map((e) => e.event_name)
    .sort();

/** A lead with a company and two events, and a user with one event, both in Intercom. */
async function leadAndUser(r: PushRig) {
  const api = r.t.api;
  const acme = await api.call('companies.create', { name: 'Acme', externalId: 'acme' });
  const lead = (await api.call('contacts.create', { email: 'ann@example.com', phone: '+44 20 7946 0001' })).contact;
  const user = (await api.call('contacts.create', { role: 'user', externalId: 'u-ann', name: 'Ann Lima', email: 'ann.lima@example.com' })).contact;
  await api.call('companies.link', { contactId: lead.id, companyId: acme.id });
  await api.call('events.track', { contactId: lead.id, name: 'viewed-pricing', at: '2026-11-01T10:00:00Z' });
  await api.call('events.track', { contactId: lead.id, name: 'signed-in', at: '2026-11-02T10:00:00Z' });
  await api.call('events.track', { contactId: user.id, name: 'opened-app', at: '2026-11-03T10:00:00Z' });
  await r.pushUntilQuiet();
  return { acme, lead, user };
}

describe('contact.merge', () => {
  it('merges a lead into a user in Intercom once, with the picked values over what its merge filled in', async () => {
    const r = await rig();
    const { lead, user } = await leadAndUser(r);
    const leadIc = intercomId(r, lead.id);
    const userIc = intercomId(r, user.id);
    // picked: the user's email, the lead's phone; later an event of the lead not sent yet
    await r.t.api.call('events.track', { contactId: lead.id, name: 'read-docs', at: '2026-11-04T10:00:00Z' });
    const preview = await r.t.api.call('contacts.mergePreview', { fromId: lead.id, intoId: user.id });
    expect(preview.intercom).toMatchObject({ mode: 'merge', message: expect.stringMatching(/merged into the user Ann Lima at the next sync/) });
    const res = await r.t.api.call('contacts.merge', { fromId: lead.id, intoId: user.id });
    expect(res.change.undoable).toBe(true);

    // a pull before the merge goes out: Intercom still lists the lead, which must not come back
    await new Puller(r.ctx).firstPull();
    expect(r.t.core.store.contacts.count()).toBe(1);

    await r.pushUntilQuiet();
    expect((await allEntries(r.t)).filter((e) => e.status !== 'done')).toEqual([]);
    expect(r.sb.workspace.contact(leadIc)).toMatchObject({ mergedInto: userIc });
    expect(r.sb.workspace.contacts().map((c) => c.id)).toEqual([userIc]);
    expect(r.sb.workspace.contact(userIc)).toMatchObject({ email: 'ann.lima@example.com', phone: '+44 20 7946 0001', name: 'Ann Lima' });
    expect(r.sb.workspace.contactCompanies(userIc).map((c) => c.company_id)).toEqual(['acme']);
    expect(eventsOf(r, userIc)).toEqual(['opened-app', 'read-docs', 'signed-in', 'viewed-pricing']);

    // a pull after it changes nothing here, and the merge can no longer be undone
    await new Puller(r.ctx).firstPull();
    expect(r.t.core.store.contacts.count()).toBe(1);
    const listed = (await r.t.api.call('changes.list', { limit: 5 })).items.find((c) => c.id === res.change.id)!;
    expect(listed).toMatchObject({ undoable: false, undoBlockedReason: 'the merge reached Intercom, which cannot split merged contacts' });
  });

  it('merges once although Intercom’s answers are lost: a repeat finds the lead gone and the user there', async () => {
    const lines: string[] = [];
    const r = await rig({ sandbox: { log: (l) => lines.push(l) } });
    const { lead, user } = await leadAndUser(r);
    const leadIc = intercomId(r, lead.id);
    const userIc = intercomId(r, user.id);
    await r.t.api.call('contacts.merge', { fromId: lead.id, intoId: user.id });
    // every change Intercom applies loses its answer until the merge has been dropped twice
    r.sb.setFaults({ dropAfterCommitRate: 1 });
    await r.push().catch(() => undefined);
    r.sb.setFaults({ dropAfterCommitRate: 0 });
    await r.pushUntilQuiet();
    const merges = lines.filter((l) => l.startsWith('POST /contacts/merge'));
    expect(merges[0]).toMatch(/200 applied, connection dropped/);
    expect(merges.filter((l) => / 200/.test(l))).toHaveLength(1);
    expect(merges.at(-1)).toMatch(/-> 404/);
    expect(r.sb.workspace.contact(leadIc)).toMatchObject({ mergedInto: userIc });
    expect(r.sb.workspace.contacts()).toHaveLength(1);
    expect(eventsOf(r, userIc)).toEqual(['opened-app', 'signed-in', 'viewed-pricing']);
    expect((await allEntries(r.t)).filter((e) => e.status !== 'done')).toEqual([]);
  });

  it('where Intercom cannot merge (two leads), updates the survivor and archives the other, and says so first', async () => {
    const r = await rig();
    const api = r.t.api;
    const a = (await api.call('contacts.create', { email: 'bo@example.com', name: 'Bo' })).contact;
    const b = (await api.call('contacts.create', { email: 'BO@example.com', phone: '+44 20 7946 0002' })).contact;
    await api.call('events.track', { contactId: b.id, name: 'viewed-pricing', at: '2026-11-01T10:00:00Z' });
    const globex = await api.call('companies.create', { name: 'Globex', externalId: 'globex' });
    await api.call('companies.link', { contactId: b.id, companyId: globex.id });
    await r.pushUntilQuiet();
    const aIc = intercomId(r, a.id);
    const bIc = intercomId(r, b.id);
    const preview = await api.call('contacts.mergePreview', { fromId: b.id, intoId: a.id });
    expect(preview.intercom).toMatchObject({ mode: 'archive', message: expect.stringMatching(/^Intercom merges only a lead into a user, and these are two leads: .*Bo is updated there .*archived/) });
    await api.call('contacts.merge', { fromId: b.id, intoId: a.id });
    await r.pushUntilQuiet();
    expect(r.sb.workspace.contact(bIc)).toMatchObject({ archived: true, mergedInto: null });
    expect(r.sb.workspace.contact(aIc)).toMatchObject({ archived: false, phone: '+44 20 7946 0002', name: 'Bo' });
    // the company the survivor took over is linked to it in Intercom too
    expect(r.sb.workspace.contactCompanies(aIc).map((c) => c.company_id)).toEqual(['globex']);
    await new Puller(r.ctx).firstPull();
    expect((await api.call('contacts.list', { limit: 10 })).items.map((c) => c.id)).toEqual([a.id]);
  });

  it('a lead that never reached Intercom merges locally; undone before the push, Intercom never hears of it', async () => {
    const r = await rig();
    const api = r.t.api;
    const user = (await api.call('contacts.create', { role: 'user', externalId: 'u-cy', name: 'Cy' })).contact;
    await r.pushUntilQuiet();
    const lead = (await api.call('contacts.create', { email: 'cy@example.com' })).contact;
    const res = await api.call('contacts.merge', { fromId: lead.id, intoId: user.id });
    const undone = await api.call('changes.undo', { id: res.change.id });
    expect(undone.message).toMatch(/Nothing of it had reached Intercom/);
    await r.pushUntilQuiet();
    // both as they were: the lead created in Intercom after all, the user untouched by a merge
    expect(r.sb.workspace.contacts().map((c) => c.role).sort()).toEqual(['lead', 'user']);
    expect(r.sb.workspace.contact(intercomId(r, user.id))).toMatchObject({ email: null });
  });
});
