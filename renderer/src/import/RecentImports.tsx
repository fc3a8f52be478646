// The recent imports, newest first: state and counts of each, live while one runs. Interrupted
// ones can be resumed or rolled back here; an upload never started can be removed; a file that
// could not be read says why. Abandoned uploads do not pile up: of the unstarted uploads of one
// file only the latest is listed, and removed ones are not listed at all.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { ImportJob } from '../../../shared/activity';
import { useClient } from '../state/ClientContext';
import { describeError, toast } from '../state/toastStore';
import { useChanged } from '../state/useChanged';
import { CouldNotRead } from '../ui/CouldNotRead';
import { plural } from '../ui/labels';
import { When } from '../ui/When';
import { isOlder, openJob, resumeImport, useImportWizard } from './importWizard';
import { canRollBack, confirmAndRollBack } from './importParts';
import { KIND_LABEL, STATE_LABEL } from './importWords';

const LIMIT = 20;

const unstarted = (j: ImportJob) => j.state === 'uploading' || j.state === 'ready';

/** The list as shown: newest first, one unstarted upload per file name, none discarded. */
export function shownImports(items: readonly ImportJob[], keepId: string | null): ImportJob[] {
  const seen = new Set<string>();
  return items.filter((j) => {
    if (j.state === 'rolled_back' && j.startedAt === null) return false;
    if (!unstarted(j) || j.id === keepId) return true;
    if (seen.has(j.fileName)) return false;
    seen.add(j.fileName);
    return true;
  });
}

export function RecentImports() {
  const client = useClient();
  const wizardJobId = useImportWizard((s) => s.job?.id ?? null);
  const [items, setItems] = useState<ImportJob[] | null>(null);
  const [total, setTotal] = useState(0);
  const [error, setError] = useState<string | null>(null);
  const [acting, setActing] = useState<string | null>(null);
  const latest = useRef(0);
  const listed = useRef<ReadonlySet<string>>(new Set());
  listed.current = new Set(items?.map((j) => j.id));

  const reload = useCallback(async () => {
    const ask = ++latest.current;
    try {
      const r = await client.call('import.list', { limit: LIMIT });
      if (ask !== latest.current) return;
      setItems(r.items);
      setTotal(r.total);
      setError(null);
    } catch (e) {
      if (ask === latest.current) setError(describeError(e));
    }
  }, [client]);

  // the wizard's own job moving from state to state is news here even without an event
  const wizardJobState = useImportWizard((s) => (s.job ? `${s.job.id}:${s.job.state}` : ''));
  useEffect(() => void reload(), [reload, wizardJobState]);
  // progress events update the listed job in place; a job not listed yet means a new import
  useEffect(
    () =>
      client.on('import', (job) => {
        if (listed.current.has(job.id)) setItems((prev) => prev && prev.map((j) => (j.id === job.id && !isOlder(j, job, false) ? job : j)));
        else void reload();
      }),
    [client, reload],
  );
  useChanged(['import'], () => void reload(), { delay: 150 });

  const act = async (id: string, what: () => Promise<unknown>) => {
    setActing(id);
    try {
      await what();
    } catch (e) {
      toast.error(e);
    } finally {
      setActing(null);
      void reload();
    }
  };

  return (
    <section className="import-recent" aria-labelledby="import-recent-title" data-testid="import-recent">
      <h2 id="import-recent-title" className="import-recent-title">
        Recent imports
        {total > LIMIT && <span className="muted import-step-sub">the last {LIMIT} of {total.toLocaleString()}</span>}
      </h2>
      {error && <CouldNotRead what="recent imports" error={error} retry={() => void reload()} />}
      {items === null && !error && <p className="muted">Loading…</p>}
      {items?.length === 0 && (
        <p className="empty" data-testid="import-recent-empty">
          No imports yet. Every file you import is listed here with what it created, and can be rolled back from here.
        </p>
      )}
      {items && items.length > 0 && (
        <ol className="import-recent-list">
          {shownImports(items, wizardJobId).map((job) => (
            <li key={job.id} className="import-recent-item" data-testid="import-recent-item" data-state={job.state} data-id={job.id}>
              <div className="import-recent-main">
                <strong className="import-recent-file">{job.fileName}</strong>
                <span className={`badge import-state state-${job.state}`}>{STATE_LABEL[job.state]}</span>
                {job.id === wizardJobId && <span className="muted">shown above</span>}
              </div>
              <div className="muted import-recent-meta">
                {job.kind ? `${KIND_LABEL[job.kind]} · ` : ''}
                <When at={job.createdAt} />
                {job.rowsTotal > 0 && ` · ${plural(job.rowsTotal, 'row')}`}
              </div>
              {job.startedAt !== null && (
                <div className="import-recent-counts" data-testid="import-recent-counts">
                  {job.state === 'running' || job.state === 'interrupted' ? `${job.rowsDone.toLocaleString()} of ${plural(job.rowsTotal, 'row')} done · ` : ''}
                  {job.created.toLocaleString()} created · {job.updated.toLocaleString()} updated · {job.skipped.toLocaleString()} skipped · {job.failed.toLocaleString()} failed
                </div>
              )}
              {(job.state === 'failed' || job.state === 'interrupted') && job.error && (
                <p className="error import-recent-error" data-testid="import-recent-error">
                  {job.error}
                </p>
              )}
              <div className="import-recent-actions">
                {job.state === 'interrupted' && (
                  <>
                    <button
                      type="button"
                      disabled={acting !== null}
                      aria-label={`Resume ${job.fileName}`}
                      onClick={() =>
                        void act(job.id, async () => {
                          const after = await resumeImport(client, job.id);
                          await openJob(client, after);
                        })
                      }
                      data-testid="import-recent-resume"
                    >
                      Resume
                    </button>
                    {canRollBack(job) && (
                      <button
                        type="button"
                        className="secondary"
                        disabled={acting !== null}
                        aria-label={`Roll back ${job.fileName}`}
                        onClick={() => void act(job.id, () => confirmAndRollBack(client, job))}
                        data-testid="import-recent-rollback"
                      >
                        Roll back…
                      </button>
                    )}
                  </>
                )}
                {unstarted(job) && job.id !== wizardJobId && (
                  <button
                    type="button"
                    className="secondary"
                    disabled={acting !== null}
                    aria-label={job.state === 'uploading' ? `Remove the unfinished upload of ${job.fileName}` : `Remove the upload of ${job.fileName}`}
                    onClick={() =>
                      void act(job.id, async () => {
                        // nothing of it was written: discarding only removes the uploaded file
                        await client.call('import.rollback', { importId: job.id });
                        toast.ok(job.state === 'uploading' ? `Removed the unfinished upload of “${job.fileName}”.` : `Removed the upload of “${job.fileName}”.`);
                      })
                    }
                    data-testid="import-recent-remove"
                  >
                    Remove
                  </button>
                )}
                {/* an upload discarded before it started has no report */}
                {job.id !== wizardJobId && job.state !== 'failed' && job.state !== 'uploading' && !(job.state === 'rolled_back' && job.startedAt === null) && (
                  <button type="button" className="link" onClick={() => void openJob(client, job)} data-testid="import-recent-open">
                    {job.state === 'ready' ? 'Map and import' : job.state === 'running' || job.state === 'interrupted' ? 'Show progress' : 'Show report'}
                    {/* the visible words first, so the name a screen reader says matches what is shown */}
                    <span className="visually-hidden"> {job.fileName}</span>
                  </button>
                )}
              </div>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
