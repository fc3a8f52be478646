// The words of the change journal: what a change did ("Stage of Ana Lima set to SQL") and the
// fields it touched ("Stage", "Link to Acme"), as people see them (never an internal field name).
import type { EntityType } from '../../../shared/domain';

/** A field of a journalled change: a column, a custom attribute, a link, or the record's creation. */
export const FIELD = {
  attr: (key: string) => `attr:${key}`,
  link: (companyId: string) => `link:${companyId}`,
  /** A note's text (null: no such note). */
  note: (noteId: string) => `note:${noteId}`,
  tag: (tagId: string) => `tag:${tagId}`,
  created: 'created',
  /** Whether the contact is archived (true / false). */
  archived: 'archived',
  /** The contact's funnel columns: put back silently with the fields that moved them. */
  funnel: 'funnel',
  /** A contact merged into another (after: the survivor's id); a merge's undo puts it back whole. */
  mergedInto: 'mergedInto',
} as const;

const CONTACT_FIELDS: Record<string, string> = {
  stage: 'Stage',
  role: 'Role',
  email: 'Email',
  name: 'Name',
  phone: 'Phone',
  visitorId: 'Visitor id',
  externalId: 'User id',
  unsubscribedFromEmails: 'Unsubscribed from emails',
  mergedInto: 'Merged into',
  ownerId: 'Owner',
  archived: 'Archived',
};

const COMPANY_FIELDS: Record<string, string> = {
  stage: 'Stage',
  name: 'Name',
  plan: 'Plan',
  monthlySpend: 'Monthly spend',
  externalId: 'Company id',
};

/** "Stage", "Plan", the attribute's own name, "Link to Acme", "Tag VIP", "The new lead". */
export function fieldLabel(type: EntityType, field: string, companyName: (id: string) => string, tagName: (id: string) => string = (id) => id): string {
  if (field.startsWith('attr:')) return field.slice('attr:'.length);
  if (field.startsWith('tag:')) return `Tag ${tagName(field.slice('tag:'.length))}`;
  if (field.startsWith('link:')) return `Link to ${companyName(field.slice('link:'.length))}`;
  if (field.startsWith('note:')) return 'Note';
  if (field === FIELD.created) return type === 'contact' ? 'The new lead' : 'The new company';
  return (type === 'contact' ? CONTACT_FIELDS : COMPANY_FIELDS)[field] ?? field;
}

/** "name and phone", "name, phone and plan". */
export function listWords(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

/** "Name and phone of Ana Lima changed". */
export function editSummary(type: EntityType, fields: readonly string[], label: string): string {
  const words = fields.map((f) => fieldLabel(type, f, (id) => id));
  const first = words[0] ?? 'Details';
  const rest = words.slice(1).map((w) => (w === w.toUpperCase() ? w : w.charAt(0).toLowerCase() + w.slice(1)));
  return `${listWords([first, ...rest])} of ${label} changed`;
}

export function words(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString('en')} ${n === 1 ? one : many}`;
}
