// Small pieces the import steps share: an error line that names its field, the encoding note,
// the counts of a job, and the roll-back confirmation.
import type { ImportJob } from '../../../shared/activity';
import type { Client } from '../../../shared/client';
import { toast } from '../state/toastStore';
import { confirmAction } from '../ui/Dialog';
import { plural } from '../ui/labels';
import { rollBackImport, type WizardError } from './importWizard';
import { KIND_NOUN } from './importWords';

/** An error from the engine: its message says in words what it is about (the field's path stays in data-field). */
export function ErrorLine({ error, testId = 'import-error' }: { error: WizardError; testId?: string }) {
  return (
    <p className="error import-error" role="alert" data-testid={testId} data-field={error.field}>
      {error.message}
    </p>
  );
}

/** "Read as Windows-1252 …": bytes were not UTF-8, so the user checks names with accents. */
export function EncodingNote({ job }: { job: ImportJob }) {
  if (!job.encodingNote) return null;
  return (
    <p className="banner import-encoding" role="note" data-testid="import-encoding-note">
      <strong>Encoding:</strong> {job.encodingNote}
    </p>
  );
}

/** Created / updated / skipped / failed, as a definition list the tests and screen readers can read. */
export function JobCounts({ job, testId }: { job: ImportJob; testId?: string }) {
  return (
    <dl className="import-counts" data-testid={testId}>
      <div data-count="created">
        <dt>Created</dt>
        <dd>{job.created.toLocaleString()}</dd>
      </div>
      <div data-count="updated">
        <dt>Updated</dt>
        <dd>{job.updated.toLocaleString()}</dd>
      </div>
      <div data-count="skipped">
        <dt>Skipped</dt>
        <dd>{job.skipped.toLocaleString()}</dd>
      </div>
      <div data-count="failed" className={job.failed > 0 ? 'error' : undefined}>
        <dt>Failed</dt>
        <dd>{job.failed.toLocaleString()}</dd>
      </div>
    </dl>
  );
}

/** Whether the engine may still undo the import (it refuses, with its reason, once any reached Intercom). */
export const canRollBack = (job: ImportJob) => job.state === 'done' || job.state === 'interrupted';

/**
 * Asks in plain words how much a roll-back undoes, then rolls back. Returns the job after it, or
 * null when the user said no or the engine refused (the refusal is shown as a toast).
 */
export async function confirmAndRollBack(client: Client, job: ImportJob): Promise<ImportJob | null> {
  const noun = job.kind ? KIND_NOUN[job.kind] : 'record';
  const records = job.created + job.updated;
  const ok = await confirmAction({
    title: 'Roll back this import?',
    body: (
      <>
        <p data-testid="rollback-summary">
          {records === 0
            ? `“${job.fileName}” has not written anything yet; rolling it back closes it.`
            : `This undoes ${plural(records, noun)} from “${job.fileName}”, as one change:`}
        </p>
        {records > 0 && (
          <ul>
            {job.created > 0 && <li>{plural(job.created, noun)} it created will be removed;</li>}
            {job.updated > 0 && <li>{plural(job.updated, noun)} it updated get their earlier values back.</li>}
          </ul>
        )}
        <p className="muted">Skipped and failed rows wrote nothing. Possible only while none of it has reached Intercom.</p>
      </>
    ),
    confirmLabel: records === 0 ? 'Roll back' : `Roll back ${plural(records, noun)}`,
    danger: true,
  });
  if (!ok) return null;
  try {
    const after = await rollBackImport(client, job.id);
    toast.ok(`Rolled back “${job.fileName}”: ${plural(records, noun)} undone.`);
    return after;
  } catch (e) {
    toast.error(e);
    return null;
  }
}
