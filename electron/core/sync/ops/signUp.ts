// contact.signUp: a lead already in Intercom becomes a user. If Intercom has a user with that
// external id (or, signed up without one, that email), the lead is merged into it and the local
// contact points at the user from then on (its local id stays); otherwise the lead itself becomes
// the user. Either way one Intercom contact remains.
import { overlayBase, type ContactPatch, type PushEntry } from '../fold';
import { IntercomError } from '../IntercomError';
import type { ContactWrite } from '../intercomTypes';
import { contactBaseFromRemote, contactBody } from '../mapping';
import { checkContactTie, contactRow, createOrAdopt, nonNullPatch, prevContactBase, rowContactPatch, setContact, withoutNulls } from './contactRecord';
import { sendContactFields } from './contactFields';
import { StepFailure, type Commit, type Operation, type PushRun, onlyEntry } from './Operation';

async function sendSignUp(run: PushRun, id: string, entries: readonly PushEntry[]): Promise<Commit> {
  const entry = onlyEntry(entries);
  const row = contactRow(run, id);
  // its create went out in this same step's run but was planned apart (see planSteps): fold it now
  if (!row.intercom_id) return sendContactFields(run, id, [entry]);
  const leadId = row.intercom_id;
  const xid = typeof entry.payload.externalId === 'string' ? entry.payload.externalId : row.external_id;
  const email = typeof entry.payload.email === 'string' ? entry.payload.email : row.email;
  // Intercom takes a user with an email and no user id; with neither it would be a nameless user
  if (!xid && !email) throw new StepFailure('The sign-up carries neither a user id nor an email');
  const patch: ContactPatch = { role: 'user', ...(xid ? { externalId: xid } : {}), stage: (entry.payload.stage as ContactPatch['stage']) ?? 'signed_up' };
  const { client } = run.ctx;
  const s = run.settings;

  // without a user id there is nothing to look up: a user with the same email answers the update with a 409 naming it
  const found = xid ? await run.call(() => client.findContactByExternalId(xid)) : null;
  let target: string;
  if (found && found.id !== leadId) {
    // checked before merging: a merge cannot be undone
    checkContactTie(run, id, found.id);
    target = await mergeInto(run, leadId, found.id);
  } else if (found) {
    target = leadId; // a previous attempt converted it and its answer was lost
  } else {
    try {
      const resp = await run.call(() => client.updateContact(leadId, contactBody(patch, s) as ContactWrite));
      return setContact(run, id, resp, overlayBase(prevContactBase(run, row), contactBaseFromRemote(resp, s), patch));
    } catch (e) {
      if (e instanceof IntercomError && e.kind === 'conflict' && e.existingId) {
        checkContactTie(run, id, e.existingId);
        target = await mergeInto(run, leadId, e.existingId);
      } else if (e instanceof IntercomError && e.kind === 'not_found') {
        // the lead is gone from Intercom (deleted, or merged by someone): the user is created afresh
        const resp = await createOrAdopt(run, withoutNulls({ ...contactBody(nonNullPatch({ ...rowContactPatch(row), ...patch }), s), ...(xid ? { external_id: xid } : {}) }) as ContactWrite);
        return setContact(run, id, resp, contactBaseFromRemote(resp, s));
      } else {
        throw e;
      }
    }
  }
  const sent: ContactPatch = email ? { ...patch, email } : patch;
  const resp = await run.call(() => client.updateContact(target, contactBody(sent, s) as ContactWrite));
  // the target is another Intercom contact than the one the old base described: start from it
  const base = target === leadId ? overlayBase(prevContactBase(run, row), contactBaseFromRemote(resp, s), sent) : contactBaseFromRemote(resp, s);
  return setContact(run, id, resp, base);
}

/** Merges lead `from` into user `into`; a 404 for `from` means an earlier merge went through and its answer was lost. */
async function mergeInto(run: PushRun, from: string, into: string): Promise<string> {
  try {
    await run.call(() => run.ctx.client.mergeContacts(from, into));
  } catch (e) {
    // 'uncertain' is left to the retry: next time `from` is either still there (merged then) or gone (404 here)
    if (!(e instanceof IntercomError && e.kind === 'not_found')) throw e;
  }
  return into;
}

export const signUp: Operation = {
  kind: 'signUp',
  entity: 'contact',
  ops: ['contact.signUp'],
  fold: 'single',
  foldsIntoCreate: true,
  send: sendSignUp,
};
