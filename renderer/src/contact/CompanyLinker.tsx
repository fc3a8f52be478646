// "Link to a company" on the lead page: search the companies, or create one from the typed name
// and link it, so a salesperson never has to leave the lead to make its company.
import { useCallback } from 'react';
import { Name, type Company } from '../../../shared/domain';
import { useClient } from '../state/ClientContext';
import { toast } from '../state/toastStore';
import { COMPANY_STAGE_LABEL } from '../ui/labels';
import { check } from './fieldErrors';
import { InputError, Linker } from './Linker';

/** The company search behind the pickers (this one and the sign-up form's). */
export function useCompanySearch(): (text: string) => Promise<Company[]> {
  const client = useClient();
  return useCallback(async (text: string) => (await client.call('companies.list', { search: text || undefined, limit: 8 })).items, [client]);
}

/** A company option's details: its company id and stage. */
export const companyDetail = (c: Company): string => [c.externalId, c.stage ? COMPANY_STAGE_LABEL[c.stage] : null].filter(Boolean).join(' · ');

export function CompanyLinker({ contactId, linkedIds, onLinked }: { contactId: string; linkedIds: string[]; onLinked: () => void }) {
  const client = useClient();
  const search = useCompanySearch();
  return (
    <Linker<Company>
      label="Link to a company"
      inputLabel="Find a company to link"
      listLabel="Companies"
      placeholder="Search or type a new name"
      emptyText="No companies yet: type a name to create one"
      errorSubject="Company"
      search={search}
      idOf={(c) => c.id}
      describe={(c) => ({ name: c.name, detail: companyDetail(c) })}
      excludeIds={linkedIds}
      link={async (c) => {
        await client.call('companies.link', { contactId, companyId: c.id });
        return `Linked to ${c.name}`;
      }}
      create={{
        optionText: (text) => `Create company “${text}”`,
        run: async (text) => {
          const name = check(Name, text, 'Company name');
          if (!name.ok) throw new InputError(name.message);
          return client.call('companies.create', { name: name.value });
        },
      }}
      onLinked={(message) => {
        toast.ok(message);
        onLinked();
      }}
    />
  );
}
