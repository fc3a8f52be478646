// Merging duplicates: the "Possible duplicates" groups (same email whatever its case, a visitor id
// another contact carries as its user id, the same name at the same company), the moving of a
// contact's own rows onto the one it is merged into and back, and what a merge keeps for its undo
// (migration 0015).
import type { Database } from 'better-sqlite3';
import type { EventRow } from './EventRepository';
import type { RowSnapshot } from './RowSnapshots';
import { Statements } from './Statements';

export type DuplicateReason = 'email' | 'visitor' | 'name';

export interface DuplicateGroupRow {
  reason: DuplicateReason;
  /** The email, the visitor id, or the name, as the first contact of the group writes it. */
  key: string;
  /** The company of a name group. */
  company_pk: number | null;
  /** How many contacts share it. */
  size: number;
}

/** The rows of one contact that a merge moved onto the other; the undo moves exactly these back. */
export interface MovedRows {
  /** Companies the survivor was linked to by the merge (it had not been before). */
  links: number[];
  events: number[];
  history: number[];
  messages: string[];
  /** Notes (ids): the unsent ones are queued again as the survivor's. */
  notes?: string[];
  /** Tags (pks) the survivor gained, and every tag the removed contact had (its links go with its row). */
  tags?: number[];
  fromTags?: { tag_pk: number; created_at: number }[];
}

/** An outbox entry of the removed contact that had not gone out, to append again on undo. */
export interface SavedEntry {
  op: string;
  payload: string;
  hold: string | null;
}

/** What a merge keeps for its undo (contact_merges.saved). */
export interface MergeSaved {
  fromRow: RowSnapshot;
  /** The survivor's row as it was before, and its updated_at as the merge left it (anything later: changed since). */
  intoRow: RowSnapshot;
  intoUpdatedAt: number;
  fromLinks: { company_pk: number; created_at: number }[];
  moved: MovedRows;
  /** Events the survivor already had (same name and second): dropped with the removed row. */
  droppedEvents: EventRow[];
  entries: SavedEntry[];
}

export interface MergeRow {
  change_id: string;
  from_id: string;
  into_id: string;
  mode: 'none' | 'merge' | 'archive';
  saved: MergeSaved;
  created_at: number;
}

/**
 * The three kinds of groups, each read from an index (see migration 0015 and 0001) without
 * building anything per contact: the emails that occur twice (a walk of the case-blind email
 * index), the visitor ids that are someone's user id (two unique indexes), and the names that
 * occur twice (the name index) narrowed to those shared within one company.
 */
const GROUPS = `
  WITH g AS (
    SELECT 'email' AS reason, min(email) AS key, NULL AS company_pk, count(*) AS size
    FROM contacts INDEXED BY contacts_by_email_nocase WHERE email IS NOT NULL AND email <> ''
    GROUP BY email COLLATE NOCASE HAVING count(*) > 1
    UNION ALL
    SELECT 'visitor', a.visitor_id, NULL, 2
    FROM contacts a JOIN contacts b ON b.external_id = a.visitor_id AND b.pk <> a.pk
    WHERE a.visitor_id IS NOT NULL
    UNION ALL
    SELECT 'name', min(c.name), l.company_pk, count(*)
    FROM (SELECT name FROM contacts INDEXED BY contacts_by_name WHERE name IS NOT NULL AND name <> ''
          GROUP BY name COLLATE NOCASE HAVING count(*) > 1) d
    JOIN contacts c ON c.name = d.name COLLATE NOCASE
    JOIN contact_companies l ON l.contact_pk = c.pk
    GROUP BY l.company_pk, c.name COLLATE NOCASE HAVING count(*) > 1
  )`;

export class MergeRepository {
  private readonly st: Statements;
  constructor(db: Database) {
    this.st = new Statements(db);
  }

  // ---- possible duplicates --------------------------------------------------------------------

  /**
   * Whether the indexes the duplicate groups read are there: a large first import drops them
   * while it writes and puts them back at its end (RemoteRepository.dropListIndexes).
   */
  duplicateIndexesReady(): boolean {
    const n = this.st
      .get(`SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name IN ('contacts_by_email_nocase', 'contacts_by_name')`)
      .pluck()
      .get() as number;
    return n === 2;
  }

  duplicateGroups(q: { reason?: DuplicateReason; limit: number; offset: number }): { rows: DuplicateGroupRow[]; total: number } {
    const where = q.reason ? 'WHERE reason = @reason' : '';
    const params = { reason: q.reason ?? null };
    // the total rides on the page (a window over every group), so the groups are found once
    const rows = this.st
      .get<DuplicateGroupRow & { total: number }>(
        `${GROUPS} SELECT reason, key, company_pk, size, count(*) OVER () AS total FROM g ${where}
         ORDER BY reason, key COLLATE NOCASE, company_pk LIMIT @limit OFFSET @offset`,
      )
      .all({ ...params, limit: q.limit, offset: q.offset });
    const total = rows[0]?.total ?? (q.offset > 0 ? (this.st.get(`${GROUPS} SELECT count(*) FROM g ${where}`).pluck().get(params) as number) : 0);
    return { rows: rows.map(({ total: _t, ...r }) => r), total };
  }

  /** The first contacts of one group, oldest first. */
  groupMembers(g: DuplicateGroupRow, limit: number): number[] {
    if (g.reason === 'email') {
      return this.st
        .get(`SELECT pk FROM contacts INDEXED BY contacts_by_email_nocase WHERE email = @key COLLATE NOCASE AND email <> '' ORDER BY pk LIMIT @limit`)
        .pluck()
        .all({ key: g.key, limit }) as number[];
    }
    if (g.reason === 'visitor') {
      return this.st
        .get(`SELECT pk FROM contacts WHERE visitor_id = @key UNION SELECT pk FROM contacts WHERE external_id = @key ORDER BY pk LIMIT @limit`)
        .pluck()
        .all({ key: g.key, limit }) as number[];
    }
    return this.st
      .get(
        `SELECT c.pk FROM contact_companies l JOIN contacts c ON c.pk = l.contact_pk
         WHERE l.company_pk = @company AND c.name = @key COLLATE NOCASE ORDER BY c.pk LIMIT @limit`,
      )
      .pluck()
      .all({ key: g.key, company: g.company_pk, limit }) as number[];
  }

  // ---- the moves --------------------------------------------------------------------------------

  /**
   * Every row that belongs to contact `from` and is kept per contact, moved onto `into`: one
   * statement per table (a new per-contact table adds its line here and in `moveContactRowsBack`).
   * A link or event the survivor already has stays with `from` (it goes with its row).
   */
  moveContactRows(from: { pk: number; id: string }, into: { pk: number; id: string }): MovedRows {
    const p = { fromPk: from.pk, intoPk: into.pk, fromId: from.id, intoId: into.id };
    const links = this.st
      .get(
        `INSERT OR IGNORE INTO contact_companies (contact_pk, company_pk, created_at)
         SELECT @intoPk, company_pk, created_at FROM contact_companies WHERE contact_pk = @fromPk RETURNING company_pk`,
      )
      .pluck()
      .all(p) as number[];
    const events = this.st.get('UPDATE OR IGNORE events SET contact_pk = @intoPk WHERE contact_pk = @fromPk RETURNING id').pluck().all(p) as number[];
    const history = this.st
      .get(`UPDATE stage_history SET entity_id = @intoId WHERE entity_type = 'contact' AND entity_id = @fromId RETURNING id`)
      .pluck()
      .all(p) as number[];
    const messages = this.st.get('UPDATE messages SET contact_id = @intoId WHERE contact_id = @fromId RETURNING id').pluck().all(p) as string[];
    const notes = this.st.get('UPDATE notes SET contact_pk = @intoPk WHERE contact_pk = @fromPk RETURNING id').pluck().all(p) as string[];
    const fromTags = this.st.get<{ tag_pk: number; created_at: number }>('SELECT tag_pk, created_at FROM contact_tags WHERE contact_pk = @fromPk ORDER BY tag_pk').all(p);
    const tags = this.st
      .get(
        `INSERT OR IGNORE INTO contact_tags (tag_pk, contact_pk, created_at)
         SELECT tag_pk, @intoPk, created_at FROM contact_tags WHERE contact_pk = @fromPk RETURNING tag_pk`,
      )
      .pluck()
      .all(p) as number[];
    // the link repository keeps user_count; the links the survivor gains count here
    this.st.get('UPDATE companies SET user_count = user_count + 1 WHERE pk IN (SELECT value FROM json_each(@links))').run({ links: JSON.stringify(links) });
    return { links, events, history, messages, notes, tags, fromTags };
  }

  /** The reverse of `moveContactRows`, once `from` is back (same pk). */
  moveContactRowsBack(moved: MovedRows, from: { pk: number; id: string }, into: { pk: number; id: string }): void {
    const p = { fromPk: from.pk, intoPk: into.pk, fromId: from.id, intoId: into.id };
    const ids = (list: readonly unknown[]) => JSON.stringify(list);
    this.st
      .get('DELETE FROM contact_companies WHERE contact_pk = @intoPk AND company_pk IN (SELECT value FROM json_each(@links))')
      .run({ ...p, links: ids(moved.links) });
    this.st.get('UPDATE events SET contact_pk = @fromPk WHERE id IN (SELECT value FROM json_each(@events))').run({ ...p, events: ids(moved.events) });
    this.st.get('UPDATE stage_history SET entity_id = @fromId WHERE id IN (SELECT value FROM json_each(@history))').run({ ...p, history: ids(moved.history) });
    this.st.get('UPDATE messages SET contact_id = @fromId WHERE id IN (SELECT value FROM json_each(@messages))').run({ ...p, messages: ids(moved.messages) });
    this.st.get('UPDATE notes SET contact_pk = @fromPk WHERE id IN (SELECT value FROM json_each(@notes))').run({ ...p, notes: ids(moved.notes ?? []) });
    this.st.get('DELETE FROM contact_tags WHERE contact_pk = @intoPk AND tag_pk IN (SELECT value FROM json_each(@tags))').run({ ...p, tags: ids(moved.tags ?? []) });
    const retag = this.st.get('INSERT OR IGNORE INTO contact_tags (tag_pk, contact_pk, created_at) VALUES (@tagPk, @fromPk, @createdAt)');
    for (const t of moved.fromTags ?? []) retag.run({ fromPk: from.pk, tagPk: t.tag_pk, createdAt: t.created_at });
    this.st.get('UPDATE companies SET user_count = user_count - 1 WHERE pk IN (SELECT value FROM json_each(@links))').run({ links: ids(moved.links) });
  }

  /** The contact's links (to put back as they were). */
  linksOf(contactPk: number): { company_pk: number; created_at: number }[] {
    return this.st.get<{ company_pk: number; created_at: number }>('SELECT company_pk, created_at FROM contact_companies WHERE contact_pk = ?').all(contactPk);
  }

  /** Events still on the contact (after the move: those the survivor had already). */
  eventsOf(contactPk: number): EventRow[] {
    return this.st.get<EventRow>('SELECT * FROM events WHERE contact_pk = ? ORDER BY id').all(contactPk);
  }

  /** Puts events back with their ids (a merge's undo). */
  reinsertEvents(rows: readonly EventRow[]): void {
    const insert = this.st.get(
      `INSERT INTO events (id, contact_pk, visitor_id, name, at, metadata, source, sync_state)
       VALUES (@id, @contact_pk, @visitor_id, @name, @at, @metadata, @source, @sync_state)`,
    );
    for (const r of rows) insert.run(r);
  }

  /** Of the moved notes, those written here that Intercom has not got (their entries were the removed contact's). */
  unsentNotes(ids: readonly string[]): string[] {
    return this.st
      .get(`SELECT id FROM notes WHERE id IN (SELECT value FROM json_each(@ids)) AND source = 'local' AND intercom_id IS NULL ORDER BY created_at, id`)
      .pluck()
      .all({ ids: JSON.stringify(ids) }) as string[];
  }

  /** Events of the contact not yet in Intercom (their entries were the removed contact's). */
  unsentEvents(ids: readonly number[]): { id: number; name: string; at: number }[] {
    return this.st
      .get<{ id: number; name: string; at: number }>(
        `SELECT id, name, at FROM events WHERE id IN (SELECT value FROM json_each(@ids)) AND sync_state = 'pending' ORDER BY at, id`,
      )
      .all({ ids: JSON.stringify(ids) });
  }

  /** What a merge of this contact would move. */
  counts(from: { pk: number; id: string }): { companies: number; events: number; messages: number; history: number } {
    return this.st
      .get<{ companies: number; events: number; messages: number; history: number }>(
        `SELECT (SELECT count(*) FROM contact_companies WHERE contact_pk = @pk) AS companies,
                (SELECT count(*) FROM events WHERE contact_pk = @pk) AS events,
                (SELECT count(*) FROM messages WHERE contact_id = @id) AS messages,
                (SELECT count(*) FROM stage_history WHERE entity_type = 'contact' AND entity_id = @id) AS history`,
      )
      .get({ pk: from.pk, id: from.id })!;
  }

  /** A message or flush of the contact still waits to go out (its undo-send hold, or the outbox). */
  hasWaitingMessage(contactId: string): boolean {
    return (
      this.st
        .get(`SELECT 1 FROM outbox WHERE entity_id = ? AND op IN ('message.send', 'message.flush') AND status IN ('pending', 'in_flight') LIMIT 1`)
        .get(contactId) !== undefined
    );
  }

  // ---- the merge record ---------------------------------------------------------------------------

  save(r: MergeRow): void {
    this.st
      .get(`INSERT INTO contact_merges (change_id, from_id, into_id, mode, saved, created_at) VALUES (@change_id, @from_id, @into_id, @mode, @saved, @created_at)`)
      .run({ ...r, saved: JSON.stringify(r.saved) });
  }

  byChange(changeId: string): MergeRow | undefined {
    const row = this.st.get<Omit<MergeRow, 'saved'> & { saved: string }>('SELECT * FROM contact_merges WHERE change_id = ?').get(changeId);
    return row ? { ...row, saved: JSON.parse(row.saved) as MergeSaved } : undefined;
  }
}
