// contact.setArchived: a contact archived or restored here, kept in the store, archived or
// unarchived in Intercom (POST /contacts/{id}/archive, /unarchive). Both are safe to repeat.
// (contact.archive, ops/archive.ts, is the other archive: of a new lead an undo removed here.)
import type { PushEntry } from '../fold';
import { IntercomError } from '../IntercomError';
import { contactRow, notInIntercomYet } from './contactRecord';
import { nothing, onlyEntry, type Commit, type Operation, type PushRun } from './Operation';

async function sendArchived(run: PushRun, id: string, entries: readonly PushEntry[]): Promise<Commit> {
  const entry = onlyEntry(entries);
  const row = contactRow(run, id);
  const archived = entry.payload.archived === true;
  const path = `/contacts/{id}/${archived ? 'archive' : 'unarchive'}`;
  // the record's create goes first (planSteps): without an Intercom id it has not gone yet
  if (!row.intercom_id) throw notInIntercomYet('POST', path);
  const intercomId = row.intercom_id;
  try {
    await run.call<unknown>(() => (archived ? run.ctx.client.archiveContact(intercomId) : run.ctx.client.unarchiveContact(intercomId)));
  } catch (e) {
    // an archive of a contact gone from Intercom (deleted, merged away) has nothing left to do
    if (!(archived && e instanceof IntercomError && e.kind === 'not_found')) throw e;
  }
  return nothing;
}

export const contactArchived: Operation = {
  kind: 'archived',
  entity: 'contact',
  ops: ['contact.setArchived'],
  fold: 'single',
  send: sendArchived,
};
