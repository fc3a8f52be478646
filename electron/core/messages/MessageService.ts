// Messages to a contact: "send now" from the connected admin, and the flush that asks Intercom to
// match a user's pending auto-messages. Both are written locally with an outbox entry, so they
// wait while offline and go out in order with the contact's other changes; the entry is held for
// MESSAGE_HOLD_MS first (undo-send), since a message that reached Intercom cannot be taken back.
import type { MethodOutput, ParsedInput } from '../../../shared/api';
import { MESSAGE_HOLD_MS, type Message } from '../../../shared/domain';
import { AppError } from '../../../shared/errors';
import { fieldLabel } from '../../../shared/fieldLabels';
import { iso } from '../db/rows';
import { messageUndoBlocked, toMessage } from '../db/MessageRepository';
import { ContactWriter } from '../records/ContactWriter';
import type { ServiceContext } from '../ServiceContext';
import { compileMessage, MessageRenderer } from '../templates/MessageRenderer';

/** Intercom triggers message matching at most once per 15 minutes per user (Help Center #288). */
export const FLUSH_INTERVAL_MS = 15 * 60_000;

export class MessageService {
  private readonly writer: ContactWriter;
  private readonly renderer: MessageRenderer;

  constructor(private readonly ctx: ServiceContext) {
    this.writer = new ContactWriter(ctx.store);
    this.renderer = new MessageRenderer(ctx.store);
  }

  private mustGetContact(id: string) {
    const row = this.ctx.store.contacts.byId(id);
    if (!row) throw new AppError('NOT_FOUND', `There is no contact with id ${id}.`, { field: 'contactId' });
    return row;
  }

  send(input: ParsedInput<'messages.send'>): Message {
    const { store, actor } = this.ctx;
    const compiled = compileMessage(input.channel === 'email' ? input.subject : null, input.body);
    const message = store.transaction(() => {
      const contact = this.mustGetContact(input.contactId);
      if (input.channel === 'email' && !contact.email) {
        throw new AppError('VALIDATION', `${contact.name ?? 'This contact'} has no email address; send an in-app message instead.`, {
          field: 'channel',
        });
      }
      // consent: in-app messages are not email, so only the email channel is closed to them
      if (input.channel === 'email' && contact.unsubscribed_from_emails === 1) {
        throw new AppError('VALIDATION', `${fieldLabel('channel')}: ${contact.name ?? contact.email ?? 'This contact'} unsubscribed from emails; send an in-app message instead.`, {
          field: 'channel',
          details: { reason: 'unsubscribed' },
        });
      }
      // the stored (and sent) text is the one rendered from this contact's values
      const rendered = this.renderer.render(compiled, [contact.id]).get(contact.id)!;
      if (!rendered.body) {
        throw new AppError('VALIDATION', `The message would be empty for ${contact.name ?? contact.email ?? 'this contact'}: give its placeholders a fallback.`, { field: 'body' });
      }
      const subject = input.channel === 'email' ? rendered.subject || null : input.subject || null;
      const id = this.ctx.newId();
      const at = this.ctx.now();
      store.messages.insert({
        id,
        contact_id: contact.id,
        kind: 'send',
        channel: input.channel,
        subject,
        body: rendered.body,
        status: 'queued',
        created_at: at,
        actor,
        release_at: at + MESSAGE_HOLD_MS,
      });
      this.writer.queue(contact.id, 'message.send', { messageId: id, channel: input.channel, subject }, { at, releaseAt: at + MESSAGE_HOLD_MS });
      return toMessage(store.messages.byId(id)!, at);
    });
    this.ctx.hub.emit('changed', { entity: 'contact', ids: [input.contactId], op: 'message.send' });
    return message;
  }

  flush({ contactId }: ParsedInput<'messages.flush'>): MethodOutput<'messages.flush'> {
    const { store, actor } = this.ctx;
    const result = store.transaction(() => {
      const contact = this.mustGetContact(contactId);
      if (contact.role !== 'user') {
        throw new AppError('VALIDATION', `${contact.name ?? contact.email ?? 'This contact'} is a lead; auto-messages are flushed for signed-up users only.`, {
          field: 'contactId',
        });
      }
      const at = this.ctx.now();
      const last = store.messages.lastFlushAt(contactId);
      if (last !== null && at - last < FLUSH_INTERVAL_MS) {
        const next = last + FLUSH_INTERVAL_MS;
        throw new AppError('TOO_SOON', `Intercom matches a user's auto-messages at most once every 15 minutes; the next flush is possible at ${iso(next)}.`, {
          details: { nextPossibleAt: iso(next) },
        });
      }
      const id = this.ctx.newId();
      const releaseAt = at + MESSAGE_HOLD_MS;
      store.messages.insert({ id, contact_id: contactId, kind: 'flush', channel: null, subject: null, body: null, status: 'queued', created_at: at, actor, release_at: releaseAt });
      this.writer.queue(contactId, 'message.flush', { messageId: id }, { at, releaseAt });
      return { message: toMessage(store.messages.byId(id)!, at), nextPossibleAt: iso(at + FLUSH_INTERVAL_MS) };
    });
    this.ctx.hub.emit('changed', { entity: 'contact', ids: [contactId], op: 'message.flush' });
    return result;
  }

  /**
   * Takes back a message or flush during its hold: its outbox entry is withdrawn and it shows as
   * not sent. Once released it may already be in Intercom, so it is refused with the reason.
   */
  cancel({ id }: ParsedInput<'messages.cancel'>): Message {
    const { store } = this.ctx;
    let contactId = '';
    const message = store.transaction(() => {
      const row = store.messages.byId(id);
      if (!row) throw new AppError('NOT_FOUND', `There is no message with id ${id}.`, { field: 'id' });
      contactId = row.contact_id;
      const now = this.ctx.now();
      const blocked = messageUndoBlocked(row, now);
      if (blocked !== null || !this.writer.withdrawHeldMessage(id, now)) {
        throw new AppError('CONFLICT', blocked ?? 'The message has left its hold and is being sent; messages cannot be taken back after that.', { field: 'id' });
      }
      return toMessage(store.messages.byId(id)!, now);
    });
    this.ctx.hub.emit('changed', { entity: 'contact', ids: [contactId], op: 'message.cancel' });
    this.ctx.hub.emit('changed', { entity: 'outbox', ids: [], op: 'message.cancel' });
    return message;
  }

  list({ contactId, limit, offset }: ParsedInput<'messages.list'>): MethodOutput<'messages.list'> {
    const { store } = this.ctx;
    this.mustGetContact(contactId);
    const page = store.messages.forContact(contactId, limit, offset ?? 0);
    const last = store.messages.lastFlushAt(contactId);
    const next = last === null ? null : last + FLUSH_INTERVAL_MS;
    const now = this.ctx.now();
    return {
      items: page.rows.map((r) => toMessage(r, now)),
      total: page.total,
      lastFlushAt: last === null ? null : iso(last),
      nextFlushAt: next !== null && next > now ? iso(next) : null,
    };
  }
}
