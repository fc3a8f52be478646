// The recent imports, newest first: state and counts of each, live while one runs. Interrupted
// ones can be resumed or rolled back here; an upload that never finished can be removed; a file
// that could not be read says why.
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
          {items.map((job) => (
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
                {job.state === 'uploading' && job.id !== wizardJobId && (
                  <button
                    type="button"
                    className="secondary"
                    disabled={acting !== null}
                    aria-label={`Remove the unfinished upload of ${job.fileName}`}
                    onClick={() =>
                      void act(job.id, async () => {
                        // nothing of it was written: discarding only removes what arrived of the file
                        await client.call('import.rollback', { importId: job.id });
                        toast.ok(`Removed the unfinished upload of “${job.fileName}”.`);
                      })
                    }
                    data-testid="import-recent-remove"
                  >
                    Remove
                  </button>
                )}
                {/* an upload discarded before it started has no report */}
                {job.id !== wizardJobId && job.state !== 'failed' && job.state !== 'uploading' && !(job.state === 'rolled_back' && job.startedAt === null) && (
                  <button type="button" className="link" aria-label={`Open ${job.fileName}`} onClick={() => void openJob(client, job)} data-testid="import-recent-open">
                    {job.state === 'ready' ? 'Map and import' : job.state === 'running' || job.state === 'interrupted' ? 'Show progress' : 'Show report'}
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
