// The shell (the full screens come next): the total, a search box and the first rows, loaded
// through the same transport and client the real screens use, refreshed on `changed` events.
import { useEffect, useMemo, useRef, useState, type FormEvent } from 'react';
import type { Client } from '../../shared/client';
import { ApiError } from '../../shared/client';
import { useContactsView } from './store';

const STAGE_LABEL: Record<string, string> = { lead: 'Lead', signed_up: 'Signed up', sql: 'SQL', customer: 'Customer' };
const SYNC_LABEL: Record<string, string> = { local: 'Local only', pending: 'Pending', synced: 'Synced', failed: 'Failed' };
const dateFmt = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });

export function App({ client }: { client: Client }) {
  const search = useContactsView((s) => s.search);
  const page = useContactsView((s) => s.page);
  const loading = useContactsView((s) => s.loading);
  const error = useContactsView((s) => s.error);
  const setSearch = useContactsView((s) => s.setSearch);
  const load = useContactsView((s) => s.load);
  const [mode, setMode] = useState<string>('');

  useEffect(() => {
    const t = setTimeout(() => void load(client), search ? 120 : 0);
    return () => clearTimeout(t);
  }, [client, load, search]);

  useEffect(() => {
    let t: ReturnType<typeof setTimeout> | undefined;
    const off = client.on('changed', () => {
      clearTimeout(t);
      t = setTimeout(() => void load(client), 50);
    });
    client
      .call('app.info', {})
      .then((info) => setMode(info.mode === 'desktop' ? 'Desktop' : 'Browser mode'))
      .catch(() => setMode(''));
    return () => {
      off();
      clearTimeout(t);
    };
  }, [client, load]);

  const total = page?.total ?? null;
  return (
    <div className="shell">
      <header className="bar">
        <h1>Lead Console</h1>
        <span className="count" data-testid="contact-count" aria-live="polite">
          {total === null ? 'Loading…' : `${total.toLocaleString()} ${total === 1 ? 'contact' : 'contacts'}`}
        </span>
        <span className="mode">{mode}</span>
      </header>
      <main>
        <QuickAdd client={client} />
        <label className="search">
          <span className="visually-hidden">Search contacts</span>
          <input
            type="search"
            placeholder="Search name, email or company…"
            value={search}
            onChange={(e) => setSearch(e.target.value)}
            aria-label="Search contacts"
          />
        </label>
        {error && (
          <p role="alert" className="error">
            {error}
          </p>
        )}
        <ContactTable items={page?.items ?? []} loading={loading && !page} searching={Boolean(search)} />
      </main>
    </div>
  );
}

function QuickAdd({ client }: { client: Client }) {
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [message, setMessage] = useState<{ kind: 'ok' | 'error'; text: string } | null>(null);
  const nameRef = useRef<HTMLInputElement>(null);

  async function submit(e: FormEvent) {
    e.preventDefault();
    try {
      const res = await client.call('contacts.create', { name: name || undefined, email: email || undefined });
      setName('');
      setEmail('');
      const dup = res.sameEmail.length ? ` (${res.sameEmail.length} other contact(s) share this email)` : '';
      setMessage({ kind: 'ok', text: `Saved ${res.contact.name ?? res.contact.email}; it will sync to Intercom later${dup}.` });
      nameRef.current?.focus();
    } catch (err) {
      setMessage({ kind: 'error', text: err instanceof ApiError ? err.message : String(err) });
    }
  }

  return (
    <form className="quick-add" onSubmit={submit} aria-label="New lead">
      <input ref={nameRef} value={name} onChange={(e) => setName(e.target.value)} placeholder="Name" aria-label="Name" />
      <input value={email} onChange={(e) => setEmail(e.target.value)} placeholder="Email" aria-label="Email" type="text" inputMode="email" />
      <button type="submit">Add lead</button>
      {message && (
        <span role={message.kind === 'error' ? 'alert' : 'status'} className={message.kind}>
          {message.text}
        </span>
      )}
    </form>
  );
}

function ContactTable({
  items,
  loading,
  searching,
}: {
  items: NonNullable<ReturnType<typeof useContactsView.getState>['page']>['items'];
  loading: boolean;
  searching: boolean;
}) {
  const rows = useMemo(() => items, [items]);
  if (loading) return <p className="empty">Loading contacts…</p>;
  if (rows.length === 0) {
    return (
      <p className="empty" data-testid="empty-state">
        {searching ? 'No contact matches this search.' : 'No contacts yet. Add your first lead above.'}
      </p>
    );
  }
  return (
    <table className="contacts" data-testid="contact-table">
      <thead>
        <tr>
          <th scope="col">Name</th>
          <th scope="col">Email</th>
          <th scope="col">Role</th>
          <th scope="col">Stage</th>
          <th scope="col">Companies</th>
          <th scope="col">Sync</th>
          <th scope="col">Created</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((c) => (
          <tr key={c.id}>
            <td>{c.name ?? <span className="muted">—</span>}</td>
            <td>{c.email ?? <span className="muted">—</span>}</td>
            <td>{c.role === 'user' ? 'User' : 'Lead'}</td>
            <td>{STAGE_LABEL[c.stage]}</td>
            <td>{c.companies.map((co) => co.name).join(', ')}</td>
            <td className={`sync sync-${c.syncState}`}>{SYNC_LABEL[c.syncState]}</td>
            <td>{dateFmt.format(new Date(c.createdAt))}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
