// contact.archive: takes a contact removed here out of Intercom (POST /contacts/{id}/archive;
// the API cannot delete for good, and an archived contact is off its lists and searches). Safe
// to repeat: an archived contact answers the same, and one Intercom no longer has (404) is done.
import type { PushEntry } from '../fold';
import { IntercomError } from '../IntercomError';
import { realExternalId, syntheticExternalId } from '../mapping';
import { nothing, type Commit, type Operation, type PushRun } from './Operation';

/**
 * The Intercom contact to archive (or delete: ops/contactDelete.ts): the one the entry names (its create's answer, see
 * ContactWriter.setPushed), else, when the create was sent and its answer lost (a crash, a dropped
 * connection), the one
 * with the user id it was created with: a create repeated with that id answers 409 with it (or
 * makes it, when the first never arrived: archived at once, it never shows). Null: no create
 * ever went out (or Intercom refused it), so Intercom has nothing to archive.
 */
export async function removalTarget(run: PushRun, id: string, archive: PushEntry, before: readonly PushEntry[]): Promise<{ id: string; archived: boolean } | null> {
  const named = archive.payload.intercomId;
  if (typeof named === 'string' && named !== '') return { id: named, archived: false };
  const sent = archive.payload.createSent === true || before.some((e) => e.op === 'contact.create' && e.attempts > 0);
  if (!sent) return null;
  const xid = typeof archive.payload.externalId === 'string' ? archive.payload.externalId : null;
  const role = archive.payload.role === 'user' ? 'user' : 'lead';
  try {
    const made = await run.call(() => run.ctx.client.createContact({ role, external_id: realExternalId(xid) ?? syntheticExternalId(id) }, { idempotent: true }));
    return { id: made.id, archived: false };
  } catch (e) {
    if (e instanceof IntercomError && e.kind === 'conflict' && e.existingId) return { id: e.existingId, archived: Boolean(e.archived) };
    throw e;
  }
}

/** The step is the archive with the entries of its contact before it (a create released after a crash), which it supersedes. */
async function sendArchive(run: PushRun, id: string, entries: readonly PushEntry[]): Promise<Commit> {
  const archive = entries.at(-1);
  if (!archive) return nothing;
  const found = await removalTarget(run, id, archive, entries.slice(0, -1));
  if (found && !found.archived) {
    try {
      await run.call(() => run.ctx.client.archiveContact(found.id));
    } catch (e) {
      // merged away or deleted in Intercom meanwhile: nothing of it is listed there any more
      if (!(e instanceof IntercomError && e.kind === 'not_found')) throw e;
    }
  }
  // what Intercom refused of the contact before it went is moot now
  return () => run.contacts.settleRemoved(id);
}

export const archive: Operation = {
  kind: 'archive',
  entity: 'contact',
  ops: ['contact.archive'],
  fold: 'single',
  removesRecord: true,
  send: sendArchive,
};
