// Activity: events of contacts and anonymous visitors, timelines, and the 90-day pull from Intercom.
import type { MethodOutput, ParsedInput } from '../../../shared/api';
import type { EventMetadata, Timeline, TimelineItem } from '../../../shared/activity';
import { AppError } from '../../../shared/errors';
import { toActivityEvent, type EventRow, type FirstTouchRow, type TimelineRow, type TimelineSeek } from '../db/EventRepository';
import { iso, isoOrNull } from '../db/rows';
import type { ServiceContext } from '../ServiceContext';
import { nextEventsQuery, type IntercomClient } from '../sync/IntercomClient';
import type { IntercomEvent } from '../sync/intercomTypes';
import type { SyncEngine } from '../sync/SyncEngine';
import { recordEvent } from '../records/recordEvent';

/** Intercom lists the last 90 days; this many per page, and never more pages than this (a loop guard). */
const PULL_PAGE_SIZE = 100;
const PULL_MAX_PAGES = 200;

interface CursorBody {
  /** What the cursor pages through ('contact:<id>' or 'company:<id>'). */
  s: string;
  a: number;
  k: string;
}

function encodeCursor(scope: string, seek: TimelineSeek): string {
  const body: CursorBody = { s: scope, a: seek.at, k: seek.key };
  return Buffer.from(JSON.stringify(body), 'utf8').toString('base64url');
}

function decodeCursor(raw: string | undefined, scope: string): TimelineSeek | null {
  if (raw === undefined || raw === '') return null;
  let c: unknown;
  try {
    c = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
  } catch {
    c = null;
  }
  const ok = typeof c === 'object' && c !== null && typeof (c as CursorBody).a === 'number' && typeof (c as CursorBody).k === 'string';
  if (!ok) throw new AppError('VALIDATION', 'before: is not a cursor returned by a previous page', { field: 'before' });
  if ((c as CursorBody).s !== scope) {
    throw new AppError('VALIDATION', 'before: belongs to another timeline; start again from the first page', { field: 'before' });
  }
  return { at: (c as CursorBody).a, key: (c as CursorBody).k };
}

function toTimelineItem(r: TimelineRow): TimelineItem {
  const contact =
    r.contact_id === null ? null : { id: r.contact_id, name: r.contact_name, email: r.contact_email, role: r.contact_role!, stage: r.contact_stage! };
  const data = JSON.parse(r.data) as Record<string, unknown>;
  const at = iso(r.at);
  switch (r.kind) {
    case 'event':
      return {
        kind: 'event',
        key: r.key,
        at,
        contact,
        event: toActivityEvent({
          id: data.id as number,
          contact_pk: null,
          contact_id: r.contact_id,
          visitor_id: data.visitorId as string | null,
          name: data.name as string,
          at: r.at,
          metadata: JSON.stringify(data.metadata ?? {}),
          source: data.source as EventRow['source'],
          sync_state: data.syncState as EventRow['sync_state'],
        }),
      };
    case 'stage':
      return { kind: 'stage', key: r.key, at, contact, stage: data as Extract<TimelineItem, { kind: 'stage' }>['stage'] };
    case 'message':
      return { kind: 'message', key: r.key, at, contact, message: data as Extract<TimelineItem, { kind: 'message' }>['message'] };
  }
}

function toFirstTouch(r: FirstTouchRow | undefined): Timeline['firstTouch'] {
  if (!r || (r.first_seen_at === null && r.first_referrer === null && r.first_landing_page === null)) return null;
  return { at: isoOrNull(r.first_seen_at), referrer: r.first_referrer, landingPage: r.first_landing_page };
}

/**
 * Intercom's metadata as the contract keeps it: flat values; a rich link becomes its URL and money
 * its amount and currency ("49.99 EUR", Intercom counts cents); keys Intercom allows but the
 * contract does not ('.', '$', brackets) are renamed; at most 10 keys, as Intercom keeps.
 */
export function metadataFromIntercom(raw: Record<string, unknown> | null | undefined): EventMetadata {
  const out: EventMetadata = {};
  if (!raw || typeof raw !== 'object') return out;
  for (const [rawKey, v] of Object.entries(raw)) {
    if (Object.keys(out).length >= 10) break;
    // eslint-disable-next-line no-control-regex
    const key = rawKey.replace(/[\u0000-\u001f\u007f-\u009f.$[\]]/g, '_').slice(0, 100);
    if (key === '') continue;
    if (typeof v === 'string') out[key] = v.slice(0, 1000);
    else if (typeof v === 'number' && Number.isFinite(v)) out[key] = v;
    else if (typeof v === 'boolean') out[key] = v;
    else if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      if (typeof o.url === 'string') out[key] = o.url.slice(0, 1000);
      else if (typeof o.amount === 'number' && typeof o.currency === 'string') out[key] = `${(o.amount / 100).toFixed(2)} ${o.currency.toUpperCase()}`;
    }
  }
  return out;
}

export class ActivityService {
  constructor(
    readonly ctx: ServiceContext,
    readonly engine: SyncEngine,
  ) {}

  track(input: ParsedInput<'events.track'>): MethodOutput<'events.track'> {
    const { store } = this.ctx;
    const result = store.transaction(() => {
      let contactPk: number | null = null;
      if (input.contactId) {
        const row = store.contacts.byId(input.contactId);
        if (!row) throw new AppError('NOT_FOUND', `contactId: no contact with id ${input.contactId}`, { field: 'contactId' });
        contactPk = row.pk;
      }
      const now = this.ctx.now();
      const at = input.at === undefined ? now : Date.parse(input.at);
      const recorded = recordEvent(
        store,
        { contactPk, visitorId: input.visitorId ?? null, name: input.name, at, metadata: input.metadata, source: input.source },
        { now },
      );
      return { row: store.events.byId(recorded.id)!, duplicate: recorded.duplicate };
    });
    if (!result.duplicate) {
      this.ctx.hub.emit('changed', { entity: 'event', ids: [String(result.row.id)], op: 'event.track' });
      // last activity and first touch are on the contact
      if (result.row.contact_id) this.ctx.hub.emit('changed', { entity: 'contact', ids: [result.row.contact_id], op: 'event.track' });
    }
    return { event: toActivityEvent(result.row), duplicate: result.duplicate };
  }

  contactTimeline({ id, before, limit }: ParsedInput<'contacts.timeline'>): MethodOutput<'contacts.timeline'> {
    const { store } = this.ctx;
    const row = store.contacts.byId(id);
    if (!row) throw new AppError('NOT_FOUND', `id: no contact with id ${id}`, { field: 'id' });
    const scope = `contact:${id}`;
    const rows = store.events.contactTimeline(row, decodeCursor(before, scope), limit + 1);
    return { ...this.page(rows, limit, scope), firstTouch: toFirstTouch(store.events.firstTouchOfContact(row.pk)) };
  }

  companyTimeline({ id, before, limit }: ParsedInput<'companies.timeline'>): MethodOutput<'companies.timeline'> {
    const { store } = this.ctx;
    const row = store.companies.byId(id);
    if (!row) throw new AppError('NOT_FOUND', `id: no company with id ${id}`, { field: 'id' });
    const scope = `company:${id}`;
    const rows = store.events.companyTimeline(row, decodeCursor(before, scope), limit + 1);
    return { ...this.page(rows, limit, scope), firstTouch: toFirstTouch(store.events.firstTouchOfCompany(row.pk)) };
  }

  /** One row more than asked tells whether an older page exists. */
  private page(rows: TimelineRow[], limit: number, scope: string): { items: TimelineItem[]; nextCursor: string | null } {
    const shown = rows.slice(0, limit);
    const last = shown.at(-1);
    return {
      items: shown.map(toTimelineItem),
      nextCursor: rows.length > limit && last ? encodeCursor(scope, { at: last.at, key: last.key }) : null,
    };
  }

  /**
   * Fetches the contact's last 90 days of events from Intercom (following `pages.next`) and keeps
   * the ones not held yet. The requests run outside any transaction; the store is written once.
   */
  async pull({ contactId }: ParsedInput<'events.pull'>): Promise<MethodOutput<'events.pull'>> {
    const { store } = this.ctx;
    const row = store.contacts.byId(contactId);
    if (!row) throw new AppError('NOT_FOUND', `contactId: no contact with id ${contactId}`, { field: 'contactId' });
    const intercomId = row.intercom_id;
    if (!intercomId) {
      throw new AppError('VALIDATION', 'contactId: this contact is not in Intercom yet: sync first, then pull its events', { field: 'contactId' });
    }
    const remote = await this.engine.withClient((client) => fetchEvents(client, intercomId));

    const added = store.transaction(() => {
      // the contact may have gone (or been merged) while the requests ran
      const now = store.contacts.byId(contactId);
      if (!now || now.intercom_id !== intercomId) {
        throw new AppError('CONFLICT', 'contactId: the contact changed while its events were fetched; pull again', { field: 'contactId' });
      }
      const at = this.ctx.now();
      let n = 0;
      for (const e of remote) {
        const recorded = recordEvent(
          store,
          { contactPk: now.pk, visitorId: null, name: e.event_name, at: e.created_at * 1000, metadata: metadataFromIntercom(e.metadata), source: 'intercom' },
          { now: at },
        );
        // Intercom holds this name already: it counts toward its 120 without a push from here
        store.events.rememberName(e.event_name, at);
        if (!recorded.duplicate) n++;
      }
      return n;
    });
    if (added > 0) {
      this.ctx.hub.emit('changed', { entity: 'event', ids: [], op: 'event.pull' });
      this.ctx.hub.emit('changed', { entity: 'contact', ids: [contactId], op: 'event.pull' });
    }
    return { fetched: remote.length, added };
  }
}

/** Every page of a contact's events; entries that are not events (no name or time) are skipped. */
async function fetchEvents(client: IntercomClient, intercomId: string): Promise<IntercomEvent[]> {
  const out: IntercomEvent[] = [];
  let query: Record<string, string> | null = { type: 'user', intercom_user_id: intercomId, per_page: String(PULL_PAGE_SIZE) };
  const seen = new Set<string>();
  for (let page = 0; query && page < PULL_MAX_PAGES; page++) {
    const list = await client.listEvents(query);
    for (const e of list.events ?? []) {
      if (typeof e?.event_name === 'string' && e.event_name !== '' && Number.isFinite(e.created_at)) out.push(e);
    }
    query = nextEventsQuery(typeof list.pages?.next === 'string' ? list.pages.next : null);
    // a server that hands back the same page again would otherwise loop
    const key = query ? JSON.stringify(query) : '';
    if (query && seen.has(key)) break;
    seen.add(key);
  }
  return out;
}
