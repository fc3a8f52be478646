// A contact's or company's timeline in the side panel: events (with their metadata), stage
// changes, messages and notes (with author), newest first, older pages on request; the first touch (how the person
// first arrived); and, for a contact, a pull of its last 90 days of events from Intercom. A
// company's timeline merges all its users', each line naming its contact.
import { useCallback, useEffect, useId, useRef, useState } from 'react';
import type { Timeline, TimelineItem } from '../../../shared/activity';
import { useClient } from '../state/ClientContext';
import { useNav } from '../state/navStore';
import { describeError, describeWithoutLabel } from '../state/toastStore';
import { useChanged } from '../state/useChanged';
import { CouldNotRead } from '../ui/CouldNotRead';
import { plural } from '../ui/labels';
import { stageChangeWhat, stageChangeWho } from '../ui/stageChangeWords';
import { When } from '../ui/When';
import './activity.css';

const PAGE = 30;
/** The most one request may ask for (the contract's limit); a refresh re-reads what is shown, up to this. */
const MAX_LIMIT = 500;

const contactName = (c: { name: string | null; email: string | null }) => c.name ?? c.email ?? 'Unnamed contact';

const SOURCE_WORDS: Record<string, string> = { local: 'Lead Console', website: 'Website', import: 'Import', intercom: 'Intercom' };
const MESSAGE_STATUS: Record<string, string> = { queued: 'waits for Intercom', sent: 'sent', failed: 'failed', discarded: 'discarded' };
const NOTE_STATE: Record<string, string> = { waiting: 'waits for Intercom', sending: 'sending', synced: '', failed: 'not sent' };

export type TimelineTarget = { kind: 'contact'; id: string } | { kind: 'company'; id: string; userIds: string[] };

export function ActivityTimeline({ target }: { target: TimelineTarget }) {
  const client = useClient();
  const uid = useId();
  const [data, setData] = useState<Timeline | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [olderError, setOlderError] = useState<string | null>(null);
  const [loadingOlder, setLoadingOlder] = useState(false);
  /** How many items are shown: a refresh reads that many again, so "Load older" pages stay open. */
  const shown = useRef(PAGE);
  const latest = useRef(0);
  const { kind, id } = target;

  const read = useCallback(
    (limit: number, before?: string) =>
      kind === 'contact'
        ? client.call('contacts.timeline', { id, limit, ...(before ? { before } : {}) })
        : client.call('companies.timeline', { id, limit, ...(before ? { before } : {}) }),
    [client, kind, id],
  );

  const load = useCallback(async () => {
    const ask = ++latest.current;
    try {
      const page = await read(Math.min(MAX_LIMIT, Math.max(PAGE, shown.current)));
      if (ask !== latest.current) return;
      setData(page);
      setError(null);
    } catch (e) {
      if (ask === latest.current) setError(describeError(e));
    }
  }, [read]);

  useEffect(() => {
    shown.current = PAGE;
    setData(null);
    void load();
  }, [load]);

  // events name no contact in their `changed` ids; stage moves, messages and notes change the contact (or company)
  useChanged(['event'], () => void load(), { delay: 250 });
  const ids = target.kind === 'company' ? [target.id, ...target.userIds] : [target.id];
  useChanged(['contact', 'company'], () => void load(), { ids, delay: 250 });

  const loadOlder = async () => {
    if (!data?.nextCursor) return;
    setLoadingOlder(true);
    const ask = latest.current;
    try {
      const page = await read(PAGE, data.nextCursor);
      // a refresh came in between: it already holds the newest items, append to it next time
      if (ask !== latest.current) return;
      setData((d) => (d ? { ...d, items: [...d.items, ...page.items], nextCursor: page.nextCursor } : d));
      shown.current = (data.items.length ?? 0) + page.items.length;
      setOlderError(null);
    } catch (e) {
      setOlderError(describeError(e));
    } finally {
      setLoadingOlder(false);
    }
  };

  return (
    <section className="rec-section tl" aria-labelledby={`${uid}-h`} data-testid="timeline">
      <h3 id={`${uid}-h`}>Activity</h3>
      {target.kind === 'contact' && <PullFromIntercom contactId={target.id} onPulled={() => void load()} />}
      {error && <CouldNotRead what="activity" error={error} retry={() => void load()} />}
      {data?.firstTouch && <FirstTouch touch={data.firstTouch} company={target.kind === 'company'} />}
      {data && data.items.length === 0 && (
        <p className="muted rec-none" data-testid="timeline-empty">
          {target.kind === 'contact' ? 'No activity yet: no events, stage changes, messages or notes.' : 'No activity from its users yet.'}
        </p>
      )}
      {data && data.items.length > 0 && (
        <ol className="tl-list" data-testid="timeline-items">
          {data.items.map((item) => (
            <TimelineRow key={item.key} item={item} showContact={target.kind === 'company'} />
          ))}
        </ol>
      )}
      {olderError && (
        <p className="field-error" role="alert">
          Could not read older activity: {olderError}
        </p>
      )}
      {data?.nextCursor && (
        <button type="button" className="link" onClick={() => void loadOlder()} disabled={loadingOlder} data-testid="timeline-older">
          {loadingOlder ? 'Loading…' : 'Load older'}
        </button>
      )}
    </section>
  );
}

function FirstTouch({ touch, company }: { touch: NonNullable<Timeline['firstTouch']>; company: boolean }) {
  return (
    <dl className="rec-meta tl-touch" data-testid="timeline-first-touch" title={company ? 'How its first user first arrived' : 'How this person first arrived'}>
      <div>
        <dt>First seen</dt>
        <dd>
          <When at={touch.at} empty="Unknown" />
        </dd>
      </div>
      <div>
        <dt>Referrer</dt>
        <dd className="tl-touch-value" data-testid="first-touch-referrer">
          {touch.referrer ?? 'Direct or unknown'}
        </dd>
      </div>
      <div>
        <dt>Landing page</dt>
        <dd className="tl-touch-value" data-testid="first-touch-landing">
          {touch.landingPage ?? 'Unknown'}
        </dd>
      </div>
    </dl>
  );
}

function TimelineRow({ item, showContact }: { item: TimelineItem; showContact: boolean }) {
  const openContact = useNav((s) => s.openContact);
  return (
    <li className={`tl-item tl-${item.kind}`} data-testid="timeline-item" data-kind={item.kind}>
      <div className="tl-line">
        <span className="tl-what">
          <ItemWhat item={item} />
        </span>
        <When at={item.at} className="muted tl-time" />
      </div>
      {showContact && item.contact && (
        <button type="button" className="link tl-contact" onClick={() => openContact(item.contact!.id)} data-testid="timeline-contact">
          {contactName(item.contact)}
        </button>
      )}
      {item.kind === 'event' && <EventDetails event={item.event} />}
      {item.kind === 'note' && (
        <p className="tl-note" data-testid="timeline-note-body">
          {item.note.body}
        </p>
      )}
    </li>
  );
}

function ItemWhat({ item }: { item: TimelineItem }) {
  switch (item.kind) {
    case 'event':
      return <strong data-testid="event-name">{item.event.name}</strong>;
    case 'stage': {
      const s = item.stage;
      return (
        <>
          {stageChangeWhat(s)}
          <span className="muted"> {stageChangeWho(s)}</span>
        </>
      );
    }
    case 'message': {
      const m = item.message;
      const what = m.kind === 'flush' ? 'Auto-messages flush' : m.channel === 'email' ? `Email: ${m.subject ?? '(no subject)'}` : 'In-app message';
      return (
        <>
          {what}
          <span className={`muted tl-msg-${m.status}`}> ({MESSAGE_STATUS[m.status] ?? m.status})</span>
        </>
      );
    }
    case 'note': {
      const n = item.note;
      const state = NOTE_STATE[n.syncState];
      return (
        <>
          Note <span className="muted" data-testid="timeline-note-author">by {n.author ?? 'someone'}</span>
          {state && <span className="muted"> ({state})</span>}
        </>
      );
    }
  }
}

function EventDetails({ event }: { event: Extract<TimelineItem, { kind: 'event' }>['event'] }) {
  const entries = Object.entries(event.metadata);
  return (
    <div className="tl-details">
      {entries.length > 0 && (
        <ul className="tl-chips" aria-label="Metadata">
          {entries.map(([k, v]) => (
            <li key={k} className="tl-chip" data-testid="event-chip">
              <span className="tl-chip-key">{k}</span> {String(v)}
            </li>
          ))}
        </ul>
      )}
      <span className="muted tl-source">
        {SOURCE_WORDS[event.source] ?? event.source}
        {event.syncState === 'failed' && <span className="error"> · Intercom refused it: see the outbox</span>}
        {event.syncState === 'pending' && ' · waits for Intercom'}
      </span>
    </div>
  );
}

/** The engine's reason without the field's words it may carry for forms (there is no field here to point at). */
function pullError(e: unknown): string {
  return describeWithoutLabel(e);
}

/** "Pull last 90 days from Intercom": what came, or why it could not. */
function PullFromIntercom({ contactId, onPulled }: { contactId: string; onPulled: () => void }) {
  const client = useClient();
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    setResult(null);
    setError(null);
  }, [contactId]);

  const pull = async () => {
    setBusy(true);
    setResult(null);
    setError(null);
    try {
      const r = await client.call('events.pull', { contactId });
      setResult(`${plural(r.fetched, 'event')} fetched, ${r.added.toLocaleString()} new`);
      onPulled();
    } catch (e) {
      setError(pullError(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="tl-pull">
      <button type="button" className="secondary" onClick={() => void pull()} disabled={busy} data-testid="timeline-pull">
        {busy ? 'Pulling from Intercom…' : 'Pull last 90 days from Intercom'}
      </button>
      {result && (
        <span className="muted" role="status" data-testid="timeline-pull-result">
          {result}
        </span>
      )}
      {error && (
        <p className="field-error" role="alert" data-testid="timeline-pull-error">
          Could not pull events: {error}
        </p>
      )}
    </div>
  );
}
