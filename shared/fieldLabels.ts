// Words for the API's input fields in messages people read: an error says "Email: …" or
// "Import: …", never `patch.email: …` or `importId: …`; the error's `field` keeps the path for
// the form that places the message beside its input.

/** What a method's own `id` names, by the method's domain. */
const ID_OF: Record<string, string> = {
  contacts: 'Contact',
  companies: 'Company',
  bulk: 'Bulk action',
  segments: 'Segment',
  conflicts: 'Conflict',
  import: 'Import',
  changes: 'Change',
  outbox: 'Outbox entry',
  backup: 'Backup',
  messages: 'Message',
  notes: 'Note',
  tags: 'Record',
};

const LABELS: Record<string, string> = {
  id: 'Record',
  contactId: 'Contact',
  companyId: 'Company',
  importId: 'Import',
  bulkId: 'Bulk action',
  segmentId: 'Segment',
  changeId: 'Change',
  fromId: 'Contact to merge',
  intoId: 'Contact to keep',
  pick: 'Values to keep',
  ids: 'Selection',
  seqs: 'Outbox entries',
  email: 'Email',
  name: 'Name',
  phone: 'Phone',
  role: 'Role',
  stage: 'Stage',
  externalId: 'User ID',
  visitorId: 'Visitor ID',
  intercomId: 'Intercom ID',
  customAttributes: 'Custom attributes',
  unsubscribedFromEmails: 'Unsubscribed from emails',
  monthlySpend: 'Monthly spend',
  ownerId: 'Owner',
  owner: 'Owner',
  meAdminId: 'Who you are',
  cursor: 'Page',
  before: 'Page',
  limit: 'Page size',
  offset: 'Position in the file',
  data: 'Piece of the file',
  size: 'File size',
  fileName: 'File name',
  columns: 'Columns',
  mapping: 'Column mapping',
  duplicates: 'Duplicates',
  token: 'Access token',
  baseUrl: 'Intercom address',
  stageValues: 'Stage values',
  body: 'Message',
  subject: 'Subject',
  note: 'Note',
  keep: 'Choice',
  confirm: 'Confirmation',
  target: 'Contacts',
  action: 'Action',
  search: 'Search',
  filter: 'Filters',
  sort: 'Sort',
  input: 'Input',
  tagId: 'Tag',
  tags: 'Tags',
};

/** Fields whose keys are the person's own words (attribute names, file columns): quoted after the field's label. */
const KEYED = new Set(['customAttributes', 'mapping', 'stageValues', 'metadata']);

/** "monthlySpend" -> "Monthly spend"; "userId" -> "User ID". */
function words(key: string): string {
  const spaced = key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[_-]+/g, ' ')
    .toLowerCase()
    .replace(/\bid\b/g, 'ID')
    .trim();
  return spaced.charAt(0).toUpperCase() + spaced.slice(1);
}

/**
 * The words for a dotted input path (`patch.email`, `action.columns.2`, `mapping.E-mail`), as
 * the start of a message; `method` tells what a bare `id` is.
 */
export function fieldLabel(path: string, method?: string): string {
  const parts = path.split('.').filter((p) => p !== '' && !/^\d+$/.test(p));
  if (parts.length === 0) return LABELS.input!;
  const keyedAt = parts.findIndex((p) => KEYED.has(p));
  if (keyedAt >= 0 && keyedAt < parts.length - 1) {
    const parent = parts[keyedAt]!;
    return `${LABELS[parent] ?? words(parent)} “${parts.slice(keyedAt + 1).join('.')}”`;
  }
  const last = parts[parts.length - 1]!;
  if (last === 'id' && method) {
    const domain = method.slice(0, method.indexOf('.'));
    const owner = parts.length > 1 ? parts[parts.length - 2]! : null;
    if (owner) return LABELS[`${owner}Id`] ?? words(owner);
    return ID_OF[domain] ?? LABELS.id!;
  }
  return LABELS[last] ?? words(last);
}

/** A message without its field's label, for a form that shows the label itself. */
export function withoutFieldLabel(message: string, field: string | undefined | null): string {
  if (!field) return message;
  const label = `${fieldLabel(field)}: `;
  return message.startsWith(label) ? message.slice(label.length) : message;
}
