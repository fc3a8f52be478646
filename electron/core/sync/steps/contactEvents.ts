// Events: one contact's last 90 days of events from Intercom, kept where not held yet. Not part
// of every run (a request per contact): the engine runs it on demand (SyncEngine.pullEvents).
import type { EventMetadata } from '../../../../shared/activity';
import { AppError } from '../../../../shared/errors';
import { recordEvent } from '../../records/recordEvent';
import { nextEventsQuery, type IntercomClient } from '../IntercomClient';
import type { IntercomEvent } from '../intercomTypes';
import { PageGuard } from '../PageGuard';
import type { SyncContext } from '../SyncContext';

/** Intercom lists the last 90 days; this many per page, and never more pages than this (a loop guard). */
const PULL_PAGE_SIZE = 100;
const PULL_MAX_PAGES = 200;

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

/** Every page of a contact's events; entries that are not events (no name or time) are skipped. */
async function fetchEvents(client: IntercomClient, intercomId: string): Promise<IntercomEvent[]> {
  const out: IntercomEvent[] = [];
  let query: Record<string, string> | null = { type: 'user', intercom_user_id: intercomId, per_page: String(PULL_PAGE_SIZE) };
  // a server that hands back the same page again (or goes round) would otherwise loop
  const guard = new PageGuard({ method: 'GET', path: '/events', label: 'event list' });
  for (let page = 0; query && page < PULL_MAX_PAGES; page++) {
    const list = await client.listEvents(query);
    guard.page(list.events?.length ?? 0);
    for (const e of list.events ?? []) {
      if (typeof e?.event_name === 'string' && e.event_name !== '' && Number.isFinite(e.created_at)) out.push(e);
    }
    query = nextEventsQuery(typeof list.pages?.next === 'string' ? list.pages.next : null);
    if (query) guard.next(JSON.stringify(query));
  }
  return out;
}

/** Keeps the events not held yet, in one transaction; returns how many were added. */
function keepEvents(ctx: SyncContext, contactId: string, intercomId: string, remote: readonly IntercomEvent[]): number {
  const { store } = ctx;
  return store.transaction(() => {
    // the contact may have gone (or been merged) while the requests ran
    const now = store.contacts.byId(contactId);
    if (!now || now.intercom_id !== intercomId) {
      throw new AppError('CONFLICT', 'The contact changed while its events were fetched; pull again.', { field: 'contactId' });
    }
    const at = ctx.now();
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
}

export interface ContactEventsInput {
  contactId: string;
  /** The contact's Intercom id when the pull began. */
  intercomId: string;
}

/** The requests run outside any transaction; the store is written once, at the end. */
export const contactEvents = {
  name: 'events',
  async run(ctx: SyncContext, { contactId, intercomId }: ContactEventsInput): Promise<{ fetched: number; added: number }> {
    const remote = await fetchEvents(ctx.client, intercomId);
    return { fetched: remote.length, added: keepEvents(ctx, contactId, intercomId, remote) };
  },
};
