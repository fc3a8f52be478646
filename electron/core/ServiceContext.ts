// What every service gets from the composition root.
import type { Store } from './db/Store';
import type { EventHub } from './EventHub';

export interface ServiceContext {
  store: Store;
  events: EventHub;
  /** Who is making changes, recorded in the stage history. */
  actor: string;
  now: () => number;
  newId: () => string;
}
