// A file row, through a mapping, becomes a typed record or a list of problems. Fields are checked
// with the very schemas the API uses (shared/domain.ts, shared/activity.ts), so an imported
// record is one the console could have been given by hand.
import type { z } from 'zod';
import { EventMetadata, EventName, IMPORT_TARGETS, type ImportKind, type ImportMapping, type ImportProblem } from '../../../shared/activity';
import { CustomAttributes, Email, EMAIL_OR_NAME, ExternalRef, Name, Phone, TagName, text, type CompanyStage, type ContactStage, type Role } from '../../../shared/domain';
import { AppError } from '../../../shared/errors';
import { fieldLabel } from '../../../shared/fieldLabels';
import { isFormulaGuarded } from '../../../shared/formulaGuard';
import { COMPANY_STAGE_LABEL, CONTACT_STAGE_LABEL } from '../../../shared/stages';
import { cellText, type Cell, type ImportFormat } from './parse';

export type Scalar = string | number | boolean;

export interface PersonPart {
  email: string | null;
  name: string | null;
  phone: string | null;
  role: Role | null;
  stage: ContactStage | null;
  visitorId: string | null;
  externalId: string | null;
  createdAt: number | null;
  attributes: Record<string, Scalar>;
  /** The owning admin's id, matched from the file by email or name. */
  ownerId?: string | null;
  /** Tag names, each once (any case), as the file lists them. */
  tags: string[];
}

export interface CompanyPart {
  externalId: string | null;
  name: string | null;
  plan: string | null;
  monthlySpend: number | null;
  stage: CompanyStage | null;
  attributes: Record<string, Scalar>;
}

export interface EventPart {
  visitorId: string | null;
  externalId: string | null;
  email: string | null;
  name: string;
  /** Unix ms, whole seconds. */
  at: number;
  metadata: Record<string, Scalar>;
}

export type MappedRow =
  /** `more`: the companies past the first, when the row names several (the export's Companies column). */
  | { kind: 'contacts'; person: PersonPart; company: CompanyPart | null; more?: CompanyPart[] }
  | { kind: 'companies'; person: PersonPart | null; company: CompanyPart }
  | { kind: 'events'; event: EventPart };

export type RowResult = { ok: true; row: MappedRow } | { ok: false; problems: ImportProblem[] };

const Plan = text(100);
const MetadataString = text(1000);

/** Human stage words, case and punctuation ignored. */
const CONTACT_STAGE_WORDS: Record<string, ContactStage> = { lead: 'lead', signedup: 'signed_up' };
const COMPANY_STAGE_WORDS: Record<string, CompanyStage> = { sql: 'sql', customer: 'customer', cust: 'customer' };
const ROLE_WORDS: Record<string, Role> = { lead: 'lead', user: 'user' };
const word = (s: string) => s.toLowerCase().replace(/[\s_\-.]+/g, '');

/** ISO 8601 (a time without a zone is UTC) or Unix seconds / milliseconds. */
export function parseTime(raw: string): number | null {
  const s = raw.trim();
  if (/^\d{1,15}(\.\d+)?$/.test(s)) {
    const n = Number(s);
    // 1e11 seconds is the year 5138; anything larger is milliseconds
    return Math.round(n < 1e11 ? n * 1000 : n);
  }
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?\s*(Z|[+-]\d{2}:?\d{2})?)?$/i.exec(s);
  if (!m) return null;
  const [, y, mo, d, h = '00', mi = '00', sec = '00', frac = '', zone = 'Z'] = m;
  const zoned = zone.toUpperCase() === 'Z' ? 'Z' : zone.length === 5 ? `${zone.slice(0, 3)}:${zone.slice(3)}` : zone;
  // Date.UTC rolls 2024-02-30 over to March: refuse dates that do not exist
  const day = new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d)));
  if (day.getUTCMonth() + 1 !== Number(mo) || day.getUTCDate() !== Number(d)) return null;
  const t = Date.parse(`${y}-${mo}-${d}T${h}:${mi}:${sec}${frac.slice(0, 4)}${zoned}`);
  return Number.isFinite(t) ? t : null;
}

/** Amounts as people type them: "$1,200.50", "1200", "49.9". */
function parseAmount(raw: string): number | null {
  const s = raw.trim().replace(/^[$€£]\s*/, '').replace(/\s*[$€£]$/, '');
  if (!/^\d{1,3}(,\d{3})*(\.\d+)?$|^\d+(\.\d+)?$/.test(s)) return null;
  return Number(s.replace(/,/g, ''));
}

/** The mapping, checked against the file and the kind, as one target per column index. */
export interface CompiledMapping {
  kind: ImportKind;
  targets: (string | null)[];
  /** The file's column names, by index. */
  columns: string[];
  /** Column name per target field, for problems. */
  columnOf: Map<string, string>;
  /** CSV: cells are text, perhaps with the export's formula guard, and attributes take their type from it. */
  csv: boolean;
  /** An owner column's lookup: an admin's lower-cased email and name (and id) -> its id. */
  owners: Map<string, string>;
}

/** The team as an owner column is matched against: each active admin by email, name and id, lower-cased. */
export function ownerLookup(admins: readonly { id: string; name: string | null; email: string | null; active: number | boolean }[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const a of admins) {
    if (!a.active) continue;
    for (const key of [a.email, a.name, a.id]) if (key) out.set(key.trim().toLowerCase(), a.id);
  }
  return out;
}

export function compileMapping(
  kind: ImportKind,
  mapping: ImportMapping,
  columns: string[],
  format: ImportFormat = 'csv',
  owners: Map<string, string> = new Map(),
): CompiledMapping {
  const allowed = new Set<string>(IMPORT_TARGETS[kind]);
  const index = new Map(columns.map((c, i) => [c, i]));
  const targets: (string | null)[] = new Array<string | null>(columns.length).fill(null);
  const columnOf = new Map<string, string>();
  for (const [column, target] of Object.entries(mapping)) {
    const field = `mapping.${column}`;
    const i = index.get(column);
    if (i === undefined) throw new AppError('VALIDATION', `The file has no column named "${column}".`, { field });
    if (target === 'ignore') continue;
    const isAttribute = target.startsWith('attribute:');
    const isMetadata = target.startsWith('metadata:');
    if (isAttribute && kind === 'events') {
      throw new AppError('VALIDATION', `${fieldLabel(field)}: events carry metadata, not attributes; use metadata:<key>.`, { field });
    }
    if (isMetadata && kind !== 'events') {
      throw new AppError('VALIDATION', `${fieldLabel(field)}: only events carry metadata; use attribute:<name>.`, { field });
    }
    if (!isAttribute && !isMetadata && !allowed.has(target)) {
      throw new AppError('VALIDATION', `${fieldLabel(field)}: ${target} is not a field of a ${kind} import (${[...allowed].join(', ')}).`, { field });
    }
    const other = columnOf.get(target);
    if (other !== undefined) {
      throw new AppError('VALIDATION', `Columns "${other}" and "${column}" both go to ${target}; pick one.`, { field });
    }
    columnOf.set(target, column);
    targets[i] = target;
  }
  const has = (f: string) => columnOf.has(f);
  const need = (ok: boolean, message: string) => {
    if (!ok) throw new AppError('VALIDATION', `${message.charAt(0).toUpperCase()}${message.slice(1)}.`, { field: 'mapping' });
  };
  if (kind === 'contacts') need(has('email') || has('name'), 'map a column to email or name (a contact needs one of them)');
  if (kind === 'companies') need(has('companyName') || has('companyExternalId'), 'map a column to companyName or companyExternalId');
  if (kind === 'events') {
    need(has('eventName'), 'map a column to eventName');
    need(has('at'), 'map a column to at (when the event happened)');
    need(has('visitorId') || has('externalId') || has('email'), 'map a column to visitorId, externalId or email (whose event it is)');
  }
  return { kind, targets, columns, columnOf, csv: format === 'csv', owners };
}

const CANONICAL_NUMBER = /^-?(0|[1-9]\d*)(\.\d*[1-9])?(e[+-]\d+)?$/;

/**
 * A CSV attribute cell as the value it was exported from: true / false, a number written as the
 * export writes numbers (so "007" or "1,5" stay text), else the text. A CSV holds no types: a
 * text attribute whose value reads as a number comes back a number (an update keeps the stored
 * type: see ImportWriter).
 */
export function attributeValue(text: string): Scalar {
  if (text === 'true') return true;
  if (text === 'false') return false;
  if (CANONICAL_NUMBER.test(text)) {
    const n = Number(text);
    if (Number.isFinite(n) && String(n) === text) return n;
  }
  return text;
}

const emptyPerson = (): PersonPart => ({
  email: null,
  name: null,
  phone: null,
  role: null,
  stage: null,
  visitorId: null,
  externalId: null,
  createdAt: null,
  attributes: {},
  tags: [],
});
const emptyCompany = (): CompanyPart => ({ externalId: null, name: null, plan: null, monthlySpend: null, stage: null, attributes: {} });

const quote = (s: string) => JSON.stringify(s.length > 60 ? `${s.slice(0, 57)}...` : s);

/**
 * The number a file's first record has where rows are named: a spreadsheet's (the header is row
 * 1, so the first record is row 2); a JSON lines file's line number.
 */
export const firstRowNumber = (m: Pick<CompiledMapping, 'csv'>): number => (m.csv ? 2 : 1);

/** Checks one row; `rowNo` is the row as the file shows it (see firstRowNumber). */
export function mapRow(m: CompiledMapping, cells: Cell[], rowNo: number, rowError?: { column: string | null; message: string }): RowResult {
  const problems: ImportProblem[] = [];
  if (rowError) return { ok: false, problems: [{ row: rowNo, column: rowError.column, field: null, message: rowError.message }] };
  const person = emptyPerson();
  const company = emptyCompany();
  let eventName: string | null = null;
  let eventEmail: string | null = null;
  let eventVisitor: string | null = null;
  let eventExternal: string | null = null;
  let at: number | null = null;
  const metadata: Record<string, Scalar> = {};
  let metadataColumn: string | null = null;
  /** Company names of a `companies` cell, in the order written. */
  const listed: string[] = [];

  const problem = (column: string, field: string, message: string) => problems.push({ row: rowNo, column, field, message });
  function check<T>(schema: z.ZodType<T>, value: string, column: string, field: string): T | null {
    const r = schema.safeParse(value);
    if (r.success) return r.data;
    problem(column, field, `${quote(value)} ${r.error.issues[0]?.message ?? 'is not valid'}`);
    return null;
  }

  for (let i = 0; i < m.targets.length; i++) {
    const target = m.targets[i];
    if (!target) continue;
    const cell = cells[i] ?? null;
    // the export's formula guard comes off: what follows the quote is the value, as it was
    const guarded = m.csv && typeof cell === 'string' && isFormulaGuarded(cell);
    const raw = guarded ? cell.slice(1) : cellText(cell);
    if (raw.trim() === '') continue; // empty cells are "not given"
    const column = m.columns[i]!;
    if (target.startsWith('attribute:') || target.startsWith('metadata:')) {
      const key = target.slice(target.indexOf(':') + 1);
      const text = guarded ? raw : raw.trim();
      const value: Scalar =
        typeof cell === 'number' || typeof cell === 'boolean' ? cell : m.csv && target.startsWith('attribute:') ? attributeValue(text) : text;
      if (typeof value === 'string' && value.length > 1000) {
        problem(column, target, `${quote(value)} must be at most 1000 characters`);
        continue;
      }
      if (target.startsWith('metadata:')) {
        metadata[key] = value;
        metadataColumn ??= column;
      } else if (m.kind === 'companies') company.attributes[key] = value;
      else person.attributes[key] = value;
      continue;
    }
    switch (target) {
      case 'email': {
        const v = check(Email, raw, column, 'email');
        if (m.kind === 'events') eventEmail = v;
        else person.email = v;
        break;
      }
      case 'name':
        person.name = check(Name, raw, column, 'name');
        break;
      case 'phone':
        person.phone = check(Phone, raw, column, 'phone');
        break;
      case 'role': {
        const r = ROLE_WORDS[word(raw)];
        if (r) person.role = r;
        else problem(column, 'role', `${quote(raw)} is not a role (Lead or User)`);
        break;
      }
      case 'stage': {
        const s = CONTACT_STAGE_WORDS[word(raw)];
        if (s) person.stage = s;
        else problem(column, 'stage', `${quote(raw)} is not a contact stage (${CONTACT_STAGE_LABEL.lead} or ${CONTACT_STAGE_LABEL.signed_up})`);
        break;
      }
      case 'companyStage': {
        const s = COMPANY_STAGE_WORDS[word(raw)];
        if (s) company.stage = s;
        else problem(column, 'companyStage', `${quote(raw)} is not a company stage (${COMPANY_STAGE_LABEL.sql} or ${COMPANY_STAGE_LABEL.customer})`);
        break;
      }
      case 'visitorId': {
        const v = check(ExternalRef, raw, column, 'visitorId');
        if (m.kind === 'events') eventVisitor = v;
        else person.visitorId = v;
        break;
      }
      case 'externalId': {
        const v = check(ExternalRef, raw, column, 'externalId');
        if (m.kind === 'events') eventExternal = v;
        else person.externalId = v;
        break;
      }
      case 'companyExternalId':
        company.externalId = check(ExternalRef, raw, column, 'companyExternalId');
        break;
      case 'companyName':
        company.name = check(Name, raw, column, 'companyName');
        break;
      case 'companies':
        // the export joins a contact's companies with "; "
        for (const part of raw.split(';')) {
          if (part.trim() === '') continue;
          const name = check(Name, part, column, 'companies');
          if (name !== null && !listed.some((n) => n.toLowerCase() === name.toLowerCase())) listed.push(name);
        }
        break;
      case 'tags':
        // "VIP, Beta": a new tag is made for a name the workspace does not have (mapping the column says so)
        for (const part of raw.split(',')) {
          if (part.trim() === '') continue;
          const name = check(TagName, part, column, 'tags');
          if (name !== null && !person.tags.some((n) => n.toLowerCase() === name.toLowerCase())) person.tags.push(name);
        }
        break;
      case 'plan':
        company.plan = check(Plan, raw, column, 'plan');
        break;
      case 'monthlySpend': {
        const n = typeof cell === 'number' ? cell : parseAmount(raw);
        if (n === null || !Number.isFinite(n) || n < 0 || n > 1e12) problem(column, 'monthlySpend', `${quote(raw)} is not an amount`);
        else company.monthlySpend = n;
        break;
      }
      case 'createdAt': {
        const t = typeof cell === 'number' ? parseTime(String(cell)) : parseTime(raw);
        if (t === null) problem(column, 'createdAt', `${quote(raw)} is not a date (ISO 8601 or Unix seconds)`);
        else person.createdAt = t;
        break;
      }
      case 'owner': {
        const id = m.owners.get(raw.trim().toLowerCase());
        if (id) person.ownerId = id;
        else problem(column, 'owner', `${quote(raw.trim())} is not an admin of the workspace: give the owner's email or name as Intercom lists them`);
        break;
      }
      case 'at': {
        const t = typeof cell === 'number' ? parseTime(String(cell)) : parseTime(raw);
        if (t === null) problem(column, 'at', `${quote(raw)} is not a date (ISO 8601 or Unix seconds)`);
        else at = Math.floor(t / 1000) * 1000; // Intercom keeps whole seconds
        break;
      }
      case 'eventName':
        eventName = check(EventName, raw, column, 'eventName');
        break;
      case 'referrer':
      case 'landingPage': {
        const v = check(MetadataString, raw, column, target);
        if (v !== null) metadata[target === 'referrer' ? 'referrer' : 'landing_page'] = v;
        metadataColumn ??= column;
        break;
      }
    }
  }
  return finish();

  function finish(): RowResult {
    const rowProblem = (field: string, message: string) =>
      problems.push({ row: rowNo, column: m.columnOf.get(field) ?? null, field, message });
    if (m.kind === 'events') {
      if (eventName === null && !problems.some((p) => p.field === 'eventName')) rowProblem('eventName', 'an event needs a name');
      if (at === null && !problems.some((p) => p.field === 'at')) rowProblem('at', 'an event needs a time');
      if (!eventVisitor && !eventExternal && !eventEmail && !problems.some((p) => ['visitorId', 'externalId', 'email'].includes(p.field ?? ''))) {
        rowProblem(m.columnOf.has('visitorId') ? 'visitorId' : m.columnOf.has('externalId') ? 'externalId' : 'email', 'an event needs a visitor id, a user id or an email');
      }
      const meta = EventMetadata.safeParse(metadata);
      if (!meta.success) problems.push({ row: rowNo, column: metadataColumn, field: 'metadata', message: meta.error.issues[0]?.message ?? 'invalid metadata' });
      if (problems.length > 0) return { ok: false, problems };
      return { ok: true, row: { kind: 'events', event: { visitorId: eventVisitor, externalId: eventExternal, email: eventEmail, name: eventName!, at: at!, metadata } } };
    }
    const attrs = m.kind === 'companies' ? company.attributes : person.attributes;
    const a = CustomAttributes.safeParse(attrs);
    if (!a.success) problems.push({ row: rowNo, column: null, field: 'customAttributes', message: a.error.issues[0]?.message ?? 'invalid attributes' });
    const personGiven = Boolean(person.email || person.name || person.phone || person.visitorId || person.externalId);
    const companyGiven = Boolean(company.externalId || company.name || company.plan || company.monthlySpend !== null || company.stage);
    const failedField = (f: string) => problems.some((p) => p.field === f);
    if (m.kind === 'contacts') {
      if (!person.email && !person.name && !failedField('email') && !failedField('name')) {
        rowProblem(m.columnOf.has('email') ? 'email' : 'name', EMAIL_OR_NAME.message);
      }
      if (companyGiven && !company.externalId && !company.name && !failedField('companyName') && !failedField('companyExternalId')) {
        rowProblem(m.columnOf.has('companyName') ? 'companyName' : 'companyExternalId', 'a company needs a name or a company id');
      }
      if (problems.length > 0) return { ok: false, problems };
      const first = company.externalId || company.name ? company : null;
      const others = listed.filter((n) => n.toLowerCase() !== first?.name?.toLowerCase()).map((name): CompanyPart => ({ ...emptyCompany(), name }));
      const [head, ...more] = first ? [first, ...others] : others;
      return { ok: true, row: { kind: 'contacts', person, company: head ?? null, ...(more.length > 0 ? { more } : {}) } };
    }
    if (!company.externalId && !company.name && !failedField('companyName') && !failedField('companyExternalId')) {
      rowProblem(m.columnOf.has('companyName') ? 'companyName' : 'companyExternalId', 'a row needs a company name or company id');
    }
    if (personGiven && !person.email && !person.name && !failedField('email') && !failedField('name')) {
      rowProblem(m.columnOf.has('email') ? 'email' : 'name', 'a user needs an email or a name');
    }
    if (problems.length > 0) return { ok: false, problems };
    return { ok: true, row: { kind: 'companies', person: personGiven ? person : null, company } };
  }
}

/** A mapped row as the preview shows it (times as ISO text). */
export function describeRow(row: MappedRow): Record<string, unknown> {
  const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());
  if (row.kind === 'events') return { ...row.event, at: iso(row.event.at) };
  const person = row.person ? { ...row.person, createdAt: iso(row.person.createdAt) } : null;
  if (row.kind === 'contacts' && row.more) return { person, company: row.company, more: row.more };
  return { person, company: row.company };
}

