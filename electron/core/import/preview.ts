// The dry run: every row checked with the mapping and matched as the run would match it (against
// the store and the rows above it in the file), counting what would happen. Writes nothing. The
// rows stream past: only the counts, the first problems and rows, and the identities the rows
// above would have written are kept.
import fs from 'node:fs';
import type { DuplicateMode, ImportProblem } from '../../../shared/activity';
import type { MethodOutput } from '../../../shared/api';
import type { Store } from '../db/Store';
import { storeLookup } from './ImportWriter';
import { decideCompany, decideContact, type Found, type IdentityLookup } from './match';
import type { TableRow } from './parse';
import { describeRow, firstRowNumber, mapRow, type CompiledMapping, type EventPart, type PersonPart } from './rows';

const MAX_PROBLEMS = 200;
const MAX_MAPPED = 20;

let previews = 0;

/**
 * Identities the rows above the current one would have written, by the record they name. They
 * are kept in a scratch database file (ImportRepository), so a preview of millions of rows holds
 * no map of millions of emails.
 */
class FileIdentities {
  readonly preview = ++previews;
  /** Store records the file created (none: the preview writes nothing; kept for the shared lookup). */
  readonly rowOf = new Map<string, number>();

  constructor(private readonly store: Store) {}

  get(kind: string, key: string): Found | null {
    const r = this.store.imports.previewIdentity(this.preview, kind, key);
    return r ? { pk: r.pk, id: r.id, rowNo: r.row_no, externalId: r.external_id } : null;
  }

  /** The first identity under a key stays: a later row does not replace it. */
  add(kind: string, key: string, f: Found): void {
    this.store.imports.addPreviewIdentity(this.preview, kind, key, { pk: f.pk, id: f.id, row_no: f.rowNo, external_id: f.externalId ?? null });
  }

  lookup(store: IdentityLookup): IdentityLookup {
    const either = (kind: string, key: string, fromStore: () => Found | null) => this.get(kind, key) ?? fromStore();
    return {
      contactByVisitorId: (v) => either('contact visitor', v, () => store.contactByVisitorId(v)),
      contactByExternalId: (x) => either('contact external', x, () => store.contactByExternalId(x)),
      contactByEmail: (e) => either('contact email', e, () => store.contactByEmail(e)),
      companyByExternalId: (x) => either('company external', x, () => store.companyByExternalId(x)),
      companyByName: (n) => either('company name', n.toLowerCase(), () => store.companyByName(n)),
    };
  }

  addContact(p: PersonPart, target: Found, withEmail: boolean): void {
    if (p.visitorId) this.add('contact visitor', p.visitorId, target);
    if (p.externalId) this.add('contact external', p.externalId, target);
    // the oldest contact with an email is the one matched: a later one does not replace it
    if (withEmail && p.email) this.add('contact email', p.email, target);
  }

  /** Events: whether the key was seen above, and remember it. */
  seen(key: string): boolean {
    if (this.get('event', key)) return true;
    this.add('event', key, { pk: null, id: key, rowNo: 0 });
    return false;
  }

  open(scratchFile: string): void {
    // a file left by a preview the app closed during is started afresh
    if (!this.store.imports.scratchInUse) fs.rmSync(scratchFile, { force: true });
    this.store.imports.openScratch(scratchFile);
  }

  close(): void {
    const file = this.store.imports.closeScratch(this.preview);
    if (file) fs.rmSync(file, { force: true });
  }
}

export type PreviewResult = MethodOutput<'import.preview'>;

/** Rows checked between two turns of the event loop: a preview of millions of rows must not stall other calls. */
const ROWS_PER_TURN = 1000;

export async function previewRows(
  store: Store,
  batches: AsyncIterable<TableRow[]>,
  mapping: CompiledMapping,
  mode: DuplicateMode,
  keepGoing: () => boolean,
  scratchFile: string,
): Promise<PreviewResult | null> {
  const file = new FileIdentities(store);
  const lookup = file.lookup(storeLookup(store, file.rowOf));
  const problems: ImportProblem[] = [];
  const mapped: Record<string, unknown>[] = [];
  const r = { rows: 0, valid: 0, invalid: 0, willCreate: 0, willUpdate: 0, willSkip: 0, duplicatesInFile: 0, duplicatesInStore: 0 };
  const countMatch = (found: Found | null) => {
    if (!found) return;
    if (found.rowNo !== null) r.duplicatesInFile++;
    else r.duplicatesInStore++;
  };

  const check = ({ cells, error, row: fileRow }: TableRow): void => {
    const rowNo = fileRow ?? ++r.rows + firstRowNumber(mapping) - 1;
    if (fileRow !== undefined) r.rows++;
    const checked = mapRow(mapping, cells, rowNo, error);
    if (!checked.ok) {
      r.invalid++;
      for (const p of checked.problems) if (problems.length < MAX_PROBLEMS) problems.push(p);
      return;
    }
    const row = checked.row;
    let outcome: 'create' | 'update' | 'skip' | 'fail';
    let reason = '';
    if (row.kind === 'events') {
      ({ outcome, reason } = previewEvent(store, row.event, file, countMatch));
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
          if (company.externalId) file.add('company external', company.externalId, target);
          if (company.name) file.add('company name', company.name.toLowerCase(), target);
        }
        // the row's further companies, by name: a later row naming one finds it
        for (const c of row.kind === 'contacts' ? (row.more ?? []) : []) {
          const d = decideCompany(c, lookup, mode);
          if (d.action === 'create') file.add('company name', c.name!.toLowerCase(), { pk: null, id: `row ${rowNo}`, rowNo, externalId: null });
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
      return;
    }
    r.valid++;
    if (outcome === 'create') r.willCreate++;
    else if (outcome === 'update') r.willUpdate++;
    else r.willSkip++;
    if (mapped.length < MAX_MAPPED) mapped.push({ row: rowNo, ...describeRow(row) });
  };

  file.open(scratchFile);
  try {
    for await (const batch of batches) {
      // a turn of the event loop every ROWS_PER_TURN rows; each slice one transaction of the scratch
      for (let i = 0; i < batch.length; i += ROWS_PER_TURN) {
        if (!keepGoing()) return null;
        store.imports.inScratch(() => batch.slice(i, i + ROWS_PER_TURN).forEach(check));
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
    }
  } finally {
    if (keepGoing()) file.close();
  }
  return { ...r, problems, mapped };
}

function previewEvent(
  store: Store,
  e: EventPart,
  file: FileIdentities,
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
  if (file.seen(key)) {
    countMatch({ pk: null, id: key, rowNo: 0 });
    return { outcome: 'skip', reason: 'already in the file' };
  }
  if (store.imports.eventExists(contact?.pk ?? null, e.visitorId, e.name, e.at)) {
    countMatch({ pk: null, id: key, rowNo: null });
    return { outcome: 'skip', reason: 'already recorded' };
  }
  return { outcome: 'create', reason: '' };
}
