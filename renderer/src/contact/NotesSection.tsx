// The lead page's notes: write one (kept here and sent to Intercom through the outbox, so offline
// it just waits), edit or delete your own while it waits, and the team's notes read from
// Intercom when the record opens, each with its author and time. Once Intercom has a note it stays
// as sent: Intercom's API cannot edit or delete notes, and the row says so.
import { useCallback, useEffect, useId, useRef, useState } from 'react';
import type { MethodOutput } from '../../../shared/api';
import { ApiError } from '../../../shared/client';
import { NOTE_MAX_LENGTH, type Note } from '../../../shared/notes';
import { useClient } from '../state/ClientContext';
import { useOnSyncMoved } from '../state/syncStore';
import { describeError, describeWithoutLabel, toast } from '../state/toastStore';
import { useChanged } from '../state/useChanged';
import { formatDateTime, formatRelative, plural } from '../ui/labels';

type List = MethodOutput<'notes.list'>;
const PAGE = 20;

const STATE_WORDS: Record<Note['syncState'], string> = {
  waiting: 'Waits for Intercom',
  sending: 'Sending…',
  synced: 'In Intercom',
  failed: 'Not sent',
};

/** Ctrl/Cmd+Enter in a note's text saves it (Enter alone is a new line). */
const isSaveKey = (e: React.KeyboardEvent) => e.key === 'Enter' && (e.ctrlKey || e.metaKey);

export function NotesSection({ contactId }: { contactId: string }) {
  const client = useClient();
  const uid = useId();
  const [list, setList] = useState<List | null>(null);
  const [listError, setListError] = useState<string | null>(null);
  const [limit, setLimit] = useState(PAGE);
  const [pull, setPull] = useState<{ state: 'reading' | 'done' | 'failed'; text?: string }>({ state: 'reading' });
  const latest = useRef(0);

  const load = useCallback(async () => {
    const ask = ++latest.current;
    try {
      const r = await client.call('notes.list', { contactId, limit });
      if (ask !== latest.current) return;
      setList(r);
      setListError(null);
    } catch (e) {
      if (ask === latest.current) setListError(describeError(e));
    }
  }, [client, contactId, limit]);

  useEffect(() => {
    void load();
  }, [load]);

  // the team's notes, read from Intercom each time the record opens (as a colleague may have written since)
  useEffect(() => {
    let live = true;
    setPull({ state: 'reading' });
    client.call('notes.pull', { contactId }).then(
      (r) => {
        if (!live) return;
        setPull({ state: 'done', text: r.added > 0 ? `${plural(r.added, 'new note')} from Intercom` : undefined });
        if (r.added > 0) void load();
      },
      (e: unknown) => {
        if (!live) return;
        // no Intercom connection at all (no token yet): there is no team to read from, nothing to say
        if (e instanceof ApiError && e.field === 'token') setPull({ state: 'done' });
        else setPull({ state: 'failed', text: describeWithoutLabel(e) });
      },
    );
    return () => {
      live = false;
    };
  }, [client, contactId, load]);

  useChanged(['contact', 'note'], () => void load(), { ids: [contactId], delay: 150 });
  useOnSyncMoved(() => void load());

  return (
    <section className="rec-section" aria-labelledby={`${uid}-h`} data-testid="contact-notes">
      <h3 id={`${uid}-h`}>Notes</h3>
      <AddNote contactId={contactId} onAdded={() => void load()} />
      <p className="muted rec-hint" role="status" data-testid="notes-pull">
        {pull.state === 'reading'
          ? 'Reading the team’s notes from Intercom…'
          : pull.state === 'failed'
            ? `The team’s notes could not be read from Intercom just now: ${pull.text}`
            : (pull.text ?? '')}
      </p>
      {listError && (
        <p className="field-error" role="alert">
          Could not read the notes: {listError}{' '}
          <button type="button" className="link" onClick={() => void load()}>
            Retry
          </button>
        </p>
      )}
      {list && list.total === 0 && <p className="muted rec-none">No notes yet.</p>}
      {list && list.items.length > 0 && (
        <ul className="rec-notes" data-testid="note-list">
          {list.items.map((n) => (
            <NoteRow key={n.id} note={n} onChanged={() => void load()} />
          ))}
        </ul>
      )}
      {list && list.items.length < list.total && (
        <button type="button" className="link" onClick={() => setLimit((l) => l + PAGE * 5)}>
          Show more ({plural(list.total - list.items.length, 'more note')})
        </button>
      )}
    </section>
  );
}

function AddNote({ contactId, onAdded }: { contactId: string; onAdded: () => void }) {
  const client = useClient();
  const uid = useId();
  const [text, setText] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const add = async () => {
    if (text.trim() === '') {
      setError('Write something first.');
      return;
    }
    setBusy(true);
    try {
      await client.call('notes.add', { contactId, note: text });
      setText('');
      setError(null);
      onAdded();
    } catch (e) {
      setError(describeWithoutLabel(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form
      className="rec-note-form"
      data-testid="note-form"
      onSubmit={(e) => {
        e.preventDefault();
        void add();
      }}
    >
      <label htmlFor={`${uid}-text`}>New note</label>
      <textarea
        id={`${uid}-text`}
        value={text}
        rows={3}
        maxLength={NOTE_MAX_LENGTH}
        placeholder="What was said on the call…"
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${uid}-err` : `${uid}-hint`}
        onChange={(e) => setText(e.target.value)}
        onKeyDown={(e) => {
          if (isSaveKey(e)) {
            e.preventDefault();
            void add();
          }
        }}
      />
      {error ? (
        <p id={`${uid}-err`} className="field-error" role="alert">
          {error}
        </p>
      ) : (
        <p id={`${uid}-hint`} className="muted rec-hint">
          Shown to the whole team in Intercom once it syncs; until then you can edit or delete it.
        </p>
      )}
      <div className="rec-actions">
        <button type="submit" disabled={busy}>
          Add note
        </button>
      </div>
    </form>
  );
}

function NoteRow({ note: n, onChanged }: { note: Note; onChanged: () => void }) {
  const client = useClient();
  const uid = useId();
  const [editing, setEditing] = useState(false);
  const [text, setText] = useState(n.body);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const save = async () => {
    setBusy(true);
    try {
      await client.call('notes.edit', { id: n.id, note: text });
      setEditing(false);
      setError(null);
      onChanged();
    } catch (e) {
      setError(describeWithoutLabel(e));
    } finally {
      setBusy(false);
    }
  };

  const remove = async () => {
    setBusy(true);
    try {
      await client.call('notes.delete', { id: n.id });
      onChanged();
    } catch (e) {
      toast.error(e);
      onChanged();
    } finally {
      setBusy(false);
    }
  };

  return (
    <li className={`rec-note-item note-${n.syncState}`} data-testid="note" data-state={n.syncState} data-source={n.source}>
      {editing ? (
        <div className="rec-note-edit">
          <label htmlFor={`${uid}-edit`} className="visually-hidden">
            Note text
          </label>
          <textarea
            id={`${uid}-edit`}
            value={text}
            rows={3}
            maxLength={NOTE_MAX_LENGTH}
            aria-invalid={error ? true : undefined}
            onChange={(e) => setText(e.target.value)}
            onKeyDown={(e) => {
              if (isSaveKey(e)) {
                e.preventDefault();
                void save();
              } else if (e.key === 'Escape') {
                setEditing(false);
                setText(n.body);
                setError(null);
              }
            }}
          />
          {error && (
            <p className="field-error" role="alert" data-testid="note-error">
              {error}
            </p>
          )}
          <div className="rec-actions">
            <button type="button" onClick={() => void save()} disabled={busy}>
              Save
            </button>
            <button
              type="button"
              className="secondary"
              onClick={() => {
                setEditing(false);
                setText(n.body);
                setError(null);
              }}
            >
              Cancel
            </button>
          </div>
        </div>
      ) : (
        <p className="rec-note-body" data-testid="note-body">
          {n.body}
        </p>
      )}
      <div className="rec-note-meta">
        <time className="muted" dateTime={n.createdAt} title={formatDateTime(n.createdAt)}>
          {n.author ?? 'Someone'} · {formatRelative(n.createdAt)}
        </time>
        <span className={`rec-note-state note-state-${n.syncState}`} data-testid="note-state">
          {n.source === 'intercom' ? 'From Intercom' : STATE_WORDS[n.syncState]}
        </span>
        {n.editable && !editing && (
          <span className="rec-note-tools">
            <button type="button" className="link" onClick={() => setEditing(true)} aria-label="Edit note" data-testid="note-edit">
              Edit
            </button>
            <button type="button" className="link rec-remove" onClick={() => void remove()} disabled={busy} aria-label="Delete note" data-testid="note-delete">
              Delete
            </button>
          </span>
        )}
      </div>
      {n.syncState === 'failed' && n.error && (
        <p className="field-error rec-note-why" data-testid="note-failed">
          Why: {n.error}
        </p>
      )}
      {!n.editable && n.source === 'local' && n.editBlockedReason && (
        <p className="muted rec-note-why" data-testid="note-locked">
          {n.editBlockedReason}
        </p>
      )}
    </li>
  );
}
