// Activity: events of contacts and anonymous visitors, and timelines. (A contact's 90-day pull
// from Intercom is a sync step: sync/steps/contactEvents.ts.)
import type { MethodOutput, ParsedInput } from '../../../shared/api';
import type { Timeline, TimelineItem } from '../../../shared/activity';
import { AppError } from '../../../shared/errors';
import { toActivityEvent, type EventRow, type FirstTouchRow, type TimelineRow, type TimelineSeek } from '../db/EventRepository';
import { iso, isoOrNull } from '../db/rows';
import type { ServiceContext } from '../ServiceContext';
import { recordEvent } from '../records/recordEvent';

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
  if (!ok) throw new AppError('VALIDATION', 'That page no longer exists; start again from the first page.', { field: 'before' });
  if ((c as CursorBody).s !== scope) {
    throw new AppError('VALIDATION', 'That page belongs to another timeline; start again from the first page.', { field: 'before' });
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
    case 'note':
      return { kind: 'note', key: r.key, at, contact, note: data as Extract<TimelineItem, { kind: 'note' }>['note'] };
  }
}

function toFirstTouch(r: FirstTouchRow | undefined): Timeline['firstTouch'] {
  if (!r || (r.first_seen_at === null && r.first_referrer === null && r.first_landing_page === null)) return null;
  return { at: isoOrNull(r.first_seen_at), referrer: r.first_referrer, landingPage: r.first_landing_page };
}

export class ActivityService {
  constructor(readonly ctx: ServiceContext) {}

  track(input: ParsedInput<'events.track'>): MethodOutput<'events.track'> {
    const { store } = this.ctx;
    const result = store.transaction(() => {
      let contactPk: number | null = null;
      if (input.contactId) {
        const row = store.contacts.byId(input.contactId);
        if (!row) throw new AppError('NOT_FOUND', `There is no contact with id ${input.contactId}.`, { field: 'contactId' });
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
    if (!row) throw new AppError('NOT_FOUND', `There is no contact with id ${id}.`, { field: 'id' });
    const scope = `contact:${id}`;
    const rows = store.events.contactTimeline(row, decodeCursor(before, scope), limit + 1);
    return { ...this.page(rows, limit, scope), firstTouch: toFirstTouch(store.events.firstTouchOfContact(row.pk)) };
  }

  companyTimeline({ id, before, limit }: ParsedInput<'companies.timeline'>): MethodOutput<'companies.timeline'> {
    const { store } = this.ctx;
    const row = store.companies.byId(id);
    if (!row) throw new AppError('NOT_FOUND', `There is no company with id ${id}.`, { field: 'id' });
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
}
