// Recent actions, newest first: every change a person made (stages, edits, links, sign-ups, new
// records), bulk actions and imports, each with its Undo while it can be done and the reason in
// words when it no longer can. Imports are rolled back from the Import screen, which confirms.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { BulkRecord, ImportJob } from '../../../shared/activity';
import type { ChangeRecord } from '../../../shared/api';
import { undoBulk } from '../leads/bulkActions';
import { undoChange } from '../state/changeUndo';
import { useClient } from '../state/ClientContext';
import { useNav } from '../state/navStore';
import { describeError } from '../state/toastStore';
import { useChanged } from '../state/useChanged';
import { formatDateTime, formatRelative, plural } from '../ui/labels';
import './recent.css';

const LIMIT = 50;

type Row =
  | { type: 'change'; at: string; item: ChangeRecord }
  | { type: 'bulk'; at: string; item: BulkRecord }
  | { type: 'import'; at: string; item: ImportJob };

function importSummary(j: ImportJob): string {
  const what = [j.created ? `${plural(j.created, 'record')} created` : '', j.updated ? `${plural(j.updated, 'record')} updated` : ''].filter(Boolean).join(', ');
  return `Imported ${j.fileName}${what ? `: ${what}` : ''}`;
}

export function RecentActionsView() {
  const client = useClient();
  const go = useNav((s) => s.go);
  const [rows, setRows] = useState<Row[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [acting, setActing] = useState<string | null>(null);
  const latest = useRef(0);

  const load = useCallback(async () => {
    const ask = ++latest.current;
    try {
      const [changes, bulks, imports] = await Promise.all([
        client.call('changes.list', { limit: LIMIT }),
        client.call('bulk.list', { limit: LIMIT }),
        client.call('import.list', { limit: LIMIT }),
      ]);
      if (ask !== latest.current) return;
      const all: Row[] = [
        ...changes.items.map((item): Row => ({ type: 'change', at: item.createdAt, item })),
        ...bulks.items.map((item): Row => ({ type: 'bulk', at: item.createdAt, item })),
        ...imports.items.filter((j) => j.state !== 'uploading' && j.state !== 'ready').map((item): Row => ({ type: 'import', at: item.startedAt ?? item.createdAt, item })),
      ];
      // ISO times in UTC sort as text
      all.sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0));
      setRows(all.slice(0, LIMIT));
      setError(null);
    } catch (e) {
      if (ask === latest.current) setError(describeError(e));
    }
  }, [client]);
  useEffect(() => void load(), [load]);
  // a push, an undo or a later edit changes what can still be undone
  useChanged(['contact', 'company', 'outbox', 'bulk', 'import'], () => void load(), { delay: 300 });
  useEffect(() => client.on('change', () => void load()), [client, load]);

  const act = async (key: string, what: () => Promise<unknown>) => {
    setActing(key);
    try {
      await what();
    } finally {
      setActing(null);
      void load();
    }
  };
  return (
    <section className="recent" aria-labelledby="recent-title" data-testid="recent-actions">
      <header className="view-header">
        <h1 id="recent-title">Recent actions</h1>
        <p className="muted">What you changed here, newest first. Undo puts the values back; once a change has reached Intercom, undo sends the previous values.</p>
      </header>
      {error && (
        <p className="error" role="alert">
          Could not read the recent actions: {error}{' '}
          <button type="button" className="link" onClick={() => void load()}>
            Try again
          </button>
        </p>
      )}
      {!rows && !error && <p className="muted">Loading…</p>}
      {rows && rows.length === 0 && <p className="muted">Nothing changed yet.</p>}
      {rows && rows.length > 0 && (
        <ol className="recent-list">
          {rows.map((r) => {
            const key = `${r.type}:${r.item.id}`;
            return (
              <li key={key} data-testid="recent-action" data-kind={r.type}>
                <span className="recent-summary">{r.type === 'import' ? importSummary(r.item) : r.item.summary}</span>
                <span className="muted recent-when">
                  {r.type === 'bulk' ? 'Bulk action · ' : r.type === 'import' ? 'Import · ' : ''}
                  {'actor' in r.item ? `${r.item.actor} · ` : ''}
                  <time dateTime={r.at} title={formatDateTime(r.at)}>
                    {formatRelative(r.at)}
                  </time>
                </span>
                <span className="recent-action">
                  {r.type === 'import' ? (
                    r.item.state === 'rolled_back' ? (
                      <span className="muted">Rolled back</span>
                    ) : (
                      <button type="button" className="link" onClick={() => go('import')}>
                        Open in Import
                      </button>
                    )
                  ) : r.item.undoneAt ? (
                    <span className="muted">Undone {formatRelative(r.item.undoneAt)}</span>
                  ) : r.item.undoable ? (
                    <button
                      type="button"
                      className="secondary"
                      disabled={acting === key}
                      onClick={() => void act(key, () => (r.type === 'change' ? undoChange(client, r.item.id) : undoBulk(client, r.item.id)))}
                    >
                      Undo
                    </button>
                  ) : (
                    <span className="muted recent-reason">{r.type === 'change' && r.item.kind === 'undo' ? 'Undo' : capitalise(r.item.undoBlockedReason ?? 'Cannot be undone')}</span>
                  )}
                </span>
              </li>
            );
          })}
        </ol>
      )}
    </section>
  );
}

const capitalise = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
