// Unlinking a user from a company, from either side (the lead page or the company page): asked
// first, then sent; `unlinking` is the id of the other record while its unlink is out.
import { useState } from 'react';
import { useClient } from '../state/ClientContext';
import { toast } from '../state/toastStore';
import { confirmAction } from '../ui/Dialog';

export function useUnlink(from: 'contact' | 'company', reload: () => Promise<void>) {
  const client = useClient();
  const [unlinking, setUnlinking] = useState<string | null>(null);

  const unlink = async (link: { contactId: string; companyId: string }, names: { user: string; company: string }) => {
    const otherId = from === 'contact' ? link.companyId : link.contactId;
    const otherName = from === 'contact' ? names.company : names.user;
    const ok = await confirmAction({
      title: `Unlink ${otherName}?`,
      body: `${names.user} will no longer be a user of ${names.company}. You can link it again at any time.`,
      confirmLabel: 'Unlink',
    });
    if (!ok) return;
    setUnlinking(otherId);
    try {
      await client.call('companies.unlink', link);
      toast.ok(`Unlinked ${otherName}`);
      void reload();
    } catch (e) {
      toast.error(e);
    } finally {
      setUnlinking(null);
    }
  };

  return { unlinking, unlink };
}
