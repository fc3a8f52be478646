// Activity (events and timelines), imports and bulk actions, as zod schemas and their types.
// Pure: no node, DOM or electron imports.
import { z } from 'zod';
import { AdminId, CompanyStage, ContactRef, ContactStage, EntityType, LocalId, MessageChannel, TagName, text, Timestamp } from './domain';
import { EventName } from './segments';
import { NoteSyncState } from './notes';

export { EventName };

const MetadataKey = z
  .string()
  .min(1, { message: 'metadata keys must not be empty' })
  .max(100, { message: 'metadata keys must be at most 100 characters' })
  // eslint-disable-next-line no-control-regex -- control characters are exactly what this rejects
  .regex(/^[^\u0000-\u001f\u007f-\u009f.$[\]]+$/, { message: 'metadata keys must not contain . $ [ ] or control characters' });
const MetadataValue = z.union([z.string().max(1000, { message: 'must be at most 1000 characters' }), z.number().finite(), z.boolean()]);

/** What Intercom keeps of an event's metadata: at most 10 flat keys (API-NOTES section 4). */
export const EventMetadata = z
  .record(MetadataKey, MetadataValue)
  .refine((o) => Object.keys(o).length <= 10, { message: 'at most 10 metadata keys (Intercom keeps only the first 10)' });
export type EventMetadata = z.infer<typeof EventMetadata>;

/** Metadata keys that carry a visit's first touch; the first event with them sets the contact's. */
export const FIRST_TOUCH_KEYS = { referrer: 'referrer', landingPage: 'landing_page' } as const;

export const EVENT_SOURCES = ['local', 'website', 'import', 'intercom'] as const;
export const EVENT_SYNC_STATES = [
  'waiting', // kept by visitor id, or the contact is not in Intercom yet
  'pending', // queued in the outbox
  'synced', // Intercom has it (pushed, or pulled from there)
  'failed', // Intercom refused it (the outbox entry says why)
] as const;

export const ActivityEvent = z.object({
  id: z.number().int(),
  /** The contact it belongs to; null while only a visitor id is known. */
  contactId: z.string().nullable(),
  visitorId: z.string().nullable(),
  name: z.string(),
  /** Whole seconds: Intercom's precision, and part of its duplicate rule. */
  at: Timestamp,
  metadata: EventMetadata,
  source: z.enum(EVENT_SOURCES),
  syncState: z.enum(EVENT_SYNC_STATES),
});
export type ActivityEvent = z.infer<typeof ActivityEvent>;

/** One line of a contact's or company's timeline, newest first. */
export const TimelineItem = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('event'), key: z.string(), at: Timestamp, contact: ContactRef.nullable(), event: ActivityEvent }),
  z.object({
    kind: z.literal('stage'),
    key: z.string(),
    at: Timestamp,
    contact: ContactRef.nullable(),
    stage: z.object({
      entityType: EntityType,
      entityId: z.string(),
      fromStage: z.string().nullable(),
      toStage: z.string().nullable(),
      actor: z.string(),
      source: z.enum(['local', 'intercom']),
    }),
  }),
  z.object({
    kind: z.literal('message'),
    key: z.string(),
    at: Timestamp,
    contact: ContactRef.nullable(),
    message: z.object({
      id: z.string(),
      kind: z.enum(['send', 'flush']),
      channel: MessageChannel.nullable(),
      subject: z.string().nullable(),
      status: z.enum(['queued', 'sent', 'failed', 'discarded']),
    }),
  }),
  z.object({
    kind: z.literal('note'),
    key: z.string(),
    at: Timestamp,
    contact: ContactRef.nullable(),
    note: z.object({
      id: z.string(),
      body: z.string(),
      /** Who wrote it (the admin's name for a note from Intercom). */
      author: z.string().nullable(),
      source: z.enum(['local', 'intercom']),
      syncState: NoteSyncState,
    }),
  }),
]);
export type TimelineItem = z.infer<typeof TimelineItem>;

export const Timeline = z.object({
  items: z.array(TimelineItem),
  /** Pass as `before` for the next (older) page; null at the end. */
  nextCursor: z.string().nullable(),
  /** First touch of the contact (of the company's first user, for a company). */
  firstTouch: z
    .object({ at: Timestamp.nullable(), referrer: z.string().nullable(), landingPage: z.string().nullable() })
    .nullable(),
});
export type Timeline = z.infer<typeof Timeline>;

// ---- import ---------------------------------------------------------------------------------

export const IMPORT_KINDS = ['contacts', 'companies', 'events'] as const;
export const ImportKind = z.enum(IMPORT_KINDS);
export type ImportKind = z.infer<typeof ImportKind>;

/**
 * Where a file column goes; `ignore` drops it, `attribute:<name>` / `metadata:<key>` keep it under
 * that name. `companies`: several company names separated by ";" (the export's Companies column).
 */
export const IMPORT_TARGETS = {
  contacts: ['email', 'name', 'phone', 'role', 'stage', 'visitorId', 'externalId', 'createdAt', 'companyExternalId', 'companyName', 'companies', 'owner', 'tags'],
  companies: [
    'companyExternalId',
    'companyName',
    'plan',
    'monthlySpend',
    'companyStage',
    'email',
    'name',
    'phone',
    'externalId',
    'visitorId',
  ],
  events: ['visitorId', 'email', 'externalId', 'eventName', 'at', 'referrer', 'landingPage'],
} as const satisfies Record<ImportKind, readonly string[]>;

export const ImportTarget = z
  .string()
  .max(200)
  // eslint-disable-next-line no-control-regex -- control characters are exactly what this rejects
  .regex(/^(ignore|[a-zA-Z]+|attribute:[^\u0000-\u001f.$[\]]{1,190}|metadata:[^\u0000-\u001f.$[\]]{1,100})$/, {
    message: 'must be a field, ignore, attribute:<name> or metadata:<key>',
  });
/** File column name -> target. */
export const ImportMapping = z.record(z.string().max(500), ImportTarget);
export type ImportMapping = z.infer<typeof ImportMapping>;

export const DUPLICATE_MODES = ['skip', 'update', 'create'] as const;
export const DuplicateMode = z.enum(DUPLICATE_MODES);
export type DuplicateMode = z.infer<typeof DuplicateMode>;

export const IMPORT_STATES = [
  'uploading', // chunks arriving
  'ready', // read and analysed; waiting for mapping and start
  'running',
  'interrupted', // stopped part way (paused, or the app closed): resume or roll back
  'done',
  'rolled_back',
  'failed', // could not be read at all (the error says why)
] as const;
export const ImportState = z.enum(IMPORT_STATES);

export const ImportJob = z.object({
  id: z.string(),
  fileName: z.string(),
  format: z.enum(['csv', 'jsonl']).nullable(),
  /** How the bytes were decoded, and a note when it was not UTF-8. */
  encoding: z.string().nullable(),
  encodingNote: z.string().nullable(),
  kind: ImportKind.nullable(),
  duplicates: DuplicateMode.nullable(),
  state: ImportState,
  rowsTotal: z.number().int(),
  rowsDone: z.number().int(),
  created: z.number().int(),
  updated: z.number().int(),
  skipped: z.number().int(),
  failed: z.number().int(),
  rowsPerSecond: z.number().nullable(),
  etaMs: z.number().int().nullable(),
  error: z.string().nullable(),
  createdAt: Timestamp,
  startedAt: Timestamp.nullable(),
  finishedAt: Timestamp.nullable(),
  /** Whether `import.rollback` would go ahead now; when not, why, in words. */
  rollbackable: z.boolean(),
  rollbackBlockedReason: z.string().nullable(),
  /** What a rollback cannot take back (events Intercom keeps, archived rather than deleted contacts), in words. */
  rollbackWarning: z.string().nullable(),
  /** What the rollback did, once rolled back: a summary and the fields it kept (changed since), in words. */
  rollbackResult: z
    .object({
      summary: z.string(),
      kept: z.array(z.string()),
      contactsArchived: z.number().int(),
      companiesKept: z.array(z.string()),
      eventsInIntercom: z.number().int(),
    })
    .nullable(),
});
export type ImportJob = z.infer<typeof ImportJob>;

export const ImportProblem = z.object({
  /** The row as a spreadsheet shows it (the header is row 1, the first record row 2); a JSON lines file's line. */
  row: z.number().int(),
  /** The file column at fault, when one is. */
  column: z.string().nullable(),
  field: z.string().nullable(),
  message: z.string(),
});
export type ImportProblem = z.infer<typeof ImportProblem>;

export const IMPORT_ACTIONS = ['created', 'updated', 'skipped', 'failed'] as const;
export const ImportReportLine = z.object({
  /** As in ImportProblem. */
  row: z.number().int(),
  action: z.enum(IMPORT_ACTIONS),
  entityType: z.enum(['contact', 'company', 'event']).nullable(),
  entityId: z.string().nullable(),
  reason: z.string().nullable(),
});
export type ImportReportLine = z.infer<typeof ImportReportLine>;

// ---- bulk actions -----------------------------------------------------------------------------

export const BulkAction = z.discriminatedUnion('type', [
  /** A stage move only (a lead moved to Signed up stays a lead): `signUp` is the sign-up. */
  z.object({ type: z.literal('setStage'), stage: ContactStage }).strict(),
  /**
   * The sign-up, as contacts.signUp does it for one: each becomes a user at Signed up, known to
   * Intercom by the user id it has or else by its email (one with neither is left out).
   */
  z.object({ type: z.literal('signUp') }).strict(),
  z.object({ type: z.literal('setCompanyStage'), stage: CompanyStage }).strict(),
  z.object({ type: z.literal('link'), companyId: LocalId }).strict(),
  /** Assign an owner (an admin id), or none (null). */
  z.object({ type: z.literal('setOwner'), ownerId: AdminId.nullable() }).strict(),
  z
    .object({
      type: z.literal('message'),
      channel: MessageChannel,
      subject: text(255).optional(),
      body: z.string().trim().min(1, { message: 'must not be empty' }).max(20_000, { message: 'must be at most 20,000 characters' }),
    })
    .strict()
    .refine((v) => v.channel !== 'email' || Boolean(v.subject), { message: 'an email needs a subject', path: ['subject'] }),
  z.object({ type: z.literal('flush') }).strict(),
  /** Puts a tag on every contact; a name the workspace has no tag for needs `create` (never made by a typo). */
  z.object({ type: z.literal('addTag'), name: TagName, create: z.boolean().default(false) }).strict(),
  z.object({ type: z.literal('removeTag'), name: TagName }).strict(),
  z.object({ type: z.literal('export'), columns: z.array(z.string().max(100)).min(1).max(50) }).strict(),
]);
export type BulkAction = z.infer<typeof BulkAction>;

export const BulkRecord = z.object({
  id: z.string(),
  action: BulkAction,
  /** Plain words: "Set stage to Signed up on 1,204 contacts of Slipping away". */
  summary: z.string(),
  touched: z.number().int(),
  createdAt: Timestamp,
  actor: z.string(),
  undoneAt: Timestamp.nullable(),
  /** Whether undo is possible now, and why not when it is not. */
  undoable: z.boolean(),
  undoBlockedReason: z.string().nullable(),
  /** Messages and flushes: when their 10-second hold ends (undo is possible until then); null otherwise. */
  releaseAt: Timestamp.nullable(),
});
export type BulkRecord = z.infer<typeof BulkRecord>;
