// Email consent through the whole engine against the sandbox: unsubscribed_from_emails pushed and
// pulled, an email whose contact unsubscribed during its hold never sent, and the one-off read of
// Intercom's unsubscribed contacts after the store learned to keep the flag (migration 0014).
import { afterEach, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../electron/sandbox';
import { UNSUBSCRIBED_SEND } from '../../electron/core/sync/ops/message';
import { MESSAGE_HOLD_MS } from '../../shared/domain';
import { removeTempDir, startCore, type TestClock, type TestCore } from '../helpers/testCore';

const open: { t: TestCore | null; sb: Sandbox | null } = { t: null, sb: null };
afterEach(async () => {
  if (open.t) {
    open.t.dispose();
    removeTempDir(open.t.dir);
  }
  await open.sb?.close();
  open.t = null;
  open.sb = null;
});

async function setup() {
  const clock = { ms: Date.UTC(2026, 11, 1, 9) };
  const sb = await startSandbox({ searchLagMs: 0, randomSeed: 5, now: () => clock.ms, rateLimit: { limit: 1_000_000, windowMs: 10_000 } });
  open.sb = sb;
  const t = startCore(undefined, { now: () => clock.ms, step: 0 } as unknown as TestClock, {
    intercom: { baseUrl: sb.url, source: 'start-option', token: sb.token },
    autoSync: false,
    sync: { client: { timeoutMs: 2000, backoff: { baseMs: 5, maxMs: 50 } } },
  });
  open.t = t;
  const sync = async () => {
    for (let i = 0; i < 10; i++) {
      clock.ms += 1000;
      const s = await t.core.sync.runOnce();
      if (s.pending === 0 && s.state === 'idle') return s;
    }
    return t.api.call('sync.status', {});
  };
  return { t, sb, clock, sync };
}

const intercomIdOf = async (t: TestCore, id: string) => (await t.api.call('contacts.get', { id })).intercomId!;

describe('email consent with Intercom', () => {
  it('goes both ways: unsubscribed here reaches Intercom, unsubscribed there comes here', async () => {
    const { t, sb, clock, sync } = await setup();
    const ana = (await t.api.call('contacts.create', { email: 'ana@example.com', name: 'Ana' })).contact;
    const ben = (await t.api.call('contacts.create', { email: 'ben@example.com', name: 'Ben' })).contact;
    await sync();
    await t.api.call('contacts.update', { id: ana.id, patch: { unsubscribedFromEmails: true } });
    expect(await sync()).toMatchObject({ pending: 0, failed: 0, conflicts: 0 });
    expect(sb.workspace.contact(await intercomIdOf(t, ana.id))!.unsubscribed_from_emails).toBe(true);

    clock.ms += 60_000;
    sb.workspace.remoteEdit(await intercomIdOf(t, ben.id), { unsubscribed_from_emails: true });
    await sync();
    expect((await t.api.call('contacts.get', { id: ben.id })).unsubscribedFromEmails).toBe(true);
    // and back: resubscribed in Intercom
    clock.ms += 60_000;
    sb.workspace.remoteEdit(await intercomIdOf(t, ben.id), { unsubscribed_from_emails: false });
    await sync();
    expect((await t.api.call('contacts.get', { id: ben.id })).unsubscribedFromEmails).toBe(false);
  });

  it('an email whose contact unsubscribed during its hold is not sent, and says why', async () => {
    const { t, sb, clock, sync } = await setup();
    const ana = (await t.api.call('contacts.create', { email: 'ana@example.com', name: 'Ana' })).contact;
    await sync();
    const msg = await t.api.call('messages.send', { contactId: ana.id, channel: 'email', subject: 'News', body: 'Hello' });
    clock.ms += 2000;
    sb.workspace.remoteEdit(await intercomIdOf(t, ana.id), { unsubscribed_from_emails: true });
    clock.ms += MESSAGE_HOLD_MS;
    const s = await sync();
    expect(s.failed).toBe(1);
    expect(sb.workspace.messages()).toEqual([]);
    const after = (await t.api.call('messages.list', { contactId: ana.id })).items.find((m) => m.id === msg.id)!;
    expect(after).toMatchObject({ status: 'failed', error: UNSUBSCRIBED_SEND });
  });

  it('after the upgrade, reads the contacts Intercom holds unsubscribed once, even those that never change', async () => {
    const { t, sb, clock, sync } = await setup();
    const quiet = sb.workspace.remoteCreateContact({ role: 'user', email: 'quiet@example.com', name: 'Quiet', external_id: 'u-quiet', unsubscribed_from_emails: true });
    sb.workspace.remoteCreateContact({ role: 'user', email: 'loud@example.com', name: 'Loud', external_id: 'u-loud' });
    await sync();
    // as a store pulled before 0014 would be: no flag on the row nor in the base, and the mark set
    const db = t.core.store.db;
    const row = db.prepare('SELECT id, sync_base FROM contacts WHERE intercom_id = ?').get(quiet.id) as { id: string; sync_base: string };
    const { unsubscribedFromEmails: _dropped, ...oldBase } = JSON.parse(row.sync_base) as Record<string, unknown>;
    void _dropped;
    db.prepare('UPDATE contacts SET unsubscribed_from_emails = 0, sync_base = ? WHERE id = ?').run(JSON.stringify(oldBase), row.id);
    db.prepare(`INSERT INTO settings (key, value, updated_at) VALUES ('sync.consentBackfill', '"pending"', 0)`).run();
    // days later: the incremental pull's window has long passed the contact's last change
    clock.ms += 3 * 86_400_000;
    await sync();
    expect((await t.api.call('contacts.get', { id: row.id })).unsubscribedFromEmails).toBe(true);
    expect((await t.api.call('contacts.list', { search: 'loud@example.com', limit: 1 })).items[0]!.unsubscribedFromEmails).toBe(false);
    expect((await t.api.call('conflicts.list', {})).total).toBe(0);
    expect(db.prepare(`SELECT value FROM settings WHERE key = 'sync.consentBackfill'`).pluck().get()).toBe('"done"');
  });
});
