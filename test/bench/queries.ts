// The `contacts.list` calls the benchmark times: what a sales person does with the table.
import type { MethodInput } from '../../shared/api';

export type ListInput = NonNullable<MethodInput<'contacts.list'>>;

export interface BenchQuery {
  label: string;
  input: ListInput;
  /** Fetch a keyset cursor for the given offset first and page with it instead. */
  cursorAt?: number;
}

/** Search as you type: every prefix of a real name, then a piece of an email address. */
export const SEARCH_PREFIXES = ['m', 'ma', 'mar', 'mari', 'maria'];
export const EMAIL_FRAGMENT = 'mgarc';

export function benchQueries(contacts: number): BenchQuery[] {
  // a deep page: the middle of the table, aligned to a page boundary
  const deep = Math.floor(contacts / 2 / 50) * 50;
  const byName = { field: 'name', dir: 'asc' } as const;
  const byUpdated = { field: 'updatedAt', dir: 'desc' } as const;
  return [
    ...SEARCH_PREFIXES.map((s) => ({ label: `search "${s}"`, input: { search: s } })),
    { label: `search "${EMAIL_FRAGMENT}" (email)`, input: { search: EMAIL_FRAGMENT } },
    { label: 'search "maria" + sort name', input: { search: 'maria', sort: byName } },
    { label: 'stage = signed_up', input: { filter: { stage: ['signed_up'] } } },
    { label: 'stage = lead, sort name', input: { filter: { stage: ['lead'] }, sort: byName } },
    { label: 'sort name asc, page 1', input: { sort: byName } },
    { label: 'sort updated desc, page 1', input: { sort: byUpdated } },
    { label: `sort name, offset ${deep}`, input: { sort: byName, offset: deep } },
    { label: `sort name, cursor @${deep}`, input: { sort: byName }, cursorAt: deep },
    { label: `sort updated, offset ${deep}`, input: { sort: byUpdated, offset: deep } },
    { label: `sort updated, cursor @${deep}`, input: { sort: byUpdated }, cursorAt: deep },
    // owners: one admin's contacts in the default order, and the table sorted by owner
    { label: 'owner = one admin, sort updated', input: { filter: { owner: ['7000102'] }, sort: byUpdated } },
    { label: 'sort owner asc, page 1', input: { sort: { field: 'owner', dir: 'asc' } } },
    { label: `sort owner, offset ${deep}`, input: { sort: { field: 'owner', dir: 'asc' }, offset: deep } },
  ];
}
