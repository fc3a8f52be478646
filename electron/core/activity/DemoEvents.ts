// Demo mode (the built-in sandbox): once the first pull has brought the demo's contacts, each
// contact's events are pulled once, so its timelines, first touch, breakdowns and "Slipping away"
// have something to show. With a real Intercom, events stay on demand (a request per contact).
import type { EventHub } from '../EventHub';
import type { Store } from '../db/Store';

const DONE_KEY = 'demo.eventsPulled';
/** The demo has about 40 contacts; a bound all the same, as every loop here has. */
const MAX_CONTACTS = 500;

export interface DemoEventsDeps {
  store: () => Store;
  hub: EventHub;
  firstPullDone: () => boolean;
  pullEvents: (contactId: string) => Promise<unknown>;
  now: () => number;
  log: (message: string, error: unknown) => void;
}

/** Pulls each contact's events once (done when every pull succeeded); false when stopped or not ready. */
export async function pullAllEvents(d: Pick<DemoEventsDeps, 'store' | 'firstPullDone' | 'pullEvents' | 'now'>, stopped: () => boolean = () => false): Promise<boolean> {
  if (d.store().settings.get<boolean>(DONE_KEY) || !d.firstPullDone()) return false;
  for (const id of d.store().contacts.idsInIntercom(MAX_CONTACTS)) {
    if (stopped()) return false;
    await d.pullEvents(id);
  }
  d.store().settings.set(DONE_KEY, true, d.now());
  return true;
}

/** Watches the sync: after a run that left it idle, pulls the events once; returns the stop. */
export function pullDemoEventsOnce(d: DemoEventsDeps): () => void {
  let running = false;
  let stopped = false;
  const maybe = async () => {
    if (running || stopped) return;
    running = true;
    try {
      await pullAllEvents(d, () => stopped);
    } catch (e) {
      // tried again after the next run (offline, a fault switched on in the sandbox)
      d.log('demo: pulling the demo contacts’ events failed', e);
    } finally {
      running = false;
    }
  };
  const unsubscribe = d.hub.subscribe((name, payload) => {
    if (name === 'sync' && (payload as { state?: string }).state === 'idle') void maybe();
  });
  return () => {
    stopped = true;
    unsubscribe();
  };
}
