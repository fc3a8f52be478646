// Words for the import screen: what each kind, target, duplicate mode and state is called, in one
// place, so the wizard, the recent list and the tests read the same labels.
import { IMPORT_TARGETS, type DuplicateMode, type ImportJob, type ImportKind } from '../../../shared/activity';

export const KIND_LABEL: Record<ImportKind, string> = {
  contacts: 'Contacts',
  companies: 'Companies with their users',
  events: 'Activity events (page views …)',
};

/** What a row of each kind becomes, for sentences ("3 contacts created"). */
export const KIND_NOUN: Record<ImportKind, string> = { contacts: 'contact', companies: 'record', events: 'event' };

type Target = (typeof IMPORT_TARGETS)[ImportKind][number];

export const TARGET_LABEL: Record<Target, string> = {
  email: 'Email',
  name: 'Name',
  phone: 'Phone',
  role: 'Role',
  stage: 'Stage',
  visitorId: 'Visitor id',
  externalId: 'User id',
  createdAt: 'Created at',
  companyExternalId: 'Company id',
  companyName: 'Company name',
  companies: 'Companies (names separated by ;)',
  owner: 'Owner (email or name of a team member)',
  tags: 'Tags (separated by commas)',
  plan: 'Plan',
  monthlySpend: 'Monthly spend',
  companyStage: 'Company stage',
  eventName: 'Event name',
  at: 'Time',
  referrer: 'Referrer',
  landingPage: 'Landing page',
};

export const ATTRIBUTE_PREFIX = 'attribute:';
export const METADATA_PREFIX = 'metadata:';

/** A mapping target in words: "Email", "Custom attribute “plan_tier”", "Ignore". */
export function describeTarget(target: string): string {
  if (target === 'ignore') return 'Ignore';
  if (target.startsWith(ATTRIBUTE_PREFIX)) return `Custom attribute “${target.slice(ATTRIBUTE_PREFIX.length)}”`;
  if (target.startsWith(METADATA_PREFIX)) return `Event metadata “${target.slice(METADATA_PREFIX.length)}”`;
  return (TARGET_LABEL as Record<string, string>)[target] ?? target;
}

export interface TargetOption {
  value: string;
  label: string;
}

/**
 * The choices for one file column: the kind's fields, then "keep it under its own name" (a
 * custom attribute, or event metadata for events), then Ignore. A guessed target outside that
 * list (an attribute under another name) stays selectable, so the guess is never lost.
 */
export function targetOptions(kind: ImportKind, column: string, current: string | undefined): TargetOption[] {
  const options: TargetOption[] = IMPORT_TARGETS[kind].map((t) => ({ value: t, label: TARGET_LABEL[t] }));
  const keep = kind === 'events' ? `${METADATA_PREFIX}${column}` : `${ATTRIBUTE_PREFIX}${column}`;
  // kept under the column's own name (the row says which column that is)
  options.push({ value: keep, label: kind === 'events' ? 'Event metadata' : 'Custom attribute' });
  if (current && current !== 'ignore' && !options.some((o) => o.value === current)) options.push({ value: current, label: describeTarget(current) });
  options.push({ value: 'ignore', label: 'Ignore this column' });
  return options;
}

export const DUPLICATE_LABEL: Record<DuplicateMode, string> = {
  skip: 'Skip',
  update: 'Update',
  create: 'Create anyway',
};

export const DUPLICATE_HINT: Record<DuplicateMode, string> = {
  skip: 'Leave the existing record as it is and skip the row (the report lists it).',
  update: 'Fill the existing record with the row’s values; empty cells change nothing.',
  create: 'Add a new record even when one matches.',
};

/** Which keys find a duplicate, per kind, in the order they are tried. */
export const DUPLICATE_KEYS: Record<ImportKind, string> = {
  contacts: 'A row matches an existing contact (or an earlier row of the file) by visitor id, then user id, then email (trimmed, lower case).',
  companies:
    'A company matches by its company id; its users match by visitor id, then user id, then email (trimmed, lower case).',
  events: 'An event matches one with the same person, name and time (to the second); the person is found by visitor id, user id or email.',
};

export const STATE_LABEL: Record<ImportJob['state'], string> = {
  uploading: 'Uploading',
  ready: 'Ready to map',
  running: 'Running',
  interrupted: 'Interrupted',
  done: 'Done',
  rolled_back: 'Rolled back',
  failed: 'Could not be read',
};

/** Files the wizard accepts, by extension (the engine reads the content, this only guards typos). */
export const ACCEPTED_EXTENSIONS = ['.csv', '.tsv', '.txt', '.jsonl', '.ndjson'] as const;

export function hasAcceptedExtension(fileName: string): boolean {
  const lower = fileName.toLowerCase();
  return ACCEPTED_EXTENSIONS.some((ext) => lower.endsWith(ext));
}

/** "1.2 MB", "340 KB", "12 bytes". */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n.toLocaleString()} ${n === 1 ? 'byte' : 'bytes'}`;
  if (n < 1024 * 1024) return `${(n / 1024).toLocaleString(undefined, { maximumFractionDigits: 0 })} KB`;
  return `${(n / (1024 * 1024)).toLocaleString(undefined, { maximumFractionDigits: 1 })} MB`;
}

/** Rows (or anything) per second, rounded to what a person reads: "1,240 rows/s", "0.5 rows/s". */
export function formatRate(perSecond: number): string {
  const digits = perSecond < 10 ? 1 : 0;
  return `${perSecond.toLocaleString(undefined, { maximumFractionDigits: digits })} rows/s`;
}

const RECORD_ID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;
const RECORD_ID_OF_ROW = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12} \(row (\d+)\)/gi;

/**
 * A report reason in words a salesperson reads: the engine names the record a row matched by its
 * local id ("duplicate of 8904b580-… (row 1) by email"); the row it came from, or "an existing
 * contact", says the same without the id (the row's own line links to the record).
 */
export function readableReason(reason: string, entityType: 'contact' | 'company' | 'event' | null): string {
  return reason.replace(RECORD_ID_OF_ROW, 'row $1').replace(RECORD_ID, `an existing ${entityType ?? 'record'}`);
}

/** A record the engine left out of a grouped reason ("duplicate of … by email"). */
const ELIDED_RECORD = /(^|\s)…(?=\s|$)/g;

/**
 * Reasons as a summary: which record and which row left out, so rows skipped for the same cause
 * are counted together ("duplicate of a record by email": 12). The engine groups them the same
 * way; this also keeps a list from an engine that names records readable.
 */
export function groupReasons(reasons: { reason: string; count: number }[]): { reason: string; count: number }[] {
  const byText = new Map<string, number>();
  for (const r of reasons) {
    const text = r.reason.replace(RECORD_ID_OF_ROW, 'a record').replace(RECORD_ID, 'a record').replace(ELIDED_RECORD, '$1a record');
    byText.set(text, (byText.get(text) ?? 0) + r.count);
  }
  return [...byText].map(([reason, count]) => ({ reason, count })).sort((a, b) => b.count - a.count || a.reason.localeCompare(b.reason));
}
