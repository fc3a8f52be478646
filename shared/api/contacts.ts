// The contract's part for contacts: create, read, list, edit, stage changes, duplicate checks and
// sign-up.
import { z } from 'zod';
import {
  AdminId,
  Company,
  CompanyRef,
  Contact,
  ContactListItem,
  ContactRef,
  ContactStage,
  CustomAttributes,
  Email,
  EMAIL_OR_NAME_ISSUE,
  ExternalRef,
  LocalId,
  Name,
  Phone,
  Role,
  StageChange,
  SyncState,
  TagName,
  text,
} from '../domain';
import { OwnerChoice, SegmentRule } from '../segments';
import { Page, SearchText, SortDir } from './listing';
import { SegmentId } from './segments';
import type { MethodGroup } from './MethodGroup';

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
  'owner',
] as const;

const ContactFields = {
  email: Email.nullable().optional(),
  name: Name.nullable().optional(),
  phone: Phone.nullable().optional(),
  visitorId: ExternalRef.nullable().optional(),
  externalId: ExternalRef.nullable().optional(),
  customAttributes: CustomAttributes.optional(),
  /** The owning admin (an id from `admins.list`); null: nobody. */
  ownerId: AdminId.nullable().optional(),
};

/** The contacts table's filters (all ANDed). */
export const ContactFilter = z
  .object({
    stage: z.array(ContactStage).max(10).optional(),
    role: z.array(Role).max(10).optional(),
    companyId: LocalId.optional(),
    /** Carries the tag of this name (any case). */
    tag: TagName.optional(),
    syncState: z.array(SyncState).max(10).optional(),
    /** Owned by one of these admins (`none`: nobody, `me`: who I am in Settings). */
    owner: z.array(OwnerChoice).max(50).optional(),
    /** Members of a saved segment, and/or an ad hoc rule (funnel drill-downs). */
    segmentId: SegmentId.optional(),
    rule: SegmentRule.optional(),
    /** Archived contacts only (the Archived view); without it they are left out. */
    archived: z.boolean().optional(),
  })
  .strict()
  .default({});

export const ContactSort = z
  .object({ field: z.enum(CONTACT_SORT_FIELDS), dir: SortDir })
  .strict()
  .default({ field: 'updatedAt', dir: 'desc' });

const needsEmailOrName = (v: { email?: string | null; name?: string | null }) => Boolean(v.email) || Boolean(v.name);

export const ContactDetail = Contact.extend({
  companies: z.array(CompanyRef),
  history: z.array(StageChange),
  /** Other contacts with the same email (email is not unique in Intercom). */
  sameEmail: z.array(ContactRef),
});

export const contactMethods = {
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
        // unsubscribing is a change to a contact Intercom or the console already has, never part of a create
        patch: z.object({ ...ContactFields, unsubscribedFromEmails: z.boolean().optional() }).strict(),
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
  /**
   * Archives (`archived: true`) or restores contacts, as Intercom's archive and unarchive: kept,
   * out of the table, search, counts and segments until restored. One change, one undo.
   */
  'contacts.setArchived': {
    input: z
      .object({
        ids: z
          .array(LocalId)
          .min(1, { message: 'select at least one contact' })
          .max(10_000, { message: 'at most 10,000 contacts at once' }),
        archived: z.boolean(),
        /** Count what would change, write nothing. */
        dryRun: z.boolean().optional(),
      })
      .strict(),
    output: z.object({
      /** Contacts archived (or restored), or that would be. */
      changed: z.number().int(),
      /** Contacts already so. */
      unchanged: z.number().int(),
      dryRun: z.boolean(),
    }),
  },
  /**
   * Deletes a contact for good, here and in Intercom (at the next sync), erasing its local data.
   * Cannot be undone: `CONFIRM_REQUIRED` (naming the contact) without `confirm`.
   */
  'contacts.delete': {
    input: z.object({ id: LocalId, confirm: z.boolean().optional() }).strict(),
    output: z.object({
      id: z.string(),
      /** Whether Intercom has it (or may have it): a delete waits in the outbox. */
      inIntercom: z.boolean(),
      message: z.string(),
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
        /** The customer's user id; optional: without it the contact signs up with its email. */
        externalId: ExternalRef.optional(),
        /** The company it signed up with: one picked (`id`), one by the customer's company id, or a new one by name. */
        company: z
          .object({
            id: LocalId.optional(),
            externalId: ExternalRef.optional(),
            name: Name.optional(),
            plan: text(100).nullable().optional(),
            monthlySpend: z.number().finite().min(0).max(1e12).nullable().optional(),
          })
          .strict()
          .refine((c) => Boolean(c.id || c.externalId || c.name), { message: 'give the company, its company id or its name', path: ['name'] })
          .optional(),
      })
      .strict(),
    output: z.object({ contact: Contact, company: Company.nullable() }),
  },
} as const satisfies MethodGroup;
