// The one toast region: bottom right, left of an open record panel so it never covers the panel's
// actions; the newest three show, older ones fold into "N older". The bulk undo offer stands in
// the same stack.
import { useEffect, useState } from 'react';
import { UndoOffer } from '../leads/BulkBar';
import { useBulkUndo } from '../leads/bulkActions';
import { useToasts } from '../state/toastStore';
import { useChangeUndo } from '../state/changeUndo';
import { ChangeUndoToast } from './ChangeUndoToast';

/** How many stand in the corner at once, the undo offer included. */
export const VISIBLE_TOASTS = 3;

export function Toasts() {
  const toasts = useToasts((s) => s.toasts);
  const dismiss = useToasts((s) => s.dismiss);
  const offer = useBulkUndo((s) => s.offer !== null);
  const changeToasts = useChangeUndo((s) => (s.offer ? 1 : 0) + (s.result ? 1 : 0));
  const [expanded, setExpanded] = useState(false);
  const room = Math.max(1, VISIBLE_TOASTS - (offer ? 1 : 0) - changeToasts);
  // unfolded until the stack is short again; the next pile folds anew
  useEffect(() => {
    if (toasts.length <= room) setExpanded(false);
  }, [toasts.length, room]);
  const folded = expanded ? 0 : Math.max(0, toasts.length - room);
  return (
    <div className="toasts" aria-live="polite" data-testid="toasts">
      {folded > 0 && (
        <button type="button" className="toast-more link" onClick={() => setExpanded(true)} data-testid="toasts-folded">
          {folded} older
        </button>
      )}
      {expanded && toasts.length > room && (
        <button type="button" className="toast-more link" onClick={() => setExpanded(false)}>
          Show fewer
        </button>
      )}
      {toasts.slice(folded).map((t) => (
        <div key={t.id} className={`toast toast-${t.kind}`} role={t.kind === 'error' ? 'alert' : 'status'} data-testid="toast" data-toast-id={String(t.id)}>
          <span>{t.text}</span>
          <button type="button" className="link" aria-label="Dismiss" onClick={() => dismiss(t.id)}>
            ×
          </button>
        </div>
      ))}
      <ChangeUndoToast />
      <UndoOffer />
    </div>
  );
}
