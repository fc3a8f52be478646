// company.unlink: detaches a contact from a company in Intercom; one never attached there, or
// already detached (404), needs nothing.
import type { PushEntry } from '../fold';
import { IntercomError } from '../IntercomError';
import { contactRow } from './contactRecord';
import { nothing, type Commit, type Operation, type PushRun, onlyEntry } from './Operation';

async function sendUnlink(run: PushRun, id: string, entries: readonly PushEntry[]): Promise<Commit> {
  const entry = onlyEntry(entries);
  const companyId = entry.payload.companyId;
  const company = typeof companyId === 'string' ? run.ctx.store.companies.byId(companyId) : undefined;
  const contact = contactRow(run, id);
  if (!company?.intercom_id || !contact.intercom_id) return nothing;
  try {
    await run.call(() => run.ctx.client.detachCompany(contact.intercom_id!, company.intercom_id!));
  } catch (e) {
    if (!(e instanceof IntercomError && e.kind === 'not_found')) throw e;
  }
  return nothing;
}

export const unlink: Operation = {
  kind: 'unlink',
  entity: 'contact',
  ops: ['company.unlink'],
  fold: 'single',
  send: sendUnlink,
};
