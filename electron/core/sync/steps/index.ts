// The steps of a sync run, in order: the engine runs each one the run calls for (see SyncStep.when).
// A new step is one module in this folder plus one line here.
import { bootstrap } from './bootstrap';
import { firstPull } from './firstPull';
import { pullCompanies } from './pullCompanies';
import { pullContacts } from './pullContacts';
import { pullTags } from './pullTags';
import { pushAfterPull, pushBeforeFirstPull } from './push';
import type { SyncStep } from './SyncStep';

export const RUN_STEPS: readonly SyncStep[] = [bootstrap, pushBeforeFirstPull, pullTags, firstPull, pullCompanies, pullContacts, pushAfterPull];
