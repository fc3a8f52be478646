// Possible duplicates: contacts that look like one person (the same email whatever its case, a
// visitor id another contact has as its user id, the same name at one company), group by group,
// each with Merge… (the newer into the older, the lead into the user) and its contacts to open.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { DuplicateGroup, DuplicateReason } from '../../../shared/api/merges';
import { useClient } from '../state/ClientContext';
import { useNav } from '../state/navStore';
import { describeError } from '../state/toastStore';
import { useChanged } from '../state/useChanged';
import { ROLE_LABEL } from '../ui/labels';
import { MergeDialog } from './MergeDialog';
import './merges.css';

const PAGE = 50;
const FILTERS: { reason: DuplicateReason | null; label: string }[] = [
  { reason: null, label: 'All' },
  { reason: 'email', label: 'Same email' },
  { reason: 'visitor', label: 'Same visitor id' },
  { reason: 'name', label: 'Same name at a company' },
];

function heading(g: DuplicateGroup): string {
  if (g.reason === 'email') return `Same email: ${g.key}`;
  if (g.reason === 'visitor') return `Same visitor id: ${g.key}`;
  return `Same name at ${g.company?.name ?? 'a company'}: ${g.key}`;
}

/** The default pair: the lead goes into the user; else the newer into the older. */
function pairOf(g: DuplicateGroup): { from: string; into: string } {
  const [a, b] = g.contacts;
  if (a!.role === 'lead' && b!.role === 'user') return { from: a!.id, into: b!.id };
  return { from: b!.id, into: a!.id };
}

export function DuplicatesView() {
  const client = useClient();
  const openContact = useNav((s) => s.openContact);
  const [reason, setReason] = useState<DuplicateReason | null>(null);
  const [data, setData] = useState<{ groups: DuplicateGroup[]; total: number } | null>(null);
  const [limit, setLimit] = useState(PAGE);
  const [error, setError] = useState<string | null>(null);
  const [merging, setMerging] = useState<{ from: string; into: string } | null>(null);
  const latest = useRef(0);

  const load = useCallback(async () => {
    const ask = ++latest.current;
    try {
      const res = await client.call('contacts.duplicates', { ...(reason ? { reason } : {}), limit });
      if (ask !== latest.current) return;
      setData(res);
      setError(null);
    } catch (e) {
      if (ask === latest.current) setError(describeError(e));
    }
  }, [client, reason, limit]);
  useEffect(() => void load(), [load]);
  useChanged(['contact', 'company'], () => void load(), { delay: 300 });

  return (
    <section className="duplicates" aria-labelledby="duplicates-title" data-testid="duplicates">
      <header className="view-header">
        <h1 id="duplicates-title">Possible duplicates</h1>
        <p className="muted">Contacts that look like one person. Merge keeps one of them with the values you pick and everything the other had.</p>
      </header>
      <div className="dup-filter" role="group" aria-label="Show">
        {FILTERS.map((f) => (
          <button
            key={f.label}
            type="button"
            className="secondary"
            aria-pressed={reason === f.reason}
            onClick={() => {
              setReason(f.reason);
              setLimit(PAGE);
            }}
          >
            {f.label}
          </button>
        ))}
      </div>
      {error && (
        <p className="error" role="alert">
          Could not read the possible duplicates: {error}{' '}
          <button type="button" className="link" onClick={() => void load()}>
            Try again
          </button>
        </p>
      )}
      {!data && !error && <p className="muted">Loading…</p>}
      {data && data.total === 0 && (
        <p className="empty" data-testid="duplicates-empty">
          No possible duplicates{reason ? ' of this kind' : ''}: no two contacts share an email, a visitor id, or a name at one company.
        </p>
      )}
      {data && data.total > 0 && (
        <>
          <p className="muted" data-testid="duplicates-count">
            {data.total.toLocaleString()} {data.total === 1 ? 'group' : 'groups'}
          </p>
          <ul className="dup-groups">
            {data.groups.map((g) => (
              <li key={`${g.reason}:${g.key}:${g.company?.id ?? ''}`} className="dup-group" data-testid="duplicate-group" data-reason={g.reason}>
                <h2>
                  <span>{heading(g)}</span>
                  <span className="muted">{g.size} contacts</span>
                </h2>
                <table>
                  <thead>
                    <tr>
                      <th scope="col">Name</th>
                      <th scope="col">Email</th>
                      <th scope="col">Role</th>
                      <th scope="col">Companies</th>
                      <th scope="col">
                        <span className="visually-hidden">Open</span>
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    {g.contacts.map((c) => (
                      <tr key={c.id}>
                        <td>{c.name ?? <span className="muted">none</span>}</td>
                        <td>{c.email ?? <span className="muted">none</span>}</td>
                        <td>{ROLE_LABEL[c.role]}</td>
                        <td>{c.companies.map((co) => co.name).join(', ')}</td>
                        <td>
                          <button type="button" className="link" onClick={() => openContact(c.id)}>
                            Open<span className="visually-hidden"> {c.name ?? c.email}</span>
                          </button>
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
                <div className="dup-actions">
                  <button type="button" onClick={() => setMerging(pairOf(g))} data-testid="duplicate-merge">
                    Merge…
                  </button>
                </div>
              </li>
            ))}
          </ul>
          {data.groups.length < data.total && (
            <button type="button" className="secondary" onClick={() => setLimit((l) => l + PAGE)}>
              Show more
            </button>
          )}
        </>
      )}
      {merging && <MergeDialog fromId={merging.from} intoId={merging.into} onClose={() => setMerging(null)} />}
    </section>
  );
}
