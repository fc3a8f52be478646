// Who moved a record between stages and when, newest first.
import type { StageChange } from '../../../shared/domain';
import { COMPANY_STAGE_LABEL, CONTACT_STAGE_LABEL, formatDateTime } from '../ui/labels';

const LABELS: Record<string, string> = { ...CONTACT_STAGE_LABEL, ...COMPANY_STAGE_LABEL };
const stageName = (s: string | null) => (s === null ? 'No stage' : (LABELS[s] ?? s));

export function StageHistory({ history, testId }: { history: StageChange[]; testId: string }) {
  // the engine already answers newest first; sorting again keeps that true for any source
  const rows = [...history].sort((a, b) => (a.at === b.at ? b.id - a.id : a.at < b.at ? 1 : -1));
  if (rows.length === 0) return <p className="muted rec-none">No stage changes yet.</p>;
  return (
    <ol className="rec-history" data-testid={testId}>
      {rows.map((h) => (
        <li key={h.id} data-testid="history-entry">
          <span className="rec-history-move">
            {h.fromStage === null ? (
              <>Created at {stageName(h.toStage)}</>
            ) : (
              <>
                {stageName(h.fromStage)} → {stageName(h.toStage)}
              </>
            )}
          </span>
          <span className="muted">
            {h.actor} · <time dateTime={h.at}>{formatDateTime(h.at)}</time> · {h.source === 'local' ? 'Local' : 'Intercom'}
          </span>
        </li>
      ))}
    </ol>
  );
}
