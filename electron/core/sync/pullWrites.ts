// Every local write the pull makes to a record's row, in one place: a record new from Intercom,
// Intercom's changes to one we hold, and the tie to its Intercom id and base. Each records the
// stage it moves to in the history, attributed to Intercom.
import type { Store } from '../db/Store';
import type { ContactWrite } from '../db/ContactRepository';
import type { CompanyWrite } from '../db/CompanyRepository';
import type { NewRemoteContact, RemoteCompanyRow, SyncedCompanyRow, SyncedContactRow } from '../db/RemoteRepository';

/** Who Intercom's own changes are attributed to in the stage history. */
export const INTERCOM_ACTOR = 'Intercom';

export function insertPulledCompany(store: Store, r: RemoteCompanyRow): void {
  store.remote.insertCompany(r);
  if (r.stage) {
    store.history.add({ entityType: 'company', entityId: r.id, fromStage: null, toStage: r.stage, at: r.createdAt, actor: INTERCOM_ACTOR, source: 'intercom' });
  }
}

/** `versionAt`: when Intercom's version was made (ms); the row never goes back in time. */
export function updatePulledCompany(store: Store, row: SyncedCompanyRow, write: CompanyWrite, versionAt: number): void {
  store.companies.update(row.pk, { ...write, updatedAt: Math.max(row.updated_at, versionAt) });
  // the company's name is part of its users' search entries
  if ('name' in write) for (const pk of store.companies.contactPks(row.pk)) store.contacts.reindex(pk);
  if ('stage' in write) {
    store.history.add({
      entityType: 'company',
      entityId: row.id,
      fromStage: row.stage,
      toStage: write.stage as string | null,
      at: versionAt,
      actor: INTERCOM_ACTOR,
      source: 'intercom',
    });
  }
}

/** New ones together: the repository writes their search entries in one run. */
export function insertPulledContacts(store: Store, fresh: readonly NewRemoteContact[]): void {
  store.remote.insertContacts(fresh);
  for (const r of fresh) {
    // the stage it entered the funnel with, as of its creation in Intercom
    store.history.add({ entityType: 'contact', entityId: r.id, fromStage: null, toStage: r.stage, at: r.createdAt, actor: INTERCOM_ACTOR, source: 'intercom' });
  }
}

export function updatePulledContact(store: Store, row: SyncedContactRow, write: ContactWrite, versionAt: number): void {
  store.contacts.update(row.pk, { ...write, updatedAt: Math.max(row.updated_at, versionAt) });
  if (write.stage !== undefined && write.stage !== row.stage) {
    store.history.add({
      entityType: 'contact',
      entityId: row.id,
      fromStage: row.stage,
      toStage: write.stage as string,
      at: versionAt,
      actor: INTERCOM_ACTOR,
      source: 'intercom',
    });
  }
}

/** The record points at its Intercom id with the agreed base; a new tie changes its sync state. */
export function tieToRemote(store: Store, entity: 'contact' | 'company', row: { pk: number; id: string; intercom_id: string | null }, intercomId: string, base: string): void {
  store.remote.setRemote(entity, row.pk, intercomId, base);
  if (row.intercom_id !== intercomId) store.outbox.refreshSyncState(entity, row.id);
}
