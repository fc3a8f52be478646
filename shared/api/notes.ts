// The contract's part for notes on contacts: add one (kept here and sent to Intercom through the
// outbox), edit or delete your own while Intercom has not got it, list them, pull the team's.
import { z } from 'zod';
import { LocalId } from '../domain';
import { Note, NoteText } from '../notes';
import { Page } from './listing';
import type { MethodGroup } from './MethodGroup';

export const noteMethods = {
  /** Writes a note on the contact; it waits in the outbox (offline too) and is undoable like any change. */
  'notes.add': {
    input: z.object({ contactId: LocalId, note: NoteText }).strict(),
    output: Note,
  },
  /** Changes the text of your own note while it waits; refused in words once Intercom has it (Intercom's notes cannot be edited). */
  'notes.edit': {
    input: z.object({ id: LocalId, note: NoteText }).strict(),
    output: Note,
  },
  /** Deletes your own note while it waits (Intercom never gets it); refused in words once Intercom has it. */
  'notes.delete': {
    input: z.object({ id: LocalId }).strict(),
    output: z.object({ id: z.string(), deleted: z.boolean() }),
  },
  /** The contact's notes, newest first: the team's from Intercom and the ones written here. */
  'notes.list': {
    input: z.object({ contactId: LocalId, ...Page }).strict(),
    output: z.object({ items: z.array(Note), total: z.number().int() }),
  },
  /** Reads the contact's notes from Intercom now and keeps the ones not held yet (needs a connection). */
  'notes.pull': {
    input: z.object({ contactId: LocalId }).strict(),
    output: z.object({ fetched: z.number().int(), added: z.number().int() }),
  },
} as const satisfies MethodGroup;
