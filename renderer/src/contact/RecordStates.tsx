// What a record panel shows before it has the record: loading, a load error with Retry, or
// "no longer exists". Shared by the lead page and the company page.
import { ApiError } from '../../../shared/client';
import { useNav } from '../state/navStore';
import type { RecordState } from './useRecord';

const WHAT = { contact: 'contact', company: 'company' } as const;

/** Renders the panel while `rec` has no data (or the record is gone); null once it has. */
export function RecordStates<T>({ kind, rec, goneText }: { kind: keyof typeof WHAT; rec: RecordState<T>; goneText: string }) {
  const closePanel = useNav((s) => s.closePanel);
  const what = WHAT[kind];
  if (rec.gone) {
    return (
      <div className="rec rec-gone" data-testid={`${kind}-gone`}>
        <div className="rec-head">
          <h2>{what === 'contact' ? 'Contact' : 'Company'} not found</h2>
          <CloseButton onClose={closePanel} />
        </div>
        <p role="alert">{goneText}</p>
      </div>
    );
  }
  if (rec.data) return null;
  return (
    <div className="rec" aria-busy={rec.loading}>
      <div className="rec-head">
        <h2 className="muted">{rec.error ? `Could not load the ${what}` : 'Loading…'}</h2>
        <CloseButton onClose={closePanel} />
      </div>
      {rec.error !== null && <LoadError error={rec.error} onRetry={() => void rec.reload()} />}
    </div>
  );
}

export function CloseButton({ onClose }: { onClose: () => void }) {
  return (
    <button type="button" className="secondary rec-close" aria-label="Close" title="Close (Esc)" onClick={onClose}>
      ×
    </button>
  );
}

export function LoadError({ error, onRetry }: { error: unknown; onRetry: () => void }) {
  return (
    <p className="field-error rec-load-error" role="alert">
      {error instanceof ApiError || error instanceof Error ? error.message : 'Could not load.'}{' '}
      <button type="button" className="link" onClick={onRetry}>
        Retry
      </button>
    </p>
  );
}
