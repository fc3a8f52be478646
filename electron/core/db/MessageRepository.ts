// Messages sent from the console and auto-message flushes, with their fate.
import type { Database } from 'better-sqlite3';
import type { Message } from '../../../shared/domain';
import { iso, isoOrNull } from './rows';
import { Statements } from './Statements';

export interface MessageRow {
  id: string;
  contact_id: string;
  kind: Message['kind'];
  channel: Message['channel'];
  subject: string | null;
  body: string | null;
  status: Message['status'];
  created_at: number;
  sent_at: number | null;
  intercom_id: string | null;
  error: string | null;
  actor: string;
  release_at: number | null;
  undone_at: number | null;
}

/** Why a message cannot be taken back at `now`, in words; null while it is in its hold. */
export function messageUndoBlocked(r: MessageRow, now: number): string | null {
  const what = r.kind === 'flush' ? 'flush' : 'message';
  if (r.undone_at !== null) return `This ${what} was taken back; it was not sent.`;
  switch (r.status) {
    case 'sent':
      return 'Messages already sent cannot be taken back.';
    case 'discarded':
      return `This ${what} was discarded; it was not sent.`;
    case 'failed':
      return `Intercom did not take this ${what}; retry or discard it in the outbox.`;
    case 'queued':
      if (r.release_at !== null && r.release_at > now) return null;
      return `The ${what} has left its 10-second hold and is being sent; messages cannot be taken back after that.`;
  }
}

export const toMessage = (r: MessageRow, now: number): Message => ({
  id: r.id,
  contactId: r.contact_id,
  kind: r.kind,
  channel: r.channel,
  subject: r.subject,
  body: r.body,
  status: r.status,
  createdAt: iso(r.created_at),
  sentAt: isoOrNull(r.sent_at),
  error: r.error,
  actor: r.actor,
  releaseAt: isoOrNull(r.release_at),
  undoneAt: isoOrNull(r.undone_at),
  undoable: messageUndoBlocked(r, now) === null,
  undoBlockedReason: messageUndoBlocked(r, now),
});

export class MessageRepository {
  private readonly st: Statements;
  constructor(db: Database) {
    this.st = new Statements(db);
  }

  insert(r: Omit<MessageRow, 'sent_at' | 'intercom_id' | 'error' | 'release_at' | 'undone_at'> & { release_at?: number | null }): void {
    this.st
      .get(
        `INSERT INTO messages (id, contact_id, kind, channel, subject, body, status, created_at, actor, release_at)
         VALUES (@id, @contact_id, @kind, @channel, @subject, @body, @status, @created_at, @actor, @release_at)`,
      )
      .run({ ...r, release_at: r.release_at ?? null });
  }

  /** Taken back during its hold: not sent, and the list says so. */
  markUndone(id: string, at: number): void {
    this.st.get(`UPDATE messages SET status = 'discarded', undone_at = @at WHERE id = @id`).run({ id, at });
  }

  byId(id: string): MessageRow | undefined {
    return this.st.get<MessageRow>('SELECT * FROM messages WHERE id = ?').get(id);
  }

  /** Newest first. */
  forContact(contactId: string, limit: number, offset: number): { rows: MessageRow[]; total: number } {
    const rows = this.st
      .get<MessageRow>('SELECT * FROM messages WHERE contact_id = ? ORDER BY created_at DESC, rowid DESC LIMIT ? OFFSET ?')
      .all(contactId, limit, offset);
    const total = (this.st.get<{ n: number }>('SELECT count(*) AS n FROM messages WHERE contact_id = ?').get(contactId) as { n: number }).n;
    return { rows, total };
  }

  /** The latest flush that was queued or reached Intercom (a failed or discarded one does not count). */
  lastFlushAt(contactId: string): number | null {
    const row = this.st
      .get<{ at: number }>(
        `SELECT coalesce(sent_at, created_at) AS at FROM messages
         WHERE contact_id = ? AND kind = 'flush' AND status IN ('queued', 'sent')
         ORDER BY created_at DESC LIMIT 1`,
      )
      .get(contactId) as { at: number } | undefined;
    return row?.at ?? null;
  }

  setStatus(id: string, fields: { status: MessageRow['status']; sentAt?: number | null; intercomId?: string | null; error?: string | null }): void {
    this.st
      .get(
        `UPDATE messages SET status = @status, sent_at = coalesce(@sentAt, sent_at),
           intercom_id = coalesce(@intercomId, intercom_id), error = @error WHERE id = @id`,
      )
      .run({ id, status: fields.status, sentAt: fields.sentAt ?? null, intercomId: fields.intercomId ?? null, error: fields.error ?? null });
  }
}
