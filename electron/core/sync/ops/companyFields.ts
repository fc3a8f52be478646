// company.create, company.update, company.setStage: a company's consecutive field changes fold
// into one POST /companies, which creates or updates by company_id (so a repeat changes nothing).
import { foldCompany, isEmptyPatch, overlayBase, type PushEntry } from '../fold';
import type { CompanyWrite } from '../intercomTypes';
import { companyBaseFromRemote, companyBody, companyIdFor, type CompanyBase } from '../mapping';
import { nonNullPatch, rowCompanyPatch } from './contactRecord';
import { checkCompany } from './currentCheck';
import { nothing, StepFailure, type Commit, type Operation, type PushRun } from './Operation';

async function sendCompanyFields(run: PushRun, id: string, entries: readonly PushEntry[]): Promise<Commit> {
  const { store, client } = run.ctx;
  const row = store.companies.byId(id);
  if (!row) throw new StepFailure(`The company ${id} no longer exists locally`);
  let patch = foldCompany(entries);
  const isNew = !row.intercom_id;
  if (!isNew && isEmptyPatch(patch)) return nothing;
  if (isNew && !entries.some((e) => e.op === 'company.create')) patch = { ...rowCompanyPatch(row), ...patch };
  if (!isNew && run.ctx.checkBeforeUpdate !== false) {
    // a colleague's change to a field sent here becomes a conflict (ops/currentCheck.ts)
    const checked = await checkCompany(run, id, row.intercom_id!, patch);
    if (checked) {
      patch = checked.patch;
      if (isEmptyPatch(patch)) return nothing;
    }
  }
  const resp = await run.call(() => client.upsertCompany(companyBody(companyIdFor(row), isNew ? nonNullPatch(patch) : patch, run.settings) as unknown as CompanyWrite));
  const remote = companyBaseFromRemote(resp, run.settings);
  const raw = store.sync.companyBase(id);
  const base: CompanyBase = isNew || !raw ? remote : overlayBase(JSON.parse(raw) as CompanyBase, remote, patch);
  return () => setCompany(run, id, resp.id, base);
}

/** The commit of a company step: the local company points at this Intercom company, with this base. */
function setCompany(run: PushRun, id: string, intercomId: string, base: CompanyBase): void {
  const other = run.ctx.store.sync.companyIdByIntercomId(intercomId);
  if (other && other !== id) {
    throw new StepFailure(`Intercom company ${intercomId} is already linked to another local company (${other})`);
  }
  run.companies.setPushed(id, intercomId, base);
}

export const companyFields: Operation = {
  kind: 'fields',
  entity: 'company',
  ops: ['company.create', 'company.update', 'company.setStage'],
  fold: 'run',
  creates: ['company.create'],
  send: sendCompanyFields,
};
