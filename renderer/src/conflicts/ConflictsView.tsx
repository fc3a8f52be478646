// Conflicts: fields changed both here and in Intercom since the last sync. Each shows the record,
// the field in plain words and both values; the user keeps one ("Keep mine" sends ours to
// Intercom, "Keep Intercom's" takes theirs here). The list follows local changes and every sync.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { Conflict } from '../../../shared/domain';
import { useClient } from '../state/ClientContext';
import { useNav } from '../state/navStore';
import { useOnSyncMoved } from '../state/syncStore';
import { describeError, toast } from '../state/toastStore';
import { useChanged } from '../state/useChanged';
import { plural } from '../ui/labels';
import { When } from '../ui/When';
import { fieldWords, formatFieldValue } from './conflictWords';
import './conflicts.css';
import { groupByRecord } from '../ui/groupByRecord';
import { CouldNotRead } from '../ui/CouldNotRead';
import { PageTitle } from '../ui/PageTitle';
import { ownerName, useTeam, useTeamFeed } from '../state/teamStore';

const PAGE = 100;

const recordName = (g: { entityType: Conflict['entityType']; label: string | null }) =>
  g.label ?? (g.entityType === 'contact' ? 'Unnamed contact' : 'Unnamed company');

export function ConflictsView() {
  const client = useClient();
  // an owner's conflict names the admins: redrawn when the team loads
  useTeamFeed();
  useTeam();
  const panel = useNav((s) => s.panel);
  const openContact = useNav((s) => s.openContact);
  const openCompany = useNav((s) => s.openCompany);
  const [items, setItems] = useState<Conflict[]>([]);
  const [total, setTotal] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [resolving, setResolving] = useState<ReadonlySet<number>>(new Set());
  const [limit, setLimit] = useState(PAGE);
  const latest = useRef(0);

  const reload = useCallback(async () => {
    const ask = ++latest.current;
    try {
      const all: Conflict[] = [];
      let count = 0;
      while (all.length < limit) {
        const page = await client.call('conflicts.list', { limit: Math.min(500, limit - all.length), offset: all.length });
        all.push(...page.items);
        count = page.total;
        if (page.items.length === 0 || all.length >= page.total) break;
      }
      if (ask !== latest.current) return;
      setItems(all);
      setTotal(count);
      setError(null);
    } catch (e) {
      if (ask === latest.current) setError(describeError(e));
    }
  }, [client, limit]);

  useEffect(() => {
    void reload();
  }, [reload]);
  useChanged(['contact', 'company', 'outbox'], () => void reload(), { delay: 150 });
  useOnSyncMoved(() => void reload());

  const groups = useMemo(() => groupByRecord(items), [items]);

  const resolve = async (c: Conflict, keep: 'local' | 'remote') => {
    setResolving((s) => new Set(s).add(c.id));
    try {
      await client.call('conflicts.resolve', { id: c.id, keep });
      const field = fieldWords(c.field, c.entityType);
      toast.ok(
        keep === 'local'
          ? `${recordName(c)}: ${field} keeps your value; it will be sent to Intercom`
          : `${recordName(c)}: ${field} now has Intercom's value`,
      );
      // gone from the list at once; the pushed change reloads the rest
      setItems((list) => list.filter((x) => x.id !== c.id));
      setTotal((t) => (t === null ? t : Math.max(0, t - 1)));
      void reload();
    } catch (e) {
      toast.error(e);
    } finally {
      setResolving((s) => {
        const next = new Set(s);
        next.delete(c.id);
        return next;
      });
    }
  };

  return (
    <section className="conflicts" aria-labelledby="conflicts-title" data-testid="conflicts-view">
      <header className="conflicts-head">
        <PageTitle id="conflicts-title">Conflicts</PageTitle>
        <span className="muted conflicts-total" data-testid="conflicts-total" aria-live="polite">
          {total === null ? 'Loading…' : total === 0 ? '' : `${plural(total, 'field')} to settle`}
        </span>
      </header>
      <p className="muted conflicts-intro">
        These fields were changed both here and in Intercom since the last sync. Pick the value to keep: yours is sent to Intercom, Intercom's replaces
        yours here.
      </p>
      {error && <CouldNotRead what="conflicts" error={error} retry={() => void reload()} />}
      <div className="conflicts-scroll">
        {total === 0 && (
          <p className="empty" data-testid="conflicts-empty">
            No conflicts. When a field is changed both here and in Intercom, it is listed here for you to choose.
          </p>
        )}
        {groups.length > 0 && (
          <ol className="conflict-groups" aria-label="Records with conflicting fields">
            {groups.map((g) => {
              const open = panel?.kind === g.entityType && panel.id === g.entityId;
              return (
                <li key={`${g.entityType}:${g.entityId}`} className={`conflict-group ${open ? 'open' : ''}`} data-testid="conflict-group" data-entity-id={g.entityId}>
                  <h2 className="conflict-group-head">
                    <button
                      type="button"
                      className="link conflict-record"
                      onClick={() => (g.entityType === 'contact' ? openContact(g.entityId) : openCompany(g.entityId))}
                      aria-label={`Open ${g.entityType} ${recordName(g)}`}
                    >
                      {recordName(g)}
                    </button>
                    <span className="badge">{g.entityType === 'contact' ? 'Contact' : 'Company'}</span>
                  </h2>
                  <ul className="conflict-items">
                    {g.items.map((c) => {
                      const field = fieldWords(c.field, c.entityType);
                      const busy = resolving.has(c.id);
                      return (
                        <li key={c.id} className="conflict" data-testid="conflict" data-field={c.field} aria-label={`${field} of ${recordName(g)}`}>
                          <div className="conflict-field">
                            <strong>{field}</strong>
                            <When at={c.detectedAt} className="muted" />
                          </div>
                          <dl className="conflict-values">
                            <div>
                              <dt>In Lead Console:</dt>
                              <dd data-testid="conflict-local">{formatFieldValue(c.field, c.localValue, c.entityType, ownerName)}</dd>
                            </div>
                            <div>
                              <dt>In Intercom:</dt>
                              <dd data-testid="conflict-remote">{formatFieldValue(c.field, c.remoteValue, c.entityType, ownerName)}</dd>
                            </div>
                          </dl>
                          <div className="conflict-actions">
                            <button
                              type="button"
                              onClick={() => void resolve(c, 'local')}
                              disabled={busy}
                              aria-label={`Keep mine: ${field} of ${recordName(g)} stays ${formatFieldValue(c.field, c.localValue, c.entityType, ownerName)}`}
                            >
                              Keep mine
                            </button>
                            <button
                              type="button"
                              className="secondary"
                              onClick={() => void resolve(c, 'remote')}
                              disabled={busy}
                              aria-label={`Keep Intercom's: ${field} of ${recordName(g)} becomes ${formatFieldValue(c.field, c.remoteValue, c.entityType, ownerName)}`}
                            >
                              Keep Intercom's
                            </button>
                          </div>
                        </li>
                      );
                    })}
                  </ul>
                </li>
              );
            })}
          </ol>
        )}
        {total !== null && items.length < total && (
          <div className="conflicts-more">
            <button type="button" className="secondary" onClick={() => setLimit((l) => l + PAGE)}>
              Load more
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
