// Which existing record a file row is, and what the chosen duplicate mode makes of that. The same
// decisions serve the preview (over the store plus the rows before it in the file, nothing
// written) and the run (over the store, where the rows before it already are).
import type { DuplicateMode } from '../../../shared/activity';
import type { CompanyPart, PersonPart } from './rows';

/** A record a row matched: in the store (pk set) or, in the preview, one an earlier row makes. */
export interface Found {
  pk: number | null;
  /** Local id, or `row <n>` for a record the preview only imagines. */
  id: string;
  /** The row of this file that created it; null for a record that was in the store before. */
  rowNo: number | null;
  /** For companies: its company id, which a row with another one must not merge into. */
  externalId?: string | null;
}

export interface IdentityLookup {
  contactByVisitorId(visitorId: string): Found | null;
  contactByExternalId(externalId: string): Found | null;
  contactByEmail(email: string): Found | null;
  companyByExternalId(externalId: string): Found | null;
  companyByName(name: string): Found | null;
}

export type MatchedBy = 'visitor id' | 'user id' | 'email';

export type ContactDecision =
  | { action: 'create'; found: Found | null; by: MatchedBy | null }
  | { action: 'update'; found: Found; by: MatchedBy }
  | { action: 'skip'; found: Found; by: MatchedBy; reason: string }
  | { action: 'fail'; reason: string };

export const describeFound = (f: Found) => (f.rowNo !== null ? `${f.id} (row ${f.rowNo})` : f.id);

/**
 * Visitor id, then user id, then email: the first that matches names the record. Email is not
 * unique (Intercom allows two contacts with one email), so `create` makes a new contact when
 * only the email matched; the two ids are unique and can never be given twice.
 */
export function decideContact(p: PersonPart, lookup: IdentityLookup, mode: DuplicateMode): ContactDecision {
  const byVisitor = p.visitorId ? lookup.contactByVisitorId(p.visitorId) : null;
  const byExternal = p.externalId ? lookup.contactByExternalId(p.externalId) : null;
  if (byVisitor && byExternal && byVisitor.id !== byExternal.id) {
    return {
      action: 'fail',
      reason: `visitor id ${p.visitorId} belongs to ${describeFound(byVisitor)} but user id ${p.externalId} to ${describeFound(byExternal)}`,
    };
  }
  const byEmail = !byVisitor && !byExternal && p.email ? lookup.contactByEmail(p.email) : null;
  const found = byVisitor ?? byExternal ?? byEmail;
  if (!found) return { action: 'create', found: null, by: null };
  const by: MatchedBy = byVisitor ? 'visitor id' : byExternal ? 'user id' : 'email';
  if (mode === 'update') return { action: 'update', found, by };
  if (mode === 'create') {
    if (by === 'email') return { action: 'create', found, by };
    return { action: 'skip', found, by, reason: `${by} already belongs to ${describeFound(found)}` };
  }
  return { action: 'skip', found, by, reason: `duplicate of ${describeFound(found)} by ${by}` };
}

export type CompanyDecision =
  | { action: 'create' }
  | { action: 'update' | 'keep'; found: Found; by: 'company id' | 'name' }
  | { action: 'fail'; field: 'companyName'; reason: string };

/**
 * Company id, then exact name (ignoring case). A company this file created is the same company
 * for every later row (a users file names it on each line), so those rows fill it in whatever
 * the mode; companies that were there before change only in `update` mode. Companies are never
 * made twice: `create` is about people.
 */
export function decideCompany(c: CompanyPart, lookup: IdentityLookup, mode: DuplicateMode): CompanyDecision {
  const byExternal = c.externalId ? lookup.companyByExternalId(c.externalId) : null;
  let byName = !byExternal && c.name ? lookup.companyByName(c.name) : null;
  // "Acme" with company id c9 is not the "Acme" that has company id c1
  if (byName && c.externalId && byName.externalId && byName.externalId !== c.externalId) byName = null;
  const found = byExternal ?? byName;
  if (!found) {
    if (!c.name) {
      return { action: 'fail', field: 'companyName', reason: `company ${c.externalId} does not exist yet; give its name to create it` };
    }
    return { action: 'create' };
  }
  const by = byExternal ? 'company id' : 'name';
  return { action: mode === 'update' || found.rowNo !== null ? 'update' : 'keep', found, by };
}
