// Who moved a record between stages and when, newest first.
import type { StageChange } from '../../../shared/domain';
import { stageChangeWhat, stageChangeWho } from '../ui/stageChangeWords';
import { When } from '../ui/When';

export function StageHistory({ history, testId }: { history: StageChange[]; testId: string }) {
  // the engine already answers newest first; sorting again keeps that true for any source
  const rows = [...history].sort((a, b) => (a.at === b.at ? b.id - a.id : a.at < b.at ? 1 : -1));
  if (rows.length === 0) return <p className="muted rec-none">No stage changes yet.</p>;
  return (
    <ol className="rec-history" data-testid={testId}>
      {rows.map((h) => (
        <li key={h.id} data-testid="history-entry">
          <span className="rec-history-move">{stageChangeWhat(h)}</span>
          {/* a space for whoever reads the text as one line (a screen reader, a copy) */}
          {' '}
          <span className="muted">
            {stageChangeWho(h)} · <When at={h.at} />
          </span>
        </li>
      ))}
    </ol>
  );
}
