// Notes on contacts, as zod schemas and their types: what a person wrote here (waiting for
// Intercom until it has it) and the team's notes pulled from Intercom. Pure: no node, DOM or
// electron imports.
import { z } from 'zod';
import { Timestamp } from './domain';

/** Intercom keeps a note's body as HTML; this bounds what one note may hold as plain text. */
export const NOTE_MAX_LENGTH = 10_000;

// Notes are several lines: newlines and tabs are allowed, other control characters are not
// eslint-disable-next-line no-control-regex
const CONTROL_BUT_LINES = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

export const NoteText = z
  .string()
  .trim()
  .min(1, { message: 'must not be empty' })
  .max(NOTE_MAX_LENGTH, { message: `must be at most ${NOTE_MAX_LENGTH.toLocaleString('en')} characters` })
  .refine((s) => !CONTROL_BUT_LINES.test(s), { message: 'must not contain control characters' });

/**
 * waiting: written here, in the outbox (offline, or not sent yet); sending: its request is out;
 * synced: Intercom has it (written here and sent, or pulled from there); failed: Intercom refused
 * it (the outbox says why).
 */
export const NOTE_SYNC_STATES = ['waiting', 'sending', 'synced', 'failed'] as const;
export const NoteSyncState = z.enum(NOTE_SYNC_STATES);

export const Note = z.object({
  id: z.string(),
  contactId: z.string(),
  /** Plain text (Intercom's HTML is read as text). */
  body: z.string(),
  /** Who wrote it: the person's name here, or the Intercom admin's for a pulled note. */
  author: z.string().nullable(),
  /** The Intercom admin it is (or will be) sent as; null while not known yet. */
  authorAdminId: z.string().nullable(),
  createdAt: Timestamp,
  /** Written in this console, or pulled from Intercom (a colleague's, or written there). */
  source: z.enum(['local', 'intercom']),
  intercomId: z.string().nullable(),
  syncState: NoteSyncState,
  /** Intercom's refusal, in its words, while the outbox entry is failed. */
  error: z.string().nullable(),
  /** Whether it can still be edited or deleted here, and why not in words when it cannot. */
  editable: z.boolean(),
  editBlockedReason: z.string().nullable(),
});
export type Note = z.infer<typeof Note>;
