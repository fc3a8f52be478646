// The changes made to one record here (edits, links, stages, its creation), newest first, each
// with its undo while it can be done and the reason in words when it no longer can.
import type { ChangeRecord } from '../../../shared/api';
import { formatDateTime, formatRelative } from '../ui/labels';

const SHOWN = 10;

export function RecordChanges({ changes, onUndo, testId }: { changes: ChangeRecord[]; onUndo: (changeId: string) => void; testId: string }) {
  const shown = changes.slice(0, SHOWN);
  if (shown.length === 0) return <p className="muted rec-none">No changes made here yet.</p>;
  return (
    <ol className="rec-history" data-testid={testId}>
      {shown.map((c) => (
        <li key={c.id} data-testid="record-change">
          <span>{c.summary}</span>
          <span className="muted">
            {c.actor} · <time dateTime={c.createdAt} title={formatDateTime(c.createdAt)}>{formatRelative(c.createdAt)}</time>
            {c.undoneAt && <> · undone {formatRelative(c.undoneAt)}</>}
          </span>
          {!c.undoneAt && c.kind !== 'undo' && (
            <span className="rec-history-undo">
              {c.undoable ? (
                <button type="button" className="link" onClick={() => onUndo(c.id)} aria-label={`Undo: ${c.summary}`}>
                  Undo
                </button>
              ) : (
                <span className="muted">Cannot be undone: {c.undoBlockedReason}</span>
              )}
            </span>
          )}
        </li>
      ))}
    </ol>
  );
}
