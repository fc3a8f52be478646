// company.delete: takes a company removed here out of Intercom (DELETE /companies/{id}; Intercom
// archives it in the background and detaches its users). Safe to repeat: a company Intercom no
// longer has (404) is done.
import type { PushEntry } from '../fold';
import { IntercomError } from '../IntercomError';
import { companyIdFor } from '../mapping';
import { nothing, type Commit, type Operation, type PushRun } from './Operation';

/**
 * The Intercom company to delete: the one the entry names (its create's answer, see
 * CompanyWriter.setPushed), else, when the create was sent and its answer lost, the one with the
 * company id it was created with. Null: Intercom has none (never created, or gone already).
 */
async function target(run: PushRun, id: string, entry: PushEntry, before: readonly PushEntry[]): Promise<string | null> {
  const named = entry.payload.intercomId;
  if (typeof named === 'string' && named !== '') return named;
  const sent = entry.payload.createSent === true || before.some((e) => e.op === 'company.create' && e.attempts > 0);
  if (!sent) return null;
  const externalId = typeof entry.payload.externalId === 'string' ? entry.payload.externalId : null;
  const found = await run.call(() => run.ctx.client.getCompanyByCompanyId(companyIdFor({ id, external_id: externalId })));
  return found?.id ?? null;
}

/** The step is the delete with the entries of its company before it (a create released after a crash), which it supersedes. */
async function sendDelete(run: PushRun, id: string, entries: readonly PushEntry[]): Promise<Commit> {
  const entry = entries.at(-1);
  if (!entry) return nothing;
  const found = await target(run, id, entry, entries.slice(0, -1));
  if (found) {
    try {
      await run.call(() => run.ctx.client.deleteCompany(found));
    } catch (e) {
      // deleted in Intercom meanwhile (or by an earlier attempt whose answer was lost)
      if (!(e instanceof IntercomError && e.kind === 'not_found')) throw e;
    }
  }
  return () => run.companies.settleRemoved(id);
}

export const companyDelete: Operation = {
  kind: 'delete',
  entity: 'company',
  ops: ['company.delete'],
  fold: 'single',
  removesRecord: true,
  send: sendDelete,
};
