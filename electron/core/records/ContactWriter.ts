// The one module that writes a contact: its row, stage history, outbox entries, sync state and
// visitor-event adoption stay in step whoever changes it (a person through the services, the CSV
// import, bulk actions, conflict resolution, the Intercom pull and push, the undo of an import
// or a bulk action). Call every method inside the caller's store.transaction; the SQL stays in
// the repositories, and the funnel columns follow from the row through the triggers of
// migration 0005.
import type { ContactStage, OutboxOp } from '../../../shared/domain';
import { adoptVisitorEvents } from './recordEvent';
import type { ContactWrite, FunnelSnapshot, NewSyncedContact } from '../db/ContactRepository';
import type { MergeSaved } from '../db/MergeRepository';
import type { ContactRow } from '../db/rows';
import type { RowSnapshot } from '../db/RowSnapshots';
import type { Store } from '../db/Store';

/** The fields a new local contact is created with (also the contact.create payload). */
export interface NewContactFields {
  role: string;
  email: string | null;
  name: string | null;
  phone: string | null;
  visitorId: string | null;
  externalId: string | null;
  stage: ContactStage;
  customAttributes: Record<string, unknown>;
  /** The owning admin's id; left out (not null) when there is none, so the entry carries no owner. */
  ownerId?: string;
}

type ContactKey = Pick<ContactRow, 'pk' | 'id'>;

export interface ChangeOptions {
  at: number;
  /** Held back from Intercom until released (an import that has not finished). */
  hold?: string | null;
}

/** What a write added, for callers that record it (an import's rollback ranges). */
export interface Written {
  /** The last outbox entry it appended, or null. */
  seq: number | null;
  /** The last stage history row it added, or null. */
  historyId: number | null;
}

export class ContactWriter {
  constructor(private readonly store: Store) {}

  // ---- local changes: row, history and outbox entry together ----------------------------------

  /**
   * A new local contact: the row, its first stage in the history, its contact.create entry and,
   * unless `adopt` is false, the earlier website events of its visitor id (queued after the create).
   */
  create(
    fields: NewContactFields,
    o: ChangeOptions & { id: string; actor: string; createdAt?: number; adopt?: boolean },
  ): Written & { pk: number; adopted: number } {
    const { store } = this;
    const createdAt = o.createdAt ?? o.at;
    const pk = store.contacts.insert({
      id: o.id,
      ...fields,
      customAttributes: JSON.stringify(fields.customAttributes),
      createdAt,
      updatedAt: o.at,
    });
    const historyId = store.history.add({ entityType: 'contact', entityId: o.id, fromStage: null, toStage: fields.stage, at: createdAt, actor: o.actor, source: 'local' });
    const seq = store.outbox.append({ entityType: 'contact', entityId: o.id, op: 'contact.create', payload: { ...fields }, at: o.at, hold: o.hold ?? null, fresh: true });
    const adopted = o.adopt !== false && fields.visitorId ? this.adoptVisitorEvents(pk, fields.visitorId, o) : 0;
    return { pk, seq, historyId, adopted };
  }

  /**
   * Field edits: the row (`write`, columns) and one contact.update entry carrying `payload` (the
   * fields as the API names them). A visitor id given here brings that visitor's earlier events
   * with it, unless `adopt` is false.
   */
  update(
    row: ContactKey,
    write: ContactWrite,
    payload: Record<string, unknown>,
    o: ChangeOptions & { adopt?: boolean; queue?: boolean },
  ): Written & { adopted: number } {
    const { store } = this;
    store.contacts.update(row.pk, { ...write, updatedAt: o.at });
    // `queue: false`: an undo puts back values whose own entry it withdraws
    const seq =
      o.queue === false ? null : store.outbox.append({ entityType: 'contact', entityId: row.id, op: 'contact.update', payload, at: o.at, hold: o.hold ?? null });
    const adopted = o.adopt !== false && typeof payload.visitorId === 'string' ? this.adoptVisitorEvents(row.pk, payload.visitorId, o) : 0;
    return { seq, historyId: null, adopted };
  }

  /**
   * A stage move: the row, the history and a contact.setStage entry. `queue: false` leaves the
   * outbox alone: a bulk undo withdraws the entries it reverses instead.
   */
  setStage(row: ContactKey & { stage: string }, stage: ContactStage, o: ChangeOptions & { actor: string; queue?: boolean }): Written {
    const { store } = this;
    store.contacts.update(row.pk, { stage, updatedAt: o.at });
    const historyId = store.history.add({ entityType: 'contact', entityId: row.id, fromStage: row.stage, toStage: stage, at: o.at, actor: o.actor, source: 'local' });
    const seq =
      o.queue === false
        ? null
        : store.outbox.append({ entityType: 'contact', entityId: row.id, op: 'contact.setStage', payload: { from: row.stage, stage }, at: o.at, hold: o.hold ?? null });
    return { seq, historyId };
  }

  /**
   * The sign-up: a user, with the customer's user id or (null) known by its email, at stage
   * signed_up, in one contact.signUp entry.
   */
  signUp(row: ContactKey & Pick<ContactRow, 'stage' | 'visitor_id' | 'email'>, externalId: string | null, o: ChangeOptions & { actor: string }): Written {
    const { store } = this;
    store.contacts.update(row.pk, { role: 'user', externalId, stage: 'signed_up', updatedAt: o.at });
    const historyId =
      row.stage !== 'signed_up'
        ? store.history.add({ entityType: 'contact', entityId: row.id, fromStage: row.stage, toStage: 'signed_up', at: o.at, actor: o.actor, source: 'local' })
        : null;
    const seq = store.outbox.append({
      entityType: 'contact',
      entityId: row.id,
      op: 'contact.signUp',
      payload: { role: 'user', externalId, stage: 'signed_up', from: row.stage, visitorId: row.visitor_id, email: row.email },
      at: o.at,
    });
    return { seq, historyId };
  }

  /**
   * Links the contact to a company (its search entry carries the company's name) with a
   * company.link entry; null when they were linked already. `fresh`: the contact was made in
   * this transaction (see NewOutboxEntry.fresh).
   */
  link(contact: ContactKey, company: { pk: number; id: string }, o: ChangeOptions & { fresh?: boolean; queue?: boolean }): number | null {
    const { store } = this;
    if (!store.links.link(contact.pk, company.pk, o.at)) return null;
    store.contacts.update(contact.pk, { updatedAt: o.at });
    store.contacts.reindex(contact.pk);
    // `queue: false`: an undo of an unlink whose company.unlink entry it withdraws
    if (o.queue === false) return 0;
    return store.outbox.append({
      entityType: 'contact',
      entityId: contact.id,
      op: 'company.link',
      payload: { companyId: company.id },
      at: o.at,
      hold: o.hold ?? null,
      fresh: o.fresh,
    });
  }

  /**
   * Unlinks; false when they were not linked. `at` may be the clock, read only when a link goes.
   * `queue: false` leaves the outbox alone (a bulk undo withdraws the link entry instead).
   */
  unlink(contact: ContactKey, company: { pk: number; id: string }, o: { at: number | (() => number); queue?: boolean }): boolean {
    const { store } = this;
    if (!store.links.unlink(contact.pk, company.pk)) return false;
    const at = typeof o.at === 'function' ? o.at() : o.at;
    store.contacts.update(contact.pk, { updatedAt: at });
    store.contacts.reindex(contact.pk);
    if (o.queue !== false) {
      store.outbox.append({ entityType: 'contact', entityId: contact.id, op: 'company.unlink', payload: { companyId: company.id }, at });
    }
    return true;
  }

  /**
   * An outbox entry about the contact that changes no column of it (a message, a flush, a kept
   * conflict value). `releaseAt`: not pushed before then (a message's undo-send hold).
   */
  queue(contactId: string, op: OutboxOp, payload: Record<string, unknown>, o: ChangeOptions & { releaseAt?: number | null }): number {
    return this.store.outbox.append({ entityType: 'contact', entityId: contactId, op, payload, at: o.at, hold: o.hold ?? null, releaseAt: o.releaseAt ?? null });
  }

  // ---- notes: written here (sent through a contact.note entry) or pulled from Intercom ----------

  /** A note written here and its contact.note entry (the op reads the text from the note when it sends). */
  addNote(contact: ContactKey, note: { id: string; body: string; author: string }, o: ChangeOptions): number {
    this.store.notes.insert({ id: note.id, contact_pk: contact.pk, body: note.body, author: note.author, author_admin_id: null, source: 'local', created_at: o.at });
    return this.queue(contact.id, 'contact.note', { noteId: note.id }, o);
  }

  /**
   * New text for a note still waiting: its entry stays, and sends the new text. `requeue`: its
   * entry was discarded from the outbox, and the edit means it should go after all.
   */
  editNote(noteId: string, body: string, o: ChangeOptions & { requeue?: ContactKey }): void {
    this.store.notes.setBody(noteId, body, o.at);
    if (o.requeue) this.queue(o.requeue.id, 'contact.note', { noteId }, o);
  }

  /** A note Intercom has not got goes, and its entry with it (a delete, or the undo of its add). */
  withdrawNote(noteId: string): void {
    const owner = this.store.outbox.withdrawNoteEntries(noteId);
    this.store.notes.delete(noteId);
    if (owner !== null) this.refreshSyncState(owner);
  }

  /** A deleted note brought back by an undo: the same note, waiting again. */
  restoreNote(contact: ContactKey, note: { id: string; body: string; author: string; createdAt: number }, o: ChangeOptions): number {
    this.store.notes.insert({ id: note.id, contact_pk: contact.pk, body: note.body, author: note.author, author_admin_id: null, source: 'local', created_at: note.createdAt });
    return this.queue(contact.id, 'contact.note', { noteId: note.id }, o);
  }

  /** Intercom has the note (as the push learns it): its id and the admin it is written as. */
  setNotePushed(noteId: string, intercomId: string, authorAdminId: string | null, at: number): void {
    this.store.notes.setPushed(noteId, intercomId, authorAdminId, at);
  }

  /** Moves a visitor's events onto the contact and queues them (see recordEvent.adoptVisitorEvents). */
  adoptVisitorEvents(pk: number, visitorId: string, o: ChangeOptions): number {
    return adoptVisitorEvents(this.store, pk, visitorId, { now: o.at, hold: o.hold ?? null });
  }

  // ---- values from Intercom: no outbox entry (Intercom has them already) -----------------------

  /**
   * Contacts first seen in Intercom, already synced, each with its first stage in the history
   * (at its creation in Intercom). The sync pull calls this for a page's new contacts, together.
   */
  insertFromIntercom(rows: readonly NewSyncedContact[], actor: string, options: { searchEntries?: boolean } = {}): number[] {
    const pks = this.store.contacts.insertSynced(rows, options);
    for (const r of rows) {
      this.store.history.add({ entityType: 'contact', entityId: r.id, fromStage: null, toStage: r.stage, at: r.createdAt, actor, source: 'intercom' });
    }
    return pks;
  }

  /**
   * Intercom's values of some fields (a pull's merge, or a conflict resolved for Intercom's side):
   * the row, and the history when the stage moves, recorded as coming from Intercom at `stageAt`.
   */
  applyRemote(row: ContactKey & { stage: string }, write: ContactWrite, o: { updatedAt: number; stageAt: number; actor: string }): void {
    const { store } = this;
    store.contacts.update(row.pk, { ...write, updatedAt: o.updatedAt });
    if (write.stage !== undefined && write.stage !== row.stage) {
      store.history.add({ entityType: 'contact', entityId: row.id, fromStage: row.stage, toStage: write.stage as string, at: o.stageAt, actor: o.actor, source: 'intercom' });
    }
  }

  /** Links and unlinks as Intercom lists the contact's companies (no entry); true when any changed. */
  applyRemoteLinks(pk: number, add: readonly number[], remove: readonly number[], at: number): boolean {
    const { store } = this;
    let changed = false;
    for (const companyPk of add) if (store.links.link(pk, companyPk, at)) changed = true;
    for (const companyPk of remove) if (store.links.unlink(pk, companyPk)) changed = true;
    if (changed) store.contacts.reindex(pk);
    return changed;
  }

  /**
   * Which Intercom contact this is and what Intercom last had (the next merge's base), as a pull
   * learns it; the sync state follows when the Intercom id is new.
   */
  setRemote(row: ContactKey & { intercom_id: string | null }, intercomId: string, syncBase: string): void {
    this.store.remote.setRemote('contact', row.pk, intercomId, syncBase);
    if (row.intercom_id !== intercomId) this.store.outbox.refreshSyncState('contact', row.id);
  }

  /**
   * As the push learns it (after a create, an adopt or a merge remap); updated_at stays. A
   * contact removed while its create was in flight (see archiveCreated) hands the id to its archive.
   */
  setPushed(id: string, intercomId: string, base: unknown): void {
    if (!this.store.sync.setContactRemote(id, intercomId, base)) this.store.outbox.setArchiveTarget(id, intercomId);
  }

  /** Only the base (a conflict resolution moves one field of it). */
  setSyncBase(pk: number, syncBase: string): void {
    this.store.remote.setBase('contact', pk, syncBase);
  }

  /** The sync state again from the outbox (after entries were sent, refused, retried or withdrawn). */
  refreshSyncState(id: string): void {
    this.store.outbox.refreshSyncState('contact', id);
  }

  // ---- withdrawals: changes taken back before any of them reached Intercom (an undo) -----------
  // Nothing is queued: the entries of what is taken back are withdrawn instead. Rows put back and
  // links taken back leave the search entry to `reindex`, and a restored row's sync state to
  // `refreshSyncState`, once per contact when everything is back (a rollback may put one contact
  // back several times).

  /**
   * A contact the change created, as if it had never been: its links (its companies' user
   * counts follow), its stage history, its pending outbox entries, its search entry and its row.
   * Events it took over from a visitor are the caller's to give back first.
   */
  withdrawCreated(row: ContactKey): void {
    const { store } = this;
    store.links.unlinkContact(row.pk);
    store.history.deleteOf(row.id);
    store.outbox.withdrawPendingOf(row.id);
    store.contacts.delete(row.pk);
  }

  /**
   * A contact the change created that Intercom may have already (an undo after the push): it goes
   * here as in `withdrawCreated`, its refused entries too, and a contact.archive entry takes it
   * out of Intercom (the API cannot delete for good; an archived contact is off its lists and
   * searches). Returns that entry, or null when Intercom never got the contact (nothing sent and
   * nothing being sent): then nothing is queued. A create still in flight is awaited: its answer
   * hands the archive the Intercom id (setPushed); when that answer is lost (a crash, a dropped
   * connection) the archive finds the contact by the user id it was created with (ops/archive.ts). Events it took over from a visitor are
   * the caller's to give back first; its own events go with it.
   */
  archiveCreated(row: ContactRow, o: ChangeOptions): number | null {
    const { store } = this;
    // in flight, or sent and waiting again after a lost answer: Intercom may have it
    const reached = row.intercom_id !== null || store.sync.hasInFlight(row.id) || store.sync.hasSentWaiting(row.id);
    store.outbox.withdrawFailedOf(row.id);
    this.withdrawCreated(row);
    if (!reached) return null;
    // the pusher holds back a record with an open conflict: the archive must not wait on one
    store.conflicts.dropOpen(row.id);
    return store.outbox.append({
      entityType: 'contact',
      entityId: row.id,
      op: 'contact.archive',
      // createSent: without an Intercom id, the archive finds the contact its create made (ops/archive.ts)
      payload: { intercomId: row.intercom_id, externalId: row.external_id, role: row.role, name: row.name, email: row.email, createSent: row.intercom_id === null },
      at: o.at,
      hold: o.hold ?? null,
      fresh: true,
    });
  }

  /**
   * Archives (or restores) the contact, kept here with the time it was archived: out of the
   * table, search, counts and segments until restored. A contact.setArchived entry takes the same
   * step in Intercom (POST /contacts/{id}/archive or /unarchive); `queue: false` leaves the outbox
   * alone (an undo that withdraws the entry instead).
   */
  setArchived(row: ContactKey, archived: boolean, o: ChangeOptions & { queue?: boolean }): Written {
    const { store } = this;
    store.contacts.update(row.pk, { archivedAt: archived ? o.at : null, updatedAt: o.at });
    const seq =
      o.queue === false
        ? null
        : store.outbox.append({ entityType: 'contact', entityId: row.id, op: 'contact.setArchived', payload: { archived }, at: o.at, hold: o.hold ?? null });
    return { seq, historyId: null };
  }

  /** Intercom has the contact archived (someone else archived it): kept here, archived too; no entry. */
  archivedInIntercom(row: ContactKey & { archived_at: number | null }, at: number): void {
    if (row.archived_at === null) this.store.contacts.update(row.pk, { archivedAt: at });
  }

  /** Intercom lists the contact again (someone unarchived it there): restored here too; no entry. */
  unarchivedInIntercom(row: ContactKey): void {
    this.store.contacts.update(row.pk, { archivedAt: null });
  }

  /**
   * Deletes the contact for good: its links (its companies' user counts follow), then every row
   * about it (ErasureRepository: history, conflicts, messages, import rows, the journal's values,
   * outbox entries, search entry, events, the row). A contact.delete entry takes it out of
   * Intercom when Intercom has it or may have it (a create sent or in flight: as archiveCreated);
   * returns that entry, or null. Entries in flight stay until their answer (which hands the delete
   * the Intercom id); `settleDeleted` clears them once the delete has gone.
   */
  erase(row: ContactRow, o: ChangeOptions): number | null {
    const { store } = this;
    const reached = row.intercom_id !== null || store.sync.hasInFlight(row.id) || store.sync.hasSentWaiting(row.id);
    store.links.unlinkContact(row.pk);
    const words = [row.name, row.email, ...store.erasure.journalWords(row.id)].filter((w): w is string => typeof w === 'string');
    const seq = reached
      ? store.outbox.append({
          entityType: 'contact',
          entityId: row.id,
          op: 'contact.delete',
          // createSent: without an Intercom id, the delete finds the contact its create made (ops/archive.ts target)
          payload: { intercomId: row.intercom_id, externalId: row.external_id, role: row.role, createSent: row.intercom_id === null },
          at: o.at,
          fresh: true,
        })
      : null;
    store.outbox.eraseOf(row.id, seq);
    store.erasure.eraseContact({ pk: row.pk, id: row.id, words });
    return seq;
  }

  /** A deleted contact's delete reached Intercom: nothing of it stays in the outbox but the entry's bare record. */
  settleDeleted(id: string): void {
    this.store.outbox.settleErased(id, 'contact.delete');
  }

  // ---- merging duplicates ---------------------------------------------------------------------

  /**
   * Contact `from` merged into `into` here: its links, events, stage history and messages move to
   * `into` (MergeRepository.moveContactRows), its entries that never went out are taken off the
   * outbox, and its row goes. Returns what the undo needs to put both back (`unmerge`); the
   * survivor's own fields are the caller's (`update`), and so are the moved events' entries
   * (`requeueMovedEvents`, after the caller's contact.merge).
   */
  mergeAway(from: ContactRow, into: ContactRow, o: ChangeOptions): Omit<MergeSaved, 'intoUpdatedAt'> {
    const { store } = this;
    const fromRow = store.contacts.snapshot(from.pk)!;
    const intoRow = store.contacts.snapshot(into.pk)!;
    const fromLinks = store.merges.linksOf(from.pk);
    const entries = store.outbox.takeUnsentOf(from.id);
    const moved = store.merges.moveContactRows(from, into);
    const droppedEvents = store.merges.eventsOf(from.pk);
    store.links.unlinkContact(from.pk);
    store.conflicts.dropOpen(from.id);
    store.contacts.delete(from.pk);
    // first touch and last activity from the events it has now
    store.events.refreshFirstTouch(into.pk);
    const last = store.events.lastEventAt(into.pk);
    if (last !== null) store.events.bumpLastActivity(into.pk, last);
    store.contacts.update(into.pk, { updatedAt: o.at });
    store.contacts.reindex(into.pk);
    return { fromRow, intoRow, fromLinks, moved, droppedEvents, entries };
  }

  /** Queues for `into` the moved events Intercom has not got (their entries went with the removed contact). */
  requeueMovedEvents(into: ContactKey, moved: readonly number[], o: ChangeOptions, movedNotes: readonly string[] = []): void {
    for (const e of this.store.merges.unsentEvents(moved)) {
      this.store.outbox.append({ entityType: 'contact', entityId: into.id, op: 'event.create', payload: { eventId: e.id, name: e.name, at: e.at }, at: o.at, hold: o.hold ?? null });
    }
    // notes written on the removed contact go to Intercom on the survivor
    for (const noteId of this.store.merges.unsentNotes(movedNotes)) this.queue(into.id, 'contact.note', { noteId }, o);
  }

  /** Tags the survivor gained by a merge go to Intercom on it (Intercom's merge does not say it moves them). */
  queueMovedTags(into: ContactKey, gained: readonly number[], o: ChangeOptions): void {
    for (const pk of gained) {
      const tag = this.store.tags.byPk(pk);
      if (tag) this.queue(into.id, 'contact.tag', { tagId: tag.id, name: tag.name }, o);
    }
  }

  /**
   * A merge taken back before any of it reached Intercom (its entries already withdrawn): the
   * survivor's row as it was, the removed contact back with its pk, links, rows and unsent entries.
   */
  unmerge(saved: MergeSaved): { fromId: string; intoId: string } {
    const { store } = this;
    const into = { pk: saved.intoRow.pk as number, id: saved.intoRow.id as string };
    const from = { pk: saved.fromRow.pk as number, id: saved.fromRow.id as string };
    // the survivor first: it may hold the visitor id the removed contact comes back with
    store.contacts.restore(saved.intoRow);
    store.contacts.reinsert(saved.fromRow);
    for (const l of saved.fromLinks) store.links.link(from.pk, l.company_pk, l.created_at);
    store.merges.moveContactRowsBack(saved.moved, from, into);
    store.merges.reinsertEvents(saved.droppedEvents);
    for (const e of saved.entries) {
      store.outbox.append({ entityType: 'contact', entityId: from.id, op: e.op as OutboxOp, payload: JSON.parse(e.payload) as Record<string, unknown>, at: saved.fromRow.updated_at as number, hold: e.hold });
    }
    // the link writes' triggers moved the funnel columns again: both rows as they were
    store.contacts.restore(saved.intoRow);
    store.contacts.restore(saved.fromRow);
    store.contacts.reindex(from.pk);
    store.contacts.reindex(into.pk);
    this.refreshSyncState(from.id);
    this.refreshSyncState(into.id);
    return { fromId: from.id, intoId: into.id };
  }

  /** A removed contact's archive reached Intercom: what Intercom refused of it before is moot. */
  settleRemoved(id: string): void {
    this.store.outbox.withdrawFailedOf(id);
  }

  /** A link the change made; its company.link entry goes with the change's range. False when not linked. */
  withdrawLink(contactPk: number, companyPk: number): boolean {
    return this.store.links.unlink(contactPk, companyPk);
  }

  /** Puts the row back as `snapshot` (ContactRepository.snapshot) held it, funnel columns included. */
  restore(snapshot: RowSnapshot): void {
    this.store.contacts.restore(snapshot);
  }

  /**
   * Puts back the funnel columns (and updated_at) an undo's own stage and link writes cannot
   * recompute: the furthest stage reached and when.
   */
  restoreFunnel(snapshot: FunnelSnapshot): void {
    this.store.contacts.restoreFunnel(snapshot);
  }

  /** Gives a visitor's events the contact took over (up to event `upToId`) back to the visitor. */
  unadoptVisitorEvents(pk: number, visitorId: string, upToId: number): void {
    this.store.events.unadopt(pk, visitorId, upToId);
  }

  /**
   * Withdraws the pending entries about contacts with seq in [first, last] (what one change
   * queued); their contacts' sync state follows. Returns those contacts' ids.
   */
  withdrawQueued(first: number, last: number): string[] {
    const ids = this.store.outbox.withdrawRange('contact', first, last);
    for (const id of ids) this.refreshSyncState(id);
    return ids;
  }

  /**
   * Withdraws these entries about contacts, pending or refused (Intercom never got them), as a
   * single change's undo does; their contacts' sync state follows. Returns those contacts' ids.
   */
  withdrawEntries(seqs: readonly number[]): string[] {
    const ids = this.store.outbox.withdrawSeqs('contact', seqs);
    for (const id of ids) this.refreshSyncState(id);
    return ids;
  }

  /**
   * Withdraws the entries about contacts with seq in [first, last] that never reached Intercom
   * (pending or refused: an undo after part of a change went out); as `withdrawQueued`.
   */
  withdrawUnsent(first: number, last: number): string[] {
    const ids = this.store.outbox.withdrawUnsent('contact', first, last);
    for (const id of ids) this.refreshSyncState(id);
    return ids;
  }

  /**
   * Takes back a message or flush still in its undo-send hold at `now`: its entry goes and the
   * message is marked undone. False when it is no longer held (released, sent or undone).
   */
  withdrawHeldMessage(messageId: string, now: number): boolean {
    const owner = this.store.outbox.withdrawHeldMessage(messageId, now);
    if (owner === null) return false;
    this.store.messages.markUndone(messageId, now);
    this.refreshSyncState(owner);
    return true;
  }

  /** Withdraws the pending entries about contacts held under `hold`; as `withdrawQueued`. */
  withdrawHeld(hold: string): string[] {
    const ids = this.store.outbox.withdrawHeld('contact', hold);
    for (const id of ids) this.refreshSyncState(id);
    return ids;
  }

  /**
   * Removes the stage history rows about contacts with ids in [first, last] (what one change
   * added), but those of the contacts in `keep` (an undo that writes their history instead).
   */
  withdrawHistory(first: number, last: number, keep: readonly string[] = []): void {
    this.store.history.deleteRangeExcept('contact', first, last, keep);
  }

  /** Rebuilds the search entry from the row, its links and its companies' names. */
  reindex(pk: number): void {
    this.store.contacts.reindex(pk);
  }
}
