// message.send: POST /messages from the workspace's admin to a contact already in Intercom.
// The one operation a repeat could deliver twice, so it is never sent again blindly.
import type { PushEntry } from '../fold';
import type { MessageCreate } from '../intercomTypes';
import { contactRow, notInIntercomYet } from './contactRecord';
import { messageFailed, messageRow } from './messageRecord';
import { nothing, type Commit, type Operation, type PushRun, onlyEntry, StepFailure } from './Operation';

export const LOST_SEND_MESSAGE =
  'The app stopped while sending this message; Intercom may or may not have sent it. Check the conversation in Intercom before retrying.';

/** An email whose contact unsubscribed after it was written: it never goes out. */
export const UNSUBSCRIBED_SEND = 'Not sent: the contact unsubscribed from emails after this email was written. An in-app message can still reach them.';

/** A brand-new contact is not visible to /messages for a while (API-NOTES 6): retry this often before giving up. */
const MESSAGE_NOT_FOUND_RETRIES = 5;

/** The spec types the sender's id as an integer; GET /me hands it out as a string of digits. */
function adminIdForWire(id: string): number | string {
  return /^\d{1,15}$/.test(id) ? Number(id) : id;
}

async function sendMessage(run: PushRun, id: string, entries: readonly PushEntry[]): Promise<Commit> {
  const entry = onlyEntry(entries);
  const { store } = run.ctx;
  const msg = messageRow(store, entry);
  // discarded from the screen, or sent by an earlier attempt whose entry was retried
  if (!msg || msg.status === 'sent' || msg.status === 'discarded') return nothing;
  const contact = contactRow(run, id);
  if (!contact.intercom_id) throw notInIntercomYet('POST', '/messages');
  const channel = msg.channel ?? 'inapp';
  // unsubscribed during the hold (a colleague, or Intercom's own unsubscribe link, seen by a pull)
  if (channel === 'email' && contact.unsubscribed_from_emails === 1) throw new StepFailure(UNSUBSCRIBED_SEND);
  const body: MessageCreate = {
    message_type: channel,
    body: msg.body ?? '',
    from: { type: 'admin', id: adminIdForWire(await run.admin()) },
    to: { type: contact.role, id: contact.intercom_id },
  };
  if (channel === 'email') {
    body.subject = msg.subject ?? '';
    body.template = 'plain';
  }
  const resp = await run.call(() => run.ctx.client.sendMessage(body));
  const at = run.ctx.now();
  return () => store.messages.setStatus(msg.id, { status: 'sent', sentAt: at, intercomId: String(resp.id), error: null });
}

export const message: Operation = {
  kind: 'message',
  entity: 'contact',
  ops: ['message.send'],
  fold: 'single',
  sendsOnce: {
    lostInFlight: LOST_SEND_MESSAGE,
    uncertain: (why) => `Intercom may or may not have sent this message (${why}). Check the conversation in Intercom before retrying.`,
  },
  notFoundRetries: MESSAGE_NOT_FOUND_RETRIES,
  send: sendMessage,
  failed: messageFailed,
};
