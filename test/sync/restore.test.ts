// A restored backup and Intercom, against the sandbox: changes made before a backup and synced
// after it are not sent again once the backup is restored (the sandbox's request log shows no
// second write), the next pull brings back what the copy did not know (Intercom ids), and a
// change made after the restore goes out once.
import { afterEach, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../electron/sandbox';
import { makeTempDir, removeTempDir, startCore, TestClock, type TestCore } from '../helpers/testCore';

let sb: Sandbox | undefined;
let t: TestCore | undefined;
afterEach(async () => {
  t?.dispose();
  if (t) removeTempDir(t.dir);
  await sb?.close();
  sb = t = undefined;
});

/** Requests that change something in Intercom (searches, scrolls and lists only read). */
const writes = (log: string[]) => log.filter((l) => /^(POST|PUT|DELETE) /.test(l) && !/\/(search|scroll|list)\b/.test(l));

async function syncUntilQuiet(core: TestCore) {
  for (let i = 0; i < 20; i++) {
    const status = await core.core.sync.runOnce();
    if (status.pending === 0 && status.state === 'idle') return status;
  }
  throw new Error('the outbox did not drain');
}

describe('restoring a backup', () => {
  it('sends nothing twice: what Intercom got after the backup is marked done, and the pull brings back its ids', { timeout: 60_000 }, async () => {
    const log: string[] = [];
    const clock = new TestClock();
    sb = await startSandbox({ searchLagMs: 0, randomSeed: 7, now: clock.now, log: (line) => log.push(line), rateLimit: { limit: 1_000_000, windowMs: 10_000 } });
    t = startCore(makeTempDir(), clock, {
      intercom: { baseUrl: sb.url, source: 'start-option', token: sb.token },
      autoSync: false,
      sync: { client: { timeoutMs: 5000, backoff: { baseMs: 5, maxMs: 50 } } },
    });
    const { api } = t;
    const { contact: ann } = await api.call('contacts.create', { name: 'Ann Archer', email: 'ann@example.test' });
    await syncUntilQuiet(t);
    const annIntercomId = (await api.call('contacts.get', { id: ann.id })).intercomId!;

    // changes made before the backup, not yet sent when it is taken
    await api.call('contacts.update', { id: ann.id, patch: { phone: '+1 555 0101' } });
    const { contact: bob } = await api.call('contacts.create', { name: 'Bob Baker', email: 'bob@example.test' });
    await api.call('events.track', { contactId: ann.id, name: 'viewed-pricing' });
    await api.call('messages.send', { contactId: ann.id, channel: 'inapp', body: 'Welcome aboard' });
    const backup = await api.call('backup.now', {});
    expect((await api.call('outbox.list', { limit: 50 })).total).toBe(4);

    // ... then sent
    const before = writes(log).length;
    await syncUntilQuiet(t);
    expect(writes(log).length - before).toBeGreaterThanOrEqual(4);
    const intercomBefore = { contacts: sb.workspace.contacts().length, events: sb.workspace.events().length, messages: sb.workspace.messages().length };

    // the restore: the copy's four waiting entries are found in the replaced store as done
    const restored = await api.call('backup.restore', { name: backup.name, confirm: true });
    expect(restored.outbox).toEqual({ alreadySent: 4, toRecheck: 0, failed: 0 });
    expect((await api.call('outbox.list', { limit: 50 })).total).toBe(0);
    expect((await api.call('messages.list', { contactId: ann.id })).items.map((m) => m.status)).toEqual(['sent']);
    // the copy does not know Bob's Intercom id yet
    expect((await api.call('contacts.get', { id: bob.id })).intercomId).toBeNull();

    const afterRestore = log.length;
    const status = await syncUntilQuiet(t);
    expect(status.failed).toBe(0);
    expect(writes(log.slice(afterRestore))).toEqual([]);
    expect({ contacts: sb.workspace.contacts().length, events: sb.workspace.events().length, messages: sb.workspace.messages().length }).toEqual(intercomBefore);
    // the pull, starting from the copy's cursor, found Bob (created after the backup) by his local id
    const bobNow = await api.call('contacts.get', { id: bob.id });
    expect(bobNow.intercomId).toEqual(expect.any(String));
    expect(bobNow.syncState).toBe('synced');
    expect((await api.call('contacts.get', { id: ann.id })).intercomId).toBe(annIntercomId);

    // a change after the restore goes out, once
    await api.call('contacts.update', { id: bob.id, patch: { phone: '+1 555 0202' } });
    const beforeChange = log.length;
    await syncUntilQuiet(t);
    expect(writes(log.slice(beforeChange))).toHaveLength(1);
    expect(sb.workspace.contact(bobNow.intercomId!)?.phone).toBe('+1 555 0202');
  });

  it('sends what the replaced store never sent, and re-checks what it had in flight as a lost answer', { timeout: 60_000 }, async () => {
    const log: string[] = [];
    const clock = new TestClock();
    sb = await startSandbox({ searchLagMs: 0, randomSeed: 8, now: clock.now, log: (line) => log.push(line), rateLimit: { limit: 1_000_000, windowMs: 10_000 } });
    t = startCore(makeTempDir(), clock, {
      intercom: { baseUrl: sb.url, source: 'start-option', token: sb.token },
      autoSync: false,
      sync: { client: { timeoutMs: 5000, backoff: { baseMs: 5, maxMs: 50 } } },
    });
    const { api } = t;
    const { contact: cy } = await api.call('contacts.create', { name: 'Cy Cole', email: 'cy@example.test' });
    const { contact: dee } = await api.call('contacts.create', { name: 'Dee Dunn', email: 'dee@example.test' });
    const backup = await api.call('backup.now', {});
    // Cy's create goes out and its answer is lost (left in flight, as by a crash after the
    // request); Dee's never goes (held back in the store the restore replaces)
    const [cyEntry] = (await api.call('outbox.list', { entityId: cy.id, limit: 5 })).items;
    t.core.store.db.prepare(`UPDATE outbox SET hold = 'test' WHERE entity_id = ?`).run(dee.id);
    await t.core.sync.runOnce();
    expect(sb.workspace.contacts().filter((c) => c.email === 'dee@example.test')).toHaveLength(0);
    t.core.store.db.prepare(`UPDATE outbox SET status = 'in_flight' WHERE seq = ?`).run(cyEntry!.seq);

    const restored = await api.call('backup.restore', { name: backup.name, confirm: true });
    expect(restored.outbox).toEqual({ alreadySent: 0, toRecheck: 1, failed: 0 });
    const afterRestore = log.length;
    await syncUntilQuiet(t);
    // Dee's create goes out; Cy's is repeated with the same identity (409) and adopted
    expect(writes(log.slice(afterRestore)).filter((l) => l.startsWith('POST /contacts ')).sort()).toEqual(['POST /contacts -> 200', 'POST /contacts -> 409']);
    // Cy's create was repeated with the same identity and adopted: still one Cy in Intercom
    expect(sb.workspace.contacts().filter((c) => c.email === 'cy@example.test')).toHaveLength(1);
    expect(sb.workspace.contacts().filter((c) => c.email === 'dee@example.test')).toHaveLength(1);
    expect((await api.call('contacts.get', { id: cy.id })).syncState).toBe('synced');
    expect((await api.call('contacts.get', { id: dee.id })).syncState).toBe('synced');
  });

  it('waits for a sync run in progress to stop before it replaces the store', { timeout: 60_000 }, async () => {
    const clock = new TestClock();
    sb = await startSandbox({ searchLagMs: 0, randomSeed: 9, now: clock.now, faults: { latencyMs: 100 }, rateLimit: { limit: 1_000_000, windowMs: 10_000 } });
    t = startCore(makeTempDir(), clock, {
      intercom: { baseUrl: sb.url, source: 'start-option', token: sb.token },
      autoSync: false,
      sync: { client: { timeoutMs: 5000, backoff: { baseMs: 5, maxMs: 50 } } },
    });
    const { api } = t;
    for (let i = 0; i < 5; i++) await api.call('contacts.create', { name: `Early ${i}`, email: `early${i}@example.test` });
    const backup = await api.call('backup.now', {});
    const run = t.core.sync.runOnce(); // slow answers: still running when the restore begins
    const before = t.core.sync;
    expect(before.status().state).toBe('syncing');
    const restored = await api.call('backup.restore', { name: backup.name, confirm: true });
    await run;
    expect(restored.restored).toBe(backup.name);
    // the old engine stopped (its run wound down on the replaced store); a new one works on the copy
    expect(t.core.sync).not.toBe(before);
    await syncUntilQuiet(t);
    for (let i = 0; i < 5; i++) expect(sb.workspace.contacts().filter((c) => c.email === `early${i}@example.test`)).toHaveLength(1);
    expect((await api.call('contacts.list', { limit: 50 })).items.every((c) => c.syncState === 'synced')).toBe(true);
  });
});
