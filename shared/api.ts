// THE contract between the renderer and the engine: every method, once, with zod input and
// output, and every pushed event. Preload, router, IPC binding and HTTP bridge are derived
// from this object; no method name is written anywhere else.
import { z } from 'zod';
import {
  Company,
  CompanyRef,
  Conflict,
  Message,
  MessageChannel,
  Region,
  StageValues,
  SyncStatus,
  CompanyStage,
  Contact,
  ContactListItem,
  ContactRef,
  ContactStage,
  CustomAttributes,
  Email,
  EMAIL_OR_NAME_ISSUE,
  EntityType,
  ExternalRef,
  LocalId,
  Name,
  OutboxItem,
  OutboxStatus,
  Phone,
  Role,
  StageChange,
  SyncState,
  text,
  Timestamp,
} from './domain';
import {
  ActivityEvent,
  BulkAction,
  BulkRecord,
  DuplicateMode,
  EventMetadata,
  EventName,
  ImportJob,
  ImportKind,
  ImportMapping,
  ImportProblem,
  ImportReportLine,
  IMPORT_ACTIONS,
  Timeline,
} from './activity';
import { FunnelStage, Segment, SegmentRule } from './segments';

const Page = {
  limit: z.number().int().min(1).max(500).default(50),
  offset: z.number().int().min(0).max(100_000_000).optional(),
};
const SortDir = z.enum(['asc', 'desc']).default('asc');
/** Search text as typed; it is matched word by word, each word as a prefix. */
const SearchText = z.string().max(200, { message: 'must be at most 200 characters' }).optional();

export const CONTACT_SORT_FIELDS = [
  'name',
  'email',
  'role',
  'stage',
  'phone',
  'externalId',
  'createdAt',
  'updatedAt',
  'lastActivityAt',
  'syncState',
] as const;
export const COMPANY_SORT_FIELDS = ['name', 'externalId', 'plan', 'monthlySpend', 'stage', 'userCount', 'createdAt', 'updatedAt'] as const;

const ContactFields = {
  email: Email.nullable().optional(),
  name: Name.nullable().optional(),
  phone: Phone.nullable().optional(),
  visitorId: ExternalRef.nullable().optional(),
  externalId: ExternalRef.nullable().optional(),
  customAttributes: CustomAttributes.optional(),
};

const CompanyFields = {
  externalId: ExternalRef.nullable().optional(),
  name: Name,
  plan: text(100).nullable().optional(),
  monthlySpend: z.number().finite().min(0).max(1e12).nullable().optional(),
  customAttributes: CustomAttributes.optional(),
};

const SegmentId = z.string().min(1).max(100);
/** Which contacts a bulk action or an export is about. */
const ContactTarget = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('ids'), ids: z.array(LocalId).min(1, { message: 'select at least one contact' }).max(100_000) }).strict(),
  z.object({ kind: z.literal('segment'), segmentId: SegmentId }).strict(),
  z.object({ kind: z.literal('rule'), rule: SegmentRule }).strict(),
]);
/** The contacts table's filters (all ANDed). */
const ContactFilter = z
  .object({
    stage: z.array(ContactStage).max(10).optional(),
    role: z.array(Role).max(10).optional(),
    companyId: LocalId.optional(),
    syncState: z.array(SyncState).max(10).optional(),
    /** Members of a saved segment, and/or an ad hoc rule (funnel drill-downs). */
    segmentId: SegmentId.optional(),
    rule: SegmentRule.optional(),
  })
  .strict()
  .default({});
const ContactSort = z
  .object({ field: z.enum(CONTACT_SORT_FIELDS), dir: SortDir })
  .strict()
  .default({ field: 'updatedAt', dir: 'desc' });
/** The table view an export repeats: its search, filters and sort. */
const TableView = z.object({ search: SearchText, filter: ContactFilter, sort: ContactSort }).strict();
export const EXPORT_COLUMNS = [
  'name',
  'email',
  'phone',
  'role',
  'stage',
  'funnelStage',
  'companies',
  'externalId',
  'visitorId',
  'intercomId',
  'createdAt',
  'updatedAt',
  'lastActivityAt',
  'syncState',
  'firstReferrer',
  'firstLandingPage',
] as const;
const ExportColumn = z.union([z.enum(EXPORT_COLUMNS), z.string().regex(/^attribute:.{1,190}$/, { message: 'must be a column name or attribute:<name>' })]);
const Cursor = z.string().max(2000).optional();
const FunnelPopulation = {
  /** Only contacts matching this rule (the funnel of a segment, a cohort ...). */
  rule: SegmentRule.optional(),
};
const StageCounts = z.object({ lead: z.number().int(), signed_up: z.number().int(), sql: z.number().int(), customer: z.number().int() });

const needsEmailOrName = (v: { email?: string | null; name?: string | null }) => Boolean(v.email) || Boolean(v.name);

export const ContactDetail = Contact.extend({
  companies: z.array(CompanyRef),
  history: z.array(StageChange),
  /** Other contacts with the same email (email is not unique in Intercom). */
  sameEmail: z.array(ContactRef),
});
export const CompanyDetail = Company.extend({
  users: z.array(ContactRef),
  history: z.array(StageChange),
});

export const contract = {
  'app.info': {
    input: z.object({}).strict().default({}),
    output: z.object({
      version: z.string(),
      mode: z.enum(['desktop', 'browser', 'test']),
      dataDir: z.string(),
      actor: z.string(),
      schemaVersion: z.number().int(),
    }),
  },

  'contacts.create': {
    input: z
      .object({
        ...ContactFields,
        role: Role.default('lead'),
        stage: ContactStage.default('lead'),
      })
      .strict()
      .refine(needsEmailOrName, EMAIL_OR_NAME_ISSUE),
    output: z.object({ contact: Contact, sameEmail: z.array(ContactRef) }),
  },
  'contacts.get': {
    input: z.object({ id: LocalId }).strict(),
    output: ContactDetail,
  },
  'contacts.list': {
    input: z
      .object({
        search: SearchText,
        filter: ContactFilter,
        sort: ContactSort,
        ...Page,
        /** Opaque keyset cursor from a previous page's `nextCursor`; faster than a deep offset. */
        cursor: z.string().max(2000).optional(),
      })
      .strict()
      .default({ filter: {}, sort: { field: 'updatedAt', dir: 'desc' }, limit: 50 }),
    output: z.object({
      items: z.array(ContactListItem),
      total: z.number().int(),
      nextCursor: z.string().nullable(),
    }),
  },
  'contacts.update': {
    input: z
      .object({
        id: LocalId,
        patch: z.object(ContactFields).strict(),
      })
      .strict(),
    output: Contact,
  },
  'contacts.setStage': {
    input: z.object({ id: LocalId, stage: ContactStage, confirm: z.boolean().optional() }).strict(),
    output: Contact,
  },
  'contacts.setStageMany': {
    input: z
      .object({
        ids: z
          .array(LocalId)
          .min(1, { message: 'select at least one contact' })
          .max(10_000, { message: 'at most 10,000 contacts at once' }),
        stage: ContactStage,
        confirm: z.boolean().optional(),
        /** Count what would change, write nothing: the confirmation says how many. */
        dryRun: z.boolean().optional(),
      })
      .strict(),
    output: z.object({
      /** Contacts whose stage changes (or would). */
      changed: z.number().int(),
      /** Contacts already at that stage. */
      unchanged: z.number().int(),
      /** How many of the changes are demotions (these need `confirm`). */
      demotions: z.number().int(),
      dryRun: z.boolean(),
    }),
  },
  /** Existing contacts a new lead would duplicate, for the warning while typing. */
  'contacts.findMatches': {
    input: z
      .object({
        email: z.string().max(254).optional(),
        visitorId: z.string().max(255).optional(),
        externalId: z.string().max(255).optional(),
        /** Leave this contact out (when editing it). */
        exceptId: LocalId.optional(),
      })
      .strict(),
    output: z.object({
      email: z.array(ContactRef),
      visitorId: ContactRef.nullable(),
      externalId: ContactRef.nullable(),
    }),
  },
  'contacts.signUp': {
    input: z
      .object({
        id: LocalId,
        externalId: ExternalRef,
        company: z
          .object({
            externalId: ExternalRef,
            name: Name.optional(),
            plan: text(100).nullable().optional(),
            monthlySpend: z.number().finite().min(0).max(1e12).nullable().optional(),
          })
          .strict()
          .optional(),
      })
      .strict(),
    output: z.object({ contact: Contact, company: Company.nullable() }),
  },

  'companies.create': {
    input: z.object({ ...CompanyFields, stage: CompanyStage.nullable().default(null) }).strict(),
    output: Company,
  },
  'companies.get': {
    input: z.object({ id: LocalId }).strict(),
    output: CompanyDetail,
  },
  'companies.list': {
    input: z
      .object({
        search: SearchText,
        filter: z
          .object({
            stage: z.array(z.union([CompanyStage, z.literal('none')])).max(10).optional(),
            syncState: z.array(SyncState).max(10).optional(),
          })
          .strict()
          .default({}),
        sort: z
          .object({ field: z.enum(COMPANY_SORT_FIELDS), dir: SortDir })
          .strict()
          .default({ field: 'name', dir: 'asc' }),
        ...Page,
      })
      .strict()
      .default({ filter: {}, sort: { field: 'name', dir: 'asc' }, limit: 50 }),
    output: z.object({ items: z.array(Company), total: z.number().int() }),
  },
  'companies.update': {
    input: z
      .object({
        id: LocalId,
        patch: z.object({ ...CompanyFields, name: Name.optional() }).strict(),
      })
      .strict(),
    output: Company,
  },
  'companies.setStage': {
    input: z.object({ id: LocalId, stage: CompanyStage, confirm: z.boolean().optional() }).strict(),
    output: Company,
  },
  'companies.link': {
    input: z.object({ contactId: LocalId, companyId: LocalId }).strict(),
    output: z.object({ contactId: z.string(), companyId: z.string(), changed: z.boolean() }),
  },
  'companies.unlink': {
    input: z.object({ contactId: LocalId, companyId: LocalId }).strict(),
    output: z.object({ contactId: z.string(), companyId: z.string(), changed: z.boolean() }),
  },

  'outbox.list': {
    input: z
      .object({
        status: z.array(OutboxStatus).max(4).optional(),
        entityId: z.string().max(100).optional(),
        ...Page,
      })
      .strict()
      .default({ limit: 50 }),
    output: z.object({ items: z.array(OutboxItem), total: z.number().int() }),
  },

  'settings.get': {
    input: z.object({}).strict().default({}),
    output: z.object({
      intercom: z.object({
        region: Region,
        /** Overrides the region's host (sandbox, proxies, tests). */
        baseUrl: z.string().nullable(),
        /** Where the base URL comes from: this screen, the start option, the environment, or the built-in sandbox. */
        baseUrlSource: z.enum(['settings', 'start-option', 'environment', 'sandbox']).nullable(),
        /** The token itself never leaves the main process; the screen only learns whether one is set. */
        tokenSet: z.boolean(),
        /** os-keychain: encrypted with the OS key store; file: a file only this OS user can read. */
        tokenStorage: z.enum(['os-keychain', 'file', 'memory']),
        tokenFile: z.string().nullable(),
        /** The workspace and admin of the last successful connection test. */
        workspace: z.object({ name: z.string(), idCode: z.string(), region: z.string().nullable() }).nullable(),
        admin: z.object({ id: z.string(), name: z.string().nullable(), email: z.string().nullable() }).nullable(),
      }),
      /** The contact attribute that carries a lead's or user's stage. */
      stageAttribute: z.string(),
      /** The company attribute that carries a company's stage (its own name: Intercom keeps names unique across people and companies). */
      companyStageAttribute: z.string(),
      stageValues: StageValues,
    }),
  },
  'settings.set': {
    input: z
      .object({
        /** Write-only; null forgets the stored token. */
        token: z.string().trim().min(1, { message: 'must not be empty' }).max(1000, { message: 'must be at most 1000 characters' }).nullable().optional(),
        region: Region.optional(),
        baseUrl: z
          .string()
          .trim()
          .max(500)
          .regex(/^https?:\/\/[^\s]+$/, { message: 'must be an http:// or https:// address' })
          .nullable()
          .optional(),
        stageAttribute: text(190).pipe(z.string().min(1, { message: 'must not be empty' })).optional(),
        companyStageAttribute: text(190).pipe(z.string().min(1, { message: 'must not be empty' })).optional(),
        stageValues: z
          .object({
            lead: text(255).pipe(z.string().min(1, { message: 'must not be empty' })),
            signed_up: text(255).pipe(z.string().min(1, { message: 'must not be empty' })),
            sql: text(255).pipe(z.string().min(1, { message: 'must not be empty' })),
            customer: text(255).pipe(z.string().min(1, { message: 'must not be empty' })),
          })
          .partial()
          .strict()
          .optional(),
      })
      .strict(),
    output: z.object({ changed: z.array(z.string()) }),
  },

  /** GET /me with the stored token (or a token given here, not yet saved). */
  'sync.testConnection': {
    input: z.object({ token: z.string().trim().min(1).max(1000).optional() }).strict().default({}),
    output: z.object({
      workspace: z.object({ name: z.string(), idCode: z.string(), region: z.string().nullable(), timezone: z.string().nullable() }),
      admin: z.object({ id: z.string(), name: z.string().nullable(), email: z.string().nullable() }),
    }),
  },
  'sync.status': {
    input: z.object({}).strict().default({}),
    output: SyncStatus,
  },
  /** Starts a run now (unless one is going on); answers at once with the status. */
  'sync.now': {
    input: z.object({}).strict().default({}),
    output: SyncStatus,
  },
  /** The renderer's network hint (browser online/offline events): resume at once when back. */
  'sync.setOnline': {
    input: z.object({ online: z.boolean() }).strict(),
    output: SyncStatus,
  },

  /** Failed entries go back to pending and are tried on the next run. */
  'outbox.retry': {
    input: z
      .object({ seqs: z.array(z.number().int().min(1)).min(1, { message: 'pick at least one entry' }).max(10_000) })
      .strict(),
    output: z.object({ retried: z.number().int() }),
  },
  /** Drops failed entries for good: what they carried never reaches Intercom. */
  'outbox.discard': {
    input: z
      .object({
        seqs: z.array(z.number().int().min(1)).min(1, { message: 'pick at least one entry' }).max(10_000),
        confirm: z.boolean().optional(),
      })
      .strict(),
    output: z.object({ discarded: z.number().int() }),
  },

  'conflicts.list': {
    input: z
      .object({
        entityId: z.string().max(100).optional(),
        /** Open conflicts only (default), or the resolved ones too. */
        includeResolved: z.boolean().optional(),
        ...Page,
      })
      .strict()
      .default({ limit: 50 }),
    output: z.object({ items: z.array(Conflict), total: z.number().int() }),
  },
  'conflicts.resolve': {
    input: z.object({ id: z.number().int().min(1), keep: z.enum(['local', 'remote']) }).strict(),
    output: Conflict,
  },

  /** Sends an in-app or email message from the connected admin, now (queued while offline). */
  'messages.send': {
    input: z
      .object({
        contactId: LocalId,
        channel: MessageChannel,
        subject: text(255).optional(),
        body: z.string().trim().min(1, { message: 'must not be empty' }).max(20_000, { message: 'must be at most 20,000 characters' }),
      })
      .strict()
      .refine((v) => v.channel !== 'email' || Boolean(v.subject), { message: 'an email needs a subject', path: ['subject'] }),
    output: Message,
  },
  /** Asks Intercom to match the user's pending auto-messages now; at most once per 15 minutes per user. */
  'messages.flush': {
    input: z.object({ contactId: LocalId }).strict(),
    output: z.object({ message: Message, nextPossibleAt: Timestamp }),
  },
  'messages.list': {
    input: z.object({ contactId: LocalId, ...Page }).strict(),
    output: z.object({
      items: z.array(Message),
      total: z.number().int(),
      lastFlushAt: Timestamp.nullable(),
      /** When a flush is allowed again (null: now). */
      nextFlushAt: Timestamp.nullable(),
    }),
  },

  // ---- activity -----------------------------------------------------------------------------
  /**
   * Records an event for a contact, or for an anonymous visitor before any lead exists (it joins
   * the lead captured with that visitor id). Queued for Intercom once the contact exists there.
   */
  'events.track': {
    input: z
      .object({
        contactId: LocalId.optional(),
        visitorId: z.string().trim().min(1, { message: 'must not be empty' }).max(255).optional(),
        name: EventName,
        /** Default now; kept to the second. */
        at: Timestamp.optional(),
        metadata: EventMetadata.default({}),
        source: z.enum(['local', 'website']).default('local'),
      })
      .strict()
      .refine((v) => Boolean(v.contactId) !== Boolean(v.visitorId), { message: 'give either a contact or a visitor id', path: ['contactId'] }),
    output: z.object({ event: ActivityEvent, duplicate: z.boolean() }),
  },
  /** Events, stage changes and messages of a contact, newest first. */
  'contacts.timeline': {
    input: z.object({ id: LocalId, before: Cursor, limit: z.number().int().min(1).max(500).default(50) }).strict(),
    output: Timeline,
  },
  /** The merged timeline of all of a company's users, plus the company's own stage changes. */
  'companies.timeline': {
    input: z.object({ id: LocalId, before: Cursor, limit: z.number().int().min(1).max(500).default(50) }).strict(),
    output: Timeline,
  },
  /** Fetches the contact's last 90 days of events from Intercom (needs a connection). */
  'events.pull': {
    input: z.object({ contactId: LocalId }).strict(),
    output: z.object({ fetched: z.number().int(), added: z.number().int() }),
  },

  // ---- import / export -------------------------------------------------------------------------
  /** Starts an upload; the file then arrives in chunks (`import.chunk`). */
  'import.open': {
    input: z
      .object({
        fileName: text(255).pipe(z.string().min(1, { message: 'must not be empty' })),
        size: z.number().int().min(1, { message: 'the file is empty' }).max(1024 * 1024 * 1024, { message: 'files up to 1 GB can be imported' }),
      })
      .strict(),
    output: ImportJob,
  },
  /** One piece of the file, base64, at its byte offset; the last piece triggers the analysis. */
  'import.chunk': {
    input: z
      .object({
        importId: z.string().max(100),
        offset: z.number().int().min(0),
        data: z.string().max(1_000_000, { message: 'chunks must be at most 1,000,000 characters' }),
      })
      .strict(),
    output: ImportJob,
  },
  /** The file's columns, first rows and a guessed kind and mapping. */
  'import.analyse': {
    input: z.object({ importId: z.string().max(100), kind: ImportKind.optional() }).strict(),
    output: z.object({
      job: ImportJob,
      columns: z.array(z.string()),
      sample: z.array(z.array(z.string())),
      guessedKind: ImportKind,
      mapping: ImportMapping,
    }),
  },
  /** Checks every row with this mapping and writes nothing: problems, duplicates, what would happen. */
  'import.preview': {
    input: z.object({ importId: z.string().max(100), kind: ImportKind, mapping: ImportMapping, duplicates: DuplicateMode }).strict(),
    output: z.object({
      rows: z.number().int(),
      valid: z.number().int(),
      invalid: z.number().int(),
      willCreate: z.number().int(),
      willUpdate: z.number().int(),
      willSkip: z.number().int(),
      duplicatesInFile: z.number().int(),
      duplicatesInStore: z.number().int(),
      /** The first problems, row by row (all of them are in the report after the run). */
      problems: z.array(ImportProblem),
      /** The first rows as they would be written. */
      mapped: z.array(z.record(z.string(), z.unknown())),
    }),
  },
  /** Runs the import in the background; progress arrives as `import` events. */
  'import.start': {
    input: z.object({ importId: z.string().max(100), kind: ImportKind, mapping: ImportMapping, duplicates: DuplicateMode }).strict(),
    output: ImportJob,
  },
  'import.pause': { input: z.object({ importId: z.string().max(100) }).strict(), output: ImportJob },
  'import.resume': { input: z.object({ importId: z.string().max(100) }).strict(), output: ImportJob },
  /** Undoes everything the import wrote, as one change; only while none of it reached Intercom. */
  'import.rollback': { input: z.object({ importId: z.string().max(100), confirm: z.boolean().optional() }).strict(), output: ImportJob },
  'import.status': { input: z.object({ importId: z.string().max(100) }).strict(), output: ImportJob },
  'import.list': {
    input: z.object({ ...Page }).strict().default({ limit: 50 }),
    output: z.object({ items: z.array(ImportJob), total: z.number().int() }),
  },
  /** What each row became, and why for skipped and failed ones. */
  'import.report': {
    input: z
      .object({ importId: z.string().max(100), action: z.array(z.enum(IMPORT_ACTIONS)).max(4).optional(), ...Page })
      .strict(),
    output: z.object({
      job: ImportJob,
      items: z.array(ImportReportLine),
      total: z.number().int(),
      /** Skipped and failed rows counted by reason. */
      reasons: z.array(z.object({ reason: z.string(), count: z.number().int() })),
    }),
  },
  /** Writes the view (or a selection of it) to a CSV file; browser mode offers it at `downloadUrl`. */
  'contacts.export': {
    input: z
      .object({
        view: TableView.default({ filter: {}, sort: { field: 'updatedAt', dir: 'desc' } }),
        columns: z.array(ExportColumn).min(1, { message: 'pick at least one column' }).max(60),
        /** Only these contacts (a selection), in the view's order. */
        ids: z.array(LocalId).max(100_000).optional(),
      })
      .strict(),
    output: z.object({ fileName: z.string(), path: z.string(), rows: z.number().int(), downloadUrl: z.string().nullable() }),
  },

  // ---- funnel ------------------------------------------------------------------------------------
  /** Counts, conversion and time in each funnel stage, and how many are stuck. */
  'funnel.get': {
    input: z
      .object({ ...FunnelPopulation, stuckDays: z.number().int().min(1).max(3650).default(30) })
      .strict()
      .default({ stuckDays: 30 }),
    output: z.object({
      total: z.number().int(),
      stages: z.array(
        z.object({
          stage: FunnelStage,
          /** There now. */
          count: z.number().int(),
          /** Ever reached it. */
          reached: z.number().int(),
          /** Of those who reached it, the share who reached the next stage (null for the last, or none reached). */
          conversion: z.number().nullable(),
          /** Time spent in the stage by those who moved on, from the stage history. */
          medianMs: z.number().nullable(),
          p90Ms: z.number().nullable(),
          /** How many moved on (the sample behind median and p90). */
          movedOn: z.number().int(),
          /** There now for longer than `stuckDays`. */
          stuck: z.number().int(),
        }),
      ),
      stuckDays: z.number().int(),
    }),
  },
  /** Contacts captured per week or month, and how many of each cohort reached each stage. */
  'funnel.cohorts': {
    input: z
      .object({ ...FunnelPopulation, by: z.enum(['week', 'month']).default('week'), periods: z.number().int().min(1).max(104).default(12) })
      .strict()
      .default({ by: 'week', periods: 12 }),
    output: z.object({
      by: z.enum(['week', 'month']),
      cohorts: z.array(z.object({ from: Timestamp, to: Timestamp, label: z.string(), captured: z.number().int(), reached: StageCounts })),
    }),
  },
  /** The funnel split by first touch (referrer, landing page) or by a custom attribute's value. */
  'funnel.breakdown': {
    input: z
      .object({
        ...FunnelPopulation,
        by: z.enum(['referrer', 'landingPage', 'attribute']),
        attribute: z.string().trim().min(1).max(190).optional(),
        /** The largest groups; the rest are summed as "other". */
        top: z.number().int().min(1).max(50).default(10),
      })
      .strict()
      .refine((v) => v.by !== 'attribute' || Boolean(v.attribute), { message: 'name the attribute', path: ['attribute'] }),
    output: z.object({
      groups: z.array(
        z.object({
          /** The value; null for contacts without one; `other` groups the rest. */
          value: z.string().nullable(),
          /** How an attribute's value is stored (a drill-down matches it as such); null for first touch, none and other. */
          valueType: z.enum(['text', 'number', 'boolean']).nullable(),
          other: z.boolean(),
          total: z.number().int(),
          reached: StageCounts,
        }),
      ),
    }),
  },

  // ---- segments ----------------------------------------------------------------------------------
  /** Every saved segment (built-ins first) with its member count now. */
  'segments.list': {
    input: z.object({}).strict().default({}),
    output: z.object({ items: z.array(Segment) }),
  },
  /** How many contacts a rule matches (the editor's live count). */
  'segments.count': {
    input: z.object({ rule: SegmentRule }).strict(),
    output: z.object({ count: z.number().int() }),
  },
  /** Creates (no id) or updates a segment; built-ins keep their name but their rule can change. */
  'segments.save': {
    input: z
      .object({ id: SegmentId.optional(), name: text(100).pipe(z.string().min(1, { message: 'must not be empty' })), rule: SegmentRule })
      .strict(),
    output: Segment,
  },
  'segments.delete': {
    input: z.object({ id: SegmentId }).strict(),
    output: z.object({ id: z.string(), deleted: z.boolean() }),
  },

  // ---- bulk actions ------------------------------------------------------------------------------
  /**
   * One action on many contacts, as one change. With `dryRun` it only counts; the real run needs
   * `confirm` and can be undone as a whole until any of it reaches Intercom.
   */
  'bulk.run': {
    input: z.object({ target: ContactTarget, action: BulkAction, dryRun: z.boolean().optional(), confirm: z.boolean().optional() }).strict(),
    output: z.object({
      bulk: BulkRecord.nullable(),
      /** Contacts in the target. */
      targeted: z.number().int(),
      /** Contacts the action changes (or would). */
      touched: z.number().int(),
      /** Contacts left as they were, counted by reason ("already at that stage", "no email" ...). */
      skipped: z.array(z.object({ reason: z.string(), count: z.number().int() })),
      dryRun: z.boolean(),
      /** Exports: where the file went. */
      file: z.object({ fileName: z.string(), path: z.string(), rows: z.number().int(), downloadUrl: z.string().nullable() }).nullable(),
    }),
  },
  'bulk.undo': {
    input: z.object({ id: z.string().max(100) }).strict(),
    output: z.object({ bulk: BulkRecord, restored: z.number().int(), /** Changed again since; left as they are. */ kept: z.number().int() }),
  },
  'bulk.list': {
    input: z.object({ ...Page }).strict().default({ limit: 50 }),
    output: z.object({ items: z.array(BulkRecord), total: z.number().int() }),
  },
} as const;

/** Events the engine pushes to every connected renderer. */
export const events = {
  /** Records changed (locally or by sync); screens showing them should refresh. */
  changed: z.object({
    entity: z.union([EntityType, z.enum(['outbox', 'event', 'segment', 'import', 'bulk'])]),
    ids: z.array(z.string()),
    op: z.string(),
  }),
  /** The sync's state and progress, pushed on every change of either. */
  sync: SyncStatus,
  /** An import's progress (throttled) and every change of its state. */
  import: ImportJob,
} as const;

export type Contract = typeof contract;
export type MethodName = keyof Contract;
export type MethodInput<M extends MethodName> = z.input<Contract[M]['input']>;
export type ParsedInput<M extends MethodName> = z.output<Contract[M]['input']>;
export type MethodOutput<M extends MethodName> = z.output<Contract[M]['output']>;

export type EventName = keyof typeof events;
export type EventPayload<E extends EventName> = z.output<(typeof events)[E]>;

export const METHOD_NAMES = Object.keys(contract) as MethodName[];
export const EVENT_NAMES = Object.keys(events) as EventName[];

export function isMethodName(name: unknown): name is MethodName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(contract, name);
}

/** IPC channel for a method; derived, never typed by hand. */
export const ipcChannel = (method: MethodName) => `api:${method}`;
export const IPC_EVENT_CHANNEL = 'api:event';
