// Small pieces the import steps share: an error line that names its field, the encoding note,
// the counts of a job, and the roll-back confirmation.
import type { ImportJob } from '../../../shared/activity';
import { ApiError, type Client } from '../../../shared/client';
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

/** Whether to offer a roll-back: the engine says whether it would go ahead (`rollbackable`), and why not. */
export const canRollBack = (job: ImportJob) => (job.state === 'done' || job.state === 'interrupted') && job.rollbackable;

/** What the engine says a roll-back will do (its CONFIRM_REQUIRED details), as counts. */
interface RollbackPlan {
  contactsCreated: number;
  contactsInIntercom: number;
  companiesInIntercom: number;
  eventsInIntercom: number;
  updatesInIntercom: number;
}

const num = (v: unknown) => (typeof v === 'number' ? v : 0);

/** Asks the engine what a roll-back would do, without doing it: it answers CONFIRM_REQUIRED with the counts. */
async function rollbackPlan(client: Client, importId: string): Promise<RollbackPlan> {
  try {
    await client.call('import.rollback', { importId });
  } catch (e) {
    if (e instanceof ApiError && e.code === 'CONFIRM_REQUIRED') {
      const d = e.details ?? {};
      return {
        contactsCreated: num(d.contactsCreated),
        contactsInIntercom: num(d.contactsInIntercom),
        companiesInIntercom: num(d.companiesInIntercom),
        eventsInIntercom: num(d.eventsInIntercom),
        updatesInIntercom: num(d.updatesInIntercom),
      };
    }
    throw e;
  }
  throw new Error('The import was rolled back without asking; refresh the list');
}

/**
 * Asks in plain words what a roll-back does (what Intercom gets, what stays there), then rolls
 * back and says what it did, fields kept included. Returns the job after it, or null when the
 * user said no or the engine refused (the refusal is shown as a toast).
 */
export async function confirmAndRollBack(client: Client, job: ImportJob): Promise<ImportJob | null> {
  const noun = job.kind ? KIND_NOUN[job.kind] : 'record';
  const records = job.created + job.updated;
  let plan: RollbackPlan;
  try {
    plan = await rollbackPlan(client, job.id);
  } catch (e) {
    toast.error(e);
    return null;
  }
  const createdOther = job.kind === 'contacts' ? 0 : job.created - plan.contactsCreated;
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
          <ul data-testid="rollback-plan">
            {plan.contactsCreated > 0 && (
              <li data-testid="rollback-created">
                {plural(plan.contactsCreated, 'contact')} it created will be removed here
                {plan.contactsInIntercom > 0 ? `; ${plural(plan.contactsInIntercom, 'of them is', 'of them are')} in Intercom and will be archived there.` : '.'}
              </li>
            )}
            {createdOther > 0 && job.kind !== 'events' && <li>{plural(createdOther, noun)} it created will be removed, unless Intercom has them;</li>}
            {job.updated > 0 && (
              <li data-testid="rollback-updated">
                Fields, stages and links it changed get their earlier values back
                {plan.updatesInIntercom > 0 ? `, in Intercom too (${plural(plan.updatesInIntercom, 'record')} had reached it)` : ''}; fields changed
                since are kept, and listed afterwards.
              </li>
            )}
            {plan.companiesInIntercom > 0 && (
              <li data-testid="rollback-companies">
                {plural(plan.companiesInIntercom, 'company', 'companies')} it created {plan.companiesInIntercom === 1 ? 'is' : 'are'} in Intercom and will be
                deleted there, unless changed or linked to other contacts since: those stay, and the contacts it linked to them are unlinked.
              </li>
            )}
            {job.kind === 'events' && job.created > 0 && (
              <li data-testid="rollback-events">
                {plan.eventsInIntercom > 0
                  ? `${plural(plan.eventsInIntercom, 'event')} it sent to Intercom stay there: Intercom cannot remove events. The others are removed.`
                  : `${plural(job.created, 'event')} it recorded will be removed; none has reached Intercom yet.`}
              </li>
            )}
            {job.kind !== 'events' && plan.eventsInIntercom > 0 && (
              <li data-testid="rollback-events">{plural(plan.eventsInIntercom, 'event')} it sent to Intercom stay there: Intercom cannot remove events.</li>
            )}
          </ul>
        )}
        <p className="muted">Skipped and failed rows wrote nothing.</p>
      </>
    ),
    confirmLabel: records === 0 ? 'Roll back' : `Roll back ${plural(records, noun)}`,
    danger: true,
  });
  if (!ok) return null;
  try {
    const after = await rollBackImport(client, job.id);
    toast.ok(after.rollbackResult?.summary ?? `Rolled back “${job.fileName}”.`);
    return after;
  } catch (e) {
    toast.error(e);
    return null;
  }
}

/** What a roll-back did, and the fields it kept because they were changed since. */
export function RollbackResult({ job }: { job: ImportJob }) {
  const r = job.rollbackResult;
  if (!r) return null;
  return (
    <div className="import-rollback-result" data-testid="import-rollback-result">
      <p>{r.summary}</p>
      {r.kept.length > 0 && (
        <>
          <p>Changed since the import, so kept as they are:</p>
          <ul data-testid="import-rollback-kept">
            {r.kept.map((k) => (
              <li key={k}>{k}</li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}
