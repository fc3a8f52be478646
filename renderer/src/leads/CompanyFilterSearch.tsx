// The company part of "Add filter": type a few letters, pick one of the first ten matches.
// Answers are numbered so a slow early answer never replaces a later one.
import { useEffect } from 'react';
import { create } from 'zustand';
import type { Company } from '../../../shared/domain';
import { useClient } from '../state/ClientContext';
import { describeError } from '../state/toastStore';

interface CompanySearchState {
  text: string;
  options: Pick<Company, 'id' | 'name'>[];
  error: string | null;
}

const useCompanySearch = create<CompanySearchState>()(() => ({ text: '', options: [], error: null }));
let askSeq = 0;

export function CompanyFilterSearch({ onPick }: { onPick: (company: { id: string; name: string }) => void }) {
  const client = useClient();
  const text = useCompanySearch((s) => s.text);
  const options = useCompanySearch((s) => s.options);
  const error = useCompanySearch((s) => s.error);

  useEffect(() => {
    const seq = ++askSeq;
    client
      .call('companies.list', { search: text.trim() === '' ? undefined : text, limit: 10 })
      .then((answer) => {
        if (seq === askSeq) useCompanySearch.setState({ options: answer.items.map((c) => ({ id: c.id, name: c.name })), error: null });
      })
      .catch((e: unknown) => {
        if (seq === askSeq) useCompanySearch.setState({ options: [], error: describeError(e) });
      });
  }, [client, text]);

  return (
    <>
      <input
        type="search"
        aria-label="Search companies"
        placeholder="Company name…"
        maxLength={200}
        value={text}
        onChange={(e) => useCompanySearch.setState({ text: e.target.value })}
      />
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <ul className="popover-options" aria-label="Matching companies">
        {options.map((c) => (
          <li key={c.id}>
            <button
              type="button"
              className="secondary"
              onClick={() => {
                useCompanySearch.setState({ text: '' });
                onPick(c);
              }}
            >
              <span className="visually-hidden">Company: </span>
              {c.name}
            </button>
          </li>
        ))}
        {options.length === 0 && !error && <li className="muted">No company found</li>}
      </ul>
    </>
  );
}
