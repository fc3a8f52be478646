// Splits a record's waiting outbox entries into steps (one request each), from what each
// operation in the registry declares: which ops fold into a run, which create the record.
import type { PushEntry } from '../fold';
import { CREATE_OPS, operationOf, RUN_OPS } from './index';
import type { Step } from './Operation';

/** The kind of a step no operation sends. */
export const UNKNOWN = 'unknown';

const touchesIdentity = (e: PushEntry) => Object.hasOwn(e.payload, 'externalId') || Object.hasOwn(e.payload, 'role');

/**
 * Splits a record's pending entries (in seq order) into steps. The first field run of a record
 * not yet in Intercom is its create. That create repeats the identity it was first sent with,
 * so that a repeat answers 409 rather than making a second contact: the entries that went out
 * with it (attempts > 0: nothing of a record without an Intercom id is sent but inside its
 * create) fold into it again, a sign-up included, while identity changes made after it was
 * sent (a sign-up, a new user id, attempts 0) are not folded into it but follow as steps of
 * their own, where the sign-up flow merges any twin.
 * A record that got its Intercom id from a pull (the first one included: it found the contact a create
 * whose answer was lost had made) while its create still waits is planned the same way: its
 * create goes out as an update of that contact, with the identity it was sent with, so a
 * sign-up that went out folded into it is not split off into a `role: lead` update of a user.
 * A record without an Intercom id whose first step is not a field run (its create was
 * discarded) gets an empty field run first: it is then created from its row.
 */
export function planSteps(entries: readonly PushEntry[], entity: 'contact' | 'company', hasIntercomId: boolean): Step[] {
  const steps: Step[] = [];
  let group: PushEntry[] | null = null;
  /** Still in the record's first step, and that step is its create (or a create adopted by a pull). */
  let creating = !hasIntercomId || (entries[0] !== undefined && CREATE_OPS.has(entries[0].op));
  let createSent = false;
  const close = () => {
    if (group) steps.push({ kind: 'fields', entries: group });
    group = null;
    creating = false;
  };
  for (const e of entries) {
    // an entry tried before went out inside the create's first request: it stays in the create
    const sentWithCreate = createSent && e.attempts > 0;
    const foldable = RUN_OPS.has(e.op) || (Boolean(operationOf(e.op)?.foldsIntoCreate) && creating && (!createSent || sentWithCreate));
    if (foldable) {
      if (group && creating && createSent && !sentWithCreate && entity === 'contact' && touchesIdentity(e)) close();
      if (!group) {
        if (creating) createSent = CREATE_OPS.has(e.op) && e.attempts > 0;
        group = [];
      }
      group.push(e);
      continue;
    }
    if (creating && !group) group = [];
    close();
    // an op this build does not know (written by a newer one) is a step that fails visibly
    steps.push({ kind: operationOf(e.op)?.kind ?? UNKNOWN, entries: [e] });
  }
  if (creating && !group) group = [];
  close();
  return steps;
}

/**
 * The steps of a record no longer here (removed by an undo): its last removing entry (an
 * archive) with every entry before it, which it supersedes (a create a crash left to send
 * again). Without one, nothing of a removed record can go out: no step.
 */
export function planRemoved(entries: readonly PushEntry[]): Step[] {
  const last = entries.findLastIndex((e) => Boolean(operationOf(e.op)?.removesRecord));
  if (last < 0) return [];
  const op = operationOf(entries[last]!.op)!;
  return [{ kind: op.kind, entries: entries.slice(0, last + 1) }];
}
