// A conflict's field and values in the words a salesperson uses. Only the conflicts view needs
// them, so they load with it, not with the start bundle.
import { COMPANY_STAGE_LABEL, CONTACT_STAGE_LABEL, ROLE_LABEL } from '../ui/labels';

/**
 * A conflicting field's value, read by a person; `null`/empty reads "(empty)". `ownerName` names
 * an admin id (the conflicts view passes the team's; kept a parameter so this stays free of stores).
 */
export function formatFieldValue(field: string, value: unknown, entityType: 'contact' | 'company', ownerName: (id: string) => string = (id) => `Admin ${id}`): string {
  if (value === null || value === undefined || value === '') return '(empty)';
  if (field === 'stage' && typeof value === 'string') {
    const labels: Record<string, string> = entityType === 'contact' ? CONTACT_STAGE_LABEL : COMPANY_STAGE_LABEL;
    return labels[value] ?? value;
  }
  if (field === 'role' && typeof value === 'string') return (ROLE_LABEL as Record<string, string>)[value] ?? value;
  // an owner is an admin id: named as the team has it
  if (field === 'ownerId' && typeof value === 'string') return ownerName(value);
  if (typeof value === 'number') return value.toLocaleString();
  if (typeof value === 'boolean') return value ? 'Yes' : 'No';
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}

const CONFLICT_FIELD_WORDS: Record<string, string> = {
  email: 'Email',
  name: 'Name',
  phone: 'Phone',
  externalId: 'User id',
  role: 'Role',
  stage: 'Stage',
  plan: 'Plan',
  monthlySpend: 'Monthly spend',
  visitorId: 'Visitor id',
  unsubscribedFromEmails: 'Unsubscribed from emails',
  ownerId: 'Owner',
};

/** A conflict's field in plain words: "Email", "Company id", "Custom attribute “plan_tier”". */
export function fieldWords(field: string, entityType: 'contact' | 'company'): string {
  if (field.startsWith('customAttributes.')) return `Custom attribute “${field.slice('customAttributes.'.length)}”`;
  if (field === 'externalId' && entityType === 'company') return 'Company id';
  return CONFLICT_FIELD_WORDS[field] ?? field;
}
