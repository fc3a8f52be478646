// Every migration, in order. Append only: a migration that has shipped is never edited.
import type { Migration } from '../migrate';
import { migration0001 } from './0001-contacts-companies';
import { migration0002 } from './0002-history-outbox-settings';
import { migration0003 } from './0003-search-index';
import { migration0004 } from './0004-sync';
import { migration0005 } from './0005-activity-funnel';
import { migration0007 } from './0007-message-hold';
import { migration0008 } from './0008-message-templates';

/**
 * Version 6 belongs to the change journal, merged separately: until it lands here this
 * placeholder keeps the versions 1, 2, 3 ... in order. Replace it with the real 0006 on merge.
 */
const reserved0006: Migration = { version: 6, name: 'reserved-journal', up: '' };

export const MIGRATIONS: readonly Migration[] = [migration0001, migration0002, migration0003, migration0004, migration0005, reserved0006, migration0007, migration0008];
export const LATEST_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;
