// The outbox: every local change that still waits for Intercom, oldest first, grouped by the
// record it belongs to. It is the honest answer to "is my work in Intercom yet?", so it shows
// failures with Intercom's reason and never calls anything sent that was not. Refused changes can
// be sent again (one, a selection, or all) or, after a plain-words confirmation, dropped for good.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { OutboxItem, OutboxStatus } from '../../../shared/domain';
import { useClient } from '../state/ClientContext';
import { useNav } from '../state/navStore';
import { useSync, useOnSyncMoved } from '../state/syncStore';
import { describeSync } from '../state/syncWords';
import { describeError, toast } from '../state/toastStore';
import { useChanged } from '../state/useChanged';
import { confirmAction } from '../ui/Dialog';
import { plural } from '../ui/labels';
import { When } from '../ui/When';
import { describeOp, OUTBOX_STATUS_LABEL } from './describeOp';
import './outbox.css';
import { groupByRecord } from '../ui/groupByRecord';
import { CouldNotRead } from '../ui/CouldNotRead';
import { PageTitle } from '../ui/PageTitle';

const PAGE = 200;
/** The engine's largest page; a refresh reloads what is on screen in pieces this big. */
const MAX_PAGE = 500;

type Filter = 'waiting' | 'failed' | 'all';
const FILTERS: { value: Filter; label: string; statuses: OutboxStatus[] }[] = [
  { value: 'waiting', label: 'Not sent yet', statuses: ['pending', 'in_flight', 'failed'] },
  { value: 'failed', label: 'Failed', statuses: ['failed'] },
  { value: 'all', label: 'All, including sent', statuses: ['pending', 'in_flight', 'failed', 'done'] },
];

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
  const go = useNav((s) => s.go);
  const sync = useSync((s) => s.status);
  const browserOnline = useSync((s) => s.online);
  const [filter, setFilter] = useState<Filter>('waiting');
  const [selected, setSelected] = useState<ReadonlySet<number>>(new Set());
  const [acting, setActing] = useState(false);
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
  // a sync run sends entries (and may refuse some): the list follows when its counts move
  useOnSyncMoved(() => void reload());

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

  // a selection holds failed entries on screen only: one sent, discarded or retried elsewhere leaves it
  useEffect(() => {
    setSelected((prev) => {
      if (prev.size === 0) return prev;
      const failed = new Set(items.filter((i) => i.status === 'failed').map((i) => i.seq));
      const next = new Set([...prev].filter((seq) => failed.has(seq)));
      return next.size === prev.size ? prev : next;
    });
  }, [items]);
  const failedOnScreen = useMemo(() => items.filter((i) => i.status === 'failed'), [items]);
  const failedTotal = sync?.failed ?? failedOnScreen.length;
  const toggle = (seq: number) =>
    setSelected((prev) => {
      const next = new Set(prev);
      if (!next.delete(seq)) next.add(seq);
      return next;
    });

  /** Every failed entry's number, not only those on screen (a long outbox loads in pages). */
  const allFailedSeqs = async (): Promise<number[]> => {
    const seqs: number[] = [];
    for (;;) {
      const page = await client.call('outbox.list', { status: ['failed'], limit: MAX_PAGE, offset: seqs.length });
      seqs.push(...page.items.map((i) => i.seq));
      if (page.items.length === 0 || seqs.length >= page.total || seqs.length >= 10_000) return seqs.slice(0, 10_000);
    }
  };

  const retry = async (which: number[] | 'all') => {
    setActing(true);
    try {
      const seqs = which === 'all' ? await allFailedSeqs() : which;
      if (seqs.length === 0) return;
      const r = await client.call('outbox.retry', { seqs });
      toast.ok(`${plural(r.retried, 'change')} will be sent again on the next sync`);
      setSelected(new Set());
      void reload();
    } catch (e) {
      toast.error(e);
    } finally {
      setActing(false);
    }
  };

  const discard = async (entries: OutboxItem[]) => {
    if (entries.length === 0) return;
    const ok = await confirmAction({
      title: entries.length === 1 ? 'Discard this change?' : `Discard ${plural(entries.length, 'change')}?`,
      body: <DiscardText entries={entries} companyName={companyName} />,
      confirmLabel: entries.length === 1 ? 'Discard it' : `Discard ${entries.length.toLocaleString()}`,
      danger: true,
    });
    if (!ok) return;
    setActing(true);
    try {
      const r = await client.call('outbox.discard', { seqs: entries.map((i) => i.seq), confirm: true });
      toast.ok(`${plural(r.discarded, 'change')} discarded: Intercom will not get ${r.discarded === 1 ? 'it' : 'them'}`);
      setSelected(new Set());
      void reload();
    } catch (e) {
      toast.error(e);
    } finally {
      setActing(false);
    }
  };
  const selectedEntries = failedOnScreen.filter((i) => selected.has(i.seq));
  const syncLine = sync ? describeSync(sync, browserOnline) : null;

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
        <PageTitle id="outbox-title">Outbox</PageTitle>
        {syncLine && (
          <p className={`outbox-note ${syncLine.tone === 'error' ? 'error' : 'muted'}`} data-testid="outbox-sync-note">
            {syncLine.text}
            {syncLine.needsSettings && (
              <>
                {' '}
                <button type="button" className="link" onClick={() => go('settings')}>
                  Open Settings
                </button>
              </>
            )}
          </p>
        )}
        {sync && sync.conflicts > 0 && (
          <button type="button" className="link outbox-conflicts" onClick={() => go('conflicts')} data-testid="outbox-conflicts">
            {plural(sync.conflicts, 'conflict')} to settle
          </button>
        )}
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
      {(failedTotal > 0 || selected.size > 0) && (
        <div className="outbox-actions" role="group" aria-label="Failed changes" data-testid="outbox-actions">
          {selected.size > 0 ? (
            <>
              <span className="outbox-selected">{plural(selected.size, 'failed change')} selected</span>
              <button type="button" onClick={() => void retry([...selected])} disabled={acting} data-testid="outbox-retry-selected">
                Retry selected
              </button>
              <button type="button" className="secondary" onClick={() => void discard(selectedEntries)} disabled={acting} data-testid="outbox-discard-selected">
                Discard selected…
              </button>
              <button type="button" className="link" onClick={() => setSelected(new Set())}>
                Clear selection
              </button>
            </>
          ) : (
            <span className="muted">
              {plural(failedTotal, 'change')} refused by Intercom. Fix the cause (see each reason), then retry; or discard what should never be sent.
            </span>
          )}
          {failedTotal > 0 && (
            <button type="button" className="secondary outbox-retry-all" onClick={() => void retry('all')} disabled={acting} data-testid="outbox-retry-all">
              Retry all failed
            </button>
          )}
        </div>
      )}
      {error && <CouldNotRead what="outbox" error={error} retry={() => void reload()} />}
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
                      {i.status === 'failed' ? (
                        <input
                          type="checkbox"
                          className="outbox-check"
                          checked={selected.has(i.seq)}
                          onChange={() => toggle(i.seq)}
                          aria-label={`Select “${describeOp(i, companyName)}” for ${g.label ?? 'this record'}`}
                        />
                      ) : (
                        <span aria-hidden="true" />
                      )}
                      <span className="outbox-op">{describeOp(i, companyName)}</span>
                      <When at={i.createdAt} now={now} className="muted outbox-time" />
                      <span className={`outbox-status status-${i.status}`}>{OUTBOX_STATUS_LABEL[i.status]}</span>
                      <span className="muted outbox-attempts">{i.attempts > 0 ? plural(i.attempts, 'attempt') : 'Not tried yet'}</span>
                      <span className="outbox-entry-actions">
                        {i.status === 'failed' && (
                          <>
                            <button
                              type="button"
                              className="secondary"
                              onClick={() => void retry([i.seq])}
                              disabled={acting}
                              aria-label={`Retry “${describeOp(i, companyName)}” for ${g.label ?? 'this record'}`}
                              data-testid="outbox-retry"
                            >
                              Retry
                            </button>
                            <button
                              type="button"
                              className="link outbox-discard"
                              onClick={() => void discard([i])}
                              disabled={acting}
                              aria-label={`Discard “${describeOp(i, companyName)}” for ${g.label ?? 'this record'}`}
                              data-testid="outbox-discard"
                            >
                              Discard…
                            </button>
                          </>
                        )}
                      </span>
                      {i.lastError && (i.status === 'failed' || i.attempts > 0) && (
                        <span className={`outbox-last-error ${i.status === 'failed' ? 'error' : 'muted'}`} data-testid="outbox-last-error">
                          {i.status === 'failed' ? 'Why' : 'Last try'}: {i.lastError}
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

/** What a discard loses, in plain words: the changes by record, and that Intercom never gets them. */
function DiscardText({ entries, companyName }: { entries: OutboxItem[]; companyName: (id: string) => string | null }) {
  const shown = entries.slice(0, 6);
  const messages = entries.filter((i) => i.op === 'message.send' || i.op === 'message.flush').length;
  return (
    <>
      <p>
        {entries.length === 1 ? 'This change will never reach Intercom:' : `These ${entries.length.toLocaleString()} changes will never reach Intercom:`}
      </p>
      <ul className="outbox-discard-list">
        {shown.map((i) => (
          <li key={i.seq}>
            <strong>{i.label ?? (i.entityType === 'contact' ? 'Unnamed contact' : 'Unnamed company')}</strong>: {describeOp(i, companyName)}
          </li>
        ))}
        {entries.length > shown.length && <li className="muted">and {plural(entries.length - shown.length, 'more change')}</li>}
      </ul>
      <p>
        The records keep these values here in Lead Console, but Intercom keeps its own.
        {messages > 0 && ` ${messages === 1 ? 'The message is' : 'The messages are'} not sent.`} This cannot be undone.
      </p>
    </>
  );
}

function totalText(total: number, filter: Filter): string {
  if (filter === 'waiting') return `${plural(total, 'change')} not sent yet`;
  if (filter === 'failed') return `${plural(total, 'change')} failed`;
  return `${plural(total, 'change')} in all`;
}
