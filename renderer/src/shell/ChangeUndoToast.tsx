// The undo offer after a change ("Stage of Ana Lima set to SQL · Undo"), and then the undo's
// result in words, in the toasts' corner. Tab reaches its button; `u` undoes from anywhere.
import { useClient } from '../state/ClientContext';
import { dismissOffer, dismissResult, holdOffer, undoChange, useChangeOffers, useChangeUndo } from '../state/changeUndo';
import { useShortcut } from '../state/shortcuts';

export function ChangeUndoToast() {
  const client = useClient();
  useChangeOffers();
  const offer = useChangeUndo((s) => s.offer);
  const result = useChangeUndo((s) => s.result);
  useShortcut('undo', () => (offer ? void undoChange(client, offer.id) : false), { enabled: Boolean(offer) });
  return (
    <>
      {result && (
        <div className={`toast ${result.ok ? 'toast-ok' : 'toast-error'}`} role={result.ok ? 'status' : 'alert'} data-testid="undo-result">
          <span>{result.text}</span>
          <button type="button" className="link" aria-label="Dismiss" onClick={dismissResult}>
            ×
          </button>
        </div>
      )}
      {offer && (
        <div
          className="toast change-undo"
          role="status"
          data-testid="change-undo"
          onMouseEnter={() => holdOffer(true)}
          onMouseLeave={() => holdOffer(false)}
          onFocus={() => holdOffer(true)}
          onBlur={() => holdOffer(false)}
        >
          <span>{offer.summary}</span>
          <button type="button" className="secondary" onClick={() => void undoChange(client, offer.id)} aria-keyshortcuts="u">
            Undo <kbd>u</kbd>
          </button>
          <button type="button" className="link" aria-label="Dismiss" onClick={dismissOffer}>
            ×
          </button>
        </div>
      )}
    </>
  );
}
