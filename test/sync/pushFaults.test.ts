// Exactly once under every sandbox fault: 5xx answers, changes applied but their answers dropped,
// requests never answered, 429 bursts and latency. Runs repeat until the outbox is empty; then
// Intercom must hold one contact per local contact (users and email-only leads alike), the
// stages, companies and links, and the outbox must be all done.
import { afterEach, describe, expect, it } from 'vitest';
import type { SandboxFaults, SandboxStats } from '../../electron/sandbox';
import { syntheticExternalId } from '../../electron/core/sync/mapping';
import { allEntries, pushRig, type PushRig } from './pushHarness';
import { expectIntercomMatches, makeOfflineWork } from './syncFixtures';

let rig: PushRig;
afterEach(async () => {
  await rig?.close();
});

const NO_FAULTS: Partial<SandboxFaults> = { errorRate: 0, dropAfterCommitRate: 0, timeoutRate: 0, rateLimit429Burst: 0, latencyMs: 0, latencyJitterMs: 0 };

/** Second wave, after the first push: leads already in Intercom sign up (two into users Intercom already has), edits, links. */
async function secondWave(r: PushRig): Promise<void> {
  const api = r.t.api;
  const leads = (await api.call('contacts.list', { limit: 500 })).items.filter((c) => c.role === 'lead');
  r.sb.workspace.remoteCreateContact({ role: 'user', external_id: 'known-0', email: 'known0@example.com' });
  r.sb.workspace.remoteCreateContact({ role: 'user', external_id: 'known-1', email: 'known1@example.com' });
  const co = await api.call('companies.create', { name: 'Wave Co', externalId: 'wave', stage: 'sql' });
  for (const [i, c] of leads.slice(0, 8).entries()) {
    const externalId = i < 2 ? `known-${i}` : `wave-user-${i}`;
    await api.call('contacts.signUp', { id: c.id, externalId, company: i % 2 === 0 ? { externalId: 'wave' } : { externalId: `wave-co-${i}`, name: `Wave Co ${i}` } });
    await api.call('contacts.update', { id: c.id, patch: { name: `Signed ${i}`, customAttributes: { plan_seats: i + 1 } } });
  }
  for (const c of leads.slice(8, 12)) {
    await api.call('contacts.update', { id: c.id, patch: { phone: '+44 20 7946 0000' } });
    await api.call('companies.link', { contactId: c.id, companyId: co.id });
  }
  await api.call('companies.setStage', { id: co.id, stage: 'customer' });
}

async function expectAllDone(r: PushRig): Promise<void> {
  const entries = await allEntries(r.t);
  const notDone = entries.filter((e) => e.status !== 'done');
  expect(notDone, JSON.stringify(notDone.slice(0, 3))).toEqual([]);
}

/** Every email-only lead and every user exists exactly once, found by its external id. */
function expectOnePerExternalId(r: PushRig, locals: Array<{ id: string; externalId: string | null }>): void {
  const remote = r.sb.workspace.contacts();
  for (const c of locals) {
    const xid = c.externalId ?? syntheticExternalId(c.id);
    expect(remote.filter((x) => x.external_id === xid), xid).toHaveLength(1);
  }
}

// A 429 holds every request until the window ends, and Intercom states the end in whole
// seconds: each 429 of a burst costs about a second, so the bursts here are short.
const SHORT_WINDOWS = { limit: 1666, windowMs: 1000 };

/** Each fault, the sandbox counter that proves it struck, and the client timeout it needs. */
const faults: Array<[string, Partial<SandboxFaults>, keyof SandboxStats | null, number?]> = [
  ['5xx answers (30%)', { errorRate: 0.3 }, 'injectedErrors'],
  ['changes applied with their answers dropped (30%)', { dropAfterCommitRate: 0.3 }, 'dropped'],
  ['requests never answered (10%)', { timeoutRate: 0.1 }, 'timedOut', 300],
  ['a burst of 429s', { rateLimit429Burst: 12 }, 'rateLimited'],
  ['latency', { latencyMs: 30, latencyJitterMs: 30 }, null],
];

describe('Pusher under faults: exactly one Intercom contact per local contact', () => {
  for (const [name, f, counter, timeoutMs] of faults) {
    it(`despite ${name}`, { timeout: 60_000 }, async () => {
      rig = await pushRig({ client: { timeoutMs: timeoutMs ?? 2000 }, sandbox: { rateLimit: SHORT_WINDOWS } });
      // the attribute listing first, so the faults land on the pushes themselves
      await rig.push();
      await makeOfflineWork(rig.t, 30);
      rig.sb.setFaults(f);
      const first = await rig.pushUntilQuiet();
      rig.sb.setFaults(NO_FAULTS);
      await expectAllDone(rig);
      await expectIntercomMatches(rig.t, rig.sb);

      await secondWave(rig);
      rig.sb.setFaults(f);
      const second = await rig.pushUntilQuiet();
      rig.sb.setFaults(NO_FAULTS);
      await expectAllDone(rig);
      await expectIntercomMatches(rig.t, rig.sb);
      const locals = (await rig.t.api.call('contacts.list', { limit: 500 })).items;
      expectOnePerExternalId(rig, locals);
      // the two leads that signed up as users Intercom already had were merged into them
      for (const xid of ['known-0', 'known-1']) {
        const user = rig.sb.workspace.contacts().find((c) => c.external_id === xid)!;
        expect(locals.find((c) => c.externalId === xid)!.intercomId).toBe(user.id);
      }
      expect([...first, ...second].reduce((n, s) => n + s.failed, 0)).toBe(0);
      if (counter) expect(rig.sb.stats()[counter]).toBeGreaterThan(0);
    });
  }

  it('survives every fault at once', { timeout: 60_000 }, async () => {
    rig = await pushRig({ client: { timeoutMs: 300 }, sandbox: { rateLimit: SHORT_WINDOWS } });
    await rig.push();
    await makeOfflineWork(rig.t, 30);
    const all: Partial<SandboxFaults> = { errorRate: 0.15, dropAfterCommitRate: 0.2, timeoutRate: 0.05, rateLimit429Burst: 4, latencyMs: 5, latencyJitterMs: 10 };
    rig.sb.setFaults(all);
    await rig.pushUntilQuiet(60);
    await secondWave(rig);
    rig.sb.setFaults(all);
    await rig.pushUntilQuiet(60);
    rig.sb.setFaults(NO_FAULTS);
    await expectAllDone(rig);
    await expectIntercomMatches(rig.t, rig.sb);
  });
});
