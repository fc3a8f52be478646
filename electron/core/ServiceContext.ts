// What every service gets from the composition root.
import type { Store } from './db/Store';
import type { EventHub } from './EventHub';

export interface ServiceContext {
  store: Store;
  /** Notifications to the renderer (not to be confused with `store.events`, the activity events). */
  hub: EventHub;
  /** Who is making changes, recorded in the stage history and on messages; read at each change (the name in Settings can change). */
  actor: string;
  /** Who I am among the team (an Intercom admin id: chosen in Settings, else the connected admin), or null; read when a rule is compiled. */
  me?: string | null;
  now: () => number;
  newId: () => string;
}
