// Notes on contacts: those written here (their outbox entry says whether Intercom has them yet)
// and those pulled from Intercom, plus the contacts whose notes the next sync reads again.
import type { Database } from 'better-sqlite3';
import type { Note } from '../../../shared/notes';
import type { OutboxStatus } from '../../../shared/domain';
import { iso } from './rows';
import { Statements } from './Statements';

export interface NoteRow {
  id: string;
  contact_pk: number;
  body: string;
  author: string | null;
  author_admin_id: string | null;
  source: 'local' | 'intercom';
  intercom_id: string | null;
  created_at: number;
  updated_at: number;
}

/** A note with its contact's ids and the state of its latest outbox entry (null: none). */
export interface NoteWithEntry extends NoteRow {
  contact_id: string;
  contact_intercom_id: string | null;
  entry_status: OutboxStatus | null;
  entry_attempts: number | null;
  entry_error: string | null;
}

export interface NewRemoteNote {
  id: string;
  contactPk: number;
  body: string;
  author: string | null;
  authorAdminId: string | null;
  intercomId: string;
  createdAt: number;
}

/** The note's latest contact.note entry (a deleted note's is withdrawn with it). */
const ENTRY = (col: string) => `(SELECT o.${col} FROM outbox o
  WHERE o.entity_id = c.id AND o.op = 'contact.note' AND json_extract(o.payload, '$.noteId') = n.id
  ORDER BY o.seq DESC LIMIT 1)`;

const WITH_ENTRY = `SELECT n.*, c.id AS contact_id, c.intercom_id AS contact_intercom_id,
    ${ENTRY('status')} AS entry_status, ${ENTRY('attempts')} AS entry_attempts, ${ENTRY('last_error')} AS entry_error
  FROM notes n JOIN contacts c ON c.pk = n.contact_pk`;

/**
 * The note's state as the timeline and the list show it (SQL over `n`, the note, and `c`, its
 * contact): Intercom has it, its request is out, Intercom refused it, or it waits.
 */
export const NOTE_STATE_SQL = `CASE WHEN n.intercom_id IS NOT NULL THEN 'synced'
  ELSE coalesce((SELECT CASE o.status WHEN 'in_flight' THEN 'sending' WHEN 'failed' THEN 'failed' WHEN 'done' THEN 'synced' ELSE 'waiting' END
    FROM outbox o WHERE o.entity_id = c.id AND o.op = 'contact.note' AND json_extract(o.payload, '$.noteId') = n.id
    ORDER BY o.seq DESC LIMIT 1), 'failed') END`;

export const NO_ENTRY_WORDS = 'Its outbox entry was discarded, so Intercom will not get this note.';

/** Why a note cannot be edited or deleted here, in words; null while it can. */
export function noteEditBlocked(r: NoteWithEntry): string | null {
  if (r.source === 'intercom') {
    return 'This note came from Intercom: Intercom offers no way to edit or delete a note through its API, so it stays as written.';
  }
  if (r.intercom_id !== null || r.entry_status === 'done') {
    return 'Intercom already has this note, and Intercom’s notes cannot be edited or deleted after they are sent (its API only creates, lists and reads them).';
  }
  if (r.entry_status === 'in_flight') return 'This note is being sent to Intercom right now; once Intercom has it, it can no longer be edited.';
  if (r.entry_status === 'pending' && (r.entry_attempts ?? 0) > 0) {
    return 'This note was sent to Intercom once without an answer, so Intercom may have it; Intercom’s notes cannot be edited or deleted after they are sent, so it stays as written.';
  }
  return null;
}

export function toNote(r: NoteWithEntry): Note {
  const blocked = noteEditBlocked(r);
  const state: Note['syncState'] =
    r.intercom_id !== null || r.entry_status === 'done'
      ? 'synced'
      : r.entry_status === 'in_flight'
        ? 'sending'
        : r.entry_status === 'pending'
          ? 'waiting'
          : 'failed';
  return {
    id: r.id,
    contactId: r.contact_id,
    body: r.body,
    author: r.author,
    authorAdminId: r.author_admin_id,
    createdAt: iso(r.created_at),
    source: r.source,
    intercomId: r.intercom_id,
    syncState: state,
    error: state !== 'failed' ? null : r.entry_status === null ? NO_ENTRY_WORDS : r.entry_error,
    editable: blocked === null,
    editBlockedReason: blocked,
  };
}

export class NoteRepository {
  private readonly st: Statements;
  constructor(db: Database) {
    this.st = new Statements(db);
  }

  insert(r: Omit<NoteRow, 'updated_at' | 'intercom_id'> & { intercom_id?: string | null }): void {
    this.st
      .get(
        `INSERT INTO notes (id, contact_pk, body, author, author_admin_id, source, intercom_id, created_at, updated_at)
         VALUES (@id, @contact_pk, @body, @author, @author_admin_id, @source, @intercom_id, @created_at, @created_at)`,
      )
      .run({ ...r, intercom_id: r.intercom_id ?? null });
  }

  byId(id: string): NoteWithEntry | undefined {
    return this.st.get<NoteWithEntry>(`${WITH_ENTRY} WHERE n.id = ?`).get(id);
  }

  /** Newest first. */
  forContact(contactPk: number, limit: number, offset: number): { rows: NoteWithEntry[]; total: number } {
    const rows = this.st.get<NoteWithEntry>(`${WITH_ENTRY} WHERE n.contact_pk = ? ORDER BY n.created_at DESC, n.id DESC LIMIT ? OFFSET ?`).all(contactPk, limit, offset);
    const total = this.st.get('SELECT count(*) FROM notes WHERE contact_pk = ?').pluck().get(contactPk) as number;
    return { rows, total };
  }

  setBody(id: string, body: string, at: number): void {
    this.st.get('UPDATE notes SET body = @body, updated_at = @at WHERE id = @id').run({ id, body, at });
  }

  delete(id: string): void {
    this.st.get('DELETE FROM notes WHERE id = ?').run(id);
  }

  /** Intercom has it (its answer, or the note found there after a lost answer). */
  setPushed(id: string, intercomId: string, authorAdminId: string | null, at: number): void {
    this.st
      .get('UPDATE notes SET intercom_id = @intercomId, author_admin_id = coalesce(@authorAdminId, author_admin_id), updated_at = @at WHERE id = @id')
      .run({ id, intercomId, authorAdminId, at });
  }

  /** Of these Intercom note ids, those a note here holds. */
  knownIntercomIds(ids: readonly string[]): Set<string> {
    if (ids.length === 0) return new Set();
    const rows = this.st.get('SELECT intercom_id FROM notes WHERE intercom_id IN (SELECT value FROM json_each(?))').pluck().all(JSON.stringify(ids)) as string[];
    return new Set(rows);
  }

  /**
   * Notes of the contact written here that Intercom may have without this store knowing it: no
   * Intercom id yet, and their entry went out at least once (its answer was lost) or is out now.
   */
  maybeSent(contactPk: number): NoteWithEntry[] {
    return this.st
      .get<NoteWithEntry>(`SELECT * FROM (${WITH_ENTRY} WHERE n.contact_pk = ? AND n.source = 'local' AND n.intercom_id IS NULL)
        WHERE entry_status = 'in_flight' OR (entry_status IN ('pending', 'failed') AND entry_attempts > 0)`)
      .all(contactPk);
  }

  insertFromIntercom(rows: readonly NewRemoteNote[]): void {
    for (const r of rows) {
      this.insert({
        id: r.id,
        contact_pk: r.contactPk,
        body: r.body,
        author: r.author,
        author_admin_id: r.authorAdminId,
        source: 'intercom',
        intercom_id: r.intercomId,
        created_at: r.createdAt,
      });
    }
  }

  // ---- what the sync reads again ----------------------------------------------------------------

  /**
   * Contacts a pull page showed (Intercom ids, with the notes Intercom counts for each) whose
   * notes this store holds fewer of: the next notes step reads them. Returns how many were marked.
   */
  wantWhereBehind(counts: readonly { intercomId: string; count: number }[], at: number): number {
    if (counts.length === 0) return 0;
    return this.st
      .get(
        `INSERT INTO notes_wanted (contact_pk, remote_count, seen_at)
         SELECT c.pk, j.value ->> '$.count', @at FROM json_each(@list) j JOIN contacts c ON c.intercom_id = j.value ->> '$.intercomId'
         WHERE (j.value ->> '$.count') > (SELECT count(*) FROM notes n WHERE n.contact_pk = c.pk AND n.intercom_id IS NOT NULL)
         ON CONFLICT (contact_pk) DO UPDATE SET remote_count = excluded.remote_count, seen_at = excluded.seen_at`,
      )
      .run({ list: JSON.stringify(counts), at }).changes;
  }

  /** The contacts to read, the longest waiting first. */
  wanted(limit: number): { contact_pk: number; contact_id: string; intercom_id: string | null }[] {
    return this.st
      .get<{ contact_pk: number; contact_id: string; intercom_id: string | null }>(
        `SELECT w.contact_pk, c.id AS contact_id, c.intercom_id FROM notes_wanted w JOIN contacts c ON c.pk = w.contact_pk
         ORDER BY w.seen_at, w.contact_pk LIMIT ?`,
      )
      .all(limit);
  }

  countWanted(): number {
    return this.st.get('SELECT count(*) FROM notes_wanted').pluck().get() as number;
  }

  unwant(contactPk: number): void {
    this.st.get('DELETE FROM notes_wanted WHERE contact_pk = ?').run(contactPk);
  }
}
