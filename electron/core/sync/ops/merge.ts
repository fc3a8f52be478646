// contact.merge: a lead merged here into a user goes the same way in Intercom (POST /contacts/merge
// {from: lead, into: user}; the lead is gone from the API after it, its events and companies are
// the user's). The entry is the survivor's, after its create and before the update that puts the
// picked values over what Intercom's merge filled in. Never merged twice: a repeat after a lost
// answer finds the lead gone (404) and the user there, which is the merge done.
import { IntercomError } from '../IntercomError';
import { contactRow, notInIntercomYet } from './contactRecord';
import type { PushEntry } from '../fold';
import { nothing, onlyEntry, StepFailure, type Commit, type Operation, type PushRun } from './Operation';

async function sendMerge(run: PushRun, id: string, entries: readonly PushEntry[]): Promise<Commit> {
  const entry = onlyEntry(entries);
  const from = entry.payload.fromIntercomId;
  if (typeof from !== 'string' || from === '') throw new StepFailure('The merge names no Intercom contact to merge');
  const into = contactRow(run, id).intercom_id;
  if (!into) throw notInIntercomYet('POST', '/contacts/merge');
  const { client } = run.ctx;
  try {
    await run.call(() => client.mergeContacts(from, into));
  } catch (e) {
    if (!(e instanceof IntercomError)) throw e;
    if (e.kind === 'not_found') {
      // the lead is gone (an earlier attempt merged it, its answer lost) or the user is: ask which
      await run.call(() => client.getContact(into));
      return nothing;
    }
    if (e.kind === 'invalid') {
      // Intercom no longer sees a lead and a user (one signed up or changed there since): the
      // survivor's update follows anyway, and the other is archived as for any other pair
      try {
        await run.call(() => client.archiveContact(from));
      } catch (a) {
        if (!(a instanceof IntercomError && a.kind === 'not_found')) throw a;
      }
      return nothing;
    }
    throw e;
  }
  return nothing;
}

export const merge: Operation = {
  kind: 'merge',
  entity: 'contact',
  ops: ['contact.merge'],
  fold: 'single',
  send: sendMerge,
};
