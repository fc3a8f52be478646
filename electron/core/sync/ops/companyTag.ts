// company.tag: tags the company in Intercom through POST /tags with the company, which makes the
// tag when it does not exist (a repeat is harmless).
import type { PushEntry } from '../fold';
import { IntercomError } from '../IntercomError';
import { onlyEntry, StepFailure, type Commit, type Operation, type PushRun } from './Operation';
import { entryTag, keepTagId } from './tagRecord';

async function sendCompanyTag(run: PushRun, id: string, entries: readonly PushEntry[]): Promise<Commit> {
  const tag = entryTag(run, onlyEntry(entries));
  const company = run.ctx.store.companies.byId(id);
  if (!company) throw new StepFailure(`The company ${id} no longer exists locally`);
  if (!company.intercom_id) throw new IntercomError({ kind: 'transient', message: `${company.name} is not in Intercom yet`, method: 'POST', path: '/tags' });
  const answer = await run.call(() => run.ctx.client.tagCompany(tag.name, company.intercom_id!, false));
  return keepTagId(run, tag, answer.id);
}

export const companyTag: Operation = {
  kind: 'tag',
  entity: 'company',
  ops: ['company.tag'],
  fold: 'single',
  send: sendCompanyTag,
};
