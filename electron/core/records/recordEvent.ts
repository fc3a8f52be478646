// The one way an event enters the store (tracked here, from the website, an import or Intercom):
// kept to the second and deduplicated as Intercom does, tied to its contact (or kept by visitor
// id until a lead with that id exists), setting the contact's first touch and last activity, and
// queued for Intercom. Callers run it inside their own store.transaction.
import { FIRST_TOUCH_KEYS } from '../../../shared/activity';
import type { Store } from '../db/Store';

export interface EventInput {
  contactPk: number | null;
  visitorId: string | null;
  name: string;
  /** ms; stored truncated to whole seconds */
  at: number;
  metadata: Record<string, string | number | boolean>;
  source: 'local' | 'website' | 'import' | 'intercom';
}

/** Intercom keeps event times to the second, and its duplicate rule compares them at that precision. */
export const toWholeSecond = (ms: number): number => Math.floor(ms / 1000) * 1000;

const carriesTouch = (metadata: Record<string, unknown>): boolean =>
  Object.hasOwn(metadata, FIRST_TOUCH_KEYS.referrer) || Object.hasOwn(metadata, FIRST_TOUCH_KEYS.landingPage);

/** First touch and last activity after an event of the contact at `at`. */
function touchContact(store: Store, contactPk: number, at: number, withTouchKeys: boolean): void {
  // an event carrying a referrer or landing page may be the earliest such one: recompute from the
  // contact's events; any other can only move "first seen" earlier
  store.events.touchAfterEvent(contactPk, at, withTouchKeys);
}

function queueForIntercom(store: Store, contactPk: number, event: { id: number; name: string; at: number }, opts: { now: number; hold?: string | null }): void {
  const contact = store.contacts.byPk(contactPk);
  if (!contact) return;
  store.outbox.append({
    entityType: 'contact',
    entityId: contact.id,
    op: 'event.create',
    payload: { eventId: event.id, name: event.name, at: event.at },
    at: opts.now,
    hold: opts.hold ?? null,
  });
}

/**
 * Call inside store.transaction. Inserts unless a duplicate (same contact or visitor + name +
 * second), bumps the contact's last_activity_at, sets first touch (first_seen_at, first_referrer =
 * metadata.referrer, first_landing_page = metadata.landing_page) when this event is earlier than
 * what is known, and queues an 'event.create' outbox entry (payload { eventId, name, at }) for a
 * contact's event unless source is 'intercom'. `hold` is passed to the outbox entry.
 * A visitor event whose visitor id already belongs to a contact goes straight to that contact.
 */
export function recordEvent(store: Store, e: EventInput, opts: { now: number; hold?: string | null }): { id: number; duplicate: boolean } {
  const at = toWholeSecond(e.at);
  let contactPk = e.contactPk;
  if (contactPk === null && e.visitorId !== null) contactPk = store.contacts.byVisitorId(e.visitorId)?.pk ?? null;
  const fromIntercom = e.source === 'intercom';
  const syncState = fromIntercom ? 'synced' : contactPk === null ? 'waiting' : 'pending';

  const id = store.events.insert({ contactPk, visitorId: e.visitorId, name: e.name, at, metadata: e.metadata, source: e.source, syncState });
  if (id === null) {
    const same = store.events.findSame(contactPk, e.visitorId, e.name, at);
    if (!same) throw new Error(`recordEvent: an event collided with one that cannot be found (${e.name} at ${at})`);
    // Intercom told us it holds this one: a copy still waiting to be sent needs no request
    if (fromIntercom && same.sync_state !== 'synced') store.events.setSyncState(same.id, 'synced');
    return { id: same.id, duplicate: true };
  }
  if (contactPk !== null) {
    touchContact(store, contactPk, at, carriesTouch(e.metadata));
    if (!fromIntercom) queueForIntercom(store, contactPk, { id, name: e.name, at }, opts);
  }
  return { id, duplicate: false };
}

/**
 * Call inside store.transaction when a contact gets a visitor id (capture, edit, import): moves
 * that visitor's events onto the contact (dropping ones that would duplicate), updates first
 * touch and last activity, queues them for Intercom. Returns how many moved.
 */
export function adoptVisitorEvents(store: Store, contactPk: number, visitorId: string, opts: { now: number; hold?: string | null }): number {
  const moved = store.events.adoptVisitor(visitorId, contactPk, 'pending');
  if (moved.length === 0) return 0;
  const last = store.events.lastEventAt(contactPk);
  if (last !== null) store.events.bumpLastActivity(contactPk, last);
  store.events.refreshFirstTouch(contactPk);
  for (const event of moved) queueForIntercom(store, contactPk, event, opts);
  return moved.length;
}

/**
 * Call inside store.transaction before deleting a contact that should never have existed (an
 * import rolled back): the events it got through a visitor id go back to that visitor, so a later
 * capture still finds them. Returns how many went back. Their outbox entries are the caller's.
 */
export function releaseVisitorEvents(store: Store, contactPk: number): number {
  return store.events.releaseToVisitors(contactPk);
}

/**
 * Call inside store.transaction to take back an event a change recorded (an import rolled back).
 * Its outbox entry goes with the change's withdrawn entries; the contact's first touch and last
 * activity come back with its row.
 */
export function withdrawEvent(store: Store, id: number): void {
  store.events.delete(id);
}
