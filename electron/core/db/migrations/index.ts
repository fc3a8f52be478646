// Every migration, in order. Append only: a migration that has shipped is never edited.
import type { Migration } from '../migrate';
import { migration0001 } from './0001-contacts-companies';
import { migration0002 } from './0002-history-outbox-settings';
import { migration0003 } from './0003-search-index';
import { migration0004 } from './0004-sync';
import { migration0005 } from './0005-activity-funnel';
import { migration0006 } from './0006-change-journal';
import { migration0007 } from './0007-message-hold';
import { migration0008 } from './0008-import-rollback-result';
import { migration0009 } from './0009-message-templates';
import { migration0010 } from './0010-owners';
import { migration0011 } from './0011-contact-notes';
import { migration0012 } from './0012-tags';
import { migration0013 } from './0013-archive-erase';
import { migration0014 } from './0014-email-consent';
import { migration0015 } from './0015-contact-merges';

export const MIGRATIONS: readonly Migration[] = [
  migration0001,
  migration0002,
  migration0003,
  migration0004,
  migration0005,
  migration0006,
  migration0007,
  migration0008,
  migration0009,
  migration0010,
  migration0011,
  migration0012,
  migration0013,
  migration0014,
  migration0015,
];
export const LATEST_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;
