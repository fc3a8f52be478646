// Words and formats shown for stages, roles, sync states and times, in one place.
import type { Role, SyncState } from '../../../shared/domain';
import { exactTime, relativeTime } from '../../../shared/words';

export { COMPANY_STAGE_LABEL, CONTACT_STAGE_LABEL } from '../../../shared/stages';
export const ROLE_LABEL: Record<Role, string> = { lead: 'Lead', user: 'User' };
export const SYNC_LABEL: Record<SyncState, string> = { local: 'Local only', pending: 'Pending', synced: 'Synced', failed: 'Failed' };
export const SYNC_HINT: Record<SyncState, string> = {
  local: 'Not yet in Intercom: it will be created there when the outbox is sent.',
  pending: 'Changes wait in the outbox for Intercom.',
  synced: 'Intercom has every change.',
  failed: 'Intercom refused a change: see the outbox.',
};

export { plural } from '../../../shared/words';

/** The exact local date and time ("6 Dec 2026, 14:05"): for hover titles and sentences that need it. */
export const formatDateTime = (iso: string | null) => exactTime(iso);
/** "3 days ago", "in 2 hours", "now". */
export const formatRelative = (iso: string | null, now = Date.now()) => relativeTime(iso, now);

/** "less than a minute left", "about 2 min left", "about 3 h left". */
export function formatEta(ms: number): string {
  if (ms < 60_000) return 'less than a minute left';
  if (ms < 90 * 60_000) return `about ${Math.round(ms / 60_000)} min left`;
  return `about ${Math.round(ms / 3_600_000)} h left`;
}
