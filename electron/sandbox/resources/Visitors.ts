// Website visitors: looking one up, and converting one into a lead or a user.
import { ApiError, badParam, missingParam } from '../errors';
import {
  type ContactRecord,
  type ContactWire,
  type SandboxVisitor,
} from '../model';
import { body, isObject, optKey } from '../params';
import type { WorkspaceCore } from '../WorkspaceCore';


export class Visitors {
  constructor(private readonly ws: WorkspaceCore) {}

  getVisitor(userId: string | undefined): SandboxVisitor {
    if (!userId) throw missingParam('user_id is a required parameter', 'user_id');
    const v = [...this.ws.visitors.values()].find((x) => x.user_id === userId);
    if (!v) throw new ApiError(404, 'not_found', 'Visitor Not Found');
    return { ...v };
  }

  convertVisitor(input: unknown): ContactWire {
    const b = body(input);
    if (b.type !== 'user' && b.type !== 'lead') throw badParam("type must be 'user' or 'lead'", 'type');
    const vref = b.visitor;
    if (!isObject(vref)) throw missingParam('visitor is a required parameter', 'visitor');
    const visitor = [...this.ws.visitors.values()].find(
      (v) => (typeof vref.id === 'string' && v.id === vref.id) || (typeof vref.user_id === 'string' && v.user_id === vref.user_id) || (typeof vref.email === 'string' && v.email === vref.email),
    );
    if (!visitor) throw new ApiError(404, 'not_found', 'Visitor Not Found');
    const uref = isObject(b.user) ? b.user : {};
    if (b.type === 'lead') {
      this.ws.visitors.delete(visitor.id);
      this.ws.changed();
      return this.ws.wire(this.ws.insertContact({ role: 'lead', email: visitor.email, name: visitor.name }).current);
    }
    // An existing user absorbs the visitor; otherwise the visitor becomes that user
    let target: ContactRecord | undefined;
    if (typeof uref.id === 'string') target = this.ws.liveContact(uref.id);
    const xid = optKey(uref, 'user_id') ?? null;
    if (!target && xid) {
      const id = this.ws.byExternalId.get(xid);
      const rec = id === undefined ? undefined : this.ws.byId.get(id);
      if (rec && rec.current.role === 'user' && !rec.current.archived) target = rec;
      else if (rec) throw this.ws.conflict(rec.id);
    }
    const email = typeof uref.email === 'string' ? uref.email : visitor.email;
    if (!target && !xid && email) {
      const id = this.ws.usersWithEmail(email.toLowerCase())[0];
      if (id) target = this.ws.byId.get(id);
    }
    if (!xid && !email && !target) throw missingParam('user needs id, user_id or email', 'user');
    this.ws.visitors.delete(visitor.id);
    this.ws.changed();
    if (target) {
      if (!target.current.email && email) this.ws.commit(target, { ...target.current, email, updated_at: this.ws.nowSec() });
      return this.ws.wire(target.current);
    }
    return this.ws.wire(this.ws.insertContact({ role: 'user', external_id: xid, email, name: visitor.name }).current);
  }

  /** Someone visits the website: a visitor the engine may later convert. */
  remoteCreateVisitor(fields: { email?: string; name?: string; user_id?: string } = {}): SandboxVisitor {
    const at = this.ws.nowSec();
    const v: SandboxVisitor = { type: 'visitor', id: this.ws.ids.objectId(at), user_id: fields.user_id ?? this.ws.ids.uuid(), email: fields.email ?? null, name: fields.name ?? null, created_at: at, updated_at: at, custom_attributes: {} };
    this.ws.visitors.set(v.id, v);
    this.ws.changed();
    return { ...v };
  }
}
