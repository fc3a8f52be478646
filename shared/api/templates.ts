// The contract's part for message templates: the saved ones (list, save, delete) and the preview
// of a message rendered for the contacts it would go to, with who lacks a value.
import { z } from 'zod';
import { LocalId, MessageChannel, text, Timestamp } from '../domain';
import { ContactTarget } from './bulk';
import type { MethodGroup } from './MethodGroup';

const Body = z.string().trim().min(1, { message: 'must not be empty' }).max(20_000, { message: 'must be at most 20,000 characters' });

export const MessageTemplate = z.object({
  id: z.string(),
  name: z.string(),
  channel: MessageChannel,
  subject: z.string().nullable(),
  body: z.string(),
  updatedAt: Timestamp,
  actor: z.string(),
});
export type MessageTemplate = z.infer<typeof MessageTemplate>;

/** One contact's rendered message. */
export const RenderedMessage = z.object({
  contactId: z.string(),
  /** Who it goes to, in words (name, else email, else "Unnamed contact"). */
  to: z.string(),
  subject: z.string().nullable(),
  body: z.string(),
  /** Placeholders without a value and without a fallback, as written ("{{first_name}}"). */
  missing: z.array(z.string()),
});
export type RenderedMessage = z.infer<typeof RenderedMessage>;

export const templateMethods = {
  'templates.list': {
    input: z.object({}).strict().default({}),
    output: z.object({ items: z.array(MessageTemplate) }),
  },
  /** Creates (no id) or updates a template; its placeholders are checked (an unknown one is named). */
  'templates.save': {
    input: z
      .object({
        id: LocalId.optional(),
        name: text(100).pipe(z.string().min(1, { message: 'must not be empty' })),
        channel: MessageChannel,
        subject: text(255).optional(),
        body: Body,
      })
      .strict(),
    output: MessageTemplate,
  },
  'templates.delete': {
    input: z.object({ id: LocalId }).strict(),
    output: z.object({ id: z.string(), deleted: z.boolean() }),
  },
  /**
   * A message (subject and body with placeholders) rendered for the first `limit` contacts it
   * would go to, and how many of them all lack a value with no fallback: what `messages.send`
   * and `bulk.run` will store and send, contact by contact.
   */
  'templates.preview': {
    input: z
      .object({
        target: ContactTarget,
        channel: MessageChannel,
        subject: text(255).optional(),
        body: Body,
        limit: z.number().int().min(0).max(20).default(3),
      })
      .strict(),
    output: z.object({
      items: z.array(RenderedMessage),
      /** Contacts the message would go to (for email: those with an address). */
      recipients: z.number().int(),
      /** Recipients missing at least one value with no fallback. */
      missingCount: z.number().int(),
      /** Per placeholder, how many recipients lack it. */
      missing: z.array(z.object({ placeholder: z.string(), count: z.number().int() })),
    }),
  },
} as const satisfies MethodGroup;
