// Where a record stands with Intercom, in words, with the longer explanation on hover.
import type { SyncState } from '../../../shared/domain';
import { SYNC_HINT, SYNC_LABEL } from '../ui/labels';

export function SyncBadge({ state, testId }: { state: SyncState; testId?: string }) {
  return (
    <span className={`badge sync-${state}`} title={SYNC_HINT[state]} data-testid={testId}>
      {SYNC_LABEL[state]}
    </span>
  );
}
