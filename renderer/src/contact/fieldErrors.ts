// Turning validation results and engine errors into one short sentence shown beside the field
// at fault. Local checks use the very zod schemas the engine uses, so a value refused here would
// be refused there too, and a bad value never leaves the page.
import type { z } from 'zod';
import { ApiError } from '../../../shared/client';
import { withoutFieldLabel } from '../../../shared/fieldLabels';

export type Checked<T> = { ok: true; value: T } | { ok: false; message: string };

type Issue = z.core.$ZodIssue;

/** The most specific message of an issue: record-key failures keep theirs one level down. */
function issueMessage(issue: Issue): string {
  if (issue.code === 'invalid_key' || issue.code === 'invalid_element') {
    const inner = issue.issues[0];
    if (inner) return issueMessage(inner);
  }
  return issue.message;
}

/** Runs a shared schema over a value and answers with the parsed value or a labelled message. */
export function check<T>(schema: z.ZodType<T>, value: unknown, label: string): Checked<T> {
  const r = schema.safeParse(value);
  if (r.success) return { ok: true, value: r.data };
  const first = r.error.issues[0];
  return { ok: false, message: `${label}: ${first ? issueMessage(first) : 'is not valid'}` };
}

/**
 * An engine error as it reads beside a field: the engine starts a field's message with the
 * field's words ("Email: …"), which the label already says, and names records by their UUID, which
 * means nothing to a person.
 */
export function describeFieldError(e: unknown, label: string): string {
  if (e instanceof ApiError) {
    const rest = withoutFieldLabel(e.message, e.field)
      .replace(/\b(contact|company) [0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12} \(([^)]*)\)/i, '$1 “$2”');
    if (e.code === 'BUSY') return 'The local store is busy; try again in a moment.';
    if (e.code === 'DISK_FULL') return e.message; // about the disk, not the field
    if (e.code === 'INTERNAL') return 'Something went wrong inside Lead Console; nothing was changed.';
    return `${label}: ${rest}`;
  }
  return `${label}: ${e instanceof Error ? e.message : String(e)}`;
}

/** The id of the record that already holds an identity, from a CONFLICT error. */
export function existingIdOf(e: unknown): string | null {
  if (!(e instanceof ApiError) || e.code !== 'CONFLICT') return null;
  const id = e.details?.existingId;
  return typeof id === 'string' ? id : null;
}

/** The field an engine error names, without the `patch.` wrapper of update calls. */
export function fieldOf(e: unknown): string | null {
  if (!(e instanceof ApiError) || !e.field) return null;
  return e.field.replace(/^patch\./, '');
}
