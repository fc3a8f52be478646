// Notes: one contact's notes from Intercom (the team's, and ours), kept where not held yet. Run
// when a record is opened (SyncEngine.pullNotes) and by the notes step for the contacts a pull
// showed with more notes in Intercom than here.
import { randomUUID } from 'node:crypto';
import { AppError } from '../../../../shared/errors';
import type { NewRemoteNote } from '../../db/NoteRepository';
import type { IntercomClient } from '../IntercomClient';
import type { IntercomNote } from '../intercomTypes';
import { isCopyOf, noteText } from '../noteBody';
import { PageGuard } from '../PageGuard';
import type { SyncContext } from '../SyncContext';

/** Intercom's notes list is paged by number; this many a page, and never more pages than this. */
const NOTES_PAGE_SIZE = 50;
const NOTES_MAX_PAGES = 100;

async function fetchNotes(client: IntercomClient, intercomId: string): Promise<IntercomNote[]> {
  const out: IntercomNote[] = [];
  const guard = new PageGuard({ method: 'GET', path: '/contacts/{id}/notes', label: 'note list' });
  for (let page = 1; page <= NOTES_MAX_PAGES; page++) {
    const list = await client.listNotes(intercomId, page, NOTES_PAGE_SIZE);
    const data = (list.data ?? []).filter((n) => n && (typeof n.id === 'string' || typeof n.id === 'number') && typeof n.body === 'string' && Number.isFinite(n.created_at));
    guard.page(data.length, list.total_count);
    guard.fresh(data.map((n) => String(n.id)));
    out.push(...data);
    if (data.length === 0 || page >= (list.pages?.total_pages ?? page)) break;
  }
  return out;
}

/** The admin notes written here go out as, when this store knows it (a copy is told apart by it). */
function storedAdminId(ctx: SyncContext): string | null {
  const stored = ctx.store.settings.get<{ id?: string | number } | null>('intercom.admin');
  return stored?.id !== undefined && stored.id !== null && String(stored.id) !== '' ? String(stored.id) : null;
}

/**
 * Keeps the notes not held yet, in one transaction; returns how many were added. A note that is
 * a copy of one written here whose answer was lost is left for the push, which adopts it.
 */
function keepNotes(ctx: SyncContext, contactId: string, intercomId: string, remote: readonly IntercomNote[]): number {
  const { store } = ctx;
  return store.transaction(() => {
    const contact = store.contacts.byId(contactId);
    if (!contact || contact.intercom_id !== intercomId) {
      throw new AppError('CONFLICT', 'Contact: it changed while its notes were read from Intercom; open it again.', { field: 'contactId' });
    }
    const known = store.notes.knownIntercomIds(remote.map((n) => String(n.id)));
    const ours = store.notes.maybeSent(contact.pk);
    const adminId = storedAdminId(ctx);
    const fresh: NewRemoteNote[] = [];
    for (const n of remote) {
      if (known.has(String(n.id))) continue;
      if (ours.some((o) => isCopyOf(n, o, adminId))) continue;
      fresh.push({
        id: randomUUID(),
        contactPk: contact.pk,
        body: noteText(n.body),
        author: n.author?.name || n.author?.email || null,
        authorAdminId: n.author?.id !== undefined ? String(n.author.id) : null,
        intercomId: String(n.id),
        createdAt: n.created_at * 1000,
      });
    }
    store.notes.insertFromIntercom(fresh);
    store.notes.unwant(contact.pk);
    return fresh.length;
  });
}

export interface ContactNotesInput {
  contactId: string;
  /** The contact's Intercom id when the read began. */
  intercomId: string;
}

/** The requests run outside any transaction; the store is written once, at the end. */
export const contactNotes = {
  name: 'notes',
  async run(ctx: SyncContext, { contactId, intercomId }: ContactNotesInput): Promise<{ fetched: number; added: number }> {
    const remote = await fetchNotes(ctx.client, intercomId);
    return { fetched: remote.length, added: keepNotes(ctx, contactId, intercomId, remote) };
  },
};
