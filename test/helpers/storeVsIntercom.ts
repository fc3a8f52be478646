// The store next to the sandbox's workspace, field by field: what the console syncs (name, email,
// phone, role, user id, owner, Stage, custom attributes, company links; a company's name, plan, spend,
// Company Stage and attributes) against what Intercom holds, read straight from the workspace.
// Answers the differences in words, so a test can say "Synced" is true only when there are none.
import type { Sandbox, SandboxCompany, SandboxContact } from '../../electron/sandbox';
import { syntheticExternalId } from '../../electron/core/sync/mapping';
import type { MethodOutput } from '../../shared/api';
import type { TestCore } from './testCore';

type LocalContact = MethodOutput<'contacts.list'>['items'][number];
type LocalCompany = MethodOutput<'companies.list'>['items'][number];

async function allContacts(t: TestCore): Promise<LocalContact[]> {
  const out: LocalContact[] = [];
  for (;;) {
    const page = await t.api.call('contacts.list', { limit: 500, offset: out.length, sort: { field: 'createdAt', dir: 'asc' } });
    out.push(...page.items);
    if (page.items.length < 500) return out;
  }
}

async function allCompanies(t: TestCore): Promise<LocalCompany[]> {
  const out: LocalCompany[] = [];
  for (;;) {
    const page = await t.api.call('companies.list', { limit: 500, offset: out.length });
    out.push(...page.items);
    if (page.items.length < 500) return out;
  }
}

const show = (v: unknown) => (v === null || v === undefined || v === '' ? 'nothing' : JSON.stringify(v));
/** Intercom holds "" where the console removed an attribute (it refuses null). */
const empty = (v: unknown) => v === null || v === undefined || v === '';
const same = (a: unknown, b: unknown) => (empty(a) && empty(b)) || a === b;

/** Differences between a record's attributes here and there, the stage attribute left out. */
function attributeDifferences(who: string, local: Record<string, unknown>, remote: Record<string, unknown> | undefined, stageAttribute: string): string[] {
  const out: string[] = [];
  const keys = new Set([...Object.keys(local), ...Object.keys(remote ?? {})]);
  keys.delete(stageAttribute);
  for (const k of [...keys].sort()) {
    const l = local[k];
    const r = remote?.[k];
    if (!same(l, r)) out.push(`${who}: attribute ${k} is ${show(l)} here, ${show(r)} in Intercom`);
  }
  return out;
}

/**
 * Every difference between the store and the sandbox for the synced fields, in words (empty when
 * they are equal). A contact the console made without a user id carries its synthetic one in
 * Intercom, and one that came from Intercom without a Stage is a lead here: neither is a difference.
 */
export async function storeVsIntercom(t: TestCore, sb: Sandbox): Promise<string[]> {
  const settings = await t.api.call('settings.get', {});
  const { stageAttribute, companyStageAttribute, stageValues } = settings;
  const diffs: string[] = [];
  const contacts = await allContacts(t);
  const companies = await allCompanies(t);
  const companyIntercomId = new Map(companies.map((co) => [co.id, co.intercomId]));
  const remoteContacts = new Map<string, SandboxContact>(sb.workspace.contacts().map((c) => [c.id, c]));
  const remoteCompanies = new Map<string, SandboxCompany>(sb.workspace.companies().map((co) => [co.id, co]));
  const seen = new Set<string>();

  for (const c of contacts) {
    const who = `Contact ${c.name ?? c.email ?? c.id}`;
    if (!c.intercomId) {
      diffs.push(`${who} is not in Intercom`);
      continue;
    }
    const r = remoteContacts.get(c.intercomId);
    if (!r) {
      diffs.push(`${who} is not in Intercom (its Intercom contact ${c.intercomId} is gone or archived)`);
      continue;
    }
    seen.add(r.id);
    const field = (name: string, local: unknown, remote: unknown) => {
      if (!same(local, remote)) diffs.push(`${who}: ${name} is ${show(local)} here, ${show(remote)} in Intercom`);
    };
    field('name', c.name, r.name);
    field('email', c.email, r.email ? r.email.toLowerCase() : r.email);
    field('phone', c.phone, r.phone);
    field('owner', c.ownerId, r.owner_id === null || r.owner_id === undefined ? null : String(r.owner_id));
    field('role', c.role, r.role);
    if (c.externalId !== null) field('user id', c.externalId, r.external_id);
    else if (!empty(r.external_id) && r.external_id !== syntheticExternalId(c.id)) field('user id', null, r.external_id);
    const remoteStage = r.custom_attributes?.[stageAttribute];
    if (!(c.stage === 'lead' && empty(remoteStage))) field('stage', stageValues[c.stage], remoteStage);
    diffs.push(...attributeDifferences(who, c.customAttributes, r.custom_attributes, stageAttribute));
    const localLinks = c.companies.map((co) => companyIntercomId.get(co.id) ?? `(${co.name}, not in Intercom)`).sort();
    const remoteLinks = sb.workspace.contactCompanies(r.id).map((co) => co.id).sort();
    if (JSON.stringify(localLinks) !== JSON.stringify(remoteLinks)) {
      const names = (ids: string[]) => ids.map((id) => remoteCompanies.get(id)?.name ?? id).join(', ') || 'none';
      diffs.push(`${who}: companies are ${names(localLinks)} here, ${names(remoteLinks)} in Intercom`);
    }
  }
  for (const r of remoteContacts.values()) {
    if (!seen.has(r.id)) diffs.push(`Intercom holds contact ${r.name ?? r.email ?? r.id} (${r.role}), which the console does not have`);
  }

  const seenCompanies = new Set<string>();
  for (const co of companies) {
    const who = `Company ${co.name}`;
    if (!co.intercomId) {
      diffs.push(`${who} is not in Intercom`);
      continue;
    }
    const r = remoteCompanies.get(co.intercomId);
    if (!r) {
      diffs.push(`${who} is not in Intercom (its Intercom company ${co.intercomId} is gone)`);
      continue;
    }
    seenCompanies.add(r.id);
    const field = (name: string, local: unknown, remote: unknown) => {
      if (!same(local, remote)) diffs.push(`${who}: ${name} is ${show(local)} here, ${show(remote)} in Intercom`);
    };
    field('name', co.name, r.name);
    field('company id', co.externalId ?? syntheticExternalId(co.id), r.company_id);
    const plan = r.plan && 'name' in r.plan ? r.plan.name : null;
    field('plan', co.plan, plan);
    // Intercom keeps whole amounts, and 0 where none was given
    field('monthly spend', co.monthlySpend === null ? 0 : Math.round(co.monthlySpend), r.monthly_spend);
    field('stage', co.stage === null ? null : stageValues[co.stage], r.custom_attributes?.[companyStageAttribute]);
    diffs.push(...attributeDifferences(who, co.customAttributes, r.custom_attributes, companyStageAttribute));
  }
  for (const r of remoteCompanies.values()) {
    if (!seenCompanies.has(r.id)) diffs.push(`Intercom holds company ${r.name ?? r.company_id}, which the console does not have`);
  }
  return diffs;
}
