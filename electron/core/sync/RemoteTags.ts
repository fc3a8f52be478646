// Tags as Intercom has them, brought into the store by the pull: the workspace's list (GET /tags),
// a company's tags (listed with names on the company) and a contact's (the contact object lists
// at most 10, as bare ids: a longer list, or an id this store does not know yet, is read whole
// from GET /contacts/{id}/tags afterwards). As with links, a tag a waiting entry is about to put
// on or take off is left alone, and so is one our push changed at or after this version of the
// record (the lagging search can show the version before it).
import type { WaitingEntry } from '../db/RemoteRepository';
import type { Store } from '../db/Store';
import type { TagTarget } from '../db/TagRepository';
import { TagWriter } from '../records/TagWriter';
import type { IntercomContact, IntercomTag } from './intercomTypes';

const TAG_OPS = new Set(['contact.tag', 'contact.untag', 'company.tag', 'company.untag']);

export interface TagEntries {
  waiting: readonly WaitingEntry[];
  pushed: readonly (WaitingEntry & { updated_at: number })[];
}

/** Local tag ids with an entry about them. */
function tagIdsOf(entries: readonly WaitingEntry[]): Set<string> {
  const out = new Set<string>();
  for (const e of entries) {
    if (!TAG_OPS.has(e.op)) continue;
    const tagId = (JSON.parse(e.payload) as { tagId?: unknown }).tagId;
    if (typeof tagId === 'string') out.add(tagId);
  }
  return out;
}

export class RemoteTags {
  private readonly writer: TagWriter;

  constructor(private readonly store: Store) {
    this.writer = new TagWriter(store);
  }

  /** The workspace's tags: each matched or added; one Intercom no longer lists goes, unless an entry still names it. */
  applyWorkspace(list: readonly IntercomTag[], at: number): boolean {
    const { tags } = this.store;
    const before = JSON.stringify(tags.all());
    const listed = new Set<string>();
    for (const t of list) listed.add(this.writer.fromIntercom(t.id, t.name, at).id);
    for (const t of tags.all()) {
      if (t.intercom_id === null || listed.has(t.id) || tags.hasWaitingEntries(t.id)) continue;
      this.writer.removeFromIntercom(t);
    }
    return JSON.stringify(tags.all()) !== before;
  }

  /**
   * A contact's tags from the contact object. `complete` false: its list must be read whole
   * (more than the object lists, or a tag this store does not know); what it could apply, it did.
   */
  applyContact(pk: number, c: Pick<IntercomContact, 'tags' | 'updated_at'>, entries: TagEntries): { changed: boolean; complete: boolean } {
    const list = c.tags;
    if (!list?.data) return { changed: false, complete: true };
    const known: number[] = [];
    let unknown = false;
    for (const ref of list.data) {
      const tag = this.store.tags.byIntercomId(ref.id);
      if (tag) known.push(tag.pk);
      else unknown = true;
    }
    const complete = !unknown && !list.has_more;
    return { changed: this.apply('contact', pk, known, complete, c.updated_at, entries), complete };
  }

  /** A contact's whole list (GET /contacts/{id}/tags), names included. */
  applyContactList(pk: number, list: readonly IntercomTag[], updatedAt: number, entries: TagEntries, at: number): boolean {
    const pks = list.map((t) => this.writer.fromIntercom(t.id, t.name, at).pk);
    return this.apply('contact', pk, pks, true, updatedAt, entries);
  }

  /** A company's tags, listed whole and with names on the company. */
  applyCompany(pk: number, tags: readonly IntercomTag[] | undefined, updatedAt: number, entries: TagEntries, at: number): boolean {
    if (!tags) return false;
    const pks = tags.map((t) => this.writer.fromIntercom(t.id, t.name, at).pk);
    return this.apply('company', pk, pks, true, updatedAt, entries);
  }

  private apply(target: TagTarget, pk: number, remote: readonly number[], complete: boolean, updatedAtS: number, entries: TagEntries): boolean {
    const { tags } = this.store;
    const held = tagIdsOf(entries.waiting);
    for (const id of tagIdsOf(entries.pushed.filter((e) => Math.floor(e.updated_at / 1000) >= updatedAtS))) held.add(id);
    const versionAt = updatedAtS * 1000;
    const heldPk = (tagPk: number) => {
      const t = tags.byPk(tagPk);
      return t !== undefined && held.has(t.id);
    };
    const add = remote.filter((p) => !heldPk(p));
    const remove: number[] = [];
    if (complete) {
      const remoteSet = new Set(remote);
      for (const t of tags.of(target, pk)) {
        // a tag put on here after this version of the record cannot be in it yet
        if (remoteSet.has(t.pk) || t.intercom_id === null || held.has(t.id) || t.tagged_at >= versionAt) continue;
        remove.push(t.pk);
      }
    }
    return this.writer.applyRemote(target, pk, add, remove, versionAt);
  }
}
