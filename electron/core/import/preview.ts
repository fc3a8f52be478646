// The dry run: every row checked with the mapping and matched as the run would match it (against
// the store and the rows above it in the file), counting what would happen. Writes nothing. The
// rows stream past: only the counts, the first problems and rows, and the identities the rows
// above would have written are kept.
import type { DuplicateMode, ImportProblem } from '../../../shared/activity';
import type { MethodOutput } from '../../../shared/api';
import type { Store } from '../db/Store';
import { storeLookup } from './ImportWriter';
import { decideCompany, decideContact, type Found, type IdentityLookup } from './match';
import type { TableRow } from './parse';
import { describeRow, mapRow, type CompiledMapping, type EventPart, type PersonPart } from './rows';

const MAX_PROBLEMS = 200;
const MAX_MAPPED = 20;

/** Identities the rows above the current one would have written, by the record they name. */
class FileIdentities {
  readonly contactVisitor = new Map<string, Found>();
  readonly contactExternal = new Map<string, Found>();
  readonly contactEmail = new Map<string, Found>();
  readonly companyExternal = new Map<string, Found>();
  readonly companyName = new Map<string, Found>();
  /** Store records the file created (none: the preview writes nothing; kept for the shared lookup). */
  readonly rowOf = new Map<string, number>();

  lookup(store: IdentityLookup): IdentityLookup {
    const either = (map: Map<string, Found>, key: string, fromStore: () => Found | null) => map.get(key) ?? fromStore();
    return {
      contactByVisitorId: (v) => either(this.contactVisitor, v, () => store.contactByVisitorId(v)),
      contactByExternalId: (x) => either(this.contactExternal, x, () => store.contactByExternalId(x)),
      contactByEmail: (e) => either(this.contactEmail, e, () => store.contactByEmail(e)),
      companyByExternalId: (x) => either(this.companyExternal, x, () => store.companyByExternalId(x)),
      companyByName: (n) => either(this.companyName, n.toLowerCase(), () => store.companyByName(n)),
    };
  }

  addContact(p: PersonPart, target: Found, withEmail: boolean): void {
    if (p.visitorId && !this.contactVisitor.has(p.visitorId)) this.contactVisitor.set(p.visitorId, target);
    if (p.externalId && !this.contactExternal.has(p.externalId)) this.contactExternal.set(p.externalId, target);
    // the oldest contact with an email is the one matched: a later one does not replace it
    if (withEmail && p.email && !this.contactEmail.has(p.email)) this.contactEmail.set(p.email, target);
  }
}

export type PreviewResult = MethodOutput<'import.preview'>;

/** Rows checked between two turns of the event loop: a 100k-row preview must not stall other calls. */
const ROWS_PER_TURN = 1000;

export async function previewRows(
  store: Store,
  batches: AsyncIterable<TableRow[]>,
  mapping: CompiledMapping,
  mode: DuplicateMode,
  keepGoing: () => boolean,
): Promise<PreviewResult | null> {
  const file = new FileIdentities();
  const lookup = file.lookup(storeLookup(store, file.rowOf));
  const problems: ImportProblem[] = [];
  const mapped: Record<string, unknown>[] = [];
  const eventKeys = new Set<string>();
  const r = { rows: 0, valid: 0, invalid: 0, willCreate: 0, willUpdate: 0, willSkip: 0, duplicatesInFile: 0, duplicatesInStore: 0 };
  const countMatch = (found: Found | null) => {
    if (!found) return;
    if (found.rowNo !== null) r.duplicatesInFile++;
    else r.duplicatesInStore++;
  };

  for await (const batch of batches) {
    if (!keepGoing()) return null;
    for (const { cells, error } of batch) {
      if (r.rows > 0 && r.rows % ROWS_PER_TURN === 0) {
        await new Promise<void>((resolve) => setImmediate(resolve));
        if (!keepGoing()) return null;
      }
      const rowNo = ++r.rows;
      const checked = mapRow(mapping, cells, rowNo, error);
      if (!checked.ok) {
        r.invalid++;
        for (const p of checked.problems) if (problems.length < MAX_PROBLEMS) problems.push(p);
        continue;
      }
      const row = checked.row;
      let outcome: 'create' | 'update' | 'skip' | 'fail';
      let reason = '';
      if (row.kind === 'events') {
        ({ outcome, reason } = previewEvent(store, row.event, eventKeys, countMatch));
      } else {
        const person = row.person;
        const company = row.company;
        const pd = person ? decideContact(person, lookup, mode) : null;
        const cd = company ? decideCompany(company, lookup, mode) : null;
        if (pd?.action === 'fail') [outcome, reason] = ['fail', pd.reason];
        else if (cd?.action === 'fail') [outcome, reason] = ['fail', cd.reason];
        else {
          if (pd) {
            countMatch(pd.found);
            const target: Found = pd.action === 'create' ? { pk: null, id: `row ${rowNo}`, rowNo } : pd.found;
            // a second contact with a stored email: the stored one stays the oldest, and so the match
            if (pd.action !== 'skip') file.addContact(person!, target, !(pd.action === 'create' && pd.found));
          }
          if (cd && company) {
            const target: Found = cd.action === 'create' ? { pk: null, id: `row ${rowNo}`, rowNo, externalId: company.externalId } : cd.found;
            if (company.externalId && !file.companyExternal.has(company.externalId)) file.companyExternal.set(company.externalId, target);
            if (company.name && !file.companyName.has(company.name.toLowerCase())) file.companyName.set(company.name.toLowerCase(), target);
          }
          // the row's own record decides: the person when there is one, else the company
          const primary = pd ? pd.action : cd!.action;
          outcome = primary === 'create' ? 'create' : primary === 'update' ? 'update' : 'skip';
          if (pd && pd.action !== 'create' && cd?.action === 'create') outcome = 'create';
        }
      }
      if (outcome === 'fail') {
        r.invalid++;
        if (problems.length < MAX_PROBLEMS) problems.push({ row: rowNo, column: null, field: null, message: reason });
        continue;
      }
      r.valid++;
      if (outcome === 'create') r.willCreate++;
      else if (outcome === 'update') r.willUpdate++;
      else r.willSkip++;
      if (mapped.length < MAX_MAPPED) mapped.push({ row: rowNo, ...describeRow(row) });
    }
  }
  return { ...r, problems, mapped };
}

function previewEvent(
  store: Store,
  e: EventPart,
  seen: Set<string>,
  countMatch: (f: Found | null) => void,
): { outcome: 'create' | 'skip' | 'fail'; reason: string } {
  let contact = e.externalId ? store.contacts.byExternalId(e.externalId) : undefined;
  if (!contact && e.email) {
    const hit = store.imports.contactByEmail(e.email);
    if (hit) contact = store.contacts.byPk(hit.pk);
  }
  if (!contact && e.visitorId) contact = store.contacts.byVisitorId(e.visitorId);
  if (!contact && !e.visitorId) {
    return { outcome: 'fail', reason: e.externalId ? `no contact has user id ${e.externalId}` : `no contact has email ${e.email}` };
  }
  const key = `${contact ? `c${contact.pk}` : `v${e.visitorId}`}|${e.name}|${e.at}`;
  if (seen.has(key)) {
    countMatch({ pk: null, id: key, rowNo: 0 });
    return { outcome: 'skip', reason: 'already in the file' };
  }
  seen.add(key);
  if (store.imports.eventExists(contact?.pk ?? null, e.visitorId, e.name, e.at)) {
    countMatch({ pk: null, id: key, rowNo: null });
    return { outcome: 'skip', reason: 'already recorded' };
  }
  return { outcome: 'create', reason: '' };
}
