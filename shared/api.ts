// THE contract between the renderer and the engine: every method, once, with zod input and
// output, and every pushed event. Preload, router, IPC binding and HTTP bridge are derived
// from this object; no method name is written anywhere else.
import { z } from 'zod';
import {
  Company,
  CompanyRef,
  CompanyStage,
  Contact,
  ContactListItem,
  ContactRef,
  ContactStage,
  CustomAttributes,
  Email,
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
} from './domain';

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
      .refine(needsEmailOrName, { message: 'a contact needs an email or a name', path: ['email'] }),
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
        filter: z
          .object({
            stage: z.array(ContactStage).max(10).optional(),
            role: z.array(Role).max(10).optional(),
            companyId: LocalId.optional(),
            syncState: z.array(SyncState).max(10).optional(),
          })
          .strict()
          .default({}),
        sort: z
          .object({ field: z.enum(CONTACT_SORT_FIELDS), dir: SortDir })
          .strict()
          .default({ field: 'updatedAt', dir: 'desc' }),
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
} as const;

/** Events the engine pushes to every connected renderer. */
export const events = {
  /** Records changed (locally or by sync); screens showing them should refresh. */
  changed: z.object({
    entity: z.union([EntityType, z.literal('outbox')]),
    ids: z.array(z.string()),
    op: z.string(),
  }),
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
