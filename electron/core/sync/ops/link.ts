// company.link: attaches a contact to a company in Intercom (a repeat is harmless); the company
// is pushed first when it is not in Intercom yet.
import type { PushEntry } from '../fold';
import { IntercomError } from '../IntercomError';
import { contactRow } from './contactRecord';
import { nothing, StepFailure, StepWait, type Commit, type Operation, type PushRun, type Step, onlyEntry } from './Operation';

async function companyFirst(run: PushRun, step: Step): Promise<void> {
  const companyId = step.entries[0]?.payload.companyId;
  if (typeof companyId !== 'string') return;
  const { store } = run.ctx;
  const company = store.companies.byId(companyId);
  if (!company || company.intercom_id) return;
  await run.pushFirst({ type: 'company', id: companyId });
  if (run.stopped()) throw new StepWait('the run stopped');
  if (!store.companies.byId(companyId)?.intercom_id) {
    throw new StepWait(`company ${companyId} is not in Intercom yet`, store.sync.hasFailed(companyId));
  }
}

async function sendLink(run: PushRun, id: string, entries: readonly PushEntry[]): Promise<Commit> {
  const entry = onlyEntry(entries);
  const companyId = entry.payload.companyId;
  const company = typeof companyId === 'string' ? run.ctx.store.companies.byId(companyId) : undefined;
  const contact = contactRow(run, id);
  if (!company) throw new StepFailure(`The company ${String(companyId)} no longer exists locally`);
  const path = '/contacts/{id}/companies';
  if (!company.intercom_id) throw new IntercomError({ kind: 'transient', message: `${company.name} is not in Intercom yet`, method: 'POST', path });
  if (!contact.intercom_id) throw new IntercomError({ kind: 'transient', message: 'The contact is not in Intercom yet', method: 'POST', path });
  await run.call(() => run.ctx.client.attachCompany(contact.intercom_id!, company.intercom_id!));
  return nothing;
}

export const link: Operation = {
  kind: 'link',
  entity: 'contact',
  ops: ['company.link'],
  fold: 'single',
  beforeClaim: companyFirst,
  send: sendLink,
};
