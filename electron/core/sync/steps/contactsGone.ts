// Contacts Intercom no longer lists: archived there by someone else (or deleted, or merged away).
// Intercom's list and search leave such contacts out and a read by id answers 404 (an archived
// contact is never readable, intercom-ruby#561), so no pull ever shows them: each run reads a few
// of the contacts this console knows by id, going on where the last run stopped, and one that
// answers 404 is archived here too (kept, findable with the Archived filter, never lost). Contacts
// with anything in the outbox are left to the push, which meets the same 404 (ops/contactRecord.ts).
import { IntercomError } from '../IntercomError';
import { ContactWriter } from '../../records/ContactWriter';
import type { SyncStep } from './SyncStep';

/** Contacts read by id per run, at most: a full round of 100,000 contacts takes about 5,000 runs. */
export const GONE_CHECKS_PER_RUN = 20;
const CURSOR_KEY = 'sync.contactsGoneAfter';
const RECENT_MS = 10 * 60_000;

export const contactsGone: SyncStep = {
  name: 'contactsGone',
  phase: 'pull',
  label: 'Checking contacts Intercom no longer lists',
  pull: true,
  when: (r) => r.firstPullDone,
  async run(run) {
    const { store, client } = run.ctx;
    const after = store.settings.get<number>(CURSOR_KEY) ?? 0;
    // a contact sent in the last minutes may not be readable yet (API-NOTES: search and reads lag)
    const recent = run.ctx.now() - RECENT_MS;
    const rows = store.remote.contactsToCheck(after, GONE_CHECKS_PER_RUN, recent);
    const gone: typeof rows = [];
    for (const row of rows) {
      try {
        await client.getContact(row.intercom_id);
      } catch (e) {
        if (!(e instanceof IntercomError && e.kind === 'not_found')) throw e;
        gone.push(row);
      }
    }
    const archived = store.transaction(() => {
      const writer = new ContactWriter(store);
      const ids: string[] = [];
      for (const g of gone) {
        // changed meanwhile (a local change waits, it was archived or relinked): the push decides
        const [still] = store.remote.contactsToCheck(g.pk - 1, 1, recent);
        if (!still || still.pk !== g.pk || still.intercom_id !== g.intercom_id) continue;
        const row = store.contacts.byPk(g.pk)!;
        writer.archivedInIntercom(row, run.ctx.now());
        ids.push(row.id);
      }
      store.settings.set(CURSOR_KEY, rows.length < GONE_CHECKS_PER_RUN ? 0 : rows[rows.length - 1]!.pk, run.ctx.now());
      return ids;
    });
    if (archived.length > 0) run.ctx.changed('contact', archived, 'sync.pull');
  },
};
