// The companies list: search, a stage filter, sortable columns and the total, 200 rows at a
// time (more load as the list scrolls to its end). Rows open the company page; j/k or the arrow
// keys move between rows and Enter opens.
import { useCallback, useEffect, useId, useRef, useState } from 'react';
import { COMPANY_SORT_FIELDS } from '../../../shared/api';
import type { CompanyListItem } from '../../../shared/domain';
import { useClient } from '../state/ClientContext';
import { useNav } from '../state/navStore';
import { useShortcut } from '../state/shortcuts';
import { describeError } from '../state/toastStore';
import { useChanged } from '../state/useChanged';
import { SyncBadge } from '../contact/SyncBadge';
import { formatSpend } from '../contact/parsers';
import { COMPANY_STAGE_LABEL, plural } from '../ui/labels';
import './companies.css';
import { PageTitle } from '../ui/PageTitle';

type SortField = (typeof COMPANY_SORT_FIELDS)[number];
type StageFilter = 'all' | 'none' | 'sql' | 'customer';

const PAGE = 200;
const STAGE_FILTERS: { value: StageFilter; label: string }[] = [
  { value: 'all', label: 'All' },
  { value: 'none', label: 'No stage' },
  { value: 'sql', label: COMPANY_STAGE_LABEL.sql },
  { value: 'customer', label: COMPANY_STAGE_LABEL.customer },
];
const COLUMNS: { label: string; sort: SortField | null; className?: string }[] = [
  { label: 'Name', sort: 'name' },
  // secondary: on a narrow window it gives its room to the others (companies.css)
  { label: 'Company id', sort: 'externalId', className: 'col-secondary' },
  { label: 'Stage', sort: 'stage' },
  { label: 'Users', sort: 'userCount', className: 'num' },
  { label: 'Plan', sort: 'plan' },
  { label: 'Monthly spend', sort: 'monthlySpend', className: 'num' },
  { label: 'Tags', sort: null },
  { label: 'Sync', sort: null },
];

interface Query {
  search: string;
  stage: StageFilter;
  sort: { field: SortField; dir: 'asc' | 'desc' };
}

export function CompaniesView() {
  const client = useClient();
  const panel = useNav((s) => s.panel);
  const openCompany = useNav((s) => s.openCompany);
  const uid = useId();
  const [search, setSearch] = useState('');
  const [query, setQuery] = useState<Query>({ search: '', stage: 'all', sort: { field: 'name', dir: 'asc' } });
  const [items, setItems] = useState<CompanyListItem[]>([]);
  const [total, setTotal] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loadingMore, setLoadingMore] = useState(false);
  const [cursor, setCursor] = useState(0);
  const seq = useRef(0);
  const rowRefs = useRef<(HTMLTableRowElement | null)[]>([]);
  const scroller = useRef<HTMLDivElement>(null);
  const sentinel = useRef<HTMLDivElement>(null);
  const loaded = useRef(0);
  loaded.current = items.length;

  // typing filters after a short pause; the query object changes once per pause
  useEffect(() => {
    const t = setTimeout(() => setQuery((q) => (q.search === search ? q : { ...q, search })), 150);
    return () => clearTimeout(t);
  }, [search]);

  const request = useCallback(
    (q: Query, offset: number, limit: number) =>
      client.call('companies.list', {
        search: q.search.trim().slice(0, 200) || undefined,
        filter: q.stage === 'all' ? {} : { stage: [q.stage] },
        sort: q.sort,
        limit,
        offset,
      }),
    [client],
  );

  /** Loads the first rows again (as many as are shown, so a refresh does not shrink the list). */
  const reload = useCallback(
    async (q: Query, keep: boolean) => {
      const n = ++seq.current;
      const limit = keep ? Math.min(500, Math.max(PAGE, loaded.current)) : PAGE;
      try {
        const r = await request(q, 0, limit);
        // an answer to an older search, filter or sort is dropped
        if (n !== seq.current) return;
        setItems(r.items);
        setTotal(r.total);
        setError(null);
        if (!keep) setCursor(0);
      } catch (e) {
        if (n === seq.current) setError(describeError(e));
      }
    },
    [request],
  );

  useEffect(() => {
    void reload(query, false);
  }, [query, reload]);
  useChanged(['company'], () => void reload(query, true), { delay: 150 });

  const loadMore = useCallback(async () => {
    if (loadingMore || total === null || items.length >= total) return;
    const n = seq.current;
    setLoadingMore(true);
    try {
      const r = await request(query, items.length, PAGE);
      if (n !== seq.current) return;
      setItems((prev) => [...prev, ...r.items.filter((c) => !prev.some((p) => p.id === c.id))]);
      setTotal(r.total);
    } catch (e) {
      if (n === seq.current) setError(describeError(e));
    } finally {
      setLoadingMore(false);
    }
  }, [items.length, loadingMore, query, request, total]);

  // the next 200 load when the end of the list scrolls into view
  useEffect(() => {
    const el = sentinel.current;
    if (!el || !scroller.current) return;
    const io = new IntersectionObserver((entries) => entries.some((e) => e.isIntersecting) && void loadMore(), {
      root: scroller.current,
      rootMargin: '200px',
    });
    io.observe(el);
    return () => io.disconnect();
  }, [loadMore]);

  const move = (delta: number): boolean => {
    // keys pressed inside the record panel belong to the panel, not to the list behind it
    if (document.activeElement instanceof Element && document.activeElement.closest('aside')) return false;
    if (items.length === 0) return false;
    const next = Math.max(0, Math.min(items.length - 1, cursor + delta));
    setCursor(next);
    rowRefs.current[next]?.focus();
    if (next >= items.length - 5) void loadMore();
    return true;
  };
  useShortcut('nextCompany', () => move(1));
  useShortcut('previousCompany', () => move(-1));

  const sortBy = (field: SortField) =>
    setQuery((q) => ({ ...q, sort: { field, dir: q.sort.field === field && q.sort.dir === 'asc' ? 'desc' : 'asc' } }));

  const filtered = query.search.trim() !== '' || query.stage !== 'all';
  const openId = panel?.kind === 'company' ? panel.id : null;

  return (
    <section className="companies" aria-labelledby={`${uid}-h`}>
      <header className="companies-head">
        <PageTitle id={`${uid}-h`}>Companies</PageTitle>
        <span className="muted" data-testid="company-count" aria-live="polite">
          {total === null ? '' : plural(total, 'company', 'companies')}
        </span>
      </header>
      <div className="companies-tools">
        <input
          type="search"
          className="companies-search"
          aria-label="Search companies"
          placeholder="Search by name or company id"
          value={search}
          maxLength={200}
          onChange={(e) => setSearch(e.target.value)}
          onKeyDown={(e) => {
            // Enter searches at once instead of waiting for the pause
            if (e.key === 'Enter') setQuery((q) => ({ ...q, search }));
          }}
        />
        <div className="segmented" role="group" aria-label="Stage filter" data-testid="company-stage-filter">
          {STAGE_FILTERS.map((f) => (
            <button
              key={f.value}
              type="button"
              aria-pressed={query.stage === f.value}
              className={query.stage === f.value ? 'on' : ''}
              onClick={() => setQuery((q) => ({ ...q, stage: f.value }))}
            >
              {f.label}
            </button>
          ))}
        </div>
      </div>
      {error && (
        <p className="field-error" role="alert">
          {error}{' '}
          <button type="button" className="link" onClick={() => void reload(query, true)}>
            Retry
          </button>
        </p>
      )}
      <div className="companies-scroll" ref={scroller}>
        <table className="companies-table" data-testid="company-table" aria-rowcount={total ?? undefined}>
          <thead>
            <tr>
              {COLUMNS.map((c) => {
                const sorted = c.sort !== null && query.sort.field === c.sort;
                return (
                  <th
                    key={c.label}
                    scope="col"
                    className={c.className}
                    aria-sort={sorted ? (query.sort.dir === 'asc' ? 'ascending' : 'descending') : undefined}
                  >
                    {c.sort ? (
                      <button type="button" className="th-sort" onClick={() => sortBy(c.sort!)}>
                        {c.label}
                        <span aria-hidden="true" className="th-arrow">
                          {sorted ? (query.sort.dir === 'asc' ? '▲' : '▼') : ''}
                        </span>
                      </button>
                    ) : (
                      c.label
                    )}
                  </th>
                );
              })}
            </tr>
          </thead>
          <tbody>
            {items.map((c, i) => (
              <tr
                key={c.id}
                ref={(el) => {
                  rowRefs.current[i] = el;
                }}
                data-testid="company-row"
                // one row in the tab order (roving focus); the others are reached with j/k
                tabIndex={i === cursor ? 0 : -1}
                aria-selected={c.id === openId}
                className={c.id === openId ? 'open' : undefined}
                onClick={() => {
                  setCursor(i);
                  openCompany(c.id);
                }}
                onFocus={() => setCursor(i)}
                onKeyDown={(e) => {
                  if (e.key === 'Enter' || e.key === ' ') {
                    e.preventDefault();
                    openCompany(c.id);
                  }
                }}
              >
                <td className="name">{c.name}</td>
                <td className="muted col-secondary">{c.externalId ?? ''}</td>
                <td>{c.stage ? <span className={`badge stage-chip stage-chip-${c.stage}`}>{COMPANY_STAGE_LABEL[c.stage]}</span> : <span className="muted">No stage</span>}</td>
                <td className="num">{c.userCount.toLocaleString()}</td>
                <td>{c.plan ?? ''}</td>
                <td className="num">{formatSpend(c.monthlySpend)}</td>
                <td className="company-tags" title={c.tags.join(', ') || undefined}>
                  {c.tags.join(', ')}
                </td>
                <td>
                  <SyncBadge state={c.syncState} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {total === 0 && (
          <p className="empty" data-testid="empty-state">
            {filtered ? 'No company matches this search or filter.' : 'No companies yet: they appear when a lead signs up, or link a contact to a new company.'}
          </p>
        )}
        <div ref={sentinel} className="companies-sentinel" aria-hidden="true" />
        {total !== null && items.length < total && (
          <div className="companies-more">
            <span className="muted">
              Showing {items.length.toLocaleString()} of {total.toLocaleString()}
            </span>
            <button type="button" className="secondary" onClick={() => void loadMore()} disabled={loadingMore}>
              {loadingMore ? 'Loading…' : 'Load more'}
            </button>
          </div>
        )}
      </div>
    </section>
  );
}
