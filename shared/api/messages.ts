// The contract's part for messages to a contact: sending one, flushing auto-messages, the list.
import { z } from 'zod';
import { LocalId, Message, MessageChannel, text, Timestamp } from '../domain';
import { Page } from './listing';
import type { MethodGroup } from './MethodGroup';

export const messageMethods = {
  /**
   * Sends an in-app or email message from the connected admin: it waits MESSAGE_HOLD_MS (10 s) in
   * a hold where `messages.cancel` can take it back, then goes out (queued while offline).
   */
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
  /** Asks Intercom to match the user's pending auto-messages (after the same 10 s hold); at most once per 15 minutes per user. */
  'messages.flush': {
    input: z.object({ contactId: LocalId }).strict(),
    output: z.object({ message: Message, nextPossibleAt: Timestamp }),
  },
  /** Takes back a message or flush during its hold (it is then not sent); refused in words once released. */
  'messages.cancel': {
    input: z.object({ id: LocalId }).strict(),
    output: Message,
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
} as const satisfies MethodGroup;
