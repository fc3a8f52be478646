// The outbox, read-only: every local change that still waits for Intercom, oldest first, grouped
// by the record it belongs to. It is the honest answer to "is my work in Intercom yet?", so it
// shows failures with Intercom's reason and never calls anything sent that was not.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { OutboxItem, OutboxStatus } from '../../../shared/domain';
import { useClient } from '../app/ClientContext';
import { useNav } from '../app/navStore';
import { describeError } from '../app/toastStore';
import { useChanged } from '../app/useChanged';
import { formatDateTime, formatRelative, plural } from '../ui/labels';
import { describeOp, OUTBOX_STATUS_LABEL } from './describeOp';
import './outbox.css';

const PAGE = 200;
/** The engine's largest page; a refresh reloads what is on screen in pieces this big. */
const MAX_PAGE = 500;

type Filter = 'waiting' | 'failed' | 'all';
const FILTERS: { value: Filter; label: string; statuses: OutboxStatus[] }[] = [
  { value: 'waiting', label: 'Not sent yet', statuses: ['pending', 'in_flight', 'failed'] },
  { value: 'failed', label: 'Failed', statuses: ['failed'] },
  { value: 'all', label: 'All, including sent', statuses: ['pending', 'in_flight', 'failed', 'done'] },
];

interface Group {
  entityType: OutboxItem['entityType'];
  entityId: string;
  label: string | null;
  items: OutboxItem[];
}

/** Groups per record, in the order each record's oldest change was made. */
function groupByRecord(items: OutboxItem[]): Group[] {
  const groups = new Map<string, Group>();
  for (const item of items) {
    const key = `${item.entityType}:${item.entityId}`;
    let g = groups.get(key);
    if (!g) {
      g = { entityType: item.entityType, entityId: item.entityId, label: item.label, items: [] };
      groups.set(key, g);
    }
    g.items.push(item);
  }
  return [...groups.values()];
}

function useNow(everyMs: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(t);
  }, [everyMs]);
  return now;
}

export function OutboxView() {
  const client = useClient();
  const openContact = useNav((s) => s.openContact);
  const openCompany = useNav((s) => s.openCompany);
  const [filter, setFilter] = useState<Filter>('waiting');
  const [items, setItems] = useState<OutboxItem[]>([]);
  const [total, setTotal] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loadingMore, setLoadingMore] = useState(false);
  const [companyNames, setCompanyNames] = useState<ReadonlyMap<string, string | null>>(new Map());
  const loaded = useRef(0);
  const latest = useRef(0);
  const now = useNow(60_000);
  const statuses = FILTERS.find((f) => f.value === filter)!.statuses;

  /** Reloads from the start, as many entries as were on screen (at least one page). */
  const reload = useCallback(async () => {
    const ask = ++latest.current;
    const want = Math.max(PAGE, loaded.current);
    try {
      const all: OutboxItem[] = [];
      let count = 0;
      while (all.length < want) {
        const page = await client.call('outbox.list', { status: statuses, limit: Math.min(MAX_PAGE, want - all.length), offset: all.length });
        all.push(...page.items);
        count = page.total;
        if (page.items.length === 0 || all.length >= page.total) break;
      }
      // a newer reload (another change, another filter) started meanwhile: its answer wins
      if (ask !== latest.current) return;
      loaded.current = all.length;
      setItems(all);
      setTotal(count);
      setError(null);
    } catch (e) {
      if (ask === latest.current) setError(describeError(e));
    }
    // statuses is derived from filter; depending on filter keeps the callback stable
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [client, filter]);

  useEffect(() => {
    loaded.current = 0;
    setTotal(null);
    void reload();
  }, [reload]);
  useChanged(['contact', 'company', 'outbox'], () => void reload(), { delay: 150 });

  const loadMore = async () => {
    const ask = ++latest.current;
    setLoadingMore(true);
    try {
      const page = await client.call('outbox.list', { status: statuses, limit: PAGE, offset: items.length });
      if (ask !== latest.current) return;
      // entries can shift between pages when something is sent meanwhile; never list one twice
      const seen = new Set(items.map((i) => i.seq));
      const next = [...items, ...page.items.filter((i) => !seen.has(i.seq))];
      loaded.current = next.length;
      setItems(next);
      setTotal(page.total);
      setError(null);
    } catch (e) {
      if (ask === latest.current) setError(describeError(e));
    } finally {
      setLoadingMore(false);
    }
  };

  const groups = useMemo(() => groupByRecord(items), [items]);

  // Name linked companies: from entries of the company itself when listed, else asked once each.
  const listedCompanyNames = useMemo(() => {
    const m = new Map<string, string | null>();
    for (const i of items) if (i.entityType === 'company') m.set(i.entityId, i.label);
    return m;
  }, [items]);
  useEffect(() => {
    const wanted = new Set<string>();
    for (const i of items) {
      const id = (i.op === 'company.link' || i.op === 'company.unlink') && typeof i.payload.companyId === 'string' ? i.payload.companyId : null;
      if (id && !listedCompanyNames.has(id) && !companyNames.has(id)) wanted.add(id);
    }
    if (wanted.size === 0) return;
    let live = true;
    const ids = [...wanted].slice(0, 50);
    void Promise.all(
      ids.map((id) =>
        client.call('companies.get', { id }).then(
          (c) => [id, c.name] as const,
          // a removed company just stays "company"; the entry still reads fine without its name
          () => [id, null] as const,
        ),
      ),
    ).then((pairs) => {
      if (live) setCompanyNames((prev) => new Map([...prev, ...pairs]));
    });
    return () => {
      live = false;
    };
  }, [client, items, listedCompanyNames, companyNames]);
  const companyName = (id: string) => listedCompanyNames.get(id) ?? companyNames.get(id) ?? null;

  const emptyText =
    filter === 'waiting'
      ? 'Nothing waits for Intercom. Every change you make is kept here until it is sent.'
      : filter === 'failed'
        ? 'Nothing failed. Changes Intercom refuses are listed here with its reason.'
        : 'The outbox is empty. Every change you make is kept here until it is sent.';

  return (
    <section className="outbox" aria-labelledby="outbox-title" data-testid="outbox-view">
      <header className="outbox-head">
        <h1 id="outbox-title">Outbox</h1>
        <p className="outbox-note muted" data-testid="outbox-sync-note">
          Intercom sync is not connected yet: changes stay here.
        </p>
      </header>
      <div className="outbox-bar">
        <fieldset className="outbox-filter">
          <legend className="visually-hidden">Show</legend>
          {FILTERS.map((f) => (
            <label key={f.value} className={filter === f.value ? 'active' : ''}>
              <input type="radio" name="outbox-filter" value={f.value} checked={filter === f.value} onChange={() => setFilter(f.value)} />
              {f.label}
            </label>
          ))}
        </fieldset>
        <span className="outbox-total" data-testid="outbox-total" aria-live="polite">
          {total === null ? 'Loading…' : totalText(total, filter)}
        </span>
      </div>
      {error && (
        <p className="error" role="alert">
          Could not read the outbox: {error}{' '}
          <button type="button" className="link" onClick={() => void reload()}>
            Try again
          </button>
        </p>
      )}
      <div className="outbox-scroll">
        {total === 0 && (
          <p className="empty" data-testid="outbox-empty">
            {emptyText}
          </p>
        )}
        {groups.length > 0 && (
          <ol className="outbox-groups" aria-label="Records with changes, oldest change first">
            {groups.map((g) => (
              <li key={`${g.entityType}:${g.entityId}`} className="outbox-group" data-testid="outbox-group" data-entity-id={g.entityId}>
                <h2 className="outbox-group-head">
                  <button
                    type="button"
                    className="link outbox-record"
                    onClick={() => (g.entityType === 'contact' ? openContact(g.entityId) : openCompany(g.entityId))}
                    aria-label={`Open ${g.entityType} ${g.label ?? ''}`.trim()}
                  >
                    {g.label ?? (g.entityType === 'contact' ? 'Unnamed contact' : 'Unnamed company')}
                  </button>
                  <span className="badge">{g.entityType === 'contact' ? 'Contact' : 'Company'}</span>
                  <span className="muted outbox-group-count">{plural(g.items.length, 'change')}</span>
                </h2>
                <ol className="outbox-entries">
                  {g.items.map((i) => (
                    <li key={i.seq} className="outbox-entry" data-testid="outbox-entry" data-seq={i.seq} data-status={i.status}>
                      <span className="outbox-op">{describeOp(i, companyName)}</span>
                      <time className="muted outbox-time" dateTime={i.createdAt} title={formatDateTime(i.createdAt)}>
                        {formatRelative(i.createdAt, now)}
                      </time>
                      <span className={`outbox-status status-${i.status}`}>{OUTBOX_STATUS_LABEL[i.status]}</span>
                      <span className="muted outbox-attempts">{i.attempts > 0 ? plural(i.attempts, 'attempt') : 'Not tried yet'}</span>
                      {i.status === 'failed' && i.lastError && (
                        <span className="outbox-last-error error" data-testid="outbox-last-error">
                          Intercom said: {i.lastError}
                        </span>
                      )}
                    </li>
                  ))}
                </ol>
              </li>
            ))}
          </ol>
        )}
        {total !== null && items.length < total && (
          <div className="outbox-more">
            <button type="button" className="secondary" onClick={() => void loadMore()} disabled={loadingMore} data-testid="outbox-load-more">
              {loadingMore ? 'Loading…' : 'Load more'}
            </button>
            <span className="muted">
              Showing {items.length.toLocaleString()} of {total.toLocaleString()}
            </span>
          </div>
        )}
      </div>
    </section>
  );
}

function totalText(total: number, filter: Filter): string {
  if (filter === 'waiting') return `${plural(total, 'change')} not sent yet`;
  if (filter === 'failed') return `${plural(total, 'change')} failed`;
  return `${plural(total, 'change')} in all`;
}
