// contact.delete: takes a contact deleted here out of Intercom for good (DELETE /contacts/{id}).
// Safe to repeat: a contact Intercom no longer has (404: deleted already, or merged away) is done.
import type { PushEntry } from '../fold';
import { IntercomError } from '../IntercomError';
import { removalTarget } from './archive';
import { nothing, type Commit, type Operation, type PushRun } from './Operation';

/** The step is the delete with any entries of its contact an answer kept (a create in flight), which it supersedes. */
async function sendDelete(run: PushRun, id: string, entries: readonly PushEntry[]): Promise<Commit> {
  const del = entries.at(-1);
  if (!del) return nothing;
  // an archived contact is deleted all the same: Intercom deletes by id whatever its state
  const found = await removalTarget(run, id, del, entries.slice(0, -1));
  if (found) {
    try {
      await run.call(() => run.ctx.client.deleteContact(found.id));
    } catch (e) {
      if (!(e instanceof IntercomError && e.kind === 'not_found')) throw e;
    }
  }
  return () => run.contacts.settleDeleted(id);
}

export const contactDelete: Operation = {
  kind: 'delete',
  entity: 'contact',
  ops: ['contact.delete'],
  fold: 'single',
  removesRecord: true,
  send: sendDelete,
};
