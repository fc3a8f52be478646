// Email consent on a real core: the flag edited on a contact (journalled, undoable, queued for
// Intercom), and every email send, single and bulk, closed to a contact who unsubscribed, while
// in-app messages (not email) still go.
import { describe, expect, it } from 'vitest';
import { coresPerTest, outboxItems } from '../helpers/testCore';

const core = coresPerTest();

async function people() {
  const t = core();
  const ana = (await t.api.call('contacts.create', { email: 'ana@example.com', name: 'Ana Lima' })).contact;
  const ben = (await t.api.call('contacts.create', { email: 'ben@example.com', name: 'Ben Ode' })).contact;
  const cy = (await t.api.call('contacts.create', { name: 'Cy No-Mail' })).contact;
  return { t, ana, ben, cy };
}

describe('email consent', () => {
  it('a new contact is not unsubscribed; unsubscribing is an edit: queued for Intercom, journalled, undone like any other', async () => {
    const { t, ana } = await people();
    expect(ana.unsubscribedFromEmails).toBe(false);
    const updated = await t.api.call('contacts.update', { id: ana.id, patch: { unsubscribedFromEmails: true } });
    expect(updated.unsubscribedFromEmails).toBe(true);
    expect((await t.api.call('contacts.get', { id: ana.id })).unsubscribedFromEmails).toBe(true);
    expect((await outboxItems(t)).at(-1)).toMatchObject({ entityId: ana.id, op: 'contact.update', payload: { unsubscribedFromEmails: true } });

    const change = (await t.api.call('changes.list', { entityId: ana.id })).items[0]!;
    expect(change).toMatchObject({ kind: 'contact.update', undoable: true });
    expect(change.summary).toMatch(/Unsubscribed from emails/);
    // the same value again is no change
    const entries = (await outboxItems(t)).length;
    await t.api.call('contacts.update', { id: ana.id, patch: { unsubscribedFromEmails: true } });
    expect(await outboxItems(t)).toHaveLength(entries);

    const undone = await t.api.call('changes.undo', { id: change.id });
    expect(undone.restored).toBe(1);
    expect((await t.api.call('contacts.get', { id: ana.id })).unsubscribedFromEmails).toBe(false);
    // nothing had reached Intercom: the entry is withdrawn, not compensated
    expect((await outboxItems(t)).some((e) => e.entityId === ana.id && e.op === 'contact.update')).toBe(false);
    expect((await t.fail('contacts.update', { id: ana.id, patch: { unsubscribedFromEmails: 'yes' } })).field).toBe('patch.unsubscribedFromEmails');
  });

  it('a single email to an unsubscribed contact is refused, saying why; an in-app message still goes', async () => {
    const { t, ana } = await people();
    await t.api.call('contacts.update', { id: ana.id, patch: { unsubscribedFromEmails: true } });
    const err = await t.fail('messages.send', { contactId: ana.id, channel: 'email', subject: 'News', body: 'Hello' });
    expect(err).toMatchObject({ code: 'VALIDATION', field: 'channel', details: { reason: 'unsubscribed' } });
    expect(err.message).toBe('Channel: Ana Lima unsubscribed from emails; send an in-app message instead.');
    expect((await t.api.call('messages.list', { contactId: ana.id })).total).toBe(0);
    const inapp = await t.api.call('messages.send', { contactId: ana.id, channel: 'inapp', body: 'Hello' });
    expect(inapp).toMatchObject({ channel: 'inapp', status: 'queued' });
  });

  it('a bulk email skips unsubscribed contacts, counted with the reason in the dry run and the run; a bulk in-app message does not', async () => {
    const { t, ana, ben, cy } = await people();
    await t.api.call('contacts.update', { id: ben.id, patch: { unsubscribedFromEmails: true } });
    const target = { kind: 'ids' as const, ids: [ana.id, ben.id, cy.id] };
    const email = { type: 'message' as const, channel: 'email' as const, subject: 'News', body: 'Hello {{name}}' };
    const dry = await t.api.call('bulk.run', { target, action: email, dryRun: true });
    expect(dry).toMatchObject({ targeted: 3, touched: 1, dryRun: true });
    expect(dry.skipped).toEqual(
      expect.arrayContaining([
        { reason: 'unsubscribed from emails', count: 1 },
        { reason: 'no email address', count: 1 },
      ]),
    );
    const run = await t.api.call('bulk.run', { target, action: email, confirm: true });
    expect({ touched: run.touched, skipped: run.skipped }).toEqual({ touched: dry.touched, skipped: dry.skipped });
    expect((await t.api.call('messages.list', { contactId: ben.id })).total).toBe(0);
    expect((await t.api.call('messages.list', { contactId: ana.id })).total).toBe(1);

    const inapp = await t.api.call('bulk.run', { target, action: { type: 'message', channel: 'inapp', body: 'Hello' }, dryRun: true });
    expect(inapp).toMatchObject({ touched: 3, skipped: [] });
  });
});
