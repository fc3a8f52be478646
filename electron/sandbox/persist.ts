// The sandbox workspace on disk (`stateFile`), so a demo keeps its ids from one start to the
// next: a versioned JSON snapshot, checked field by field on the way in, written aside and
// renamed into place (mode 0600) on the way out.
import fs from 'node:fs';
import path from 'node:path';
import type { ContactData, DataAttribute, IdGenState, SandboxTag, Scalar } from './model';
import type { SandboxEvent, SandboxFlush, SandboxMessage, SandboxNote, SandboxVisitor } from './Workspace';

export const STATE_VERSION = 1;

export type StoredContact = ContactData & { createdAtMs: number };

export interface StoredCompany {
  id: string;
  company_id: string;
  name: string | null;
  plan: string | null;
  size: number | null;
  website: string | null;
  industry: string | null;
  remote_created_at: number | null;
  monthly_spend: number;
  created_at: number;
  updated_at: number;
  custom_attributes: Record<string, Scalar | null>;
  contactIds: string[];
  tagIds: string[];
  deleted: boolean;
}

export interface WorkspaceState {
  version: typeof STATE_VERSION;
  /** Clock time (ms) of the save; informational. */
  savedAt: number;
  admin: { id: string };
  app: { id_code: string; created_at: number };
  ids: IdGenState;
  /** The custom data attributes, in creation order (the built-ins come with every workspace). */
  attributes: DataAttribute[];
  /** Creation order: a contact's position is its index. */
  contacts: StoredContact[];
  companies: StoredCompany[];
  planIds: [string, string][];
  messages: SandboxMessage[];
  flushes: SandboxFlush[];
  /** contact id -> clock time (ms) its last flush started message matching. */
  lastTriggered: [string, number][];
  events: SandboxEvent[];
  ignoredEvents: number;
  visitors: SandboxVisitor[];
  /** Notes on contacts (absent in files saved before notes existed). */
  notes?: SandboxNote[];
  /** The workspace's tags (a file saved before tags has none). */
  tags: SandboxTag[];
}

// ---------------------------------------------------------------- reading

class BadState extends Error {}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function fail(where: string, what: string): never {
  throw new BadState(`${where}: ${what}`);
}

function obj(v: unknown, where: string): Record<string, unknown> {
  if (!isObj(v)) fail(where, 'not an object');
  return v;
}

function arr(v: unknown, where: string): unknown[] {
  if (!Array.isArray(v)) fail(where, 'not a list');
  return v;
}

function str(o: Record<string, unknown>, k: string, where: string): string {
  if (typeof o[k] !== 'string') fail(`${where}.${k}`, 'not a string');
  return o[k];
}

function strOrNull(o: Record<string, unknown>, k: string, where: string): string | null {
  if (o[k] !== null && typeof o[k] !== 'string') fail(`${where}.${k}`, 'not a string or null');
  return o[k];
}

function num(o: Record<string, unknown>, k: string, where: string): number {
  if (typeof o[k] !== 'number' || !Number.isFinite(o[k])) fail(`${where}.${k}`, 'not a number');
  return o[k];
}

function numOrNull(o: Record<string, unknown>, k: string, where: string): number | null {
  if (o[k] === null) return null;
  return num(o, k, where);
}

function bool(o: Record<string, unknown>, k: string, where: string): boolean {
  if (typeof o[k] !== 'boolean') fail(`${where}.${k}`, 'not true or false');
  return o[k];
}

function scalars(v: unknown, where: string): Record<string, Scalar | null> {
  const o = obj(v, where);
  for (const [k, x] of Object.entries(o)) {
    if (x !== null && typeof x !== 'string' && typeof x !== 'number' && typeof x !== 'boolean') fail(`${where}.${k}`, 'not a plain value');
  }
  return o as Record<string, Scalar | null>;
}

function strings(v: unknown, where: string): string[] {
  const a = arr(v, where);
  a.forEach((x, i) => typeof x !== 'string' && fail(`${where}[${i}]`, 'not a string'));
  return a as string[];
}

function contact(v: unknown, where: string): StoredContact {
  const o = obj(v, where);
  const role = o.role;
  if (role !== 'user' && role !== 'lead') fail(`${where}.role`, "not 'user' or 'lead'");
  return {
    id: str(o, 'id', where),
    external_id: strOrNull(o, 'external_id', where),
    role,
    email: strOrNull(o, 'email', where),
    phone: strOrNull(o, 'phone', where),
    name: strOrNull(o, 'name', where),
    avatar: strOrNull(o, 'avatar', where),
    owner_id: numOrNull(o, 'owner_id', where),
    created_at: num(o, 'created_at', where),
    updated_at: num(o, 'updated_at', where),
    signed_up_at: numOrNull(o, 'signed_up_at', where),
    last_seen_at: numOrNull(o, 'last_seen_at', where),
    unsubscribed_from_emails: bool(o, 'unsubscribed_from_emails', where),
    custom_attributes: scalars(o.custom_attributes, `${where}.custom_attributes`),
    companyIds: strings(o.companyIds, `${where}.companyIds`),
    // tags came later: a file saved before them has none
    tagIds: o.tagIds === undefined ? [] : strings(o.tagIds, `${where}.tagIds`),
    archived: bool(o, 'archived', where),
    mergedInto: strOrNull(o, 'mergedInto', where),
    deleted: bool(o, 'deleted', where),
    createdAtMs: num(o, 'createdAtMs', where),
  };
}

function company(v: unknown, where: string): StoredCompany {
  const o = obj(v, where);
  return {
    id: str(o, 'id', where),
    company_id: str(o, 'company_id', where),
    name: strOrNull(o, 'name', where),
    plan: strOrNull(o, 'plan', where),
    size: numOrNull(o, 'size', where),
    website: strOrNull(o, 'website', where),
    industry: strOrNull(o, 'industry', where),
    remote_created_at: numOrNull(o, 'remote_created_at', where),
    monthly_spend: num(o, 'monthly_spend', where),
    created_at: num(o, 'created_at', where),
    updated_at: num(o, 'updated_at', where),
    custom_attributes: scalars(o.custom_attributes, `${where}.custom_attributes`),
    contactIds: strings(o.contactIds, `${where}.contactIds`),
    tagIds: o.tagIds === undefined ? [] : strings(o.tagIds, `${where}.tagIds`),
    deleted: bool(o, 'deleted', where),
  };
}

function attribute(v: unknown, where: string): DataAttribute {
  const o = obj(v, where);
  if (o.type !== 'data_attribute') fail(`${where}.type`, "not 'data_attribute'");
  if (o.model !== 'contact' && o.model !== 'company') fail(`${where}.model`, "not 'contact' or 'company'");
  if (o.id !== undefined) num(o, 'id', where);
  for (const k of ['name', 'full_name', 'label', 'description', 'data_type']) str(o, k, where);
  for (const k of ['api_writable', 'ui_writable', 'messenger_writable', 'custom', 'archived']) bool(o, k, where);
  if (o.options !== undefined) {
    // saved before list attributes were kept as S14 answers them: `options` type, options as { value }
    o.options = arr(o.options, `${where}.options`).map((x, i) => (typeof x === 'string' ? x : str(obj(x, `${where}.options[${i}]`), 'value', `${where}.options[${i}]`)));
    if (o.data_type === 'options') o.data_type = 'string';
  }
  return o as unknown as DataAttribute;
}

/** Each log entry needs the fields the workspace looks things up by; the rest is shown as stored. */
function entries<T>(v: unknown, where: string, check: (o: Record<string, unknown>, w: string) => void): T[] {
  return arr(v, where).map((x, i) => {
    const o = obj(x, `${where}[${i}]`);
    check(o, `${where}[${i}]`);
    return o as unknown as T;
  });
}

function pairs<V>(v: unknown, where: string, value: (x: unknown) => boolean): [string, V][] {
  return arr(v, where).map((x, i) => {
    if (!Array.isArray(x) || x.length !== 2 || typeof x[0] !== 'string' || !value(x[1])) fail(`${where}[${i}]`, 'not a [key, value] pair');
    return x as [string, V];
  });
}

/** Checks a parsed state file; throws an Error naming the first bad field. */
export function parseState(raw: unknown): WorkspaceState {
  const o = obj(raw, 'state');
  if (o.version !== STATE_VERSION) fail('state.version', `is ${JSON.stringify(o.version)}, this sandbox reads version ${STATE_VERSION}`);
  const admin = obj(o.admin, 'state.admin');
  const app = obj(o.app, 'state.app');
  const ids = obj(o.ids, 'state.ids');
  if (!/^[0-9a-f]{6}$/.test(str(ids, 'prefix', 'state.ids'))) fail('state.ids.prefix', 'not 6 hex digits');
  for (const k of ['counter', 'sequence']) if (!Number.isSafeInteger(num(ids, k, 'state.ids')) || (ids[k] as number) < 0) fail(`state.ids.${k}`, 'not a whole number');
  const contacts = arr(o.contacts, 'state.contacts').map((c, i) => contact(c, `state.contacts[${i}]`));
  const seen = new Set<string>();
  for (const c of contacts) {
    if (seen.has(c.id)) fail('state.contacts', `contact ${c.id} appears twice`);
    seen.add(c.id);
  }
  const companies = arr(o.companies, 'state.companies').map((c, i) => company(c, `state.companies[${i}]`));
  return {
    version: STATE_VERSION,
    savedAt: typeof o.savedAt === 'number' ? o.savedAt : 0,
    admin: { id: str(admin, 'id', 'state.admin') },
    app: { id_code: str(app, 'id_code', 'state.app'), created_at: num(app, 'created_at', 'state.app') },
    ids: { prefix: ids.prefix as string, counter: ids.counter as number, sequence: ids.sequence as number },
    attributes: arr(o.attributes, 'state.attributes').map((a, i) => attribute(a, `state.attributes[${i}]`)),
    contacts,
    companies,
    planIds: pairs<string>(o.planIds, 'state.planIds', (x) => typeof x === 'string'),
    messages: entries<SandboxMessage>(o.messages, 'state.messages', (m, w) => {
      str(m, 'id', w);
      str(m, 'contactId', w);
      num(m, 'at', w);
    }),
    flushes: entries<SandboxFlush>(o.flushes, 'state.flushes', (f, w) => {
      str(f, 'contactId', w);
      num(f, 'at', w);
      bool(f, 'triggered', w);
    }),
    lastTriggered: pairs<number>(o.lastTriggered, 'state.lastTriggered', (x) => typeof x === 'number'),
    events: entries<SandboxEvent>(o.events, 'state.events', (e, w) => {
      str(e, 'contactId', w);
      str(e, 'event_name', w);
      num(e, 'created_at', w);
      obj(e.metadata, `${w}.metadata`);
    }),
    ignoredEvents: typeof o.ignoredEvents === 'number' ? o.ignoredEvents : 0,
    visitors: entries<SandboxVisitor>(o.visitors, 'state.visitors', (v, w) => {
      str(v, 'id', w);
      str(v, 'user_id', w);
    }),
    notes:
      o.notes === undefined
        ? []
        : entries<SandboxNote>(o.notes, 'state.notes', (n, w) => {
            for (const k of ['id', 'contactId', 'body', 'authorId']) str(n, k, w);
            num(n, 'created_at', w);
          }),
    tags: o.tags === undefined ? [] : entries<SandboxTag>(o.tags, 'state.tags', (t, w) => {
      str(t, 'id', w);
      str(t, 'name', w);
    }),
  };
}

export type StateRead = { kind: 'missing' } | { kind: 'ok'; state: WorkspaceState } | { kind: 'bad'; reason: string };

/** Reads and checks the file; never throws. */
export function readStateFile(file: string): StateRead {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'missing' };
    return { kind: 'bad', reason: `cannot be read (${(err as Error).message})` };
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    return { kind: 'bad', reason: `is not valid JSON (${(err as Error).message})` };
  }
  try {
    return { kind: 'ok', state: parseState(raw) };
  } catch (err) {
    return { kind: 'bad', reason: `is not a sandbox workspace (${(err as Error).message})` };
  }
}

/** Renames a bad file to `<file>.broken-<time>`; returns the new name, or null when that failed too. */
export function setAside(file: string, at: number): string | null {
  const stamp = new Date(at).toISOString().replace(/[:.]/g, '-');
  let target = `${file}.broken-${stamp}`;
  for (let n = 2; fs.existsSync(target); n++) target = `${file}.broken-${stamp}-${n}`;
  try {
    fs.renameSync(file, target);
    return target;
  } catch {
    return null;
  }
}

/** Atomic and private: the whole state in a file beside the target, flushed, then renamed over it. */
export function writeStateFile(file: string, state: WorkspaceState): void {
  const dir = path.dirname(file);
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.tmp`);
  fs.rmSync(tmp, { force: true });
  const fd = fs.openSync(tmp, 'wx', 0o600);
  try {
    fs.writeFileSync(fd, JSON.stringify(state));
    fs.fsyncSync(fd);
  } catch (err) {
    // a half-written copy (a full disk) only takes the room the next try needs
    fs.closeSync(fd);
    fs.rmSync(tmp, { force: true });
    throw err;
  }
  fs.closeSync(fd);
  try {
    fs.renameSync(tmp, file);
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw err;
  }
}
