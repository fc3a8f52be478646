// Who moved a record between stages and when, newest first; a move made by a journalled change
// offers that change's undo while it can be done, and says why not when it no longer can.
import type { ChangeRecord } from '../../../shared/api';
import type { StageChange } from '../../../shared/domain';
import { stageChangeWhat, stageChangeWho } from '../ui/stageChangeWords';
import { When } from '../ui/When';

export function StageHistory({
  history,
  testId,
  changes = [],
  onUndo,
}: {
  history: StageChange[];
  testId: string;
  /** The record's journalled changes: the moves they made offer their undo. */
  changes?: ChangeRecord[];
  onUndo?: (changeId: string) => void;
}) {
  // the engine already answers newest first; sorting again keeps that true for any source
  const rows = [...history].sort((a, b) => (a.at === b.at ? b.id - a.id : a.at < b.at ? 1 : -1));
  const byHistory = new Map<number, ChangeRecord>();
  for (const c of changes) if (c.kind !== 'undo') for (const h of c.historyIds) byHistory.set(h, c);
  if (rows.length === 0) return <p className="muted rec-none">No stage changes yet.</p>;
  return (
    <ol className="rec-history" data-testid={testId}>
      {rows.map((h) => {
        const change = byHistory.get(h.id);
        return (
          <li key={h.id} data-testid="history-entry">
            <span className="rec-history-move">{stageChangeWhat(h)}</span>
            {/* a space for whoever reads the text as one line (a screen reader, a copy) */}
            {' '}
            <span className="muted">
              {stageChangeWho(h)} · <When at={h.at} />
            </span>
            {change && !change.undoneAt && onUndo && (
              <span className="rec-history-undo">
                {change.undoable ? (
                  <button type="button" className="link" onClick={() => onUndo(change.id)} aria-label={`Undo: ${change.summary}`} data-testid="history-undo">
                    Undo
                  </button>
                ) : (
                  <span className="muted">Cannot be undone: {change.undoBlockedReason}</span>
                )}
              </span>
            )}
          </li>
        );
      })}
    </ol>
  );
}
