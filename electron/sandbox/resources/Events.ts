// The events API: recording a contact's event (deduplicated, with Intercom's name limit) and the
// per-contact listing of the last 90 days.
import { badParam, missingParam } from '../errors';
import { body, isObject, parsePerPage } from '../params';
import type { WorkspaceCore } from '../WorkspaceCore';

const EVENT_METADATA_KEYS = 10;
/** H: a workspace keeps at most 120 active event names; a new 121st is refused. */
export const MAX_EVENT_NAMES = 120;
/** GET /events lists the last 90 days only. */
const EVENT_LIST_DAYS = 90;


export class Events {
  constructor(private readonly ws: WorkspaceCore) {}

  createEvent(input: unknown): void {
    const b = body(input);
    const name = b.event_name;
    if (typeof name !== 'string' || name.trim() === '') throw missingParam('event_name is a required parameter', 'event_name');
    const createdAt = b.created_at;
    if (typeof createdAt !== 'number' || !Number.isInteger(createdAt) || createdAt < 0) throw badParam('created_at must be a Unix timestamp in seconds', 'created_at');
    let metadata: Record<string, unknown> = {};
    if (b.metadata !== undefined && b.metadata !== null) {
      if (!isObject(b.metadata)) throw badParam('metadata must be an object', 'metadata');
      // Intercom keeps the first 10 keys and drops the rest silently
      for (const [k, v] of Object.entries(b.metadata).slice(0, EVENT_METADATA_KEYS)) {
        const richLink = isObject(v) && typeof v.url === 'string';
        const money = isObject(v) && typeof v.amount === 'number' && typeof v.currency === 'string';
        if (typeof v === 'object' && v !== null && !richLink && !money) throw badParam(`metadata '${k}' is nested; only flat values, links and money are allowed`, `metadata.${k}`);
        metadata = { ...metadata, [k]: v };
      }
    }
    const rec = this.ws.findContact(b);
    const key = `${rec.id}\u0000${name}\u0000${createdAt}`;
    if (this.ws.eventKeys.has(key)) {
      this.ws.ignoredEvents++;
      this.ws.changed();
      return;
    }
    if (!this.ws.eventNames.has(name) && this.ws.eventNames.size >= MAX_EVENT_NAMES) {
      throw badParam(`Your workspace has reached the limit of ${MAX_EVENT_NAMES} active event names; '${name}' was not recorded. Archive an event name to add a new one.`, 'event_name');
    }
    this.ws.eventKeys.add(key);
    this.ws.eventNames.add(name);
    this.ws.eventLog.push({ contactId: rec.id, event_name: name, created_at: createdAt, metadata, at: this.ws.now() });
    this.ws.changed();
  }

  /** For tests: an event recorded in Intercom by someone else (the Messenger, another integration). */
  remoteCreateEvent(input: { contactId: string; event_name: string; created_at: number; metadata?: Record<string, unknown> }): void {
    this.createEvent({ id: input.contactId, event_name: input.event_name, created_at: input.created_at, metadata: input.metadata });
  }

  /**
   * GET /events?type=user: the contact's events of the last 90 days, newest first, `per_page` at a
   * time; `pages.next` is a whole URL on `origin` carrying the cursor (`before`, `before_index`).
   */
  listEvents(
    query: {
      type?: string | undefined;
      user_id?: string | undefined;
      intercom_user_id?: string | undefined;
      email?: string | undefined;
      per_page?: string | undefined;
      before?: string | undefined;
      before_index?: string | undefined;
    },
    origin = 'https://api.intercom.io',
  ) {
    if (query.type !== 'user') throw badParam("type must be 'user'", 'type');
    const rec = query.intercom_user_id !== undefined ? this.ws.liveContact(query.intercom_user_id) : this.ws.findContact({ user_id: query.user_id, email: query.email });
    const perPage = parsePerPage(query.per_page, 50);
    const since = this.ws.nowSec() - EVENT_LIST_DAYS * 86_400;
    const beforeMs = query.before === undefined ? null : Number(query.before);
    const beforeIndex = query.before_index === undefined ? null : Number(query.before_index);
    if (beforeMs !== null && !Number.isFinite(beforeMs)) throw badParam('before must be a timestamp in milliseconds', 'before');
    const all = this.ws.eventLog
      .map((e, index) => ({ e, index }))
      .filter(({ e }) => e.contactId === rec.id && e.created_at >= since)
      .sort((a, b) => b.e.created_at - a.e.created_at || b.index - a.index);
    const after =
      beforeMs === null
        ? all
        : all.filter(({ e, index }) => e.created_at * 1000 < beforeMs || (e.created_at * 1000 === beforeMs && beforeIndex !== null && index < beforeIndex));
    const page = after.slice(0, perPage);
    const events = page.map(({ e }) => ({
      type: 'event',
      event_name: e.event_name,
      created_at: e.created_at,
      user_id: rec.current.external_id,
      intercom_user_id: rec.id,
      email: rec.current.email,
      metadata: e.metadata,
    }));
    let next: string | null = null;
    const last = page.at(-1);
    if (last && after.length > page.length) {
      const params = new URLSearchParams({ type: 'user', intercom_user_id: rec.id, per_page: String(perPage), before: String(last.e.created_at * 1000), before_index: String(last.index) });
      next = `${origin.replace(/\/+$/, '')}/events?${params.toString()}`;
    }
    return { type: 'event.list' as const, events, pages: { next, since: null } };
  }
}
