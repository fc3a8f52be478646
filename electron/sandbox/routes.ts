// The Intercom REST routes the sandbox answers, each a method and path template mapped onto one
// Workspace operation, grouped by resource. SandboxServer checks auth, version and faults first.
import type { Workspace } from './Workspace';

export interface Call {
  params: string[];
  query: URLSearchParams;
  body: unknown;
  version: string;
  ws: Workspace;
  /** http://<host> as the client addressed us: page links point back here. */
  origin: string;
}

export interface Answer {
  status: number;
  body?: unknown;
}

interface Route {
  method: string;
  template: string;
  re: RegExp;
  run(call: Call): Answer;
}

const ok = (body: unknown): Answer => ({ status: 200, body });
const q = (call: Call, name: string) => call.query.get(name) ?? undefined;
const p = (call: Call, i: number) => call.params[i]!;

function route(method: string, template: string, run: (call: Call) => Answer): Route {
  const re = new RegExp(`^${template.replace(/\{[^}]+\}/g, '([^/]+)')}$`);
  return { method, template, re, run };
}

// Order matters where a literal segment and a {param} compete (scroll before {id})
const ROUTES: Route[] = [
  // admins
  route('GET', '/me', ({ ws }) => ok(ws.me())),
  route('GET', '/admins', ({ ws }) => ok(ws.listAdmins())),
  route('GET', '/admins/{id}', (c) => ok(c.ws.getAdmin(p(c, 0)))),
  // data attributes
  route('GET', '/data_attributes', (c) => ok(c.ws.listDataAttributes(q(c, 'model'), q(c, 'include_archived') === 'true'))),
  route('POST', '/data_attributes', (c) => ok(c.ws.createDataAttribute(c.body))),
  route('PUT', '/data_attributes/{id}', (c) => ok(c.ws.updateDataAttribute(p(c, 0), c.body))),
  // contacts and their companies
  route('POST', '/contacts', (c) => ok(c.ws.createContact(c.body))),
  route('GET', '/contacts', (c) => ok(c.ws.listContacts({ per_page: q(c, 'per_page'), starting_after: q(c, 'starting_after') }))),
  // A cursor in the query string is ignored: Intercom answers page 1 again
  route('POST', '/contacts/search', (c) => ok(c.ws.searchContacts(c.body))),
  route('POST', '/contacts/merge', (c) => ok(c.ws.mergeContacts(c.body))),
  route('GET', '/contacts/find_by_external_id/{external_id}', (c) => ok(c.ws.findByExternalId(p(c, 0)))),
  route('GET', '/contacts/{id}', (c) => ok(c.ws.getContact(p(c, 0)))),
  route('PUT', '/contacts/{id}', (c) => ok(c.ws.updateContact(p(c, 0), c.body))),
  route('DELETE', '/contacts/{id}', (c) => ok(c.ws.deleteContact(p(c, 0)))),
  route('POST', '/contacts/{id}/archive', (c) => ok(c.ws.archiveContact(p(c, 0), true))),
  route('POST', '/contacts/{id}/unarchive', (c) => ok(c.ws.archiveContact(p(c, 0), false))),
  route('GET', '/contacts/{id}/companies', (c) => ok(c.ws.contactCompaniesList(p(c, 0)))),
  route('POST', '/contacts/{id}/companies', (c) => ok(c.ws.attachCompany(p(c, 0), c.body))),
  route('DELETE', '/contacts/{id}/companies/{companyId}', (c) => ok(c.ws.detachCompany(p(c, 0), p(c, 1)))),
  // notes (no update or delete: Intercom has none)
  route('POST', '/contacts/{id}/notes', (c) => ok(c.ws.createNote(p(c, 0), c.body))),
  route('GET', '/contacts/{id}/notes', (c) => ok(c.ws.listNotes(p(c, 0), { page: q(c, 'page'), per_page: q(c, 'per_page') }))),
  route('GET', '/notes/{id}', (c) => ok(c.ws.getNote(p(c, 0)))),
  // tags: the workspace's, a contact's (companies and users are tagged through POST /tags)
  route('GET', '/tags', (c) => ok(c.ws.listTags())),
  route('POST', '/tags', (c) => ok(c.ws.createTag(c.body))),
  route('GET', '/tags/{id}', (c) => ok(c.ws.findTag(p(c, 0)))),
  route('DELETE', '/tags/{id}', (c) => {
    c.ws.deleteTag(p(c, 0));
    return { status: 200 };
  }),
  route('GET', '/contacts/{id}/tags', (c) => ok(c.ws.contactTags(p(c, 0)))),
  route('POST', '/contacts/{id}/tags', (c) => ok(c.ws.attachTag(p(c, 0), c.body))),
  route('DELETE', '/contacts/{id}/tags/{tagId}', (c) => ok(c.ws.detachTag(p(c, 0), p(c, 1)))),
  // companies
  route('POST', '/companies', (c) => ok(c.ws.upsertCompany(c.body))),
  route('GET', '/companies', (c) => {
    const companyId = q(c, 'company_id');
    const name = q(c, 'name');
    if (companyId !== undefined || name !== undefined) return ok(c.ws.findCompany({ company_id: companyId, name }));
    return ok(c.ws.listCompanies({ page: q(c, 'page'), per_page: q(c, 'per_page') }));
  }),
  route('POST', '/companies/list', (c) => ok(c.ws.listCompanies({ page: q(c, 'page'), per_page: q(c, 'per_page'), order: q(c, 'order') }))),
  route('GET', '/companies/scroll', (c) => ok(c.ws.scrollCompanies(q(c, 'scroll_param')))),
  route('GET', '/companies/{id}', (c) => ok(c.ws.getCompany(p(c, 0)))),
  route('PUT', '/companies/{id}', (c) => ok(c.ws.updateCompany(p(c, 0), c.body))),
  route('DELETE', '/companies/{id}', (c) => ok(c.ws.deleteCompany(p(c, 0)))),
  route('GET', '/companies/{id}/contacts', (c) => ok(c.ws.companyContactsList(p(c, 0), { page: q(c, 'page'), per_page: q(c, 'per_page') }))),
  // events
  route('POST', '/events', (c) => {
    c.ws.createEvent(c.body);
    return { status: 202 };
  }),
  route('GET', '/events', (c) =>
    ok(
      c.ws.listEvents(
        {
          type: q(c, 'type'),
          user_id: q(c, 'user_id'),
          intercom_user_id: q(c, 'intercom_user_id'),
          email: q(c, 'email'),
          per_page: q(c, 'per_page'),
          before: q(c, 'before'),
          before_index: q(c, 'before_index'),
        },
        c.origin,
      ),
    ),
  ),
  // messages and conversations
  route('POST', '/messages', (c) => ok(c.ws.createMessage(c.body))),
  route('GET', '/conversations', (c) =>
    ok(
      c.ws.conversations(
        { type: q(c, 'type'), user_id: q(c, 'user_id'), intercom_user_id: q(c, 'intercom_user_id'), per_page: q(c, 'per_page'), starting_after: q(c, 'starting_after') },
        c.version,
      ),
    ),
  ),
  // visitors
  route('GET', '/visitors', (c) => ok(c.ws.getVisitor(q(c, 'user_id')))),
  route('POST', '/visitors/convert', (c) => ok(c.ws.convertVisitor(c.body))),
];

export function matchRoute(method: string, path: string): { route: Route; params: string[] } | null {
  for (const r of ROUTES) {
    if (r.method !== method) continue;
    const m = r.re.exec(path);
    if (!m) continue;
    try {
      return { route: r, params: m.slice(1).map((s) => decodeURIComponent(s)) };
    } catch {
      return null;
    }
  }
  return null;
}
