// The undo-send hold, against the sandbox on a clock the test moves: a message or flush waits 10 s
// in the outbox (not pushed however often the sync runs), can be taken back meanwhile (Intercom
// never sees it), goes out once after, cannot be taken back then, and keeps its hold over a restart.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { startSandbox, type Sandbox } from '../../electron/sandbox';
import { MESSAGE_HOLD_MS } from '../../shared/domain';
import { setNow } from '../helpers/activityData';
import { makeTempDir, removeTempDir, startCore, TestClock, type TestCore } from '../helpers/testCore';
import type { CoreOptions } from '../../electron/core/app';

const T0 = Date.parse('2024-05-01T09:00:00Z');

let sb: Sandbox | undefined;
const cores: TestCore[] = [];
afterEach(async () => {
  vi.useRealTimers();
  for (const t of cores.splice(0)) {
    t.dispose();
    removeTempDir(t.dir);
  }
  await sb?.close();
  sb = undefined;
});

async function setup(extra: Partial<CoreOptions> = {}) {
  const clock = new TestClock();
  sb = await startSandbox({ searchLagMs: 0, randomSeed: 11, now: clock.now, rateLimit: { limit: 1_000_000, windowMs: 10_000 } });
  const options: Partial<CoreOptions> = {
    intercom: { baseUrl: sb.url, source: 'start-option', token: sb.token },
    autoSync: false,
    sync: { client: { timeoutMs: 5000, backoff: { baseMs: 5, maxMs: 50 } } },
    ...extra,
  };
  const t = startCore(makeTempDir(), clock, options);
  cores.push(t);
  setNow(clock, T0);
  const { contact } = await t.api.call('contacts.create', { name: 'Ana Lima', email: 'ana@example.test' });
  await t.api.call('contacts.signUp', { id: contact.id, externalId: 'u-ana' });
  await t.core.sync.runOnce();
  expect(t.core.sync.status().pending).toBe(0);
  return { t, clock, contactId: contact.id, options };
}

const sent = () => sb!.workspace.messages().length;
const flushed = () => sb!.workspace.flushes().length;

describe('the undo-send hold', () => {
  it('holds a message for 10 s however often the sync runs, then sends it once', { timeout: 60_000 }, async () => {
    const { t, clock, contactId } = await setup();
    const at = setNow(clock, T0 + 60_000);
    const msg = await t.api.call('messages.send', { contactId, channel: 'inapp', body: 'Welcome aboard' });
    expect(msg).toMatchObject({ status: 'queued', releaseAt: new Date(at + MESSAGE_HOLD_MS).toISOString(), undoable: true, undoBlockedReason: null });

    for (const later of [0, 5_000, MESSAGE_HOLD_MS - 1]) {
      setNow(clock, at + later);
      const status = await t.core.sync.runOnce();
      // held entries count as waiting: never "Synced" while a message is held
      expect(status.pending).toBe(1);
      expect(sent()).toBe(0);
    }
    expect((await t.api.call('contacts.get', { id: contactId })).syncState).toBe('pending');

    setNow(clock, at + MESSAGE_HOLD_MS);
    expect((await t.core.sync.runOnce()).pending).toBe(0);
    expect(sent()).toBe(1);
    await t.core.sync.runOnce();
    expect(sent()).toBe(1);
    const [after] = (await t.api.call('messages.list', { contactId, limit: 5 })).items;
    expect(after).toMatchObject({ id: msg.id, status: 'sent', undoable: false, undoBlockedReason: 'Messages already sent cannot be taken back.' });
  });

  it('takes a held message or flush back: Intercom never gets it, and the list says it was undone', { timeout: 60_000 }, async () => {
    const { t, clock, contactId } = await setup();
    const at = setNow(clock, T0 + 60_000);
    const msg = await t.api.call('messages.send', { contactId, channel: 'email', subject: 'Hi', body: 'Hello' });
    const { message: flush } = await t.api.call('messages.flush', { contactId });
    setNow(clock, at + 9_000);
    const undone = await t.api.call('messages.cancel', { id: msg.id });
    expect(undone).toMatchObject({ status: 'discarded', undoneAt: new Date(at + 9_000).toISOString(), undoable: false });
    expect(undone.undoBlockedReason).toBe('This message was taken back; it was not sent.');
    await t.api.call('messages.cancel', { id: flush.id });
    expect(t.core.sync.status().pending).toBe(0);
    expect((await t.api.call('contacts.get', { id: contactId })).syncState).toBe('synced');

    setNow(clock, at + 60_000);
    await t.core.sync.runOnce();
    expect([sent(), flushed()]).toEqual([0, 0]);
    // an undone flush does not count against the 15-minute window
    expect((await t.api.call('messages.list', { contactId, limit: 5 })).nextFlushAt).toBeNull();
    // a second undo is refused in words, naming no internal field in the message
    const again = await t.fail('messages.cancel', { id: msg.id });
    expect(again).toMatchObject({ code: 'CONFLICT', field: 'id', message: 'This message was taken back; it was not sent.' });
  });

  it('refuses undo once the hold is over, in words, and does not offer it', { timeout: 60_000 }, async () => {
    const { t, clock, contactId } = await setup();
    const at = setNow(clock, T0 + 60_000);
    const msg = await t.api.call('messages.send', { contactId, channel: 'inapp', body: 'Too late' });
    // released but not pushed yet (offline, say): it may go out any moment, so it is no longer offered
    setNow(clock, at + MESSAGE_HOLD_MS);
    const [listed] = (await t.api.call('messages.list', { contactId, limit: 5 })).items;
    expect(listed).toMatchObject({ status: 'queued', undoable: false });
    expect(listed!.undoBlockedReason).toMatch(/left its 10-second hold.*cannot be taken back/);
    const before = t.core.store.fingerprint();
    const err = await t.fail('messages.cancel', { id: msg.id });
    expect(err).toMatchObject({ code: 'CONFLICT', field: 'id', message: listed!.undoBlockedReason });
    expect(t.core.store.fingerprint()).toEqual(before);
    await t.core.sync.runOnce();
    expect(sent()).toBe(1);
  });

  it('keeps the hold over a restart: nothing lost, nothing sent early or twice', { timeout: 60_000 }, async () => {
    const { t, clock, contactId } = await setup();
    const at = setNow(clock, T0 + 60_000);
    const msg = await t.api.call('messages.send', { contactId, channel: 'inapp', body: 'Survives a restart' });
    setNow(clock, at + 3_000);
    t.core.dispose();
    const again = t.reopen();
    cores.push(again);
    await again.core.sync.runOnce();
    expect(sent()).toBe(0);
    const [held] = (await again.api.call('messages.list', { contactId, limit: 5 })).items;
    expect(held).toMatchObject({ id: msg.id, status: 'queued', undoable: true, releaseAt: new Date(at + MESSAGE_HOLD_MS).toISOString() });
    setNow(clock, at + MESSAGE_HOLD_MS);
    await again.core.sync.runOnce();
    await again.core.sync.runOnce();
    expect(sent()).toBe(1);
    expect(sb!.workspace.messages()[0]!.body).toBe('Survives a restart');
  });

  it('schedules a run at the release time, so a held message goes without another change', { timeout: 60_000 }, async () => {
    // the engine's timers are the test's: no run starts unless the test lets it
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const { t, clock, contactId } = await setup({ autoSync: true, sync: { client: { timeoutMs: 5000, backoff: { baseMs: 5, maxMs: 50 } }, periodMs: 3_600_000 } });
    const at = setNow(clock, T0 + 60_000);
    await t.api.call('messages.send', { contactId, channel: 'inapp', body: 'On time' });
    // the run the start and the change asked for
    vi.advanceTimersByTime(2_000);
    await t.core.sync.runOnce();
    expect(sent()).toBe(0);
    const { nextRunAt } = t.core.sync.status();
    expect(Date.parse(nextRunAt!)).toBeGreaterThanOrEqual(at + MESSAGE_HOLD_MS);
    expect(Date.parse(nextRunAt!)).toBeLessThan(at + MESSAGE_HOLD_MS + 1_000);

    // the clock reaches that time and the timer fires: the run sends the message
    setNow(clock, Date.parse(nextRunAt!));
    vi.advanceTimersByTime(Date.parse(nextRunAt!) - at);
    await vi.waitFor(() => expect(sent()).toBe(1), { timeout: 10_000, interval: 20 });
  });
});
