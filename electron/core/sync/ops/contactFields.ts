// contact.create, contact.update, contact.setStage: consecutive field changes of a contact fold
// into one patch, sent as its create (POST /contacts) or as one update (PUT /contacts/{id}).
import { foldContact, isEmptyPatch, overlayBase, type ContactPatch, type PushEntry } from '../fold';
import { IntercomError } from '../IntercomError';
import type { ContactWrite, IntercomContact } from '../intercomTypes';
import { contactBaseFromRemote, contactBody, realExternalId, syntheticExternalId } from '../mapping';
import type { ContactRow } from '../../db/rows';
import {
  contactRow,
  createOrAdopt,
  nonNullPatch,
  prevContactBase,
  relocateContact,
  rowContactPatch,
  setContact,
  withoutNulls,
} from './contactRecord';
import { checkContact } from './currentCheck';
import { nothing, type Commit, type Operation, type PushRun } from './Operation';

export async function sendContactFields(run: PushRun, id: string, entries: readonly PushEntry[]): Promise<Commit> {
  let row = contactRow(run, id);
  let patch = foldContact(entries);
  if (!row.intercom_id) return createContact(run, row, entries, patch);
  if (isEmptyPatch(patch)) return nothing;
  if (run.ctx.checkBeforeUpdate !== false) {
    const checked = await checkContact(run, id, row.intercom_id, patch);
    if (checked) {
      // what a colleague changed meanwhile is applied or in conflict now; the rest goes out
      patch = checked.patch;
      row = contactRow(run, id);
      if (isEmptyPatch(patch)) return nothing;
    }
  }
  const body = contactBody(patch, run.settings) as ContactWrite;
  let resp: IntercomContact;
  try {
    resp = await run.call(() => run.ctx.client.updateContact(row.intercom_id!, body));
  } catch (e) {
    if (!(e instanceof IntercomError && e.kind === 'not_found')) throw e;
    // merged away or deleted in Intercom: find where the person is now, or create them again
    const moved = await relocateContact(run, row);
    return setContact(run, id, moved, contactBaseFromRemote(moved, run.settings));
  }
  return setContact(run, id, resp, overlayBase(prevContactBase(run, row), contactBaseFromRemote(resp, run.settings), patch));
}

/**
 * POST /contacts, always with an external id (the customer's, or one derived from the local
 * id for a lead): a repeat of a create whose answer was lost gets 409 with the id of the
 * first, which is then adopted.
 */
async function createContact(run: PushRun, row: ContactRow, entries: readonly PushEntry[], patch: ContactPatch): Promise<Commit> {
  const create = entries.find((e) => e.op === 'contact.create');
  const full: ContactPatch = create ? patch : { ...rowContactPatch(row), ...patch };
  const role = full.role ?? row.role;
  const externalId = realExternalId(full.externalId ?? null) ?? syntheticExternalId(row.id);
  const body = withoutNulls({ ...contactBody(nonNullPatch({ ...full, role }), run.settings), external_id: externalId }) as ContactWrite;
  const resp = await createOrAdopt(run, body);
  return setContact(run, row.id, resp, contactBaseFromRemote(resp, run.settings));
}

export const contactFields: Operation = {
  kind: 'fields',
  entity: 'contact',
  ops: ['contact.create', 'contact.update', 'contact.setStage'],
  fold: 'run',
  creates: ['contact.create'],
  send: sendContactFields,
};
