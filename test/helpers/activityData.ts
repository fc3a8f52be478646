// Test-only shortcuts for hand-made data sets: a clock set to exact times, and activity (events,
// last activity, first touch) written straight into the store, so segment and funnel tests do
// not depend on how events are tracked or synced.
import type { TestClock, TestCore } from './testCore';

/** Moves the test clock to `when` (ISO or ms) and freezes it there. */
export function setNow(clock: TestClock, when: string | number): number {
  const target = typeof when === 'number' ? when : Date.parse(when);
  clock.step = 0;
  const current = clock.now();
  clock.step = target - current;
  clock.now();
  clock.step = 0;
  return target;
}

const pkOf = (t: TestCore, contactId: string): number => {
  const row = t.core.store.contacts.byId(contactId);
  if (!row) throw new Error(`no contact ${contactId}`);
  return row.pk;
};

/** An event of a contact (or, with contactId null, of an anonymous visitor) at an exact time. */
export function addEvent(t: TestCore, contactId: string | null, name: string, when: string): void {
  const at = Math.floor(Date.parse(when) / 1000) * 1000;
  t.core.store.db
    .prepare(`INSERT INTO events (contact_pk, visitor_id, name, at, source) VALUES (@pk, @visitor, @name, @at, 'local')`)
    .run({ pk: contactId ? pkOf(t, contactId) : null, visitor: contactId ? null : 'visitor-anon', name, at });
}

export function setLastActivity(t: TestCore, contactId: string, when: string | null): void {
  t.core.store.db
    .prepare('UPDATE contacts SET last_activity_at = @at WHERE pk = @pk')
    .run({ pk: pkOf(t, contactId), at: when === null ? null : Date.parse(when) });
}

export function setFirstTouch(t: TestCore, contactId: string, touch: { referrer?: string | null; landingPage?: string | null; at?: string }): void {
  t.core.store.db
    .prepare('UPDATE contacts SET first_referrer = @referrer, first_landing_page = @landing, first_seen_at = @at WHERE pk = @pk')
    .run({
      pk: pkOf(t, contactId),
      referrer: touch.referrer ?? null,
      landing: touch.landingPage ?? null,
      at: touch.at ? Date.parse(touch.at) : null,
    });
}
