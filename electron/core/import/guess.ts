// First guess at what a file is and where each column goes, from its header names. The user
// sees the guess in the mapping step and fixes what is wrong; nothing here is final.
import { IMPORT_TARGETS, type ImportKind, type ImportMapping } from '../../../shared/activity';
import { EXPORT_HEADERS } from '../../../shared/api';

/** "E-mail Address" -> "emailaddress": case, spaces, underscores and dashes do not matter. */
export const normaliseHeader = (h: string) => h.toLowerCase().replace(/[\s_\-.]+/g, '');

type Field = (typeof IMPORT_TARGETS)[ImportKind][number];

const SYNONYMS: Record<string, Field> = {
  email: 'email',
  emailaddress: 'email',
  mail: 'email',
  name: 'name',
  fullname: 'name',
  contactname: 'name',
  phone: 'phone',
  phonenumber: 'phone',
  mobile: 'phone',
  telephone: 'phone',
  tel: 'phone',
  role: 'role',
  type: 'role',
  stage: 'stage',
  contactstage: 'stage',
  lifecyclestage: 'stage',
  userid: 'externalId',
  externalid: 'externalId',
  customerid: 'externalId',
  visitor: 'visitorId',
  visitorid: 'visitorId',
  intercomvisitorid: 'visitorId',
  anonymousid: 'visitorId',
  anonid: 'visitorId',
  owner: 'owner',
  contactowner: 'owner',
  leadowner: 'owner',
  accountowner: 'owner',
  assignee: 'owner',
  assignedto: 'owner',
  company: 'companyName',
  companyname: 'companyName',
  organisation: 'companyName',
  organization: 'companyName',
  accountname: 'companyName',
  tags: 'tags',
  tag: 'tags',
  labels: 'tags',
  companyid: 'companyExternalId',
  accountid: 'companyExternalId',
  organisationid: 'companyExternalId',
  organizationid: 'companyExternalId',
  companyexternalid: 'companyExternalId',
  plan: 'plan',
  mrr: 'monthlySpend',
  monthlyspend: 'monthlySpend',
  companystage: 'companyStage',
  event: 'eventName',
  eventname: 'eventName',
  timestamp: 'at',
  time: 'at',
  date: 'at',
  occurredat: 'at',
  referrer: 'referrer',
  referer: 'referrer',
  landingpage: 'landingPage',
  url: 'landingPage',
  page: 'landingPage',
  pageurl: 'landingPage',
  createdat: 'createdAt',
  created: 'createdAt',
  signedupat: 'createdAt',
};

/**
 * The console's own export, read back: "Companies" lists a contact's companies (a contacts file,
 * not companies with their users), and the columns the console works out itself (funnel stage,
 * Intercom's id, times, sync state, first touch) are left out rather than made attributes.
 */
const EXPORT_COMPANIES = normaliseHeader(EXPORT_HEADERS.companies);
const EXPORT_DERIVED = new Set(
  (['funnelStage', 'intercomId', 'updatedAt', 'lastActivityAt', 'syncState', 'firstReferrer', 'firstLandingPage'] as const).map((c) =>
    normaliseHeader(EXPORT_HEADERS[c]),
  ),
);

/** The column import.failedRows adds after the file's own. */
export const FAILED_ROWS_REASON = 'Reason';

/** The field a header names for this kind, if it names one that kind has. */
function fieldFor(header: string, kind: ImportKind): Field | null {
  const key = normaliseHeader(header);
  let field: Field | undefined = key === EXPORT_COMPANIES ? (kind === 'contacts' ? 'companies' : 'companyName') : SYNONYMS[key];
  // the same words mean a different field per kind
  if (kind === 'events' && (field === 'createdAt' || key === 'at')) field = 'at';
  if (kind === 'companies' && field === 'stage') field = 'companyStage';
  if (!field) return null;
  return (IMPORT_TARGETS[kind] as readonly string[]).includes(field) ? field : null;
}

/** Columns only a company has: a file with them describes companies, not people who work at one. */
const COMPANY_ONLY: readonly Field[] = ['plan', 'monthlySpend', 'companyStage'];
const PERSON: readonly Field[] = ['email', 'name', 'phone', 'externalId', 'visitorId'];

/**
 * Events when there is an event name. Companies (with their users) when the company columns
 * carry company facts (plan, MRR, company stage) or stand alone; a people file that merely says
 * where each works ("Company") is contacts, linked to their companies by name.
 */
export function guessKind(columns: string[]): ImportKind {
  const fields = new Set(columns.map((c) => SYNONYMS[normaliseHeader(c)]).filter(Boolean));
  if (fields.has('eventName')) return 'events';
  // a "plan" or "MRR" alone is more likely a contact's attribute than a company without a name
  const namesCompany = fields.has('companyName') || fields.has('companyExternalId');
  if (!namesCompany) return 'contacts';
  const companyFacts = COMPANY_ONLY.some((f) => fields.has(f));
  const people = PERSON.some((f) => fields.has(f));
  return companyFacts || !people ? 'companies' : 'contacts';
}

/** A header as an attribute / metadata key: the characters Intercom refuses become `_`. */
function keyFrom(header: string, max: number): string {
  // eslint-disable-next-line no-control-regex
  return header.replace(/[\u0000-\u001f\u007f-\u009f.$[\]]/g, '_').slice(0, max) || 'column';
}

export function guessMapping(columns: string[], kind: ImportKind): ImportMapping {
  const taken = new Set<string>();
  const mapping: ImportMapping = {};
  for (const [i, column] of columns.entries()) {
    const field = fieldFor(column, kind);
    // the last column of a "failed rows" download, fixed and imported again: why it failed before
    if (!field && i === columns.length - 1 && column === FAILED_ROWS_REASON) {
      mapping[column] = 'ignore';
      continue;
    }
    if (!field && kind !== 'events' && EXPORT_DERIVED.has(normaliseHeader(column))) {
      mapping[column] = 'ignore';
      continue;
    }
    if (field && !taken.has(field)) {
      taken.add(field);
      mapping[column] = field;
      continue;
    }
    let target = kind === 'events' ? `metadata:${keyFrom(column, 100)}` : `attribute:${keyFrom(column, 190)}`;
    // two columns that sanitise to the same key: the later one is left out rather than overwrite
    if (taken.has(target)) target = 'ignore';
    taken.add(target);
    mapping[column] = target;
  }
  return mapping;
}
