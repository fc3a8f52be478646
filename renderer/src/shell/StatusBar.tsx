// The bottom line that says, at a glance, where the sync with Intercom stands, how many changes
// still wait for it, what failed and which fields conflict. It never claims "Synced" for work that
// is only local, and a problem that needs Settings (no token, a refused token) opens them.
import { useNav } from '../state/navStore';
import { useSync } from '../state/syncStore';
import { describeSync, type SyncSentence } from '../state/syncWords';
import { useSyncFeed } from './syncFeed';
import { plural } from '../ui/labels';

export function StatusBar() {
  useSyncFeed();
  const status = useSync((s) => s.status);
  const fallback = useSync((s) => s.fallback);
  const engineDown = useSync((s) => s.engineDown);
  const online = useSync((s) => s.online);
  const go = useNav((s) => s.go);

  const sentence: SyncSentence = status
    ? describeSync(status, online, { countsShownElsewhere: true })
    : online
      ? { text: fallback ? 'Online' : 'Sync…', tone: 'idle', needsSettings: false }
      : { text: 'Offline — changes wait', tone: 'warn', needsSettings: false };
  const counts = status ?? fallback;
  const progress = status?.state === 'syncing' ? status.progress : null;
  const conflicts = status?.conflicts ?? 0;

  return (
    <footer className="status-bar" data-testid="status-bar">
      <span className={`net sync-tone-${sentence.tone}`} data-testid="net-status" data-state={status?.state ?? ''} role="status" title={sentence.detail}>
        <span className="dot" aria-hidden="true" />
        {sentence.needsSettings ? (
          <button type="button" className="link sync-fix" onClick={() => go('settings')} data-testid="sync-state" aria-label={`${sentence.text}: open Settings`}>
            {sentence.text}
          </button>
        ) : (
          <span data-testid="sync-state">{sentence.text}</span>
        )}
      </span>
      {progress && (
        <progress
          className="sync-progress"
          data-testid="sync-progress"
          aria-label={progress.label}
          max={progress.total ?? undefined}
          value={progress.total ? Math.min(progress.done, progress.total) : undefined}
        />
      )}
      {engineDown && (
        <span className="error" role="alert">
          Lost contact with the Lead Console engine; retrying…
        </span>
      )}
      {conflicts > 0 && (
        <button type="button" className="link conflict-count" data-testid="conflict-count" onClick={() => go('conflicts')} aria-label={`${plural(conflicts, 'conflict')}: open the conflicts`}>
          {plural(conflicts, 'conflict')}
        </button>
      )}
      <button type="button" className="link outbox-count" data-testid="outbox-count" onClick={() => go('outbox')} title="Open the outbox">
        {counts === null
          ? 'Outbox…'
          : counts.pending === 0 && counts.failed === 0
            ? 'Nothing waits for Intercom'
            : counts.pending === 0
              ? ''
              : `${plural(counts.pending, 'change')} ${counts.pending === 1 ? 'waits' : 'wait'} for Intercom`}
        {counts && counts.failed > 0 && (
          <span className="error">
            {counts.pending > 0 ? ' · ' : ''}
            {counts.failed} failed
          </span>
        )}
      </button>
    </footer>
  );
}
