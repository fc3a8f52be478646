// Notes on contacts, as the official description has them: POST /contacts/{id}/notes (body
// required, admin_id optional: the token's admin when absent), GET /contacts/{id}/notes (newest
// first, numbered pages) and GET /notes/{id}. There is no update or delete: Intercom's API offers
// none. A note does not move its contact's updated_at (nothing in the description says it does).
import { ApiError, badParam, missingParam } from '../errors';
import type { SandboxNote } from '../model';
import { body, parsePerPage } from '../params';
import type { WorkspaceCore } from '../WorkspaceCore';

/** The spec's example page holds 50 notes. */
export const NOTES_PER_PAGE = 50;

/** A teammate besides the token's admin, who writes notes "in Intercom's UI" (remoteCreateNote). */
export const COLLEAGUE = { type: 'admin' as const, id: '7900001', name: 'Kim Keller', email: 'kim@sandbox.lead-console.test' };

const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Intercom keeps a note's body as HTML: plain text becomes paragraphs. */
function asHtml(text: string): string {
  if (/^\s*</.test(text)) return text;
  return text
    .split('\n')
    .map((line) => `<p>${escape(line)}</p>`)
    .join('');
}

export class Notes {
  constructor(private readonly ws: WorkspaceCore) {}

  private admin(id: string) {
    if (id === COLLEAGUE.id) return COLLEAGUE;
    // the workspace's team (GET /admins): any of them may write a note
    return this.ws.team().find((a) => a.id === id) ?? null;
  }

  private wire(n: SandboxNote) {
    const a = this.admin(n.authorId) ?? { type: 'admin' as const, id: n.authorId, name: null, email: null };
    return {
      type: 'note' as const,
      id: n.id,
      created_at: n.created_at,
      contact: { type: 'contact' as const, id: n.contactId },
      author: { type: 'admin' as const, id: a.id, name: a.name, email: a.email, away_mode_enabled: false, away_mode_reassign: false },
      body: n.body,
    };
  }

  private add(contactId: string, text: string, authorId: string) {
    const n: SandboxNote = { id: String(this.ws.ids.next()), contactId, body: asHtml(text), authorId, created_at: this.ws.nowSec() };
    const list = this.ws.notesByContact.get(contactId);
    if (list) list.push(n);
    else this.ws.notesByContact.set(contactId, [n]);
    this.ws.changed();
    return this.wire(n);
  }

  createNote(contactId: string, input: unknown) {
    const b = body(input);
    if (b.body === undefined || b.body === null) throw missingParam('body is required', 'body');
    if (typeof b.body !== 'string') throw badParam('body must be a string', 'body');
    if (b.body.trim() === '') throw badParam('body must not be empty', 'body');
    let authorId = this.ws.admin.id;
    if (b.admin_id !== undefined && b.admin_id !== null) {
      if (typeof b.admin_id !== 'string' && typeof b.admin_id !== 'number') throw badParam('admin_id must be a string', 'admin_id');
      authorId = String(b.admin_id);
      if (!this.admin(authorId)) throw new ApiError(404, 'not_found', 'Resource Not Found', 'admin_id');
    }
    const rec = this.ws.liveContact(contactId);
    return this.add(rec.id, b.body, authorId);
  }

  listNotes(contactId: string, query: { page?: string | undefined; per_page?: string | undefined }) {
    const rec = this.ws.liveContact(contactId);
    const perPage = parsePerPage(query.per_page, NOTES_PER_PAGE);
    const page = query.page === undefined || query.page === '' ? 1 : Number(query.page);
    if (!Number.isInteger(page) || page < 1) throw badParam('page must be a whole number from 1', 'page');
    const all = [...(this.ws.notesByContact.get(rec.id) ?? [])].sort((a, b) => b.created_at - a.created_at || Number(b.id) - Number(a.id));
    const totalPages = Math.ceil(all.length / perPage);
    return {
      type: 'list' as const,
      data: all.slice((page - 1) * perPage, page * perPage).map((n) => this.wire(n)),
      total_count: all.length,
      pages: { type: 'pages' as const, next: page < totalPages ? { page: page + 1 } : null, page, per_page: perPage, total_pages: totalPages },
    };
  }

  getNote(id: string) {
    for (const list of this.ws.notesByContact.values()) {
      const n = list.find((x) => x.id === id);
      if (n) return this.wire(n);
    }
    throw new ApiError(404, 'not_found', 'Resource Not Found');
  }

  /** A note written in Intercom's own UI, by a teammate (the colleague unless told). */
  remoteCreateNote(contactId: string, text: string, authorId: string = COLLEAGUE.id) {
    return this.add(this.ws.liveContact(contactId, true).id, text, authorId);
  }
}
