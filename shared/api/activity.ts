// The contract's part for activity: tracking events, the contact and company timelines, pulling a
// contact's events.
import { z } from 'zod';
import { LocalId, Timestamp } from '../domain';
import { ActivityEvent, EventMetadata, EventName, Timeline } from '../activity';
import type { MethodGroup } from './MethodGroup';

const Cursor = z.string().max(2000).optional();

export const activityMethods = {
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
} as const satisfies MethodGroup;
