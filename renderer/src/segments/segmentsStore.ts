// The saved segments with their member counts, as last answered by `segments.list`. One copy for
// the window: the sidebar keeps it fresh, the editor, the bulk bar and the funnel read it.
// Types only from shared/segments (its values pull zod, which stays out of the start-up bundle).
import { create } from 'zustand';
import type { Client } from '../../../shared/client';
import type { Segment } from '../../../shared/segments';
import { describeError } from '../state/toastStore';

interface SegmentsState {
  items: Segment[] | null;
  error: string | null;
  /** The segment whose editor is open: an id, 'new', or null. */
  editing: string | null;
  setEditing(editing: string | null): void;
}

export const useSegments = create<SegmentsState>()((set) => ({
  items: null,
  error: null,
  editing: null,
  setEditing: (editing) => set({ editing }),
}));

let askSeq = 0;

/** Asks the list again; a slower earlier answer never replaces a later one. */
export async function reloadSegments(client: Client): Promise<void> {
  const seq = ++askSeq;
  try {
    const { items } = await client.call('segments.list', {});
    if (seq === askSeq) useSegments.setState({ items, error: null });
  } catch (e) {
    if (seq === askSeq) useSegments.setState({ error: describeError(e) });
  }
}

export const segmentById = (id: string): Segment | undefined => useSegments.getState().items?.find((s) => s.id === id);
