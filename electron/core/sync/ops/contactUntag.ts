// contact.untag: takes a tag off the contact in Intercom (DELETE /contacts/{id}/tags/{tag_id}).
// A tag Intercom never got, or no longer has (404), needs nothing.
import type { PushEntry } from '../fold';
import { IntercomError } from '../IntercomError';
import { contactRow } from './contactRecord';
import { nothing, onlyEntry, type Commit, type Operation, type PushRun } from './Operation';
import { entryTag } from './tagRecord';

async function sendContactUntag(run: PushRun, id: string, entries: readonly PushEntry[]): Promise<Commit> {
  const tag = entryTag(run, onlyEntry(entries));
  const contact = contactRow(run, id);
  const tagId = tag.row?.intercom_id;
  if (!tagId || !contact.intercom_id) return nothing;
  try {
    await run.call(() => run.ctx.client.untagContact(contact.intercom_id!, tagId));
  } catch (e) {
    if (!(e instanceof IntercomError && e.kind === 'not_found')) throw e;
  }
  return nothing;
}

export const contactUntag: Operation = {
  kind: 'untag',
  entity: 'contact',
  ops: ['contact.untag'],
  fold: 'single',
  send: sendContactUntag,
};
