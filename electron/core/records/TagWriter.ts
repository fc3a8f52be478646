// The one module that puts tags on contacts and companies and takes them off: the link, the
// record's updated_at and its outbox entry stay in step whoever tags (a person, a bulk action,
// the import, an undo), and the Intercom pull and push go through it too. Call every method
// inside the caller's store.transaction.
import { randomUUID } from 'node:crypto';
import type { Store } from '../db/Store';
import type { TagRow, TagTarget } from '../db/TagRepository';

type RecordKey = { pk: number; id: string };

export interface TagWriteOptions {
  at: number;
  /** Held back from Intercom until released (an import that has not finished). */
  hold?: string | null;
  /** false: no outbox entry (an undo withdrawing the entry of what it takes back). */
  queue?: boolean;
  /** The record was made in this transaction (see NewOutboxEntry.fresh). */
  fresh?: boolean;
}

const OPS = {
  contact: { tag: 'contact.tag', untag: 'contact.untag' },
  company: { tag: 'company.tag', untag: 'company.untag' },
} as const;

export class TagWriter {
  constructor(private readonly store: Store) {}

  /** The workspace's tag of that name (any case), made here when there is none (it reaches Intercom with its first use). */
  ensure(name: string, at: number): { tag: TagRow; created: boolean } {
    const found = this.store.tags.byName(name);
    if (found) return { tag: found, created: false };
    return { tag: this.store.tags.insert({ id: randomUUID(), name, intercomId: null, at }), created: true };
  }

  /** Puts the tag on the record with a `<type>.tag` entry; the outbox seq, 0 when not queued, null when it had it. */
  tag(target: TagTarget, rec: RecordKey, tag: TagRow, o: TagWriteOptions): number | null {
    const { store } = this;
    if (!store.tags.add(target, rec.pk, tag.pk, o.at)) return null;
    this.touch(target, rec.pk, o.at);
    if (o.queue === false) return 0;
    return store.outbox.append({ entityType: target, entityId: rec.id, op: OPS[target].tag, payload: { tagId: tag.id, name: tag.name }, at: o.at, hold: o.hold ?? null, fresh: o.fresh });
  }

  /** Takes the tag off with a `<type>.untag` entry; null when the record did not have it. */
  untag(target: TagTarget, rec: RecordKey, tag: TagRow, o: TagWriteOptions): number | null {
    const { store } = this;
    if (!store.tags.remove(target, rec.pk, tag.pk)) return null;
    this.touch(target, rec.pk, o.at);
    if (o.queue === false) return 0;
    return store.outbox.append({ entityType: target, entityId: rec.id, op: OPS[target].untag, payload: { tagId: tag.id, name: tag.name }, at: o.at, hold: o.hold ?? null });
  }

  private touch(target: TagTarget, pk: number, at: number): void {
    if (target === 'contact') this.store.contacts.update(pk, { updatedAt: at });
    else this.store.companies.update(pk, { updatedAt: at });
  }

  // ---- from Intercom: no outbox entry ----------------------------------------------------------

  /**
   * The workspace's tag Intercom knows by this id, under this name: matched by id, else by name
   * (a tag made here whose create answer was lost, or made by a colleague with the same name).
   */
  fromIntercom(intercomId: string, name: string, at: number): TagRow {
    const { tags } = this.store;
    const byId = tags.byIntercomId(intercomId);
    if (byId) {
      if (byId.name !== name && !tags.byName(name)) tags.rename(byId.pk, name);
      return tags.byPk(byId.pk)!;
    }
    const byName = tags.byName(name);
    if (byName) {
      tags.setIntercomId(byName.pk, intercomId);
      return tags.byPk(byName.pk)!;
    }
    return tags.insert({ id: randomUUID(), name, intercomId, at });
  }

  /** What a push learned: Intercom's id of the tag. */
  setIntercomId(tag: TagRow, intercomId: string): void {
    const other = this.store.tags.byIntercomId(intercomId);
    if (other && other.pk !== tag.pk) return;
    this.store.tags.setIntercomId(tag.pk, intercomId);
  }

  /** A tag Intercom no longer lists (deleted there); its links go with it. */
  removeFromIntercom(tag: TagRow): void {
    this.store.tags.delete(tag.pk);
  }

  /** Adds and removes as Intercom lists the record's tags (no entry); true when any changed. */
  applyRemote(target: TagTarget, recordPk: number, add: readonly number[], remove: readonly number[], at: number): boolean {
    let changed = false;
    for (const tagPk of add) if (this.store.tags.add(target, recordPk, tagPk, at)) changed = true;
    for (const tagPk of remove) if (this.store.tags.remove(target, recordPk, tagPk)) changed = true;
    return changed;
  }
}
