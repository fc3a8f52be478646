// A sign-up without a user id: the contact becomes a user known by its email, in the store and,
// once pushed, in the sandbox (converted in place, or created with the email); a contact with
// neither is refused naming the field; the company is picked by id or made from a name alone.
import { afterEach, describe, expect, it } from 'vitest';
import { syntheticExternalId } from '../../electron/core/sync/mapping';
import { allEntries, pushRig, type PushRig } from './pushHarness';

let rig: PushRig;
afterEach(async () => {
  await rig?.close();
});

const api = () => rig.t.api;
const contactRow = (id: string) => rig.t.core.store.contacts.byId(id)!;

describe('sign-up with an email and no user id', () => {
  it('makes a user at Signed up locally, and converts the lead in Intercom keeping its email', async () => {
    rig = await pushRig();
    const { contact } = await api().call('contacts.create', { email: 'no-id@example.com', name: 'No Id' });
    await rig.push();
    const leadId = contactRow(contact.id).intercom_id!;
    const r = await api().call('contacts.signUp', { id: contact.id });
    expect(r.contact).toMatchObject({ role: 'user', stage: 'signed_up', externalId: null, email: 'no-id@example.com' });
    expect((await allEntries(rig.t)).filter((e) => e.op === 'contact.signUp')).toHaveLength(1);

    const s = await rig.push();
    expect(s.failed).toBe(0);
    const remote = rig.sb.workspace.contacts();
    expect(remote).toHaveLength(1);
    // the user keeps the external id the console gave the lead: no customer user id is invented
    expect(remote[0]).toMatchObject({ id: leadId, role: 'user', email: 'no-id@example.com', external_id: syntheticExternalId(contact.id) });
    expect(remote[0]!.custom_attributes.Stage).toBe('Signed up');
    expect(contactRow(contact.id).role).toBe('user');
  });

  it('creates the user with the email when the sign-up is pushed with the create', async () => {
    rig = await pushRig();
    const { contact } = await api().call('contacts.create', { email: 'fresh@example.com' });
    await api().call('contacts.signUp', { id: contact.id });
    await rig.push();
    const remote = rig.sb.workspace.contacts();
    expect(remote).toHaveLength(1);
    expect(remote[0]).toMatchObject({ role: 'user', email: 'fresh@example.com' });
    expect(remote[0]!.custom_attributes.Stage).toBe('Signed up');
    expect(contactRow(contact.id).intercom_id).toBe(remote[0]!.id);
  });

  it('refuses a contact with neither a user id nor an email, naming the user id, and changes nothing', async () => {
    rig = await pushRig();
    const { contact } = await api().call('contacts.create', { name: 'Nobody Reachable' });
    const before = rig.t.core.store.fingerprint();
    const res = await rig.t.raw('contacts.signUp', { id: contact.id });
    expect(res.ok).toBe(false);
    if (res.ok) return;
    expect(res.error).toMatchObject({ code: 'VALIDATION', field: 'externalId' });
    expect(res.error.message).toMatch(/^User id: Nobody Reachable has no email/);
    expect(rig.t.core.store.fingerprint()).toEqual(before);
    // with a user id it goes through
    const ok = await api().call('contacts.signUp', { id: contact.id, externalId: 'u-nobody' });
    expect(ok.contact).toMatchObject({ role: 'user', externalId: 'u-nobody' });
  });

  it('signs up with a company picked by its id, or with a new one made from a name alone', async () => {
    rig = await pushRig();
    const acme = await api().call('companies.create', { name: 'Acme' });
    const a = (await api().call('contacts.create', { email: 'a@example.com' })).contact;
    const b = (await api().call('contacts.create', { email: 'b@example.com' })).contact;
    const ra = await api().call('contacts.signUp', { id: a.id, company: { id: acme.id } });
    expect(ra.company).toMatchObject({ id: acme.id, name: 'Acme', stage: 'sql' });
    const rb = await api().call('contacts.signUp', { id: b.id, company: { name: 'Brand New' } });
    expect(rb.company).toMatchObject({ name: 'Brand New', externalId: null, stage: 'sql' });
    expect((await api().call('contacts.get', { id: b.id })).companies.map((c) => c.name)).toEqual(['Brand New']);
    expect((await api().call('companies.list', {})).total).toBe(2);
    const s = await rig.push();
    expect(s.failed).toBe(0);
    expect(rig.sb.workspace.contacts().every((c) => c.role === 'user')).toBe(true);
  });
});
