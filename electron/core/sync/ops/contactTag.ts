// contact.tag: puts a tag on the contact in Intercom (POST /contacts/{id}/tags, a repeat is
// harmless), making the tag first when Intercom does not have it yet.
import type { PushEntry } from '../fold';
import { IntercomError } from '../IntercomError';
import { contactRow } from './contactRecord';
import { onlyEntry, type Commit, type Operation, type PushRun } from './Operation';
import { ensureIntercomTag, entryTag, keepTagId } from './tagRecord';

async function sendContactTag(run: PushRun, id: string, entries: readonly PushEntry[]): Promise<Commit> {
  const tag = entryTag(run, onlyEntry(entries));
  const contact = contactRow(run, id);
  if (!contact.intercom_id) throw new IntercomError({ kind: 'transient', message: 'The contact is not in Intercom yet', method: 'POST', path: '/contacts/{id}/tags' });
  let tagId = await ensureIntercomTag(run, tag);
  try {
    await run.call(() => run.ctx.client.tagContact(contact.intercom_id!, tagId));
  } catch (e) {
    // the stored id may name a tag deleted in Intercom since: find (or make) it by name once more
    if (!(e instanceof IntercomError && e.kind === 'not_found' && tag.row?.intercom_id)) throw e;
    tagId = await ensureIntercomTag(run, tag, true);
    await run.call(() => run.ctx.client.tagContact(contact.intercom_id!, tagId));
  }
  return keepTagId(run, tag, tagId);
}

export const contactTag: Operation = {
  kind: 'tag',
  entity: 'contact',
  ops: ['contact.tag'],
  fold: 'single',
  send: sendContactTag,
};
