// Replaying the outbox after a crash (found by the crash test, each made deterministic here): a
// create folded with a sign-up whose answer was lost must be repeated with the identity it went
// out with, whether the push finds it again by itself or a pull/import adopted it first.
import { afterEach, describe, expect, it } from 'vitest';
import { Puller } from '../../electron/core/sync/Puller';
import { allEntries, pushRig, type PushRig } from './pushHarness';
import { expectIntercomMatches } from './syncFixtures';

let rig: PushRig;
afterEach(async () => {
  await rig?.close();
});

const api = () => rig.t.api;
const contactRow = (id: string) => rig.t.core.store.contacts.byId(id)!;

/**
 * A lead typed and signed up offline; the first push sent its create and sign-up folded into one
 * POST (a user with the real user id), Intercom made the contact, and the process died before it
 * recorded the answer: the entries are left in flight, tried once.
 */
async function signedUpThenKilled(): Promise<{ id: string; remoteId: string }> {
  const id = (await api().call('contacts.create', { email: 'replay@example.com', name: 'Replay Me' })).contact.id;
  await api().call('contacts.update', { id, patch: { phone: '+1 555 0111' } });
  await api().call('contacts.signUp', { id, externalId: 'user-replay' });
  const remote = rig.sb.workspace.remoteCreateContact({
    role: 'user',
    external_id: 'user-replay',
    email: 'replay@example.com',
    name: 'Replay Me',
    phone: '+1 555 0111',
    custom_attributes: { Stage: 'Signed up' },
  });
  rig.t.core.store.db.prepare(`UPDATE outbox SET status = 'in_flight', attempts = 1 WHERE status = 'pending'`).run();
  return { id, remoteId: remote.id };
}

describe('replaying a folded create + sign-up whose answer was lost', () => {
  it('repeats it with the user id it went out with: Intercom answers 409 with the first one, nothing is created or merged', async () => {
    rig = await pushRig();
    const { id, remoteId } = await signedUpThenKilled();
    rig.sb.resetStats();
    await rig.pushUntilQuiet();

    expect((await allEntries(rig.t)).map((e) => [e.op, e.status])).toEqual([
      ['contact.create', 'done'],
      ['contact.update', 'done'],
      ['contact.signUp', 'done'],
    ]);
    // no lead under the synthetic id was made (and merged away) on the way
    expect(rig.sb.stats().byRoute['POST /contacts/merge']).toBeUndefined();
    expect(rig.sb.workspace.contacts()).toHaveLength(1);
    expect(contactRow(id).intercom_id).toBe(remoteId);
    await expectIntercomMatches(rig.t, rig.sb);
  });

  it('after the import adopted the user by its user id, the waiting create goes out as an update that keeps it a user', async () => {
    rig = await pushRig();
    const { id, remoteId } = await signedUpThenKilled();
    // first connection: the import matches the local contact by its user id while the entries wait
    await new Puller(rig.ctx).firstPull();
    expect(contactRow(id).intercom_id).toBe(remoteId);
    expect(rig.t.core.store.outbox.countWaiting()).toBe(3);

    await rig.pushUntilQuiet();
    const entries = await allEntries(rig.t);
    expect(entries.map((e) => [e.op, e.status, e.lastError])).toEqual([
      ['contact.create', 'done', null],
      ['contact.update', 'done', null],
      ['contact.signUp', 'done', null],
    ]);
    expect(rig.sb.workspace.contacts()).toHaveLength(1);
    expect(rig.sb.workspace.contact(remoteId)).toMatchObject({ role: 'user', external_id: 'user-replay', phone: '+1 555 0111' });
    await expectIntercomMatches(rig.t, rig.sb);
  });
});
