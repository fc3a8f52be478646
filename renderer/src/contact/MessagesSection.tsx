// The lead page's messages: send one (in-app, or email with a subject) from the connected admin,
// flush a user's pending auto-messages (at most once every 15 minutes), and what was sent or still
// waits. Each waits 10 s in a hold ("Sending in 7 s · Undo") before it goes, since a message that
// reached Intercom cannot be taken back; then the outbox carries it, so offline it just waits.
import { useCallback, useEffect, useId, useRef, useState } from 'react';
import type { MethodOutput } from '../../../shared/api';
import { ApiError } from '../../../shared/client';
import type { Contact, Message } from '../../../shared/domain';
import { useClient } from '../state/ClientContext';
import { useOnSyncMoved } from '../state/syncStore';
import { MessageComposer } from '../compose/MessageComposer';
import { describeError, isToastShown, toast } from '../state/toastStore';
import { useChanged } from '../state/useChanged';
import { formatDateTime, formatRelative, plural } from '../ui/labels';
import { useSecondsLeft } from '../ui/useSecondsLeft';

type List = MethodOutput<'messages.list'>;
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

/** Why no email can go to this contact, in the composer's words; null when one can. */
function emailBlockedFor(contact: Pick<Contact, 'email' | 'name' | 'unsubscribedFromEmails'>): { short: string; why: string } | null {
  const who = contact.name ?? contact.email ?? 'This contact';
  if (!contact.email) return { short: 'no email address', why: `${who} has no email address; an in-app message can still reach them.` };
  // consent: unsubscribing closes email only; in-app messages are not email
  if (contact.unsubscribedFromEmails) return { short: 'unsubscribed', why: `${who} unsubscribed from emails, so no email can be sent; an in-app message can still reach them.` };
  return null;
}

export function MessagesSection({ contact }: { contact: Pick<Contact, 'id' | 'role' | 'email' | 'name' | 'unsubscribedFromEmails'> }) {
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
      followInToast(r.items);
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

/** The toast that follows one message from "sending in 10 s" to sent (or not), updated in place. */
const messageToastId = (m: Pick<Message, 'id'>) => `message:${m.id}`;

function messageToastText(m: Message, to: string): string {
  const what = m.kind === 'flush' ? `Auto-messages flush for ${to}` : `${m.channel === 'email' ? 'Email' : 'In-app message'} to ${to}`;
  if (m.undoneAt) return `${m.kind === 'flush' ? 'Flush' : 'Message'} taken back: it was not sent.`;
  if (m.status === 'sent') return `${what}: sent.`;
  if (m.status === 'failed') return `${what}: failed${m.error ? `: ${m.error}` : '.'}`;
  if (m.status === 'discarded') return `${what}: discarded, never sent.`;
  if (m.releaseAt && Date.parse(m.releaseAt) > Date.now()) return `${what}: sending in 10 s. Undo it in the list below until then.`;
  return `${what}: waits for Intercom.`;
}

/** Whom each followed message goes to, for its toast's later words. */
const recipients = new Map<string, string>();

/** Shows (or updates) the toast about `m`; it stays while the message is on its way. */
function showMessageToast(m: Message, to: string): void {
  recipients.set(m.id, to);
  const settled = m.undoneAt !== null || m.status !== 'queued';
  toast.show({ id: messageToastId(m), kind: m.status === 'failed' ? 'error' : settled ? 'ok' : 'info', text: messageToastText(m, to), sticky: !settled });
}

/** A fresh list: each message whose toast is still up gets its news there, not in a new toast. */
function followInToast(items: readonly Message[]): void {
  for (const m of items) {
    const id = messageToastId(m);
    if (!isToastShown(id)) continue;
    showMessageToast(m, recipients.get(m.id) ?? 'this contact');
  }
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
      const undone = await client.call('messages.cancel', { id: m.id });
      // in place of its "sending in 10 s" toast, if that is still up
      toast.show({ id: messageToastId(undone), kind: 'ok', text: messageToastText(undone, '') });
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
  contact: Pick<Contact, 'id' | 'email' | 'name' | 'unsubscribedFromEmails'>;
  onCancel: () => void;
  onSent: () => void;
}) {
  const client = useClient();
  return (
    <div className="rec-signup rec-send">
      <MessageComposer
        target={{ kind: 'ids', ids: [contact.id] }}
        many={false}
        emailBlocked={emailBlockedFor(contact)}
        onCancel={onCancel}
        onSend={async (m) => {
          const sent = await client.call('messages.send', { contactId: contact.id, ...m });
          showMessageToast(sent, contact.name ?? contact.email ?? 'this contact');
          onSent();
        }}
      />
    </div>
  );
}
