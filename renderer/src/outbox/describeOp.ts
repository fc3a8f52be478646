// An outbox entry's operation in the words a salesperson uses ("Updated name, email",
// "Stage Lead → Signed up"), never the engine's op names or JSON. Payloads are read defensively:
// they are stored as free-form JSON, and an unexpected shape must still give a readable line.
import type { OutboxItem, OutboxStatus } from '../../../shared/domain';
import { COMPANY_STAGE_LABEL, CONTACT_STAGE_LABEL } from '../ui/labels';

const FIELD_WORDS: Record<string, string> = {
  name: 'name',
  email: 'email',
  phone: 'phone',
  visitorId: 'visitor id',
  externalId: 'user id',
  customAttributes: 'custom attributes',
  plan: 'plan',
  monthlySpend: 'monthly spend',
  role: 'role',
  stage: 'stage',
};

const COMPANY_FIELD_WORDS: Record<string, string> = { ...FIELD_WORDS, externalId: 'company id' };

export const OUTBOX_STATUS_LABEL: Record<OutboxStatus, string> = {
  pending: 'Pending',
  in_flight: 'Sending',
  failed: 'Failed',
  done: 'Sent',
};

const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

function stageWord(kind: OutboxItem['entityType'], stage: string | null): string | null {
  if (!stage) return null;
  const labels: Record<string, string> = kind === 'contact' ? CONTACT_STAGE_LABEL : COMPANY_STAGE_LABEL;
  return labels[stage] ?? stage;
}

/** The operation as a short sentence; `companyName` names a linked company when it is known. */
export function describeOp(item: Pick<OutboxItem, 'op' | 'payload' | 'entityType'>, companyName?: (id: string) => string | null): string {
  const p = item.payload;
  switch (item.op) {
    case 'contact.create':
    case 'company.create':
      return 'Created';
    case 'contact.update':
    case 'company.update': {
      const words = item.op === 'company.update' ? COMPANY_FIELD_WORDS : FIELD_WORDS;
      // always in the form's reading order (name before email), whatever order the payload has
      const order = Object.keys(words);
      const rank = (k: string) => (order.includes(k) ? order.indexOf(k) : order.length);
      const fields = Object.keys(p)
        .sort((a, b) => rank(a) - rank(b))
        .map((k) => words[k] ?? k);
      return fields.length > 0 ? `Updated ${fields.join(', ')}` : 'Updated';
    }
    case 'contact.setStage':
    case 'company.setStage': {
      const from = stageWord(item.entityType, str(p.from));
      const to = stageWord(item.entityType, str(p.stage)) ?? 'none';
      return from ? `Stage ${from} → ${to}` : `Stage set to ${to}`;
    }
    case 'contact.signUp': {
      const userId = str(p.externalId);
      return userId ? `Signed up as user ${userId}` : 'Signed up';
    }
    case 'contact.archive': {
      // the contact is gone locally: its name travels in the entry
      const who = str(p.name) ?? str(p.email);
      return who ? `Archive ${who} in Intercom` : 'Archive in Intercom';
    }
    case 'contact.merge': {
      // the merged contact is gone locally: its name travels in the entry
      const who = str(p.fromLabel);
      return who ? `Merge ${who} into this contact in Intercom` : 'Merge a lead into this contact in Intercom';
    }
    case 'contact.setArchived':
      return p.archived === false ? 'Restored (unarchive in Intercom)' : 'Archived';
    case 'contact.delete':
      // nothing of the person is kept, the entry included
      return 'Delete a contact in Intercom';
    case 'company.delete': {
      // the company is gone locally: its name travels in the entry
      const name = str(p.name);
      return name ? `Delete ${name} in Intercom` : 'Delete in Intercom';
    }
    case 'company.link':
    case 'company.unlink': {
      const id = str(p.companyId);
      const name = id && companyName ? companyName(id) : null;
      const verb = item.op === 'company.link' ? 'Linked to company' : 'Unlinked from company';
      return name ? `${verb} ${name}` : verb;
    }
    case 'message.send': {
      // the entry carries the message id; channel and subject are there only when the engine adds them
      const subject = str(p.subject);
      if (p.channel === 'email') return subject ? `Send email “${subject}”` : 'Send an email';
      if (p.channel === 'inapp') return 'Send an in-app message';
      return 'Send a message';
    }
    case 'message.flush':
      return 'Flush pending auto-messages';
    case 'event.create': {
      const name = str(p.name);
      return name ? `Event “${name}”` : 'Event';
    }
    case 'contact.note':
      // the entry names the note; its text is read from the note when it is sent (an edit changes it there)
      return 'Add a note';
    case 'contact.tag':
    case 'company.tag':
    case 'contact.untag':
    case 'company.untag': {
      const name = str(p.name);
      const verb = item.op.endsWith('.untag') ? 'Removed tag' : 'Tagged';
      return name ? `${verb} “${name}”` : verb;
    }
  }
}
