// "Link to a company": a combobox over companies.list. Typing searches (answers to older text
// are dropped), arrows move, Enter picks; the last option creates a company with the typed name
// and links it, so a salesperson never has to leave the lead to make its company.
import { useEffect, useId, useRef, useState } from 'react';
import type { Company } from '../../../shared/domain';
import { Name } from '../../../shared/domain';
import { useClient } from '../app/ClientContext';
import { toast } from '../app/toastStore';
import { COMPANY_STAGE_LABEL } from '../ui/labels';
import { check, describeFieldError } from './fieldErrors';

type Option = { kind: 'company'; company: Company } | { kind: 'create'; name: string };

export function CompanyLinker({ contactId, linkedIds, onLinked }: { contactId: string; linkedIds: string[]; onLinked: () => void }) {
  const client = useClient();
  const uid = useId();
  const listId = `${uid}-list`;
  const errorId = `${uid}-error`;
  const [text, setText] = useState('');
  const [open, setOpen] = useState(false);
  const [results, setResults] = useState<Company[]>([]);
  /** The text `results` answer; while it differs from what is typed, Enter waits. */
  const [resultsFor, setResultsFor] = useState<string | null>(null);
  const [searching, setSearching] = useState(false);
  const [active, setActive] = useState(0);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const seq = useRef(0);

  useEffect(() => {
    if (!open) return;
    const n = ++seq.current;
    const q = text.trim();
    setSearching(true);
    // a short pause so each keystroke does not cost a query; `n` drops answers to older text
    const t = setTimeout(() => {
      client
        .call('companies.list', { search: q.slice(0, 200) || undefined, limit: 8 })
        .then((r) => {
          if (n !== seq.current) return;
          setResults(r.items);
          setResultsFor(q);
          setActive(0);
        })
        .catch(() => {
          if (n !== seq.current) return;
          setResults([]);
          setResultsFor(q);
        })
        .finally(() => {
          if (n === seq.current) setSearching(false);
        });
    }, 120);
    return () => clearTimeout(t);
  }, [client, text, open]);

  const linked = new Set(linkedIds);
  const typed = text.trim();
  const options: Option[] = [
    ...results.filter((c) => !linked.has(c.id)).map((company): Option => ({ kind: 'company', company })),
    ...(typed ? [{ kind: 'create', name: typed } as const] : []),
  ];
  const activeIndex = Math.min(active, options.length - 1);
  // Enter on an answer to older text could link the wrong company or create a duplicate
  const fresh = resultsFor === typed && !searching;

  const enterPending = useRef(false);
  useEffect(() => {
    if (!enterPending.current || !fresh) return;
    enterPending.current = false;
    const o = options[activeIndex];
    if (o) void pick(o);
  });

  const pick = async (o: Option) => {
    if (busy) return;
    setError(null);
    let company: Company | null = null;
    setBusy(true);
    try {
      if (o.kind === 'create') {
        const name = check(Name, o.name, 'Company name');
        if (!name.ok) {
          setError(name.message);
          return;
        }
        company = await client.call('companies.create', { name: name.value });
      } else company = o.company;
      await client.call('companies.link', { contactId, companyId: company.id });
      toast.ok(o.kind === 'create' ? `Created ${company.name} and linked it` : `Linked to ${company.name}`);
      setText('');
      setOpen(false);
      onLinked();
    } catch (e) {
      setError(describeFieldError(e, company ? company.name : 'Company'));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="linker">
      <label className="rec-mini" htmlFor={`${uid}-input`}>
        <span>Link to a company</span>
      </label>
      <input
        id={`${uid}-input`}
        role="combobox"
        aria-label="Find a company to link"
        aria-expanded={open}
        aria-controls={listId}
        aria-autocomplete="list"
        aria-activedescendant={open && activeIndex >= 0 ? `${uid}-opt-${activeIndex}` : undefined}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? errorId : undefined}
        aria-busy={busy || undefined}
        placeholder="Search or type a new name"
        value={text}
        autoComplete="off"
        spellCheck={false}
        onChange={(e) => {
          enterPending.current = false;
          setText(e.target.value);
          setError(null);
          setOpen(true);
        }}
        onFocus={() => setOpen(true)}
        onBlur={() => {
          enterPending.current = false;
          setOpen(false);
        }}
        onKeyDown={(e) => {
          if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
            e.preventDefault();
            if (!open) return setOpen(true);
            const n = options.length;
            if (n > 0) setActive((activeIndex + (e.key === 'ArrowDown' ? 1 : n - 1)) % n);
          } else if (e.key === 'Enter') {
            e.preventDefault();
            const o = options[activeIndex];
            if (open && fresh && o) void pick(o);
            // typed faster than the search answered: pick once the answer for this text is in
            else if (open && typed) enterPending.current = true;
          } else if (e.key === 'Escape' && (open || text)) {
            // closes the list (then clears the text); only a third Esc reaches the panel
            e.preventDefault();
            e.stopPropagation();
            if (open) setOpen(false);
            else setText('');
          }
        }}
      />
      {open && (
        <ul className="linker-list" id={listId} role="listbox" aria-label="Companies">
          {options.map((o, i) => (
            <li
              key={o.kind === 'company' ? o.company.id : 'create'}
              id={`${uid}-opt-${i}`}
              role="option"
              aria-selected={i === activeIndex}
              className={`linker-option ${i === activeIndex ? 'active' : ''} ${o.kind === 'create' ? 'create' : ''}`}
              // keeps focus in the input, so the list does not close before the click lands
              onMouseDown={(e) => e.preventDefault()}
              onMouseEnter={() => setActive(i)}
              onClick={() => void pick(o)}
            >
              {o.kind === 'company' ? (
                <>
                  <span>{o.company.name}</span>
                  <span className="muted">
                    {[o.company.externalId, o.company.stage ? COMPANY_STAGE_LABEL[o.company.stage] : null].filter(Boolean).join(' · ')}
                  </span>
                </>
              ) : (
                <span>Create company “{o.name}”</span>
              )}
            </li>
          ))}
          {options.length === 0 && (
            <li className="linker-empty muted" role="presentation">
              {searching ? 'Searching…' : 'No companies yet: type a name to create one'}
            </li>
          )}
        </ul>
      )}
      {error && (
        <p id={errorId} className="field-error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
