// Step 5: what the import did. Counts, the reasons rows were skipped or failed (with how many
// each), and those rows page by page with their row numbers as a spreadsheet shows them; the
// failed rows to download, fix and import again; then roll back, or another file.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { MethodOutput } from '../../../shared/api';
import { useClient } from '../state/ClientContext';
import { useNav } from '../state/navStore';
import { describeError, toast } from '../state/toastStore';
import { CouldNotRead } from '../ui/CouldNotRead';
import { deliverFile } from '../leads/bulkActions';
import { plural } from '../ui/labels';
import { When } from '../ui/When';
import { resetWizard, useImportWizard } from './importWizard';
import { canRollBack, confirmAndRollBack, JobCounts, RollbackResult } from './importParts';
import { groupReasons, KIND_LABEL, readableReason } from './importWords';

const PAGE = 50;
const ACTION_LABEL = { created: 'Created', updated: 'Updated', skipped: 'Skipped', failed: 'Failed' } as const;

type Report = MethodOutput<'import.report'>;

export function ReportStep() {
  const client = useClient();
  const openContact = useNav((s) => s.openContact);
  const openCompany = useNav((s) => s.openCompany);
  const job = useImportWizard((s) => s.job);
  const busy = useImportWizard((s) => s.busy);
  const [report, setReport] = useState<Report | null>(null);
  const [offset, setOffset] = useState(0);
  const [error, setError] = useState<string | null>(null);
  const [acting, setActing] = useState(false);
  const latest = useRef(0);

  const jobId = job?.id;
  // a roll-back (or a late event) changes the job: the report is read again then
  const version = job ? `${job.state}:${job.rowsDone}:${job.finishedAt ?? ''}` : '';
  const load = useCallback(async () => {
    if (!jobId) return;
    const ask = ++latest.current;
    try {
      const r = await client.call('import.report', { importId: jobId, action: ['skipped', 'failed'], limit: PAGE, offset });
      if (ask !== latest.current) return;
      setReport(r);
      setError(null);
    } catch (e) {
      if (ask === latest.current) setError(describeError(e));
    }
    // version: read again when the job moves
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [client, jobId, offset, version]);
  useEffect(() => void load(), [load]);

  if (!job) return null;
  const reasons = report ? groupReasons(report.reasons) : [];
  const reasonsCounted = reasons.reduce((n, r) => n + r.count, 0);
  const rolledBack = job.state === 'rolled_back';
  const rollBack = async () => {
    setActing(true);
    try {
      await confirmAndRollBack(client, job);
    } catch (e) {
      toast.error(e);
    } finally {
      setActing(false);
    }
  };

  const downloadFailed = async () => {
    setActing(true);
    try {
      await deliverFile(await client.call('import.failedRows', { importId: job.id }));
    } catch (e) {
      toast.error(e);
    } finally {
      setActing(false);
    }
  };

  return (
    <div className="import-step import-report" data-testid="import-report" data-state={job.state} role="group" aria-labelledby="import-report-title">
      <h2 id="import-report-title" className="import-step-title" tabIndex={-1}>
        {rolledBack ? 'Rolled back: ' : 'Imported: '}
        {job.fileName}
        <span className="muted import-step-sub">
          {job.kind ? KIND_LABEL[job.kind] : ''}
          {job.finishedAt ? (
            <>
              , finished <When at={job.finishedAt} />
            </>
          ) : (
            ''
          )}
        </span>
      </h2>
      {rolledBack && (
        <p className="banner import-rolled-back" role="status" data-testid="import-rolled-back">
          Everything this import wrote has been undone. The counts below are what it had done.
        </p>
      )}
      {rolledBack && <RollbackResult job={job} />}
      <JobCounts job={job} testId="import-summary" />

      {error && <CouldNotRead what="import report" error={error} retry={() => void load()} />}
      {reasons.length > 0 && (
        <>
          <h3 className="import-subtitle">Why rows were skipped or failed</h3>
          <ul className="import-reasons" data-testid="import-reasons">
            {reasons.map((r) => (
              <li key={r.reason} data-testid="import-reason">
                <span className="import-reason-count">{r.count.toLocaleString()}</span> {r.reason}
              </li>
            ))}
          </ul>
          {job.failed > 0 && (
            <p className="import-failed-download">
              <button type="button" className="secondary" onClick={() => void downloadFailed()} disabled={acting} data-testid="import-failed-download">
                Download failed rows
              </button>
              <span className="muted"> The {plural(job.failed, 'row')} as they were in the file, with a Reason column: fix them and import the file again.</span>
            </p>
          )}
          {reasonsCounted < job.skipped + job.failed && (
            <p className="muted import-note">
              The most common reasons, for {reasonsCounted.toLocaleString()} of {plural(job.skipped + job.failed, 'row')}; the list below has every row.
            </p>
          )}
        </>
      )}
      {report && report.total > 0 && (
        <>
          <h3 className="import-subtitle">Skipped and failed rows</h3>
          <table className="import-table import-report-rows" data-testid="import-report-rows" aria-label="Skipped and failed rows">
            <thead>
              <tr>
                <th scope="col">Row</th>
                <th scope="col">What happened</th>
                <th scope="col">Why</th>
                <th scope="col">
                  <span className="visually-hidden">Record</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {report.items.map((line) => (
                <tr key={`${line.row}-${line.action}`} data-testid="import-report-row" data-row={line.row} data-action={line.action}>
                  <td className="num">{line.row.toLocaleString()}</td>
                  <td className={line.action === 'failed' ? 'error' : undefined}>{ACTION_LABEL[line.action]}</td>
                  <td>{line.reason ? readableReason(line.reason, line.entityType) : ''}</td>
                  <td className="import-open-record">
                    {line.entityId && !rolledBack && (line.entityType === 'contact' || line.entityType === 'company') && (
                      <button
                        type="button"
                        className="link"
                        onClick={() => (line.entityType === 'contact' ? openContact(line.entityId!) : openCompany(line.entityId!))}
                        aria-label={`Open the ${line.entityType} row ${line.row} matched`}
                      >
                        Open {line.entityType}
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {report.total > PAGE && (
            <div className="import-pager">
              <button type="button" className="secondary" onClick={() => setOffset(Math.max(0, offset - PAGE))} disabled={offset === 0}>
                Previous
              </button>
              <span className="muted">
                Rows {(offset + 1).toLocaleString()}–{Math.min(report.total, offset + PAGE).toLocaleString()} of {report.total.toLocaleString()}
              </span>
              <button type="button" className="secondary" onClick={() => setOffset(offset + PAGE)} disabled={offset + PAGE >= report.total}>
                Next
              </button>
            </div>
          )}
        </>
      )}
      {report && report.total === 0 && !rolledBack && (
        <p className="muted" data-testid="import-all-rows">
          Every row was imported: none was skipped and none failed.
        </p>
      )}

      <div className="import-actions">
        {canRollBack(job) && (
          <button type="button" className="secondary" onClick={() => void rollBack()} disabled={acting || busy} data-testid="import-rollback">
            Roll back this import…
          </button>
        )}
        <span className="import-actions-note" />
        <button type="button" onClick={resetWizard} autoFocus data-testid="import-another">
          Import another file
        </button>
      </div>
      {!rolledBack && job.created + job.updated > 0 && (
        <p className="muted import-note" data-testid="import-rollback-note">
          {job.rollbackable
            ? `A roll-back undoes all ${plural(job.created + job.updated, 'record')} at once, in Intercom too. ${job.rollbackWarning ?? ''}`.trim()
            : job.rollbackBlockedReason}
        </p>
      )}
    </div>
  );
}
