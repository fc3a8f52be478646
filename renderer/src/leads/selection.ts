// Selection actions that need the engine: select all matching, shift-click ranges (the rows in
// between may not be loaded), and the bulk stage change with its counted confirmation (counted
// with setStageMany, which also counts demotions; run with bulk.run, so it can be undone). The
// move to Signed up is the sign-up, counted and run by runBulk instead.
import type { Client } from '../../../shared/client';
import type { ContactStage } from '../../../shared/domain';
import { toast } from '../state/toastStore';
import { confirmAction } from '../ui/Dialog';
import { CONTACT_STAGE_LABEL, plural } from '../ui/labels';
import { offerUndo } from './bulkActions';
import { SELECTION_CAP, type LeadsLoader } from './leadsLoader';
import { useLeads } from './leadsStore';

/** Selects every contact of the current query, up to SELECTION_CAP, saying so when capped. */
export async function selectAllMatching(loader: LeadsLoader): Promise<void> {
  const r = useLeads.getState().result;
  if (!r || r.total === 0) return;
  useLeads.setState({ selectionNote: `Selecting ${plural(Math.min(r.total, SELECTION_CAP), 'contact')}…` });
  try {
    const { ids, capped } = await loader.idsInRange(0, r.total - 1);
    // The question changed while the ids were collected: they no longer match what is shown.
    if (useLeads.getState().result?.key !== r.key) return void useLeads.setState({ selectionNote: null });
    useLeads.getState().setSelection(ids, {
      selectAllFor: r.key,
      note: capped
        ? `Only the first ${SELECTION_CAP.toLocaleString()} of ${plural(r.total, 'matching contact')} are selected: bulk changes take at most ${SELECTION_CAP.toLocaleString()} at once.`
        : null,
    });
  } catch (e) {
    useLeads.setState({ selectionNote: null });
    toast.error(e);
  }
}

/** Adds rows `from`..`to` (shift-click from the anchor) to the selection. */
export async function selectRange(loader: LeadsLoader, from: number, to: number): Promise<void> {
  try {
    const { ids, capped } = await loader.idsInRange(from, to);
    const s = useLeads.getState();
    s.setSelection([...s.selected, ...ids], {
      note: capped ? `Only ${SELECTION_CAP.toLocaleString()} rows of that range are selected: bulk changes take at most ${SELECTION_CAP.toLocaleString()} at once.` : null,
    });
  } catch (e) {
    toast.error(e);
  }
}

/** The confirmation text: how many change, how many are already there, how many move back. */
export function describeStageChange(counts: { changed: number; unchanged: number; demotions: number }, stage: ContactStage): string {
  const label = CONTACT_STAGE_LABEL[stage];
  const parts = [`Set ${plural(counts.changed, 'contact')} to ${label}?`];
  if (counts.unchanged > 0) parts.push(`${counts.unchanged.toLocaleString()} ${counts.unchanged === 1 ? 'is' : 'are'} already there.`);
  if (counts.demotions > 0) parts.push(`This moves ${plural(counts.demotions, 'contact')} back to an earlier stage.`);
  return parts.join(' ');
}

/** Bulk "Set stage": count first (dry run), ask with the exact numbers, then write. */
export async function setStageOfSelection(client: Client, stage: ContactStage): Promise<void> {
  const ids = [...useLeads.getState().selected];
  if (ids.length === 0) return;
  const label = CONTACT_STAGE_LABEL[stage];
  try {
    const dry = await client.call('contacts.setStageMany', { ids, stage, dryRun: true });
    if (dry.changed === 0) {
      toast.info(ids.length === 1 ? `That contact is already ${label}.` : `All ${ids.length.toLocaleString()} selected contacts are already ${label}.`);
      return;
    }
    const ok = await confirmAction({
      title: 'Change stage',
      body: describeStageChange(dry, stage),
      confirmLabel: `Set ${plural(dry.changed, 'contact')} to ${label}`,
      danger: dry.demotions > 0,
    });
    if (!ok) return;
    // Run as a bulk action (confirmed: the user just saw the counts), so it can be undone as a whole.
    const done = await client.call('bulk.run', { target: { kind: 'ids', ids }, action: { type: 'setStage', stage }, confirm: true });
    toast.ok(`${plural(done.touched, 'contact')} set to ${label}.`);
    offerUndo(done.bulk);
    useLeads.getState().clearSelection();
  } catch (e) {
    toast.error(e);
  }
}

/**
 * Bulk archive or restore of the selection: counted first, confirmed with the numbers, then one
 * change (contacts.setArchived) whose undo the change toast and Recent actions offer.
 */
export async function setArchivedOfSelection(client: Client, archived: boolean): Promise<void> {
  const ids = [...useLeads.getState().selected];
  if (ids.length === 0) return;
  try {
    const dry = await client.call('contacts.setArchived', { ids, archived, dryRun: true });
    if (dry.changed === 0) {
      toast.info(archived ? 'The selected contacts are archived already.' : 'None of the selected contacts is archived.');
      return;
    }
    const who = plural(dry.changed, 'contact');
    const ok = await confirmAction({
      title: archived ? 'Archive contacts' : 'Restore contacts',
      body: archived
        ? `Archive ${who}? They leave the leads table, search, counts and segments (the Archived filter still finds them) and are archived in Intercom at the next sync. You can undo it or restore them later.`
        : `Restore ${who}? They come back to the leads table and are unarchived in Intercom at the next sync.`,
      confirmLabel: archived ? `Archive ${who}` : `Restore ${who}`,
    });
    if (!ok) return;
    const done = await client.call('contacts.setArchived', { ids, archived });
    toast.ok(`${plural(done.changed, 'contact')} ${archived ? 'archived' : 'restored'}.`);
    useLeads.getState().clearSelection();
  } catch (e) {
    toast.error(e);
  }
}
