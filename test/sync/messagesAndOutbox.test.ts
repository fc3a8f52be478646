// Messages queue like every other change (so they wait while offline), flushes are refused
// inside Intercom's 15-minute window, and failed outbox entries can be retried or discarded
// (discarding only after confirming).
import { describe, expect, it } from 'vitest';
import { coresPerTest, type TestCore } from '../helpers/testCore';

const start = coresPerTest();

async function user(t: TestCore) {
  const { contact } = await t.api.call('contacts.create', { email: 'ada@example.com', name: 'Ada' });
  await t.api.call('contacts.signUp', { id: contact.id, externalId: 'u-1' });
  return contact.id;
}

describe('messages', () => {
  it('queues a message with an outbox entry and lists it newest first', async () => {
    const t = start();
    const id = await user(t);
    const m1 = await t.api.call('messages.send', { contactId: id, channel: 'inapp', body: 'Welcome aboard' });
    const m2 = await t.api.call('messages.send', { contactId: id, channel: 'email', subject: 'Hi', body: 'Hello there' });
    expect(m1).toMatchObject({ status: 'queued', kind: 'send', channel: 'inapp', sentAt: null, actor: 'tester@example.test' });
    const list = await t.api.call('messages.list', { contactId: id, limit: 10 });
    expect(list.items.map((m) => m.id)).toEqual([m2.id, m1.id]);
    const outbox = await t.api.call('outbox.list', { entityId: id, limit: 50 });
    expect(outbox.items.filter((e) => e.op === 'message.send').map((e) => e.payload.messageId)).toEqual([m1.id, m2.id]);
  });

  it('refuses bad messages by field and stores nothing', async () => {
    const t = start();
    const id = await user(t);
    const { contact: noEmail } = await t.api.call('contacts.create', { name: 'No Mail' });
    const before = t.core.store.fingerprint();
    const cases: Array<[unknown, string, string]> = [
      [{ contactId: id, channel: 'email', body: 'x' }, 'subject', 'VALIDATION'],
      [{ contactId: id, channel: 'inapp', body: '   ' }, 'body', 'VALIDATION'],
      [{ contactId: id, channel: 'sms', body: 'x' }, 'channel', 'VALIDATION'],
      [{ contactId: noEmail.id, channel: 'email', subject: 's', body: 'x' }, 'channel', 'VALIDATION'],
      [{ contactId: '00000000-0000-4000-8000-000000000000', channel: 'inapp', body: 'x' }, 'contactId', 'NOT_FOUND'],
    ];
    for (const [input, field, code] of cases) {
      const err = await t.fail('messages.send', input);
      expect(err, JSON.stringify(input)).toMatchObject({ code, field });
    }
    expect(t.core.store.fingerprint()).toEqual(before);
  });

  it('flushes a user at most once per 15 minutes and says when the next one is possible', async () => {
    const t = start();
    const id = await user(t);
    t.clock.step = 0;
    const first = await t.api.call('messages.flush', { contactId: id });
    expect(first.message).toMatchObject({ kind: 'flush', status: 'queued' });
    const err = await t.fail('messages.flush', { contactId: id });
    expect(err.code).toBe('TOO_SOON');
    expect(err.details?.nextPossibleAt).toBe(first.nextPossibleAt);
    expect((await t.api.call('messages.list', { contactId: id, limit: 5 })).nextFlushAt).toBe(first.nextPossibleAt);
    t.clock.step = 15 * 60_000;
    t.clock.now();
    t.clock.step = 0;
    await t.api.call('messages.flush', { contactId: id });
  });

  it('refuses to flush a lead', async () => {
    const t = start();
    const { contact } = await t.api.call('contacts.create', { name: 'Lead Only' });
    expect(await t.fail('messages.flush', { contactId: contact.id })).toMatchObject({ code: 'VALIDATION', field: 'contactId' });
  });
});

describe('outbox retry and discard', () => {
  async function failedEntry(t: TestCore) {
    const { contact } = await t.api.call('contacts.create', { name: 'Will Fail' });
    const [entry] = (await t.api.call('outbox.list', { entityId: contact.id, limit: 5 })).items;
    // what the push step does when Intercom refuses an entry
    t.core.store.db.prepare(`UPDATE outbox SET status = 'failed', last_error = 'refused' WHERE seq = ?`).run(entry!.seq);
    t.core.store.outbox.refreshSyncState('contact', contact.id);
    return { contact, seq: entry!.seq };
  }

  it('retry puts a failed entry back to pending', async () => {
    const t = start();
    const { contact, seq } = await failedEntry(t);
    expect((await t.api.call('contacts.get', { id: contact.id })).syncState).toBe('failed');
    expect(await t.api.call('outbox.retry', { seqs: [seq] })).toEqual({ retried: 1 });
    const [e] = (await t.api.call('outbox.list', { entityId: contact.id, limit: 5 })).items;
    expect(e!.status).toBe('pending');
    expect((await t.api.call('contacts.get', { id: contact.id })).syncState).toBe('local');
  });

  it('discard needs a confirmation, then drops the entry for good', async () => {
    const t = start();
    const { contact, seq } = await failedEntry(t);
    const before = t.core.store.fingerprint();
    expect((await t.fail('outbox.discard', { seqs: [seq] })).code).toBe('CONFIRM_REQUIRED');
    expect(t.core.store.fingerprint()).toEqual(before);
    expect(await t.api.call('outbox.discard', { seqs: [seq], confirm: true })).toEqual({ discarded: 1 });
    expect((await t.api.call('outbox.list', { entityId: contact.id, limit: 5, status: ['pending', 'failed', 'done', 'in_flight'] })).total).toBe(0);
  });

  it('refuses entries that are not failed or do not exist, naming which', async () => {
    const t = start();
    const { seq } = await failedEntry(t);
    const { contact } = await t.api.call('contacts.create', { name: 'Pending' });
    const [pending] = (await t.api.call('outbox.list', { entityId: contact.id, limit: 5 })).items;
    expect(await t.fail('outbox.retry', { seqs: [seq, pending!.seq] })).toMatchObject({ code: 'VALIDATION', field: 'seqs.1' });
    expect(await t.fail('outbox.discard', { seqs: [999_999], confirm: true })).toMatchObject({ code: 'NOT_FOUND', field: 'seqs.0' });
    // nothing changed by the refused call
    expect((await t.api.call('outbox.list', { status: ['failed'], limit: 5 })).total).toBe(1);
  });
});
