// The steps of a sync run, in order: the engine runs each one the run calls for (see SyncStep.when).
// A new step is one module in this folder plus one line here.
import { bootstrap } from './bootstrap';
import { pullAdmins } from './pullAdmins';
import { contactsGone } from './contactsGone';
import { firstPull } from './firstPull';
import { pullCompanies } from './pullCompanies';
import { pullContacts } from './pullContacts';
import { pullTags } from './pullTags';
import { pullNotes } from './pullNotes';
import { pullUnsubscribed } from './pullUnsubscribed';
import { pushAfterPull, pushBeforeFirstPull } from './push';
import type { SyncStep } from './SyncStep';

export const RUN_STEPS: readonly SyncStep[] = [bootstrap, pullAdmins, pushBeforeFirstPull, pullTags, firstPull, pullCompanies, pullContacts, contactsGone, pullNotes, pullUnsubscribed, pushAfterPull];
