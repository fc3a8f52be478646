// The records the console works with, as zod schemas and their types. Pure: no node, DOM or
// electron imports, so the renderer and the main process share the exact same rules.
import { z } from 'zod';
import { COMPANY_STAGES, CONTACT_STAGES, MESSAGE_HOLD_MS, ROLES, SYNC_STATES } from './values';

export { COMPANY_STAGES, CONTACT_STAGES, ROLES, SYNC_STATES };

export const ContactStage = z.enum(CONTACT_STAGES);
export const CompanyStage = z.enum(COMPANY_STAGES);
export const Role = z.enum(ROLES);
/**
 * local: Intercom has never seen this record; pending: known to Intercom, local changes wait;
 * synced: nothing waits; failed: an outbox entry for it was refused by Intercom.
 */
export const SyncState = z.enum(SYNC_STATES);

export type ContactStage = z.infer<typeof ContactStage>;
export type CompanyStage = z.infer<typeof CompanyStage>;
export type Role = z.infer<typeof Role>;
export type SyncState = z.infer<typeof SyncState>;

/** Position in the funnel; a lower rank after a higher one is a demotion and needs confirming. */
/**
 * The rule that a contact has an email or a name: its code (what a screen matches on; it reaches
 * the caller as an issue's `params.rule` and an error's `details.rule`) and its words.
 */
export const EMAIL_OR_NAME = { rule: 'emailOrName', message: 'a contact needs an email or a name' } as const;
/** The rule as a schema refinement's options: filed under email, its code in the issue's params. */
export const EMAIL_OR_NAME_ISSUE = { message: EMAIL_OR_NAME.message, path: ['email'], params: { rule: EMAIL_OR_NAME.rule } };

export const CONTACT_STAGE_RANK: Record<ContactStage, number> = { lead: 0, signed_up: 1 };
export const COMPANY_STAGE_RANK: Record<CompanyStage, number> = { sql: 0, customer: 1 };

// Any C0/C1 control character (tab, newline, NUL, escape ...) is refused in single-line fields.
// eslint-disable-next-line no-control-regex
const CONTROL_CHARS = /[\u0000-\u001f\u007f-\u009f]/;

/** A single-line human text field: trimmed, bounded, no control characters. */
export function text(max: number) {
  return z
    .string()
    .trim()
    .max(max, { message: `must be at most ${max} characters` })
    .refine((s) => !CONTROL_CHARS.test(s), { message: 'must not contain control characters' });
}

/** An identifier from another system (visitor cookie, the customer's user or company id). */
export const ExternalRef = z
  .string()
  .trim()
  .min(1, { message: 'must not be empty' })
  .max(255, { message: 'must be at most 255 characters' })
  .refine((s) => !CONTROL_CHARS.test(s), { message: 'must not contain control characters' });

/** Emails are trimmed and lower-cased before they are checked or stored. */
export const Email = z
  .string()
  .trim()
  .toLowerCase()
  .max(254, { message: 'must be at most 254 characters' })
  .pipe(z.email({ message: 'is not a valid email address' }));

export function normalizeEmail(raw: string): string {
  return raw.trim().toLowerCase();
}

export const Name = text(200).pipe(z.string().min(1, { message: 'must not be empty' }));
export const Phone = z
  .string()
  .trim()
  .max(40, { message: 'must be at most 40 characters' })
  .regex(/^\+?[0-9 ()./-]*$/, { message: 'may contain only digits, spaces and + ( ) - . /' })
  .refine((s) => (s.match(/[0-9]/g)?.length ?? 0) >= 4, { message: 'must contain at least 4 digits' });

export const LocalId = z.uuid({ message: 'must be a local id (UUID)' });

const AttributeKey = z
  .string()
  .min(1, { message: 'attribute names must not be empty' })
  .max(190, { message: 'attribute names must be at most 190 characters' })
  // eslint-disable-next-line no-control-regex -- control characters are exactly what this rejects
  .regex(/^[^\u0000-\u001f\u007f-\u009f.$[\]]+$/, { message: 'attribute names must not contain . $ [ ] or control characters' });
const AttributeValue = z.union([z.string().max(1000, { message: 'must be at most 1000 characters' }), z.number().finite(), z.boolean(), z.null()]);

/** Flat custom attributes, as Intercom accepts them: scalar values only. */
export const CustomAttributes = z
  .record(AttributeKey, AttributeValue)
  .refine((o) => Object.keys(o).length <= 100, { message: 'at most 100 custom attributes' });
export type CustomAttributes = z.infer<typeof CustomAttributes>;

export const Timestamp = z.iso.datetime({ message: 'must be an ISO 8601 UTC time' });

export const CompanyRef = z.object({
  id: z.string(),
  externalId: z.string().nullable(),
  name: z.string(),
  stage: CompanyStage.nullable(),
});
export type CompanyRef = z.infer<typeof CompanyRef>;

export const ContactRef = z.object({
  id: z.string(),
  name: z.string().nullable(),
  email: z.string().nullable(),
  role: Role,
  stage: ContactStage,
});
export type ContactRef = z.infer<typeof ContactRef>;

export const Contact = z.object({
  id: z.string(),
  role: Role,
  email: z.string().nullable(),
  name: z.string().nullable(),
  phone: z.string().nullable(),
  visitorId: z.string().nullable(),
  externalId: z.string().nullable(),
  intercomId: z.string().nullable(),
  stage: ContactStage,
  customAttributes: CustomAttributes,
  /** The contact asked for no more emails (Intercom's unsubscribed_from_emails): every email send skips it. */
  unsubscribedFromEmails: z.boolean(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
  lastActivityAt: Timestamp.nullable(),
  syncState: SyncState,
  /** The Intercom admin who owns the contact (its id, as `owner_id`), or null. */
  ownerId: z.string().nullable(),
  /** When it was archived (hidden from the table, search, counts and segments), or null. */
  archivedAt: Timestamp.nullable(),
});
export type Contact = z.infer<typeof Contact>;

/** A tag's name as Intercom takes it: one line, at most 190 characters (names are case-insensitive there). */
export const TagName = text(190).pipe(z.string().min(1, { message: 'must not be empty' }));
export const TagRef = z.object({ id: z.string(), name: z.string() });
export type TagRef = z.infer<typeof TagRef>;

export const ContactListItem = Contact.extend({ companies: z.array(CompanyRef), tags: z.array(z.string()) });
export type ContactListItem = z.infer<typeof ContactListItem>;

export const Company = z.object({
  id: z.string(),
  externalId: z.string().nullable(),
  intercomId: z.string().nullable(),
  name: z.string(),
  plan: z.string().nullable(),
  monthlySpend: z.number().nullable(),
  stage: CompanyStage.nullable(),
  customAttributes: CustomAttributes,
  userCount: z.number().int(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
  syncState: SyncState,
});
export type Company = z.infer<typeof Company>;

/** A row of the companies list: the company and its tags' names (as the leads table's rows carry theirs). */
export const CompanyListItem = Company.extend({ tags: z.array(z.string()) });
export type CompanyListItem = z.infer<typeof CompanyListItem>;

/** An Intercom admin id, as `GET /admins` gives it (digits). */
export const AdminId = z.string().trim().regex(/^[0-9]{1,20}$/, { message: 'must be an Intercom admin id' });

/** A member of the workspace's team, from `GET /admins`; `active` false once Intercom no longer lists it. */
export const Admin = z.object({
  id: z.string(),
  name: z.string().nullable(),
  email: z.string().nullable(),
  active: z.boolean(),
});
export type Admin = z.infer<typeof Admin>;

export const ENTITY_TYPES = ['contact', 'company'] as const;
export const EntityType = z.enum(ENTITY_TYPES);
export type EntityType = z.infer<typeof EntityType>;

export const StageChange = z.object({
  id: z.number().int(),
  entityType: EntityType,
  entityId: z.string(),
  fromStage: z.string().nullable(),
  toStage: z.string().nullable(),
  at: Timestamp,
  actor: z.string(),
  source: z.enum(['local', 'intercom']),
});
export type StageChange = z.infer<typeof StageChange>;

export const OUTBOX_OPS = [
  'contact.create',
  'contact.update',
  'contact.setStage',
  'contact.signUp',
  'contact.archive',
  'contact.merge',
  'contact.setArchived',
  'contact.delete',
  'company.create',
  'company.update',
  'company.setStage',
  'company.delete',
  'company.link',
  'company.unlink',
  'message.send',
  'message.flush',
  'event.create',
  'contact.note',
  'contact.tag',
  'contact.untag',
  'company.tag',
  'company.untag',
] as const;
export const OutboxOp = z.enum(OUTBOX_OPS);
export type OutboxOp = z.infer<typeof OutboxOp>;

export const OUTBOX_STATUSES = ['pending', 'in_flight', 'failed', 'done'] as const;
export const OutboxStatus = z.enum(OUTBOX_STATUSES);
export type OutboxStatus = z.infer<typeof OutboxStatus>;

export const OutboxItem = z.object({
  seq: z.number().int(),
  entityType: EntityType,
  entityId: z.string(),
  /** Display label of the record (name or email), so the outbox view reads without lookups. */
  label: z.string().nullable(),
  op: OutboxOp,
  payload: z.record(z.string(), z.unknown()),
  status: OutboxStatus,
  attempts: z.number().int(),
  lastError: z.string().nullable(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
export type OutboxItem = z.infer<typeof OutboxItem>;

/** A field both sides changed since the last sync; the user keeps one of the two values. */
export const Conflict = z.object({
  id: z.number().int(),
  entityType: EntityType,
  entityId: z.string(),
  /** Display label of the record (name or email). */
  label: z.string().nullable(),
  /** `email`, `name`, `phone`, `externalId`, `role`, `stage`, `plan`, `monthlySpend` or `customAttributes.<name>`. */
  field: z.string(),
  localValue: z.unknown(),
  remoteValue: z.unknown(),
  baseValue: z.unknown(),
  detectedAt: Timestamp,
  resolvedAt: Timestamp.nullable(),
  resolution: z.enum(['local', 'remote']).nullable(),
});
export type Conflict = z.infer<typeof Conflict>;

export const MESSAGE_CHANNELS = ['inapp', 'email'] as const;
export const MessageChannel = z.enum(MESSAGE_CHANNELS);
export type MessageChannel = z.infer<typeof MessageChannel>;

export const Message = z.object({
  id: z.string(),
  contactId: z.string(),
  kind: z.enum(['send', 'flush']),
  channel: MessageChannel.nullable(),
  subject: z.string().nullable(),
  body: z.string().nullable(),
  status: z.enum(['queued', 'sent', 'failed', 'discarded']),
  createdAt: Timestamp,
  sentAt: Timestamp.nullable(),
  error: z.string().nullable(),
  actor: z.string(),
  /** The end of its undo-send hold: until then it can be taken back (null: sent before holds existed). */
  releaseAt: Timestamp.nullable(),
  /** When it was taken back during its hold (status discarded). */
  undoneAt: Timestamp.nullable(),
  /** Whether `messages.cancel` can take it back now, and why not in words when it cannot. */
  undoable: z.boolean(),
  undoBlockedReason: z.string().nullable(),
});
export type Message = z.infer<typeof Message>;
export { MESSAGE_HOLD_MS };

export const REGIONS = ['us', 'eu', 'au'] as const;
export const Region = z.enum(REGIONS);
export type Region = z.infer<typeof Region>;

/** The Intercom value of each local stage, as the `Stage` attribute carries it. */
export const StageValues = z.object({
  lead: z.string(),
  signed_up: z.string(),
  sql: z.string(),
  customer: z.string(),
});
export type StageValues = z.infer<typeof StageValues>;
export const DEFAULT_STAGE_VALUES: StageValues = { lead: 'Lead', signed_up: 'Signed up', sql: 'SQL', customer: 'CUST' };
export const DEFAULT_STAGE_ATTRIBUTE = 'Stage';
/**
 * Intercom keeps data attribute names unique across people and company data ("You already have
 * 'Stage' in your people data", API-NOTES section 2), so the company stage needs a name of its own.
 */
export const DEFAULT_COMPANY_STAGE_ATTRIBUTE = 'Company Stage';

export const SYNC_RUN_STATES = [
  'not_configured', // no Intercom token yet
  'idle', // connected, nothing waits
  'syncing', // a run is going on (see progress)
  'offline', // Intercom cannot be reached; resumes when it can
  'paused_auth', // Intercom refused the token: reconnect in Settings
  'failing', // the last run failed for another reason (see message); retried on the next run
] as const;
export const SyncRunState = z.enum(SYNC_RUN_STATES);
export type SyncRunState = z.infer<typeof SyncRunState>;

export const SYNC_PHASES = ['bootstrap', 'push', 'import', 'pull'] as const;
export const SyncProgress = z.object({
  phase: z.enum(SYNC_PHASES),
  /** Plain words, e.g. "Importing contacts". */
  label: z.string(),
  done: z.number().int(),
  total: z.number().int().nullable(),
  /** Estimated time left, from the rate so far. */
  etaMs: z.number().int().nullable(),
});
export type SyncProgress = z.infer<typeof SyncProgress>;

export const SyncStatus = z.object({
  state: SyncRunState,
  /** Why the state is offline, paused_auth or failing, in plain words. */
  message: z.string().nullable(),
  /** Outbox entries waiting (pending or in flight), refused (failed), and open conflicts. */
  pending: z.number().int(),
  failed: z.number().int(),
  conflicts: z.number().int(),
  progress: SyncProgress.nullable(),
  /** The first full import: not started, partly done (resumes on the next run), or done. */
  initialImport: z.enum(['not_started', 'partial', 'done']),
  lastRunAt: Timestamp.nullable(),
  /** The last run that finished with everything pushed and pulled. */
  lastSuccessAt: Timestamp.nullable(),
  nextRunAt: Timestamp.nullable(),
});
export type SyncStatus = z.infer<typeof SyncStatus>;
