// View state for the shell's contact list (zustand): the query and the last answer. The data
// itself lives in the engine; this holds only what the screen shows now.
import { create } from 'zustand';
import type { MethodOutput } from '../../shared/api';
import { ApiError, type Client } from '../../shared/client';

type Page = MethodOutput<'contacts.list'>;

interface ContactsView {
  search: string;
  page: Page | null;
  loading: boolean;
  error: string | null;
  /** Increments per request so a slow answer to an old query never overwrites a newer one. */
  requestSeq: number;
  setSearch(search: string): void;
  load(client: Client): Promise<void>;
}

export const useContactsView = create<ContactsView>()((set, get) => ({
  search: '',
  page: null,
  loading: false,
  error: null,
  requestSeq: 0,
  setSearch: (search) => set({ search }),
  async load(client) {
    const seq = get().requestSeq + 1;
    set({ requestSeq: seq, loading: true });
    try {
      const page = await client.call('contacts.list', { search: get().search || undefined, limit: 100 });
      if (get().requestSeq === seq) set({ page, loading: false, error: null });
    } catch (e) {
      if (get().requestSeq === seq) set({ loading: false, error: e instanceof ApiError ? e.message : String(e) });
    }
  },
}));
