// event.create: POST /events for one event of a contact already in Intercom (its create goes
// first: same record, earlier entry). Intercom drops a repeat (same contact, name and second), so
// a retry is harmless; an event it already has (pulled from there) is not sent at all.
import type { Store } from '../../db/Store';
import type { PushEntry } from '../fold';
import type { EventCreate } from '../intercomTypes';
import { realExternalId } from '../mapping';
import { contactRow, notInIntercomYet, prevContactBase } from './contactRecord';
import { nothing, StepFailure, type Commit, type Operation, type PushRun, onlyEntry } from './Operation';

/** Intercom keeps at most this many active event names (API-NOTES 4). */
export const INTERCOM_EVENT_NAME_LIMIT = 120;

/** A name that would be Intercom's 121st fails here, without a request. */
async function sendEvent(run: PushRun, id: string, entries: readonly PushEntry[]): Promise<Commit> {
  const entry = onlyEntry(entries);
  const { events } = run.ctx.store;
  const eventId = entry.payload.eventId;
  const event = typeof eventId === 'number' ? events.byId(eventId) : undefined;
  // gone with its contact, or already in Intercom
  if (!event || event.sync_state === 'synced') return nothing;
  const contact = contactRow(run, id);
  if (!contact.intercom_id) throw notInIntercomYet('POST', '/events');
  const name = event.name;
  if (!events.hasName(name) && !run.newEventNames.has(name)) {
    // names sent in this run are in event_names once their step committed; count the others once
    let inFlight = 0;
    for (const n of run.newEventNames) if (!events.hasName(n)) inFlight++;
    const inUse = events.countNames() + inFlight;
    if (inUse >= INTERCOM_EVENT_NAME_LIMIT) {
      throw new StepFailure(
        `Intercom keeps at most ${INTERCOM_EVENT_NAME_LIMIT} event names and ${inUse} are in use, so the new name '${name}' was not sent. ` +
          'Archive unused event names in Intercom, or track this under an existing name, then retry.',
      );
    }
    run.newEventNames.add(name);
  }
  // a user is found by its own user id, a lead by its Intercom id; what counts is what Intercom
  // holds now (the base), since a sign-up made here after the event may not have gone out yet
  const base = prevContactBase(run, contact);
  const xid = base.role === 'user' ? realExternalId(base.externalId) : null;
  const body: EventCreate = {
    event_name: name,
    created_at: Math.floor(event.at / 1000),
    ...(xid ? { user_id: xid } : { id: contact.intercom_id }),
  };
  const metadata = event.metadata ? (JSON.parse(event.metadata) as Record<string, string | number | boolean>) : {};
  if (Object.keys(metadata).length > 0) body.metadata = metadata;
  await run.call(() => run.ctx.client.trackEvent(body));
  const at = run.ctx.now();
  return () => {
    events.setSyncState(event.id, 'synced');
    events.rememberName(name, at);
  };
}

function eventFailed(store: Store, entry: PushEntry): void {
  const eventId = entry.payload.eventId;
  if (typeof eventId === 'number') store.events.setSyncState(eventId, 'failed');
}

export const event: Operation = {
  kind: 'event',
  entity: 'contact',
  ops: ['event.create'],
  fold: 'single',
  send: sendEvent,
  failed: eventFailed,
};
