// Shared by the sync tests, the crash test and the bench: a believable batch of offline work,
// and the check that Intercom ends up holding exactly what the local store holds.
import { expect } from 'vitest';
import type { Sandbox } from '../../electron/sandbox';
import { syntheticExternalId } from '../../electron/core/sync/mapping';
import type { MethodOutput } from '../../shared/api';
import type { TestCore } from '../helpers/testCore';

const STAGE = { lead: 'Lead', signed_up: 'Signed up', sql: 'SQL', customer: 'CUST' } as const;

/** Leads typed at a fair (some email-only), edits, stage moves, sign-ups with companies, links and unlinks. */
export async function makeOfflineWork(t: TestCore, n = 24): Promise<void> {
  // a tag per batch keeps user and company ids unique when a test makes several batches
  const tag = Math.random().toString(36).slice(2, 8);
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const input = i % 3 === 0 ? { email: `lead${i}-${tag}@fair.example` } : { email: `p${i}-${tag}@example.com`, name: `Person ${i} ${tag}` };
    ids.push((await t.api.call('contacts.create', input)).contact.id);
  }
  for (let i = 0; i < n; i += 4) await t.api.call('contacts.update', { id: ids[i]!, patch: { phone: `+1 555 01${String(i).padStart(2, '0')}` } });
  for (let i = 1; i < n; i += 5) await t.api.call('contacts.update', { id: ids[i]!, patch: { name: `Renamed ${i} ${tag}` } });
  const acme = await t.api.call('companies.create', { name: `Acme ${tag}`, externalId: `acme-${tag}` });
  for (let i = 2; i < n; i += 6) {
    const company = { externalId: i % 12 === 2 ? `acme-${tag}` : `co-${i}-${tag}`, name: `Company ${i} ${tag}` };
    await t.api.call('contacts.signUp', { id: ids[i]!, externalId: `user-${i}-${tag}`, company });
  }
  await t.api.call('companies.setStage', { id: acme.id, stage: 'customer' });
  await t.api.call('companies.link', { contactId: ids[3]!, companyId: acme.id });
  await t.api.call('companies.link', { contactId: ids[4]!, companyId: acme.id });
  await t.api.call('companies.unlink', { contactId: ids[4]!, companyId: acme.id });
  await t.api.call('contacts.setStage', { id: ids[5]!, stage: 'signed_up' });
}

async function allContacts(t: TestCore) {
  const out: MethodOutput<'contacts.list'>['items'] = [];
  for (;;) {
    const page = await t.api.call('contacts.list', { limit: 500, offset: out.length, sort: { field: 'createdAt', dir: 'asc' } });
    out.push(...page.items);
    if (page.items.length < 500) return out;
  }
}

async function allCompanies(t: TestCore) {
  const out: MethodOutput<'companies.list'>['items'] = [];
  for (;;) {
    const page = await t.api.call('companies.list', { limit: 500, offset: out.length });
    out.push(...page.items);
    if (page.items.length < 500) return out;
  }
}

/** Intercom holds one contact per local contact (no duplicates), with the local fields, stages and links. */
export async function expectIntercomMatches(t: TestCore, sb: Sandbox, opts: { importedWithoutStage?: boolean } = {}): Promise<void> {
  const local = await allContacts(t);
  const remote = sb.workspace.contacts();
  const byId = new Map(remote.map((c) => [c.id, c]));
  // no two Intercom contacts for one person: every external id appears once
  const xids = remote.map((c) => c.external_id).filter(Boolean);
  expect(new Set(xids).size).toBe(xids.length);
  expect(remote.length).toBe(local.length);
  for (const c of local) {
    expect(c.intercomId, `${c.name ?? c.email} has an Intercom id`).toBeTruthy();
    const r = byId.get(c.intercomId!);
    expect(r, `${c.name ?? c.email} is in Intercom`).toBeDefined();
    // users carry their own user id; leads created here carry one derived from the local id; leads
    // imported from Intercom carry none
    if (c.externalId) expect(r!.external_id).toBe(c.externalId);
    else expect([null, undefined, syntheticExternalId(c.id)]).toContain(r!.external_id);
    expect(r!.role).toBe(c.role);
    expect(r!.email ?? null).toBe(c.email);
    expect(r!.name || null).toBe(c.name);
    // a contact imported with no Stage in Intercom is a lead here, and stays without one there until it moves
    const remoteStage = r!.custom_attributes?.Stage || (opts.importedWithoutStage ? STAGE.lead : undefined);
    expect(remoteStage, `${c.name ?? c.email}'s stage`).toBe(STAGE[c.stage]);
    const remoteCompanies = sb.workspace.contactCompanies(r!.id).map((co) => co.company_id).sort();
    if (process.env.DEBUG_SYNC && remoteCompanies.length !== c.companies.length) {
      console.log('MISMATCH', c.name, JSON.stringify((await t.api.call('outbox.list', { entityId: c.id, status: ['done', 'pending', 'failed', 'in_flight'], limit: 50 })).items.map((e) => [e.seq, e.op, e.status, e.attempts, e.createdAt, e.updatedAt])));
    }
    expect(remoteCompanies, `${c.name ?? c.email}'s companies`).toEqual(c.companies.map((co) => co.externalId ?? syntheticExternalId(co.id)).sort());
  }
  const companies = await allCompanies(t);
  for (const co of companies) {
    const r = sb.workspace.companies().find((x) => x.id === co.intercomId);
    expect(r, `${co.name} is in Intercom`).toBeDefined();
    expect(r!.name).toBe(co.name);
    expect(r!.custom_attributes?.['Company Stage'] || null, `${co.name}'s stage`).toBe(co.stage ? STAGE[co.stage] : null);
  }
}
