// Words and formats shown for stages, roles, sync states and times, in one place.
import type { Role, SyncState } from '../../../shared/domain';

export { COMPANY_STAGE_LABEL, CONTACT_STAGE_LABEL } from '../../../shared/stages';
export const ROLE_LABEL: Record<Role, string> = { lead: 'Lead', user: 'User' };
export const SYNC_LABEL: Record<SyncState, string> = { local: 'Local only', pending: 'Pending', synced: 'Synced', failed: 'Failed' };
export const SYNC_HINT: Record<SyncState, string> = {
  local: 'Not yet in Intercom: it will be created there when the outbox is sent.',
  pending: 'Changes wait in the outbox for Intercom.',
  synced: 'Intercom has every change.',
  failed: 'Intercom refused a change: see the outbox.',
};

const dateFmt = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });
const dateTimeFmt = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

export const formatDate = (iso: string | null) => (iso ? dateFmt.format(new Date(iso)) : '');
export const formatDateTime = (iso: string | null) => (iso ? dateTimeFmt.format(new Date(iso)) : '');

const rtf = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });
/** "3 days ago", "in 2 hours", "now". */
export function formatRelative(iso: string | null, now = Date.now()): string {
  if (!iso) return '';
  const s = Math.round((new Date(iso).getTime() - now) / 1000);
  const abs = Math.abs(s);
  if (abs < 45) return rtf.format(0, 'second');
  if (abs < 3600) return rtf.format(Math.round(s / 60), 'minute');
  if (abs < 86_400) return rtf.format(Math.round(s / 3600), 'hour');
  if (abs < 30 * 86_400) return rtf.format(Math.round(s / 86_400), 'day');
  if (abs < 365 * 86_400) return rtf.format(Math.round(s / (30 * 86_400)), 'month');
  return rtf.format(Math.round(s / (365 * 86_400)), 'year');
}

export const plural = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString()} ${n === 1 ? one : many}`;

const timeFmt = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
/** "14:05" (or "2:05 PM"), in the user's own clock. */
export const formatTime = (iso: string | null) => (iso ? timeFmt.format(new Date(iso)) : '');

/** "less than a minute left", "about 2 min left", "about 3 h left". */
export function formatEta(ms: number): string {
  if (ms < 60_000) return 'less than a minute left';
  if (ms < 90 * 60_000) return `about ${Math.round(ms / 60_000)} min left`;
  return `about ${Math.round(ms / 3_600_000)} h left`;
}
