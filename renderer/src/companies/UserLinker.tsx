// "Link a user" on the company page: search the contacts by name or email and attach one.
import { useCallback } from 'react';
import type { ContactListItem } from '../../../shared/domain';
import { useClient } from '../state/ClientContext';
import { toast } from '../state/toastStore';
import { contactLabel } from '../contact/ContactPanel';
import { Linker } from '../contact/Linker';
import { CONTACT_STAGE_LABEL, ROLE_LABEL } from '../ui/labels';

export function UserLinker({ companyId, linkedIds, onLinked }: { companyId: string; linkedIds: string[]; onLinked: () => void }) {
  const client = useClient();
  const search = useCallback(
    async (text: string) => (await client.call('contacts.list', { search: text || undefined, limit: 8 })).items,
    [client],
  );
  return (
    <Linker<ContactListItem>
      label="Link a user"
      inputLabel="Find a contact to link"
      listLabel="Contacts"
      placeholder="Search by name or email"
      emptyText="No contact matches"
      errorSubject="Contact"
      search={search}
      idOf={(c) => c.id}
      describe={(c) => ({
        name: contactLabel(c),
        detail: [c.name ? c.email : null, ROLE_LABEL[c.role], CONTACT_STAGE_LABEL[c.stage]].filter(Boolean).join(' · '),
      })}
      excludeIds={linkedIds}
      link={async (c) => {
        await client.call('companies.link', { contactId: c.id, companyId });
        return `Linked ${contactLabel(c)}`;
      }}
      onLinked={(message) => {
        toast.ok(message);
        onLinked();
      }}
    />
  );
}
