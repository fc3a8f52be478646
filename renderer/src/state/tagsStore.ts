// The workspace's tags as last answered by `tags.list` (Intercom's, refreshed by every sync, and
// those made here): one copy for the window, read by every tag input's autocomplete, the table's
// tag filter and the segment editor. Reloaded when records change (a sync, a new tag).
import { useEffect } from 'react';
import { create } from 'zustand';
import type { Tag } from '../../../shared/api/tags';
import type { Client } from '../../../shared/client';
import { useClient } from './ClientContext';
import { useChanged } from './useChanged';

interface TagsState {
  items: Tag[] | null;
}

export const useTagsStore = create<TagsState>()(() => ({ items: null }));

let askSeq = 0;

/** Asks the list again; a slower earlier answer never replaces a later one. */
export async function reloadTags(client: Client): Promise<void> {
  const seq = ++askSeq;
  try {
    const { items } = await client.call('tags.list', {});
    if (seq === askSeq) useTagsStore.setState({ items });
  } catch {
    // the autocomplete just offers what it had
  }
}

/** The workspace's tags, loaded on first use and kept fresh. */
export function useWorkspaceTags(): Tag[] {
  const client = useClient();
  const items = useTagsStore((s) => s.items);
  useEffect(() => {
    if (useTagsStore.getState().items === null) void reloadTags(client);
  }, [client]);
  useChanged(['tag', 'contact', 'company'], () => void reloadTags(client), { delay: 400 });
  return items ?? [];
}

/** Tags whose name starts with (then contains) what was typed, best first, at most `limit`. */
export function matchTags(tags: readonly Tag[], typed: string, limit = 8): Tag[] {
  const q = typed.trim().toLowerCase();
  if (q === '') return tags.slice(0, limit);
  const starts = tags.filter((t) => t.name.toLowerCase().startsWith(q));
  const contains = tags.filter((t) => !t.name.toLowerCase().startsWith(q) && t.name.toLowerCase().includes(q));
  return [...starts, ...contains].slice(0, limit);
}
