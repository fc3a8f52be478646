// No silent overwrite between colleagues: before an update of a record's fields goes out, what
// Intercom holds now is read by id (current, unlike search, which lags minutes) and applied as a
// pull would apply it. A field a colleague moved since the last agreement (the sync base) thus
// becomes a conflict exactly as the pull makes one, and is left out of the update; the others go.
import type { CompanyPatch, ContactPatch } from '../fold';
import { IntercomError } from '../IntercomError';
import type { IntercomCompany, IntercomContact } from '../intercomTypes';
import { ATTR_PREFIX } from '../merge';
import { Puller } from '../Puller';
import type { PushRun } from './Operation';

/** What the check leaves to send; `conflicts`: the fields it held back (open conflicts). */
export interface Checked<P> {
  patch: P;
  conflicts: string[];
}

/** The patch without the fields that have an open conflict now. */
function withoutConflicts<P extends ContactPatch | CompanyPatch>(patch: P, fields: ReadonlySet<string>): P {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(patch)) {
    if (k === 'customAttributes') {
      const attrs = Object.fromEntries(Object.entries(v as Record<string, unknown>).filter(([a]) => !fields.has(ATTR_PREFIX + a)));
      if (Object.keys(attrs).length > 0) out[k] = attrs;
    } else if (!fields.has(k)) out[k] = v;
  }
  return out as P;
}

function afterCheck<P extends ContactPatch | CompanyPatch>(run: PushRun, id: string, patch: P): Checked<P> {
  const open = new Set(run.ctx.store.conflicts.openFor([id]).map((k) => k.field));
  return { patch: withoutConflicts(patch, open), conflicts: [...open] };
}

/**
 * Reads the contact by its Intercom id and applies it as a pull would. Returns the patch to send,
 * or null when Intercom no longer has the contact there (merged away, deleted): the caller's
 * update finds out and relocates it as before.
 */
export async function checkContact(run: PushRun, id: string, intercomId: string, patch: ContactPatch): Promise<Checked<ContactPatch> | null> {
  let current: IntercomContact;
  try {
    current = await run.call(() => run.ctx.client.getContact(intercomId));
  } catch (e) {
    if (e instanceof IntercomError && e.kind === 'not_found') return null;
    throw e;
  }
  new Puller(run.ctx).applyCurrentContact(current);
  return afterCheck(run, id, patch);
}

/** The same for a company, read by its Intercom id. */
export async function checkCompany(run: PushRun, id: string, intercomId: string, patch: CompanyPatch): Promise<Checked<CompanyPatch> | null> {
  let current: IntercomCompany;
  try {
    current = await run.call(() => run.ctx.client.getCompany(intercomId));
  } catch (e) {
    if (e instanceof IntercomError && e.kind === 'not_found') return null;
    throw e;
  }
  new Puller(run.ctx).applyCurrentCompany(current);
  return afterCheck(run, id, patch);
}
