// The one module that writes a company: its row, stage history, outbox entries and sync state,
// and its users' search entries and funnel position where the company moves them (their funnel
// columns follow through the triggers of migration 0005), whoever changes it, an undo included.
// Call every method inside the caller's store.transaction; the SQL stays in the repositories.
// Links are written by ContactWriter (the link's outbox entry belongs to the contact).
import type { CompanyStage, OutboxOp } from '../../../shared/domain';
import type { CompanyWrite, NewSyncedCompany } from '../db/CompanyRepository';
import type { CompanyRow } from '../db/rows';
import type { RowSnapshot } from '../db/RowSnapshots';
import type { Store } from '../db/Store';
import type { ChangeOptions, Written } from './ContactWriter';

/** The fields a new local company is created with (also the company.create payload). */
export interface NewCompanyFields {
  externalId: string | null;
  name: string;
  plan: string | null;
  monthlySpend: number | null;
  stage: CompanyStage | null;
  customAttributes: Record<string, unknown>;
}

type CompanyKey = Pick<CompanyRow, 'pk' | 'id'>;

export class CompanyWriter {
  constructor(private readonly store: Store) {}

  // ---- local changes: row, history and outbox entry together ----------------------------------

  /** A new local company: the row, its first stage (when it has one) and its company.create entry. */
  create(fields: NewCompanyFields, o: ChangeOptions & { id: string; actor: string }): Written & { pk: number } {
    const { store } = this;
    const pk = store.companies.insert({ id: o.id, createdAt: o.at, ...fields, customAttributes: JSON.stringify(fields.customAttributes) });
    const historyId = fields.stage
      ? store.history.add({ entityType: 'company', entityId: o.id, fromStage: null, toStage: fields.stage, at: o.at, actor: o.actor, source: 'local' })
      : null;
    const seq = store.outbox.append({ entityType: 'company', entityId: o.id, op: 'company.create', payload: { ...fields }, at: o.at, hold: o.hold ?? null, fresh: true });
    return { pk, seq, historyId };
  }

  /**
   * Field edits: the row (`write`, columns), its users' search entries when the name changes,
   * and one company.update entry carrying `payload`. `beforeReindex` sees each user first (an
   * import keeps them as they were, for rollback).
   */
  update(
    row: CompanyKey,
    write: CompanyWrite,
    payload: Record<string, unknown>,
    o: ChangeOptions & { beforeReindex?: (contactPk: number) => void; queue?: boolean },
  ): Written {
    const { store } = this;
    store.companies.update(row.pk, { ...write, updatedAt: o.at });
    if ('name' in write) this.reindexUsers(row.pk, o.beforeReindex);
    // `queue: false`: an undo puts back values whose own entry it withdraws
    const seq =
      o.queue === false ? null : store.outbox.append({ entityType: 'company', entityId: row.id, op: 'company.update', payload, at: o.at, hold: o.hold ?? null });
    return { seq, historyId: null };
  }

  /**
   * A stage move: the row (its users' funnel position follows), the history and a
   * company.setStage entry. `queue: false` leaves the outbox alone (a bulk undo withdraws the
   * entries it reverses); `updatedAt` puts back an earlier time (the same undo).
   */
  setStage(
    row: CompanyKey & { stage: CompanyStage | null },
    stage: CompanyStage | null,
    o: ChangeOptions & { actor: string; queue?: boolean; updatedAt?: number },
  ): Written {
    const { store } = this;
    store.companies.update(row.pk, { stage, updatedAt: o.updatedAt ?? o.at });
    const historyId = store.history.add({ entityType: 'company', entityId: row.id, fromStage: row.stage, toStage: stage, at: o.at, actor: o.actor, source: 'local' });
    const seq =
      o.queue === false
        ? null
        : store.outbox.append({ entityType: 'company', entityId: row.id, op: 'company.setStage', payload: { from: row.stage, stage }, at: o.at, hold: o.hold ?? null });
    return { seq, historyId };
  }

  /** An outbox entry about the company that changes no column of it (a kept conflict value). */
  queue(companyId: string, op: OutboxOp, payload: Record<string, unknown>, o: ChangeOptions): number {
    return this.store.outbox.append({ entityType: 'company', entityId: companyId, op, payload, at: o.at, hold: o.hold ?? null });
  }

  /** The company's name is part of its users' search entries. */
  private reindexUsers(pk: number, before?: (contactPk: number) => void): void {
    for (const contactPk of this.store.companies.contactPks(pk)) {
      before?.(contactPk);
      this.store.contacts.reindex(contactPk);
    }
  }

  // ---- values from Intercom: no outbox entry (Intercom has them already) -----------------------

  /** A company first seen in Intercom, already synced, with its first stage in the history (at `createdAt`). */
  insertFromIntercom(r: NewSyncedCompany, stage: CompanyStage | null, actor: string): number {
    const pk = this.store.companies.insertSynced(r);
    if (stage) this.store.history.add({ entityType: 'company', entityId: r.id, fromStage: null, toStage: stage, at: r.createdAt, actor, source: 'intercom' });
    return pk;
  }

  /**
   * Intercom's values of some fields (a pull's merge, or a conflict resolved for Intercom's side):
   * the row, its users' search entries on a new name, and the history when the stage moves,
   * recorded as coming from Intercom at `stageAt`.
   */
  applyRemote(row: CompanyKey & { stage: CompanyStage | null }, write: CompanyWrite, o: { updatedAt: number; stageAt: number; actor: string }): void {
    const { store } = this;
    store.companies.update(row.pk, { ...write, updatedAt: o.updatedAt });
    if ('name' in write) this.reindexUsers(row.pk);
    if ('stage' in write) {
      store.history.add({ entityType: 'company', entityId: row.id, fromStage: row.stage, toStage: write.stage as string | null, at: o.stageAt, actor: o.actor, source: 'intercom' });
    }
  }

  /** Which Intercom company this is and its base, as a pull learns it; the sync state follows a new Intercom id. */
  setRemote(row: CompanyKey & { intercom_id: string | null }, intercomId: string, syncBase: string): void {
    this.store.remote.setRemote('company', row.pk, intercomId, syncBase);
    if (row.intercom_id !== intercomId) this.store.outbox.refreshSyncState('company', row.id);
  }

  /**
   * As the push learns it (after a create or an adopt); updated_at stays. A company removed while
   * its create was in flight (see removeCreated) hands the id to its delete.
   */
  setPushed(id: string, intercomId: string, base: unknown): void {
    if (!this.store.sync.setCompanyRemote(id, intercomId, base)) this.store.outbox.setArchiveTarget(id, intercomId);
  }

  /** Only the base (a conflict resolution moves one field of it). */
  setSyncBase(pk: number, syncBase: string): void {
    this.store.remote.setBase('company', pk, syncBase);
  }

  refreshSyncState(id: string): void {
    this.store.outbox.refreshSyncState('company', id);
  }

  // ---- withdrawals: changes taken back before any of them reached Intercom (an undo) -----------
  // As in ContactWriter: nothing is queued; search entries and sync states of rows put back are
  // brought in step once, by `reindex` and `refreshSyncState`, when everything is back.

  /**
   * A company the change created, as if it had never been: its links, its stage history, its
   * pending outbox entries, its search entry and its row. Returns the contacts that were linked
   * to it (their search entries carried its name: the caller reindexes them).
   */
  withdrawCreated(row: CompanyKey): number[] {
    const { store } = this;
    const linked = store.links.unlinkCompany(row.pk);
    store.history.deleteOf(row.id);
    store.outbox.withdrawPendingOf(row.id);
    store.companies.delete(row.pk);
    return linked;
  }

  /**
   * A company the change created that Intercom may have already (an undo or a rollback after the
   * push): it goes here as in `withdrawCreated` (its refused entries and open conflicts too), and
   * a company.delete entry takes it out of Intercom. Returns that entry (null when Intercom never
   * got the company: nothing sent and nothing being sent) and the contacts that were linked to it,
   * whose search entries it reindexes. A create still in flight hands the delete its Intercom id
   * (setPushed); when that answer is lost, the delete finds the company by its company id
   * (ops/companyDelete.ts).
   */
  removeCreated(row: CompanyRow, o: ChangeOptions): { seq: number | null; linked: number[] } {
    const { store } = this;
    // in flight, or sent and waiting again after a lost answer: Intercom may have it
    const reached = row.intercom_id !== null || store.sync.hasInFlight(row.id) || store.sync.hasSentWaiting(row.id);
    store.outbox.withdrawFailedOf(row.id);
    const linked = this.withdrawCreated(row);
    for (const pk of linked) store.contacts.reindex(pk);
    if (!reached) return { seq: null, linked };
    // the pusher holds back a record with an open conflict: the delete must not wait on one
    store.conflicts.dropOpen(row.id);
    const seq = store.outbox.append({
      entityType: 'company',
      entityId: row.id,
      op: 'company.delete',
      // createSent: without an Intercom id, the delete finds the company its create made by company id
      payload: { intercomId: row.intercom_id, externalId: row.external_id, name: row.name, createSent: row.intercom_id === null },
      at: o.at,
      hold: o.hold ?? null,
      fresh: true,
    });
    return { seq, linked };
  }

  /** A removed company's delete reached Intercom: what Intercom refused of it before is moot. */
  settleRemoved(id: string): void {
    this.store.outbox.withdrawFailedOf(id);
  }

  /** Puts the row back as `snapshot` (CompanyRepository.snapshot) held it. */
  restore(snapshot: RowSnapshot): void {
    this.store.companies.restore(snapshot);
  }

  /** Withdraws the pending entries about companies with seq in [first, last]; their sync state follows. Returns their ids. */
  withdrawQueued(first: number, last: number): string[] {
    const ids = this.store.outbox.withdrawRange('company', first, last);
    for (const id of ids) this.refreshSyncState(id);
    return ids;
  }

  /** Withdraws these entries about companies, pending or refused; as ContactWriter.withdrawEntries. */
  withdrawEntries(seqs: readonly number[]): string[] {
    const ids = this.store.outbox.withdrawSeqs('company', seqs);
    for (const id of ids) this.refreshSyncState(id);
    return ids;
  }

  /** Withdraws the entries about companies in [first, last] that never reached Intercom (pending or refused). */
  withdrawUnsent(first: number, last: number): string[] {
    const ids = this.store.outbox.withdrawUnsent('company', first, last);
    for (const id of ids) this.refreshSyncState(id);
    return ids;
  }

  /** Withdraws the pending entries about companies held under `hold`; as `withdrawQueued`. */
  withdrawHeld(hold: string): string[] {
    const ids = this.store.outbox.withdrawHeld('company', hold);
    for (const id of ids) this.refreshSyncState(id);
    return ids;
  }

  /** Removes the stage history rows about companies with ids in [first, last], but those of the companies in `keep`. */
  withdrawHistory(first: number, last: number, keep: readonly string[] = []): void {
    this.store.history.deleteRangeExcept('company', first, last, keep);
  }

  /** Rebuilds the search entry from the row. */
  reindex(pk: number): void {
    this.store.companies.reindex(pk);
  }
}
