// Activity: events of contacts and of anonymous visitors, the event names Intercom already knows,
// the first touch and last activity they set on contacts, and timelines (events, stage changes,
// messages and notes, newest first, paged by a keyset cursor on (at, key)).
import type { Database } from 'better-sqlite3';
import type { ActivityEvent, EventMetadata } from '../../../shared/activity';
import { NOTE_STATE_SQL } from './NoteRepository';
import { iso } from './rows';
import { Statements } from './Statements';

export type EventSource = ActivityEvent['source'];
export type EventSyncState = ActivityEvent['syncState'];

export interface EventRow {
  id: number;
  contact_pk: number | null;
  visitor_id: string | null;
  name: string;
  at: number;
  metadata: string | null;
  source: EventSource;
  sync_state: EventSyncState;
}

/** An event row with its contact's local id (null for a visitor's). */
export interface EventRowWithContact extends EventRow {
  contact_id: string | null;
}

export interface NewEventRow {
  contactPk: number | null;
  visitorId: string | null;
  name: string;
  /** Whole seconds, in ms. */
  at: number;
  metadata: EventMetadata;
  source: EventSource;
  syncState: EventSyncState;
}

export function toActivityEvent(r: EventRowWithContact): ActivityEvent {
  return {
    id: r.id,
    contactId: r.contact_id,
    visitorId: r.visitor_id,
    name: r.name,
    at: iso(r.at),
    metadata: r.metadata ? (JSON.parse(r.metadata) as EventMetadata) : {},
    source: r.source,
    syncState: r.sync_state,
  };
}

/** One timeline line as read: which kind, its sort position, and the fields of that kind as JSON. */
export interface TimelineRow {
  kind: 'event' | 'stage' | 'message' | 'note';
  key: string;
  at: number;
  /** The contact it is about (null for a company's own stage change). */
  contact_id: string | null;
  contact_name: string | null;
  contact_email: string | null;
  contact_role: 'lead' | 'user' | null;
  contact_stage: 'lead' | 'signed_up' | null;
  data: string;
}

/** Where the previous page ended: the rows strictly older than (at, key) come next. */
export interface TimelineSeek {
  at: number;
  key: string;
}

export interface FirstTouchRow {
  first_seen_at: number | null;
  first_referrer: string | null;
  first_landing_page: string | null;
}

// The sort key of each kind: a letter and a zero-padded id, so keys of one kind sort by id and
// the order of (at, key) is total across kinds.
const EVENT_KEY = `'e' || printf('%012d', e.id)`;
const STAGE_KEY = `'s' || printf('%012d', h.id)`;
const MESSAGE_KEY = `'m' || m.id`;
const NOTE_KEY = `'n' || n.id`;

const EVENT_DATA = `json_object('id', e.id, 'visitorId', e.visitor_id, 'name', e.name, 'metadata', json(coalesce(e.metadata, '{}')),
  'source', e.source, 'syncState', e.sync_state)`;
const STAGE_DATA = `json_object('entityType', h.entity_type, 'entityId', h.entity_id, 'fromStage', h.from_stage, 'toStage', h.to_stage,
  'actor', h.actor, 'source', h.source)`;
const MESSAGE_DATA = `json_object('id', m.id, 'kind', m.kind, 'channel', m.channel, 'subject', m.subject, 'status', m.status)`;
const NOTE_DATA = `json_object('id', n.id, 'body', n.body, 'author', n.author, 'source', n.source, 'syncState', ${NOTE_STATE_SQL})`;

/**
 * `(at, key)` strictly before the cursor. The first page seeks from a cursor after everything
 * (FIRST_PAGE) rather than skipping the predicate, so `at <= @cAt` is always a range on the
 * (owner, at) indexes and a deep page costs what the first one does.
 */
const before = (at: string, key: string) => `${at} <= @cAt AND (${at} < @cAt OR ${key} < @cKey)`;
/** Later than any time, and a key above any ('e', 'm', 's' + digits or a UUID). */
const FIRST_PAGE: TimelineSeek = { at: Number.MAX_SAFE_INTEGER, key: '~' };

const CONTACT_COLS = 'c.id AS contact_id, c.name AS contact_name, c.email AS contact_email, c.role AS contact_role, c.stage AS contact_stage';
const NO_CONTACT = 'NULL AS contact_id, NULL AS contact_name, NULL AS contact_email, NULL AS contact_role, NULL AS contact_stage';

/**
 * Each arm reads at most `limit` rows from its own index, newest first, so a page costs the same
 * however long the timeline is; the outer ORDER BY merges the three.
 */
const CONTACT_TIMELINE = `
  SELECT * FROM (
    SELECT * FROM (
      SELECT 'event' AS kind, ${EVENT_KEY} AS key, e.at AS at, ${CONTACT_COLS}, ${EVENT_DATA} AS data
      FROM events e JOIN contacts c ON c.pk = e.contact_pk
      WHERE e.contact_pk = @pk AND ${before('e.at', EVENT_KEY)}
      ORDER BY e.at DESC, e.id DESC LIMIT @limit)
    UNION ALL
    SELECT * FROM (
      SELECT 'stage', ${STAGE_KEY}, h.at, ${CONTACT_COLS}, ${STAGE_DATA}
      FROM stage_history h JOIN contacts c ON c.pk = @pk
      WHERE h.entity_id = @id AND ${before('h.at', STAGE_KEY)}
      ORDER BY h.at DESC, h.id DESC LIMIT @limit)
    UNION ALL
    SELECT * FROM (
      SELECT 'message', ${MESSAGE_KEY}, m.created_at, ${CONTACT_COLS}, ${MESSAGE_DATA}
      FROM messages m JOIN contacts c ON c.pk = @pk
      WHERE m.contact_id = @id AND ${before('m.created_at', MESSAGE_KEY)}
      ORDER BY m.created_at DESC, m.id DESC LIMIT @limit)
    UNION ALL
    SELECT * FROM (
      SELECT 'note', ${NOTE_KEY}, n.created_at, ${CONTACT_COLS}, ${NOTE_DATA}
      FROM notes n JOIN contacts c ON c.pk = n.contact_pk
      WHERE n.contact_pk = @pk AND ${before('n.created_at', NOTE_KEY)}
      ORDER BY n.created_at DESC, n.id DESC LIMIT @limit)
  ) ORDER BY at DESC, key DESC LIMIT @limit`;

/** The same over all of a company's users, plus the company's own stage changes. */
const COMPANY_TIMELINE = `
  SELECT * FROM (
    SELECT * FROM (
      SELECT 'event' AS kind, ${EVENT_KEY} AS key, e.at AS at, ${CONTACT_COLS}, ${EVENT_DATA} AS data
      FROM contact_companies l JOIN events e ON e.contact_pk = l.contact_pk JOIN contacts c ON c.pk = l.contact_pk
      WHERE l.company_pk = @companyPk AND ${before('e.at', EVENT_KEY)}
      ORDER BY e.at DESC, e.id DESC LIMIT @limit)
    UNION ALL
    SELECT * FROM (
      SELECT 'stage', ${STAGE_KEY}, h.at, ${CONTACT_COLS}, ${STAGE_DATA}
      FROM contact_companies l JOIN contacts c ON c.pk = l.contact_pk JOIN stage_history h ON h.entity_id = c.id
      WHERE l.company_pk = @companyPk AND ${before('h.at', STAGE_KEY)}
      ORDER BY h.at DESC, h.id DESC LIMIT @limit)
    UNION ALL
    SELECT * FROM (
      SELECT 'stage', ${STAGE_KEY}, h.at, ${NO_CONTACT}, ${STAGE_DATA}
      FROM stage_history h
      WHERE h.entity_id = @companyId AND ${before('h.at', STAGE_KEY)}
      ORDER BY h.at DESC, h.id DESC LIMIT @limit)
    UNION ALL
    SELECT * FROM (
      SELECT 'message', ${MESSAGE_KEY}, m.created_at, ${CONTACT_COLS}, ${MESSAGE_DATA}
      FROM contact_companies l JOIN contacts c ON c.pk = l.contact_pk JOIN messages m ON m.contact_id = c.id
      WHERE l.company_pk = @companyPk AND ${before('m.created_at', MESSAGE_KEY)}
      ORDER BY m.created_at DESC, m.id DESC LIMIT @limit)
    UNION ALL
    SELECT * FROM (
      SELECT 'note', ${NOTE_KEY}, n.created_at, ${CONTACT_COLS}, ${NOTE_DATA}
      FROM contact_companies l JOIN contacts c ON c.pk = l.contact_pk JOIN notes n ON n.contact_pk = l.contact_pk
      WHERE l.company_pk = @companyPk AND ${before('n.created_at', NOTE_KEY)}
      ORDER BY n.created_at DESC, n.id DESC LIMIT @limit)
  ) ORDER BY at DESC, key DESC LIMIT @limit`;

const EVENT_WITH_CONTACT = `SELECT e.*, c.id AS contact_id FROM events e LEFT JOIN contacts c ON c.pk = e.contact_pk`;

export class EventRepository {
  readonly st: Statements;
  constructor(readonly db: Database) {
    this.st = new Statements(db);
  }

  // ---- events ----------------------------------------------------------------------------------

  /**
   * Inserts unless the unique indexes already hold one (same contact, or same visitor without a
   * contact, + name + at: Intercom's duplicate rule). Returns the new id, or null for a duplicate.
   */
  insert(e: NewEventRow): number | null {
    const info = this.st
      .get(
        `INSERT INTO events (contact_pk, visitor_id, name, at, metadata, source, sync_state)
         VALUES (@contactPk, @visitorId, @name, @at, @metadata, @source, @syncState)
         ON CONFLICT DO NOTHING`,
      )
      .run({ ...e, metadata: Object.keys(e.metadata).length === 0 ? null : JSON.stringify(e.metadata) });
    return info.changes === 0 ? null : Number(info.lastInsertRowid);
  }

  /** The event a duplicate collided with. */
  findSame(contactPk: number | null, visitorId: string | null, name: string, at: number): EventRow | undefined {
    if (contactPk !== null) {
      return this.st
        .get<EventRow>('SELECT * FROM events WHERE contact_pk = @contactPk AND name = @name AND at = @at')
        .get({ contactPk, name, at });
    }
    return this.st
      .get<EventRow>('SELECT * FROM events WHERE contact_pk IS NULL AND visitor_id = @visitorId AND name = @name AND at = @at')
      .get({ visitorId, name, at });
  }

  byId(id: number): EventRowWithContact | undefined {
    return this.st.get<EventRowWithContact>(`${EVENT_WITH_CONTACT} WHERE e.id = @id`).get({ id });
  }

  setSyncState(id: number, syncState: EventSyncState): void {
    this.st.get('UPDATE events SET sync_state = @syncState WHERE id = @id').run({ id, syncState });
  }

  /** A visitor's events (no contact yet), oldest first. */
  ofVisitor(visitorId: string, limit = 500): EventRowWithContact[] {
    return this.st
      .get<EventRowWithContact>(`${EVENT_WITH_CONTACT} WHERE e.contact_pk IS NULL AND e.visitor_id = @visitorId ORDER BY e.at, e.id LIMIT @limit`)
      .all({ visitorId, limit });
  }

  /**
   * Moves a visitor's events onto a contact: those the contact already has (same name and second)
   * are dropped, the others become its own, waiting to be queued. Returns the moved ones.
   */
  adoptVisitor(visitorId: string, contactPk: number, syncState: EventSyncState): Array<{ id: number; name: string; at: number }> {
    this.st
      .get(
        `DELETE FROM events WHERE contact_pk IS NULL AND visitor_id = @visitorId
           AND EXISTS (SELECT 1 FROM events x WHERE x.contact_pk = @contactPk AND x.name = events.name AND x.at = events.at)`,
      )
      .run({ visitorId, contactPk });
    return this.st
      .get<{ id: number; name: string; at: number }>(
        `UPDATE events SET contact_pk = @contactPk, sync_state = @syncState
         WHERE contact_pk IS NULL AND visitor_id = @visitorId RETURNING id, name, at`,
      )
      .all({ visitorId, contactPk, syncState })
      .sort((a, b) => a.at - b.at || a.id - b.id);
  }

  /**
   * The reverse of adoptVisitor, for a contact about to be deleted (an import rolled back): its
   * events that came with a visitor id go back to that visitor, waiting for the next capture.
   */
  releaseToVisitors(contactPk: number): number {
    return this.st
      .get(
        `UPDATE OR IGNORE events SET contact_pk = NULL, sync_state = 'waiting'
         WHERE contact_pk = @contactPk AND visitor_id IS NOT NULL AND source <> 'intercom'`,
      )
      .run({ contactPk }).changes;
  }

  /**
   * The reverse of adoptVisitor for an adoption taken back (an import rolled back): the
   * contact's events of that visitor, up to event `upToId`, go back to the visitor.
   */
  unadopt(contactPk: number, visitorId: string, upToId: number): void {
    this.st
      .get(
        `UPDATE events SET contact_pk = NULL, sync_state = 'waiting'
         WHERE contact_pk = @contactPk AND visitor_id = @visitorId AND id <= @upToId`,
      )
      .run({ contactPk, visitorId, upToId });
  }

  /** An event taken back (an import rolled back); its outbox entry is withdrawn with the import's. */
  delete(id: number): void {
    this.st.get('DELETE FROM events WHERE id = @id').run({ id });
  }

  // ---- what events set on the contact ------------------------------------------------------------

  /** Last activity moves forward only; not a local edit, so updated_at stays. */
  bumpLastActivity(contactPk: number, at: number): void {
    this.st
      .get('UPDATE contacts SET last_activity_at = @at WHERE pk = @contactPk AND (last_activity_at IS NULL OR last_activity_at < @at)')
      .run({ contactPk, at });
  }

  /**
   * First touch from the contact's events: first seen is its earliest event; referrer and landing
   * page come from the earliest event that carries either of them (FIRST_TOUCH_KEYS), since a
   * later event (a click in the app) says nothing about how the person arrived.
   */
  refreshFirstTouch(contactPk: number): void {
    this.st
      .get(
        `UPDATE contacts SET
           first_seen_at = (SELECT min(at) FROM events WHERE contact_pk = @contactPk),
           (first_referrer, first_landing_page) = (
             SELECT CAST(json_extract(metadata, '$.referrer') AS TEXT), CAST(json_extract(metadata, '$.landing_page') AS TEXT)
             FROM events
             WHERE contact_pk = @contactPk AND metadata IS NOT NULL
               AND (json_type(metadata, '$.referrer') IS NOT NULL OR json_type(metadata, '$.landing_page') IS NOT NULL)
             ORDER BY at, id LIMIT 1)
         WHERE pk = @contactPk`,
      )
      .run({ contactPk });
  }

  /**
   * After a new event of the contact at `at`, in one write of the row: last activity moves
   * forward, and first seen earlier; with `recomputeTouch` (the event carries a referrer or
   * landing page) the first touch is taken again from the contact's events (refreshFirstTouch).
   */
  touchAfterEvent(contactPk: number, at: number, recomputeTouch: boolean): void {
    if (!recomputeTouch) {
      this.st
        .get(
          `UPDATE contacts SET
             last_activity_at = max(coalesce(last_activity_at, @at), @at),
             first_seen_at = min(coalesce(first_seen_at, @at), @at)
           WHERE pk = @contactPk
             AND (last_activity_at IS NULL OR last_activity_at < @at OR first_seen_at IS NULL OR first_seen_at > @at)`,
        )
        .run({ contactPk, at });
      return;
    }
    this.st
      .get(
        `UPDATE contacts SET
           last_activity_at = max(coalesce(last_activity_at, @at), @at),
           first_seen_at = (SELECT min(at) FROM events WHERE contact_pk = @contactPk),
           (first_referrer, first_landing_page) = (
             SELECT CAST(json_extract(metadata, '$.referrer') AS TEXT), CAST(json_extract(metadata, '$.landing_page') AS TEXT)
             FROM events
             WHERE contact_pk = @contactPk AND metadata IS NOT NULL
               AND (json_type(metadata, '$.referrer') IS NOT NULL OR json_type(metadata, '$.landing_page') IS NOT NULL)
             ORDER BY at, id LIMIT 1)
         WHERE pk = @contactPk`,
      )
      .run({ contactPk, at });
  }


  /** Latest event time of a contact, or null. */
  lastEventAt(contactPk: number): number | null {
    const row = this.st.get<{ m: number | null }>('SELECT max(at) AS m FROM events WHERE contact_pk = @contactPk').get({ contactPk }) as {
      m: number | null;
    };
    return row.m;
  }

  firstTouchOfContact(contactPk: number): FirstTouchRow | undefined {
    return this.st
      .get<FirstTouchRow>('SELECT first_seen_at, first_referrer, first_landing_page FROM contacts WHERE pk = @contactPk')
      .get({ contactPk });
  }

  /** The company's first touch: that of its user seen first. */
  firstTouchOfCompany(companyPk: number): FirstTouchRow | undefined {
    return this.st
      .get<FirstTouchRow>(
        `SELECT c.first_seen_at, c.first_referrer, c.first_landing_page
         FROM contact_companies l JOIN contacts c ON c.pk = l.contact_pk
         WHERE l.company_pk = @companyPk AND c.first_seen_at IS NOT NULL
         ORDER BY c.first_seen_at, c.pk LIMIT 1`,
      )
      .get({ companyPk });
  }

  // ---- event names Intercom knows ---------------------------------------------------------------

  countNames(): number {
    return (this.st.get<{ n: number }>('SELECT count(*) AS n FROM event_names').get() as { n: number }).n;
  }

  hasName(name: string): boolean {
    return this.st.get('SELECT 1 FROM event_names WHERE name = @name').get({ name }) !== undefined;
  }

  rememberName(name: string, at: number): void {
    this.st.get('INSERT INTO event_names (name, first_sent_at) VALUES (@name, @at) ON CONFLICT DO NOTHING').run({ name, at });
  }

  // ---- timelines ---------------------------------------------------------------------------------

  contactTimeline(contact: { pk: number; id: string }, seek: TimelineSeek | null, limit: number): TimelineRow[] {
    const c = seek ?? FIRST_PAGE;
    return this.st.get<TimelineRow>(CONTACT_TIMELINE).all({ pk: contact.pk, id: contact.id, limit, cAt: c.at, cKey: c.key });
  }

  companyTimeline(company: { pk: number; id: string }, seek: TimelineSeek | null, limit: number): TimelineRow[] {
    const c = seek ?? FIRST_PAGE;
    return this.st.get<TimelineRow>(COMPANY_TIMELINE).all({ companyPk: company.pk, companyId: company.id, limit, cAt: c.at, cKey: c.key });
  }
}
