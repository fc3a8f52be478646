// What the message operations share: the local message an entry sends, and its status beside the outbox.
import type { Store } from '../../db/Store';
import type { PushEntry } from '../fold';

export function messageRow(store: Store, entry: PushEntry) {
  const messageId = entry.payload.messageId;
  return typeof messageId === 'string' ? store.messages.byId(messageId) : undefined;
}

/** A message whose entry failed for good shows why on its own row too. */
export function messageFailed(store: Store, entry: PushEntry, message: string): void {
  const messageId = entry.payload.messageId;
  if (typeof messageId === 'string') store.messages.setStatus(messageId, { status: 'failed', error: message });
}
