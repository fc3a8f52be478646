// The sync's state as one short sentence, shared by the status bar and the settings screen. It
// never says "Synced" while a change waits or failed.
import type { SyncStatus } from '../../../shared/domain';
import { formatEta, plural } from '../ui/labels';

export type SyncTone = 'ok' | 'busy' | 'warn' | 'error' | 'idle';

export interface SyncSentence {
  text: string;
  tone: SyncTone;
  /** The fix is in Settings (no token yet, or the token was refused). */
  needsSettings: boolean;
  /** A longer reason, for the tooltip. */
  detail?: string;
}

export function progressText(p: NonNullable<SyncStatus['progress']>): string {
  const count = p.total !== null ? `${p.done.toLocaleString()} of ${p.total.toLocaleString()}` : p.done > 0 ? p.done.toLocaleString() : '';
  const eta = p.etaMs !== null && p.etaMs > 0 ? formatEta(p.etaMs) : '';
  return ['Syncing…', count].filter(Boolean).join(' ') + (eta ? ` · ${eta}` : '');
}

/**
 * With `countsShownElsewhere` (the status bar has its own outbox count beside it), a connected,
 * idle sync with changes waiting reads "Connected to Intercom" rather than repeating the count.
 */
export function describeSync(status: SyncStatus, browserOnline: boolean, opts: { countsShownElsewhere?: boolean } = {}): SyncSentence {
  // the browser's own offline flag comes first: nothing else can be done about the sync until it is back
  if (!browserOnline) {
    return { text: 'Offline — changes wait', tone: 'warn', needsSettings: false, detail: 'Changes are kept on this computer and sent when the network is back.' };
  }
  if (status.state === 'paused_auth') {
    return { text: 'Intercom refused the token — reconnect in Settings', tone: 'error', needsSettings: true, detail: status.message ?? undefined };
  }
  if (status.state === 'not_configured') {
    return { text: 'Not connected to Intercom', tone: 'idle', needsSettings: true, detail: 'Add an Intercom access token in Settings; until then changes wait here.' };
  }
  if (status.state === 'offline') {
    return { text: 'Offline — changes wait', tone: 'warn', needsSettings: false, detail: status.message ?? 'Changes are kept on this computer and sent when Intercom can be reached.' };
  }
  if (status.state === 'failing') {
    return { text: `Sync failing: ${status.message ?? 'no reason given'}`, tone: 'error', needsSettings: false, detail: 'It is tried again on the next run.' };
  }
  if (status.state === 'syncing') {
    return { text: status.progress ? progressText(status.progress) : 'Syncing…', tone: 'busy', needsSettings: false, detail: status.progress?.label };
  }
  if (status.pending > 0 || status.failed > 0) {
    // beside the status bar's own (red) failed count, the connection itself is fine: no red twice
    if (opts.countsShownElsewhere) return { text: 'Connected to Intercom', tone: 'warn', needsSettings: false };
    const tone: SyncTone = status.failed > 0 ? 'error' : 'warn';
    const parts = [status.pending > 0 ? `${plural(status.pending, 'change')} ${status.pending === 1 ? 'waits' : 'wait'} for Intercom` : '', status.failed > 0 ? `${plural(status.failed, 'change')} failed` : ''];
    return { text: parts.filter(Boolean).join(' · '), tone, needsSettings: false };
  }
  if (status.initialImport !== 'done') {
    return { text: 'First import from Intercom not finished', tone: 'warn', needsSettings: false, detail: 'It goes on with the next run.' };
  }
  return { text: 'Synced', tone: 'ok', needsSettings: false };
}
