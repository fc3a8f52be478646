// contact.note: POST /contacts/{id}/notes for a note written here, as "who am I" (noteAuthor.ts).
// A repeat would make a second note (Intercom has no key for notes), so an entry that may have
// gone out before (its answer lost, or the app stopped while sending) first looks for its note
// among the contact's notes in Intercom and adopts it; only when it is not there is it sent.
import type { NoteWithEntry } from '../../db/NoteRepository';
import type { PushEntry } from '../fold';
import type { IntercomNote } from '../intercomTypes';
import { isCopyOf, NOTE_CLOCK_SLACK_MS, noteHtml } from '../noteBody';
import { PageGuard } from '../PageGuard';
import { contactRow } from './contactRecord';
import { noteAuthorId } from './noteAuthor';
import { nothing, StepWait, type Commit, type Operation, type PushRun, type Step, onlyEntry } from './Operation';

/** Notes come newest first, this many a page; a lost answer is minutes old, so a few pages reach back far enough. */
const LOOKUP_PAGE_SIZE = 50;
const LOOKUP_MAX_PAGES = 20;

function noteOf(run: PushRun, entry: PushEntry): NoteWithEntry | undefined {
  const noteId = entry.payload.noteId;
  return typeof noteId === 'string' ? run.ctx.store.notes.byId(noteId) : undefined;
}

/** The note an earlier attempt made in Intercom, if it did: ours, and not one this store already holds. */
async function findSent(run: PushRun, contactIntercomId: string, note: NoteWithEntry, adminId: string): Promise<IntercomNote | null> {
  const guard = new PageGuard({ method: 'GET', path: '/contacts/{id}/notes', label: 'note list' });
  for (let page = 1; page <= LOOKUP_MAX_PAGES; page++) {
    const list = await run.call(() => run.ctx.client.listNotes(contactIntercomId, page, LOOKUP_PAGE_SIZE));
    const data = list.data ?? [];
    guard.page(data.length, list.total_count);
    guard.fresh(data.map((n) => String(n.id)));
    const known = run.ctx.store.notes.knownIntercomIds(data.map((n) => String(n.id)));
    const found = data.find((n) => !known.has(String(n.id)) && isCopyOf(n, note, adminId));
    if (found) return found;
    // newest first: past the local note's time there is nothing of ours
    const oldest = data.at(-1);
    const pages = list.pages?.total_pages ?? page;
    if (!oldest || page >= pages || oldest.created_at * 1000 < note.created_at - NOTE_CLOCK_SLACK_MS) return null;
  }
  return null;
}

async function sendNote(run: PushRun, id: string, entries: readonly PushEntry[]): Promise<Commit> {
  const entry = onlyEntry(entries);
  const note = noteOf(run, entry);
  // deleted here (its entry went with it), or Intercom has it already
  if (!note || note.intercom_id !== null) return nothing;
  const contact = contactRow(run, id);
  const intercomId = contact.intercom_id!;
  const adminId = await noteAuthorId(run);
  const at = run.ctx.now();
  if (entry.attempts > 0) {
    const sent = await findSent(run, intercomId, note, adminId);
    if (sent) return () => run.contacts.setNotePushed(note.id, String(sent.id), sent.author?.id ? String(sent.author.id) : adminId, at);
  }
  const created = await run.call(() => run.ctx.client.createNote(intercomId, { body: noteHtml(note.body), admin_id: adminId }));
  return () => run.contacts.setNotePushed(note.id, String(created.id), created.author?.id ? String(created.author.id) : adminId, at);
}

/** A note waits for its contact's create (an earlier entry of the same record) without a request. */
async function needsContact(run: PushRun, step: Step): Promise<void> {
  const note = step.entries[0] && noteOf(run, step.entries[0]);
  if (note && note.contact_intercom_id === null) throw new StepWait('The contact is not in Intercom yet');
}

export const note: Operation = {
  kind: 'note',
  entity: 'contact',
  ops: ['contact.note'],
  fold: 'single',
  // a brand-new contact may not be visible to its sub-resources for a moment (as for /messages)
  notFoundRetries: 5,
  beforeClaim: needsContact,
  send: sendNote,
};
