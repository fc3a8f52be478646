// message.flush: asks Intercom to deliver a contact's pending auto-messages now (safe to repeat).
import type { PushEntry } from '../fold';
import { realExternalId } from '../mapping';
import { contactRow, notInIntercomYet } from './contactRecord';
import { messageFailed, messageRow } from './messageRecord';
import { nothing, type Commit, type Operation, type PushRun, onlyEntry } from './Operation';

async function sendFlush(run: PushRun, id: string, entries: readonly PushEntry[]): Promise<Commit> {
  const entry = onlyEntry(entries);
  const { store } = run.ctx;
  const msg = messageRow(store, entry);
  if (!msg || msg.status === 'sent' || msg.status === 'discarded') return nothing;
  const contact = contactRow(run, id);
  if (!contact.intercom_id) throw notInIntercomYet('GET', '/conversations');
  await run.call(() => run.ctx.client.flushMessages({ externalId: realExternalId(contact.external_id), intercomId: contact.intercom_id! }));
  const at = run.ctx.now();
  return () => store.messages.setStatus(msg.id, { status: 'sent', sentAt: at, error: null });
}

export const flush: Operation = {
  kind: 'flush',
  entity: 'contact',
  ops: ['message.flush'],
  fold: 'single',
  send: sendFlush,
  failed: messageFailed,
};
