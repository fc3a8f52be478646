// Admin-initiated messages and GET /conversations, whose 1.x per-user form is the "flush" that
// starts message matching.
import { ApiError, badParam, missingParam, userNotFound } from '../errors';
import {
  type ContactRecord,
  type SandboxMessage,
} from '../model';
import { body, isObject, parsePerPage } from '../params';
import type { WorkspaceCore } from '../WorkspaceCore';

export const FLUSH_MATCHING_INTERVAL_MS = 15 * 60 * 1000;

export class Messages {
  constructor(private readonly ws: WorkspaceCore) {}

  createMessage(input: unknown) {
    const b = body(input);
    const type = b.message_type;
    if (type !== 'inapp' && type !== 'in_app' && type !== 'email') throw badParam("message_type must be 'inapp' or 'email'", 'message_type');
    if (typeof b.body !== 'string' || b.body.trim() === '') throw badParam('Body is required', 'body');
    const subject = b.subject === undefined || b.subject === null ? null : b.subject;
    if (subject !== null && typeof subject !== 'string') throw badParam('subject must be a string', 'subject');
    const template = b.template === undefined || b.template === null ? null : b.template;
    if (template !== null && template !== 'plain' && template !== 'personal') throw badParam("template must be 'plain' or 'personal'", 'template');
    if (type === 'email') {
      if (!subject) throw new ApiError(422, 'parameter_not_found', 'No subject supplied for email message', 'subject');
      if (!template) throw badParam('An email message needs a template (plain or personal)', 'template');
    }
    const from = b.from;
    if (!isObject(from) || from.type !== 'admin') throw badParam('from must be {"type":"admin","id":<admin id>}', 'from');
    if (String(from.id) !== this.ws.admin.id) throw new ApiError(400, 'admin_not_found', 'Admin not found', 'from.id');
    const to = b.to;
    if (!isObject(to) || (to.type !== 'user' && to.type !== 'lead' && to.type !== 'contact')) throw badParam('to must be {"type":"user"|"lead","id":<contact id>}', 'to');
    let rec: ContactRecord;
    if (typeof to.id === 'string') rec = this.ws.liveContact(to.id);
    else if (typeof to.user_id === 'string') rec = this.ws.findContact({ user_id: to.user_id });
    else throw missingParam('to.id is required', 'to.id');
    // to.type is not checked against the role: Intercom resolves the id whatever the type says
    if (this.ws.now() - rec.createdAtMs < this.ws.messageLagMs) throw userNotFound();
    const msg: SandboxMessage = {
      id: String(this.ws.ids.next()),
      message_type: type === 'email' ? 'email' : 'inapp',
      subject,
      body: b.body,
      template,
      from: { type: 'admin', id: this.ws.admin.id },
      to: { type: String(to.type), id: rec.id },
      contactId: rec.id,
      created_at: this.ws.nowSec(),
      at: this.ws.now(),
    };
    this.ws.messageLog.push(msg);
    this.ws.changed();
    return {
      type: 'admin_message' as const,
      id: msg.id,
      created_at: msg.created_at,
      subject: msg.subject ?? '',
      body: msg.body,
      message_type: msg.message_type,
      ...(template ? { template } : {}),
      owner: { type: 'admin', id: this.ws.admin.id, name: this.ws.admin.name, email: this.ws.admin.email, away_mode_enabled: false, away_mode_reassign: false },
    };
  }

  /**
   * GET /conversations. With a 1.x version and type=user plus a user it is the old per-user
   * listing that Intercom uses to trigger message matching (the "flush"); with 2.x those
   * parameters mean nothing and it is the plain conversation list.
   */
  conversations(query: { type?: string | undefined; user_id?: string | undefined; intercom_user_id?: string | undefined; per_page?: string | undefined; starting_after?: string | undefined }, apiVersion: string) {
    const v1 = apiVersion.startsWith('1.');
    if (v1 && query.type === 'user') {
      let rec: ContactRecord;
      if (query.intercom_user_id) rec = this.ws.liveContact(query.intercom_user_id);
      else if (query.user_id) rec = this.ws.findContact({ user_id: query.user_id });
      else throw missingParam('type=user needs user_id or intercom_user_id', 'user_id');
      const now = this.ws.now();
      const last = this.ws.lastTriggered.get(rec.id);
      const triggered = last === undefined || now - last >= FLUSH_MATCHING_INTERVAL_MS;
      if (triggered) this.ws.lastTriggered.set(rec.id, now);
      this.ws.flushLog.push({ contactId: rec.id, userId: query.user_id ?? null, intercomUserId: query.intercom_user_id ?? null, at: now, triggered });
      this.ws.changed();
      return { type: 'conversation.list' as const, conversations: [] as unknown[], pages: { type: 'pages' as const, next: null, page: 1, per_page: 20, total_pages: 0 } };
    }
    const perPage = query.per_page === undefined ? 20 : parsePerPage(query.per_page, 20);
    return { type: 'conversation.list' as const, conversations: [] as unknown[], total_count: 0, pages: { type: 'pages' as const, page: 1, per_page: perPage, total_pages: 0 } };
  }
}
