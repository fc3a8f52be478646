// Step 4: the run, as the engine's `import` events tell it: rows done, rows per second, time left.
// It runs in the engine, so the rest of the app stays usable; Pause stops it between rows, and an
// interrupted import is resumed or rolled back from here (or from the recent list).
import { useEffect, useState } from 'react';
import { useClient } from '../state/ClientContext';
import { toast } from '../state/toastStore';
import { formatEta, plural } from '../ui/labels';
import { pauseImport, refreshJob, resumeImport, useImportWizard } from './importWizard';
import { canRollBack, confirmAndRollBack, ErrorLine, JobCounts } from './importParts';
import { formatRate, KIND_LABEL, STATE_LABEL } from './importWords';

/** Without an event for this long, the engine is asked directly (events are throttled, and may be missed). */
const QUIET_MS = 5000;

export function ProgressStep() {
  const client = useClient();
  const job = useImportWizard((s) => s.job);
  const busy = useImportWizard((s) => s.busy);
  const [acting, setActing] = useState(false);

  const running = job?.state === 'running';
  const rowsDone = job?.rowsDone;
  useEffect(() => {
    if (!running) return;
    const t = setTimeout(() => void refreshJob(client), QUIET_MS);
    return () => clearTimeout(t);
  }, [client, running, rowsDone]);

  if (!job) return null;
  const act = async (what: () => Promise<unknown>) => {
    setActing(true);
    try {
      await what();
    } catch (e) {
      toast.error(e);
    } finally {
      setActing(false);
    }
  };
  const pct = job.rowsTotal > 0 ? Math.min(100, Math.floor((job.rowsDone / job.rowsTotal) * 100)) : 0;

  return (
    <div className="import-step import-run" data-testid="import-progress" data-state={job.state} aria-labelledby="import-run-title" role="group">
      <h2 id="import-run-title" className="import-step-title" tabIndex={-1}>
        {job.fileName}
        <span className="muted import-step-sub">{job.kind ? KIND_LABEL[job.kind] : ''}</span>
        <span className={`badge import-state state-${job.state}`}>{STATE_LABEL[job.state]}</span>
      </h2>
      <progress className="import-progress" value={job.rowsDone} max={Math.max(1, job.rowsTotal)} aria-label="Import progress" aria-valuetext={`${pct}%`} />
      <p className="import-progress-text" aria-live="polite" data-testid="import-progress-text">
        {job.rowsDone.toLocaleString()} of {plural(job.rowsTotal, 'row')} ({pct}%)
        {running && job.rowsPerSecond !== null && <> · {formatRate(job.rowsPerSecond)}</>}
        {running && job.etaMs !== null && <> · {formatEta(job.etaMs)}</>}
      </p>
      <JobCounts job={job} testId="import-run-counts" />
      {running ? (
        <>
          <p className="muted import-note">You can keep working on other screens: the import goes on, and Import shows it again when you come back.</p>
          <div className="import-actions">
            <button type="button" className="secondary" onClick={() => void act(() => pauseImport(client, job.id))} disabled={acting || busy} data-testid="import-pause">
              Pause
            </button>
          </div>
        </>
      ) : job.state === 'interrupted' ? (
        <>
          <p className="warn import-note" data-testid="import-interrupted-note">
            Stopped after row {job.rowsDone.toLocaleString()}. Resume to import the rest, or roll back what it wrote so far.
          </p>
          {job.error && <ErrorLine error={{ message: job.error }} testId="import-run-error" />}
          <div className="import-actions">
            {canRollBack(job) && (
              <button type="button" className="secondary" onClick={() => void act(() => confirmAndRollBack(client, job))} disabled={acting || busy} data-testid="import-rollback">
                Roll back…
              </button>
            )}
            <button type="button" onClick={() => void act(() => resumeImport(client, job.id))} disabled={acting || busy} autoFocus data-testid="import-resume">
              Resume
            </button>
          </div>
        </>
      ) : null}
    </div>
  );
}
