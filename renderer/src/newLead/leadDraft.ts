// The new-lead form's rules, kept apart from the markup: the draft as typed, checked with the very
// schema the engine applies (`contacts.create` in shared/api.ts), so the form never accepts what
// the engine would refuse and never refuses what it would accept.
import type { MethodInput } from '../../../shared/api';
import { withoutFieldLabel } from '../../../shared/fieldLabels';
import { contract } from '../../../shared/api';
import type { ContactRef } from '../../../shared/domain';
import { Email, EMAIL_OR_NAME, ExternalRef } from '../../../shared/domain';

export const FIELDS = ['name', 'email', 'phone', 'visitorId'] as const;
export type FieldKey = (typeof FIELDS)[number];
export type Draft = Record<FieldKey, string>;
export type FieldErrors = Partial<Record<FieldKey, string>>;

export const FIELD_LABEL: Record<FieldKey, string> = { name: 'Name', email: 'Email', phone: 'Phone', visitorId: 'Visitor id' };
export const EMPTY_DRAFT: Draft = { name: '', email: '', phone: '', visitorId: '' };

export function isFieldKey(v: unknown): v is FieldKey {
  return typeof v === 'string' && (FIELDS as readonly string[]).includes(v);
}

/** The API input for a draft: blank fields are left out (not sent as ""), the role stays lead. */
export function toCreateInput(d: Draft): MethodInput<'contacts.create'> {
  const input: MethodInput<'contacts.create'> = { role: 'lead' };
  for (const key of FIELDS) if (d[key].trim() !== '') input[key] = d[key];
  return input;
}

/**
 * Checks a draft with the contract's own schema. Returns the parsed input when it is valid, else
 * one sentence per field at fault ("Email is not a valid email address").
 */
export function checkDraft(d: Draft): { ok: true; input: MethodInput<'contacts.create'> } | { ok: false; errors: FieldErrors } {
  const raw = toCreateInput(d);
  const parsed = contract['contacts.create'].input.safeParse(raw);
  if (parsed.success) return { ok: true, input: raw };
  const errors: FieldErrors = {};
  for (const issue of parsed.error.issues) {
    if (issue.code === 'custom' && issue.params?.rule === EMAIL_OR_NAME.rule) {
      // the schema files this under email; the form starts at Name, so say it there, where focus is
      errors.name ??= 'Enter a name or an email: a contact needs at least one of them.';
      continue;
    }
    const key = issue.path[0];
    if (isFieldKey(key)) errors[key] ??= `${FIELD_LABEL[key]} ${issue.message}`;
  }
  return { ok: false, errors };
}

/** A server message "Email: is not a valid email address" as "Email is not a valid email address". */
export function serverFieldMessage(field: FieldKey, message: string): string {
  return `${FIELD_LABEL[field]} ${withoutFieldLabel(message, field)}`;
}

/** What findMatches should be asked for this draft; null parts are not worth asking about. */
export function matchQuery(d: Draft): { email: string | null; visitorId: string | null } {
  const email = Email.safeParse(d.email);
  const visitorId = ExternalRef.safeParse(d.visitorId);
  return { email: email.success ? email.data : null, visitorId: visitorId.success ? visitorId.data : null };
}

/** How a contact is named in warnings and buttons. */
export function refLabel(c: Pick<ContactRef, 'name' | 'email'>): string {
  return c.name || c.email || 'an unnamed contact';
}
