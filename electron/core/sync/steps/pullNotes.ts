// Pull, notes: the contacts a pull page showed with more notes in Intercom than this store holds
// (Intercom counts them on every contact it sends) get their notes read, a few per run, so a
// colleague's note arrives without a request per contact on every run.
import { contactNotes } from './contactNotes';
import type { SyncStep } from './SyncStep';

/** Contacts read per run; the rest wait for the next run (the oldest first). */
export const NOTES_PER_RUN = 25;

export const pullNotes: SyncStep = {
  name: 'notes',
  phase: 'pull',
  label: 'Reading notes from Intercom',
  pull: true,
  // decided when its turn comes: the pull steps before it mark the contacts to read
  when: (r) => r.ctx.store.notes.countWanted() > 0,
  async run(run, onProgress) {
    const { ctx } = run;
    const wanted = ctx.store.notes.wanted(NOTES_PER_RUN);
    let done = 0;
    for (const w of wanted) {
      if (ctx.signal.aborted) return;
      if (w.intercom_id === null) {
        ctx.store.transaction(() => ctx.store.notes.unwant(w.contact_pk));
      } else {
        const { added } = await contactNotes.run(ctx, { contactId: w.contact_id, intercomId: w.intercom_id });
        if (added > 0) ctx.changed('contact', [w.contact_id], 'sync.pull');
      }
      onProgress(++done, wanted.length);
    }
  },
};
