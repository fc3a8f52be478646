// company.untag: untags the company in Intercom through POST /tags with `untag: true`. A company
// or tag Intercom does not have (404) needs nothing.
import type { PushEntry } from '../fold';
import { IntercomError } from '../IntercomError';
import { nothing, onlyEntry, type Commit, type Operation, type PushRun } from './Operation';
import { entryTag } from './tagRecord';

async function sendCompanyUntag(run: PushRun, id: string, entries: readonly PushEntry[]): Promise<Commit> {
  const tag = entryTag(run, onlyEntry(entries));
  const company = run.ctx.store.companies.byId(id);
  if (!company?.intercom_id || !tag.row?.intercom_id) return nothing;
  try {
    await run.call(() => run.ctx.client.tagCompany(tag.name, company.intercom_id!, true));
  } catch (e) {
    if (!(e instanceof IntercomError && e.kind === 'not_found')) throw e;
  }
  return nothing;
}

export const companyUntag: Operation = {
  kind: 'untag',
  entity: 'company',
  ops: ['company.untag'],
  fold: 'single',
  send: sendCompanyUntag,
};
