// The lead page's messages: send one (in-app, or email with a subject) from the connected admin,
// flush a user's pending auto-messages (at most once every 15 minutes), and what was sent or still
// waits. Each waits 10 s in a hold ("Sending in 7 s · Undo") before it goes, since a message that
// reached Intercom cannot be taken back; then the outbox carries it, so offline it just waits.
import { useCallback, useEffect, useId, useRef, useState, type FormEvent } from 'react';
import type { MethodOutput } from '../../../shared/api';
import { ApiError } from '../../../shared/client';
import type { Contact, Message, MessageChannel } from '../../../shared/domain';
import { useClient } from '../state/ClientContext';
import { useOnSyncMoved } from '../state/syncStore';
import { describeError, describeWithoutLabel, toast } from '../state/toastStore';
import { useChanged } from '../state/useChanged';
import { formatDateTime, formatRelative, plural } from '../ui/labels';
import { useSecondsLeft } from '../ui/useSecondsLeft';
import { fieldOf } from './fieldErrors';

type List = MethodOutput<'messages.list'>;
type Field = 'channel' | 'subject' | 'body';
const FIELD_LABEL: Record<Field, string> = { channel: 'Channel', subject: 'Subject', body: 'Message text' };
const PAGE = 10;

/** The moment a TOO_SOON error says a flush is possible again. */
function nextPossibleAt(e: unknown): string | null {
  if (!(e instanceof ApiError) || e.code !== 'TOO_SOON') return null;
  const at = e.details?.nextPossibleAt;
  return typeof at === 'string' ? at : null;
}

/** Re-renders when `iso` passes, so a "not before" wait ends on its own. */
function useUntil(iso: string | null): boolean {
  const [, tick] = useState(0);
  const waiting = iso !== null && Date.parse(iso) > Date.now();
  useEffect(() => {
    if (!waiting || !iso) return;
    const t = setTimeout(() => tick((n) => n + 1), Math.min(Date.parse(iso) - Date.now() + 250, 2 ** 31 - 1));
    return () => clearTimeout(t);
  }, [iso, waiting]);
  return waiting;
}

export function MessagesSection({ contact }: { contact: Pick<Contact, 'id' | 'role' | 'email' | 'name'> }) {
  const client = useClient();
  const uid = useId();
  const id = contact.id;
  const [list, setList] = useState<List | null>(null);
  const [listError, setListError] = useState<string | null>(null);
  const [limit, setLimit] = useState(PAGE);
  const [flushAt, setFlushAt] = useState<string | null>(null);
  const [flushing, setFlushing] = useState(false);
  const [composing, setComposing] = useState(false);
  const latest = useRef(0);

  const load = useCallback(async () => {
    const ask = ++latest.current;
    try {
      const r = await client.call('messages.list', { contactId: id, limit });
      if (ask !== latest.current) return;
      setList(r);
      setFlushAt(r.nextFlushAt);
      setListError(null);
    } catch (e) {
      if (ask === latest.current) setListError(describeError(e));
    }
  }, [client, id, limit]);

  useEffect(() => {
    void load();
  }, [load]);
  useChanged(['contact'], () => void load(), { ids: [id], delay: 150 });
  useOnSyncMoved(() => void load());

  const flushBlocked = useUntil(flushAt);
  const isUser = contact.role === 'user';

  const flush = async () => {
    setFlushing(true);
    try {
      const r = await client.call('messages.flush', { contactId: id });
      setFlushAt(r.nextPossibleAt);
      toast.ok(`Auto-messages flush for ${contact.name ?? contact.email ?? 'this user'}: sending in 10 s (Undo in the list below); next possible ${formatRelative(r.nextPossibleAt)}`);
      void load();
    } catch (e) {
      const at = nextPossibleAt(e);
      if (at) {
        setFlushAt(at);
        toast.info(`Intercom allows one flush every 15 minutes: next possible ${formatRelative(at)}`);
      } else toast.error(e);
    } finally {
      setFlushing(false);
    }
  };

  return (
    <section className="rec-section" aria-labelledby={`${uid}-h`} data-testid="contact-messages">
      <h3 id={`${uid}-h`}>Messages</h3>
      <div className="rec-actions">
        {!composing && (
          <button type="button" className="secondary" onClick={() => setComposing(true)} data-testid="send-message-open">
            Send message…
          </button>
        )}
        {isUser && (
          <button
            type="button"
            className="secondary"
            onClick={() => void flush()}
            disabled={flushing || flushBlocked}
            aria-describedby={`${uid}-flush-hint`}
            data-testid="flush-messages"
          >
            Flush auto-messages
          </button>
        )}
      </div>
      {isUser && (
        <p id={`${uid}-flush-hint`} className="muted rec-hint" data-testid="flush-hint">
          {flushBlocked && flushAt
            ? `Next possible ${formatRelative(flushAt)}: Intercom matches a user's auto-messages at most once every 15 minutes.`
            : "Asks Intercom to match this user's pending auto-messages now (at most once every 15 minutes)."}
        </p>
      )}
      {composing && (
        <SendForm
          contact={contact}
          onCancel={() => setComposing(false)}
          onSent={() => {
            setComposing(false);
            void load();
          }}
        />
      )}
      {listError && (
        <p className="field-error" role="alert">
          Could not read the messages: {listError}{' '}
          <button type="button" className="link" onClick={() => void load()}>
            Retry
          </button>
        </p>
      )}
      {list && list.total === 0 && <p className="muted rec-none">No messages sent from Lead Console yet.</p>}
      {list && list.items.length > 0 && (
        <ul className="rec-messages" data-testid="message-list">
          {list.items.map((m) => (
            <MessageRow key={m.id} m={m} onChanged={() => void load()} />
          ))}
        </ul>
      )}
      {list && list.items.length < list.total && (
        <button type="button" className="link" onClick={() => setLimit((l) => l + PAGE * 5)}>
          Show more ({plural(list.total - list.items.length, 'more message')})
        </button>
      )}
    </section>
  );
}

const STATUS_WORDS: Record<Message['status'], string> = {
  queued: 'Sending…',
  sent: 'Sent',
  failed: 'Failed',
  discarded: 'Discarded: never sent',
};

/** What the row says about where the message is: held (with its countdown), sending, sent, not sent. */
function statusWords(m: Message, secondsLeft: number): string {
  if (m.undoneAt) return 'Not sent (undone)';
  if (m.status === 'queued' && secondsLeft > 0) return `Sending in ${secondsLeft} s`;
  return STATUS_WORDS[m.status];
}

function MessageRow({ m, onChanged }: { m: Message; onChanged: () => void }) {
  const client = useClient();
  const [undoing, setUndoing] = useState(false);
  const left = useSecondsLeft(m.status === 'queued' && m.undoable ? m.releaseAt : null);
  const what =
    m.kind === 'flush' ? 'Auto-messages flush' : m.channel === 'email' ? `Email: ${m.subject ?? '(no subject)'}` : 'In-app message';
  const when = m.sentAt ?? m.createdAt;
  const held = m.status === 'queued' && left > 0;
  const undo = async () => {
    setUndoing(true);
    try {
      await client.call('messages.cancel', { id: m.id });
      toast.ok(`${m.kind === 'flush' ? 'Flush' : 'Message'} taken back: it was not sent.`);
    } catch (e) {
      toast.error(e);
    } finally {
      setUndoing(false);
      onChanged();
    }
  };
  const status = m.undoneAt ? 'undone' : held ? 'held' : m.status;
  return (
    <li className={`rec-message status-${m.status}`} data-testid="message" data-status={status}>
      <div className="rec-message-head">
        <span className="rec-message-what">{what}</span>
        <span className={`rec-message-status msg-${status}`} data-testid="message-status" aria-live={held ? 'off' : undefined}>
          {statusWords(m, left)}
          {held && (
            <>
              {' · '}
              <button type="button" className="link" disabled={undoing} onClick={() => void undo()} data-testid="message-undo">
                Undo
              </button>
            </>
          )}
        </span>
      </div>
      {m.kind === 'send' && m.body && <p className="rec-message-body">{m.body}</p>}
      {m.status === 'failed' && m.error && (
        <p className="field-error rec-message-error" data-testid="message-error">
          Why: {m.error}
        </p>
      )}
      <time className="muted rec-message-time" dateTime={when} title={formatDateTime(when)}>
        {m.status === 'sent' ? 'Sent ' : 'Written '}
        {formatRelative(when)} by {m.actor}
      </time>
    </li>
  );
}

function SendForm({
  contact,
  onCancel,
  onSent,
}: {
  contact: Pick<Contact, 'id' | 'email' | 'name'>;
  onCancel: () => void;
  onSent: () => void;
}) {
  const client = useClient();
  const uid = useId();
  const [channel, setChannel] = useState<MessageChannel>('inapp');
  const [subject, setSubject] = useState('');
  const [body, setBody] = useState('');
  const [errors, setErrors] = useState<Partial<Record<Field | 'form', string>>>({});
  const [busy, setBusy] = useState(false);
  const canEmail = Boolean(contact.email);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const found: typeof errors = {};
    if (channel === 'email' && !subject.trim()) found.subject = 'Subject: an email needs a subject';
    if (!body.trim()) found.body = 'Message text: must not be empty';
    setErrors(found);
    if (Object.keys(found).length > 0) return;
    setBusy(true);
    try {
      await client.call('messages.send', {
        contactId: contact.id,
        channel,
        ...(channel === 'email' ? { subject: subject.trim() } : {}),
        body: body.trim(),
      });
      toast.ok(`${channel === 'email' ? 'Email' : 'In-app message'} to ${contact.name ?? contact.email ?? 'this contact'}: sending in 10 s. Undo it in the list below until then.`);
      onSent();
    } catch (err) {
      const f = fieldOf(err);
      const text = describeWithoutLabel(err);
      if (f === 'channel' || f === 'subject' || f === 'body') setErrors({ [f]: `${FIELD_LABEL[f]}: ${text}` });
      else setErrors({ form: describeError(err) });
    } finally {
      setBusy(false);
    }
  };

  const errorOf = (f: Field) =>
    errors[f] ? (
      <p id={`${uid}-${f}-error`} className="field-error" role="alert">
        {errors[f]}
      </p>
    ) : null;

  return (
    <form
      className="rec-signup rec-send"
      aria-label="Send a message"
      data-testid="send-message-form"
      noValidate
      onSubmit={(e) => void submit(e)}
      onKeyDown={(e) => {
        // Esc closes this form, not the whole panel
        if (e.key === 'Escape') {
          e.preventDefault();
          e.stopPropagation();
          onCancel();
        }
      }}
    >
      <fieldset className="rec-channel" aria-invalid={errors.channel ? true : undefined} aria-describedby={errors.channel ? `${uid}-channel-error` : undefined}>
        <legend>Send as</legend>
        <label>
          <input type="radio" name={`${uid}-channel`} value="inapp" checked={channel === 'inapp'} onChange={() => setChannel('inapp')} autoFocus />
          In-app message
        </label>
        <label title={canEmail ? undefined : 'This contact has no email address'}>
          <input type="radio" name={`${uid}-channel`} value="email" checked={channel === 'email'} onChange={() => setChannel('email')} disabled={!canEmail} />
          Email{!canEmail && <span className="muted"> (no email address)</span>}
        </label>
      </fieldset>
      {errorOf('channel')}
      {channel === 'email' && (
        <div className="field">
          <label htmlFor={`${uid}-subject`}>
            <span>Subject</span>
          </label>
          <input
            id={`${uid}-subject`}
            value={subject}
            maxLength={255}
            aria-invalid={errors.subject ? true : undefined}
            aria-describedby={errors.subject ? `${uid}-subject-error` : undefined}
            onChange={(e) => {
              setSubject(e.target.value);
              setErrors((x) => ({ ...x, subject: undefined }));
            }}
          />
          {errorOf('subject')}
        </div>
      )}
      <div className="field">
        <label htmlFor={`${uid}-body`}>
          <span>Message text</span>
        </label>
        <textarea
          id={`${uid}-body`}
          value={body}
          rows={4}
          maxLength={20_000}
          aria-invalid={errors.body ? true : undefined}
          aria-describedby={`${uid}-body-hint${errors.body ? ` ${uid}-body-error` : ''}`}
          onChange={(e) => {
            setBody(e.target.value);
            setErrors((x) => ({ ...x, body: undefined }));
          }}
          onKeyDown={(e) => {
            // Ctrl/Cmd+Enter sends; plain Enter is a new line
            if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
              e.preventDefault();
              e.currentTarget.form?.requestSubmit();
            }
          }}
        />
        <span id={`${uid}-body-hint`} className="muted rec-hint">
          Sent from the connected Intercom admin. Ctrl+Enter (⌘+Enter on a Mac) sends. You can undo for 10 seconds; after that
          the messages cannot be taken back.
        </span>
        {errorOf('body')}
      </div>
      {errors.form && (
        <p className="field-error" role="alert">
          {errors.form}
        </p>
      )}
      <div className="rec-actions">
        <button type="submit" disabled={busy}>
          Send
        </button>
        <button type="button" className="secondary" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
