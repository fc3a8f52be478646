// What the tag operations share: the tag an entry names (it may have been renamed or removed
// here since: the entry's own name then stands for it) and its Intercom id, made in Intercom
// by name when it has none yet (POST /tags finds a tag by name, so a repeat makes nothing twice).
import type { TagRow } from '../../db/TagRepository';
import { TagWriter } from '../../records/TagWriter';
import type { PushEntry } from '../fold';
import { nothing, StepFailure, type Commit, type PushRun } from './Operation';

export interface EntryTag {
  /** The local tag, when it is still here. */
  row: TagRow | undefined;
  name: string;
}

export function entryTag(run: PushRun, entry: PushEntry): EntryTag {
  const { tagId, name } = entry.payload;
  const row = typeof tagId === 'string' ? run.ctx.store.tags.byId(tagId) : undefined;
  const tagName = row?.name ?? (typeof name === 'string' ? name : null);
  if (!tagName) throw new StepFailure('A tag change without its tag');
  return { row, name: tagName };
}

/** The tag's Intercom id: the stored one, or the one POST /tags answers for its name. */
export async function ensureIntercomTag(run: PushRun, tag: EntryTag, fresh = false): Promise<string> {
  if (tag.row?.intercom_id && !fresh) return tag.row.intercom_id;
  const answer = await run.call(() => run.ctx.client.ensureTag(tag.name));
  return answer.id;
}

/** The commit that keeps the tag's Intercom id (when it is new to this store). */
export function keepTagId(run: PushRun, tag: EntryTag, intercomId: string): Commit {
  const row = tag.row;
  if (!row || row.intercom_id === intercomId) return nothing;
  return () => new TagWriter(run.ctx.store).setIntercomId(row, intercomId);
}
