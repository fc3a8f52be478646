// The undo of a merge of two contacts: possible while nothing of it has reached Intercom (a merge
// there cannot be split, an archived contact's activity is not moved back) and while the
// survivor is as the merge left it; then both contacts come back whole (ContactWriter.unmerge).
import type { ChangeEntryRow, ChangeRow } from '../db/ChangeRepository';
import type { Store } from '../db/Store';
import type { ContactWriter } from '../records/ContactWriter';

const reached = (e: ChangeEntryRow) => e.status === 'done' || e.status === 'in_flight';

/** Why the merge cannot be undone (null: it can), and its entries to withdraw. */
export function mergeUndoPlan(store: Store, row: ChangeRow): { blocked: string | null; withdraw: ChangeEntryRow[] } {
  const none = (blocked: string) => ({ blocked, withdraw: [] });
  const merge = store.merges.byChange(row.id);
  if (!merge) return none('there is nothing to undo');
  const { saved } = merge;
  const fromLabel = (saved.fromRow.name ?? saved.fromRow.email ?? merge.from_id) as string;
  const entries = store.changes.entries(row.after_seq, row.last_seq);
  const into = store.contacts.byId(merge.into_id);
  if (!into) return none('the contact it was merged into no longer exists');
  const intoLabel = into.name ?? into.email ?? into.id;
  if (entries.some(reached)) {
    if (merge.mode === 'merge') return none('the merge reached Intercom, which cannot split merged contacts');
    if (merge.mode === 'archive') return none(`it reached Intercom (${fromLabel} is archived there and its activity there stays with it)`);
    return none(`it reached Intercom (${intoLabel} went out with the merged values and activity)`);
  }
  if (into.updated_at !== saved.intoUpdatedAt) return none(`${intoLabel} changed since the merge; undo those changes first`);
  for (const [column, words] of [
    ['external_id', 'user id'],
    ['visitor_id', 'visitor id'],
  ] as const) {
    const v = saved.fromRow[column];
    if (typeof v !== 'string') continue;
    const holder = column === 'external_id' ? store.contacts.byExternalId(v) : store.contacts.byVisitorId(v);
    // the survivor gives back what it took from the merged contact; anyone else holding it blocks
    if (holder && holder.id !== into.id) return none(`another contact (${holder.name ?? holder.email ?? holder.id}) has ${fromLabel}'s ${words} now`);
  }
  return { blocked: null, withdraw: entries };
}

/** Puts both contacts back (the merge's entries already withdrawn); returns their ids. */
export function undoMerge(store: Store, writer: ContactWriter, row: ChangeRow): string[] {
  const merge = store.merges.byChange(row.id);
  if (!merge) return [];
  const { fromId, intoId } = writer.unmerge(merge.saved);
  return [intoId, fromId];
}
