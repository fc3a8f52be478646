// What the contact operations share: reading the local contact and its sync base, creating (or
// adopting) its Intercom contact, and the one local write a contact step commits (its Intercom id and base).
import type { CompanyRow, ContactRow } from '../../db/rows';
import type { CompanyPatch, ContactPatch } from '../fold';
import { IntercomError } from '../IntercomError';
import type { ContactWrite, IntercomContact } from '../intercomTypes';
import { companyBaseFromRow, contactBaseFromRow, contactBody, realExternalId, syntheticExternalId, type ContactBase } from '../mapping';
import { StepFailure, type Commit, type PushRun } from './Operation';

/** A create carries no nulls: Intercom has nothing to clear yet, and refuses null on some fields. */
export function withoutNulls(body: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(body).filter(([, v]) => v !== null && v !== undefined));
}

/** A full row as a patch: used when a record must be (re)created from what it holds now. */
export function rowContactPatch(row: ContactRow): ContactPatch {
  const b = contactBaseFromRow(row);
  return {
    role: b.role,
    email: b.email,
    name: b.name,
    phone: b.phone,
    externalId: b.externalId,
    stage: b.stage,
    unsubscribedFromEmails: b.unsubscribedFromEmails,
    customAttributes: b.customAttributes,
    ownerId: b.ownerId,
  };
}

export function rowCompanyPatch(row: CompanyRow): CompanyPatch {
  const b = companyBaseFromRow(row);
  return { name: b.name, plan: b.plan, monthlySpend: b.monthlySpend, stage: b.stage, customAttributes: b.customAttributes };
}

/** The patch without its nulls (a create or an adopt must not clear what a contact already has). */
export function nonNullPatch<P extends ContactPatch | CompanyPatch>(p: P): P {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(p)) {
    if (k === 'customAttributes') {
      const attrs = Object.fromEntries(Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== null));
      if (Object.keys(attrs).length > 0) out[k] = attrs;
    } else if (v !== null && v !== undefined) out[k] = v;
  }
  return out as P;
}

export function contactRow(run: PushRun, id: string): ContactRow {
  const row = run.ctx.store.contacts.byId(id);
  if (!row) throw new StepFailure(`The contact ${id} no longer exists locally`);
  return row;
}

/** What Intercom held of the contact after the last sync (its row, when it never synced). */
export function prevContactBase(run: PushRun, row: ContactRow): ContactBase {
  const raw = run.ctx.store.sync.contactBase(row.id);
  return raw ? (JSON.parse(raw) as ContactBase) : contactBaseFromRow(row);
}

/** Checks that no other local contact is tied to this Intercom contact (the unique index would refuse it). */
export function checkContactTie(run: PushRun, localId: string, intercomId: string): void {
  const other = run.ctx.store.sync.contactIdByIntercomId(intercomId);
  if (other && other !== localId) {
    throw new StepFailure(
      `Intercom contact ${intercomId} is already linked to another local contact (${other}); merge the two in Lead Console, then retry`,
    );
  }
}

/** The commit of a contact step: the local contact points at this Intercom contact, with this base. */
export function setContact(run: PushRun, localId: string, resp: IntercomContact, base: ContactBase): Commit {
  return () => {
    checkContactTie(run, localId, resp.id);
    run.contacts.setPushed(localId, resp.id, base);
  };
}

/**
 * POST /contacts, always with an external id: a repeat of a create whose answer was lost gets
 * 409 with the id of the first, which is then adopted (unarchived first when Intercom archived it).
 */
export async function createOrAdopt(run: PushRun, body: ContactWrite, own?: ContactRow): Promise<IntercomContact> {
  const { client } = run.ctx;
  try {
    return await run.call(() => client.createContact(body, { idempotent: true }));
  } catch (e) {
    if (!(e instanceof IntercomError && e.kind === 'conflict' && e.existingId)) throw e;
    const existing = e.existingId;
    if (e.archived && own && existing === own.intercom_id && !restoredHere(run, own)) throw archivedElsewhere(run, own);
    if (e.archived) {
      await run.call(() => client.request('POST', `/contacts/${encodeURIComponent(existing)}/unarchive`, { idempotent: true }));
    }
    const { external_id: _sameAlready, ...update } = body;
    void _sameAlready;
    return run.call(() => client.updateContact(existing, update));
  }
}

/** The contact's Intercom id answered 404: its user under the real external id, or a fresh contact from the row. */
export async function relocateContact(run: PushRun, row: ContactRow): Promise<IntercomContact> {
  const everything = contactBody(nonNullPatch(rowContactPatch(row)), run.settings) as ContactWrite;
  const xid = realExternalId(row.external_id);
  if (xid) {
    const found = await run.call(() => run.ctx.client.findContactByExternalId(xid));
    if (found) {
      const { external_id: _same, ...update } = everything;
      void _same;
      return run.call(() => run.ctx.client.updateContact(found.id, update));
    }
  }
  return createOrAdopt(run, { ...everything, external_id: xid ?? syntheticExternalId(row.id) }, row);
}

/** The person restored the contact here and its unarchive waits: Intercom's archive is the old state. */
function restoredHere(run: PushRun, row: ContactRow): boolean {
  return row.archived_at === null && run.ctx.store.sync.hasWaitingOp(row.id, 'contact.setArchived');
}

/**
 * The contact this record is tied to is archived in Intercom, by someone else (Intercom's list and
 * search leave archived contacts out, so no pull shows it): kept here, archived as there, and the
 * change waits in the outbox for a restore rather than unarchiving it behind a colleague's back.
 */
function archivedElsewhere(run: PushRun, row: ContactRow): StepFailure {
  const label = row.name ?? row.email ?? 'This contact';
  return new StepFailure(`${label} was archived in Intercom by someone else; restore it here to send this change`, () =>
    run.contacts.archivedInIntercom(row, run.ctx.now()),
  );
}

/** The contact is not in Intercom yet: the step waits for its create (same record, earlier entry). */
export function notInIntercomYet(method: string, path: string): IntercomError {
  return new IntercomError({ kind: 'transient', message: 'The contact is not in Intercom yet', method, path });
}
