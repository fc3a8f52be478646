// A combobox that links one record to another: typing searches (answers to older text are
// dropped), arrows move, Enter picks (an Enter typed before the answer picks once it is in), Esc
// closes the list and then clears the text. An optional last option creates the record from the
// typed text. Used for "link to a company" on the lead page and "link a user" on the company page.
import { useEffect, useId, useRef, useState, type ReactNode } from 'react';
import { describeFieldError } from './fieldErrors';

/** A refusal before anything was sent (the typed text is not a valid name); shown as it is. */
export class InputError extends Error {}

type Option<T> = { kind: 'found'; item: T } | { kind: 'create'; text: string };

export interface LinkerProps<T> {
  /** Visible label above the input, e.g. "Link to a company". */
  label: string;
  /** Accessible name of the input, e.g. "Find a company to link". */
  inputLabel: string;
  listLabel: string;
  placeholder: string;
  emptyText: string;
  search(text: string): Promise<T[]>;
  idOf(item: T): string;
  /** The option's content: its name, then details in muted text. */
  describe(item: T): { name: string; detail: string };
  /** Records already linked: never offered. */
  excludeIds: string[];
  /** Links the picked record; returns what the toast says. */
  link(item: T): Promise<string>;
  /** When given, the last option makes a new record from the typed text (then links it). */
  create?: { optionText(text: string): string; run(text: string): Promise<T> };
  /** Names the field in an error message ("Company: ..."). */
  errorSubject: string;
  onLinked(message: string): void;
}

export function Linker<T>(props: LinkerProps<T>) {
  const { search, idOf, describe, create } = props;
  const uid = useId();
  const listId = `${uid}-list`;
  const errorId = `${uid}-error`;
  const [text, setText] = useState('');
  const [open, setOpen] = useState(false);
  const [results, setResults] = useState<T[]>([]);
  /** The text `results` answer; while it differs from what is typed, Enter waits. */
  const [resultsFor, setResultsFor] = useState<string | null>(null);
  const [searching, setSearching] = useState(false);
  const [active, setActive] = useState(0);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const seq = useRef(0);
  const enterPending = useRef(false);

  useEffect(() => {
    if (!open) return;
    const n = ++seq.current;
    const q = text.trim();
    setSearching(true);
    // a short pause so each keystroke does not cost a query; `n` drops answers to older text
    const t = setTimeout(() => {
      search(q.slice(0, 200))
        .then((items) => {
          if (n !== seq.current) return;
          setResults(items);
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
  }, [search, text, open]);

  const excluded = new Set(props.excludeIds);
  const typed = text.trim();
  const options: Option<T>[] = [
    ...results.filter((item) => !excluded.has(idOf(item))).map((item): Option<T> => ({ kind: 'found', item })),
    ...(create && typed ? [{ kind: 'create', text: typed } as const] : []),
  ];
  const activeIndex = Math.min(active, options.length - 1);
  // Enter on an answer to older text could link the wrong record or create a duplicate
  const fresh = resultsFor === typed && !searching;

  const pick = async (o: Option<T>) => {
    if (busy) return;
    setError(null);
    setBusy(true);
    let subject = props.errorSubject;
    try {
      const item = o.kind === 'create' ? await create!.run(o.text) : o.item;
      subject = describe(item).name;
      const message = await props.link(item);
      setText('');
      setOpen(false);
      props.onLinked(o.kind === 'create' ? `Created ${subject} and linked it` : message);
    } catch (e) {
      setError(e instanceof InputError ? e.message : describeFieldError(e, subject));
    } finally {
      setBusy(false);
    }
  };

  useEffect(() => {
    if (!enterPending.current || !fresh) return;
    enterPending.current = false;
    const o = options[activeIndex];
    if (o) void pick(o);
  });

  let list: ReactNode = null;
  if (open) {
    list = (
      <ul className="linker-list" id={listId} role="listbox" aria-label={props.listLabel}>
        {options.map((o, i) => (
          <li
            key={o.kind === 'found' ? idOf(o.item) : 'create'}
            id={`${uid}-opt-${i}`}
            role="option"
            aria-selected={i === activeIndex}
            className={`linker-option ${i === activeIndex ? 'active' : ''} ${o.kind === 'create' ? 'create' : ''}`}
            // keeps focus in the input, so the list does not close before the click lands
            onMouseDown={(e) => e.preventDefault()}
            onMouseEnter={() => setActive(i)}
            onClick={() => void pick(o)}
          >
            {o.kind === 'found' ? (
              <>
                <span>{describe(o.item).name}</span>
                <span className="muted">{describe(o.item).detail}</span>
              </>
            ) : (
              <span>{create!.optionText(o.text)}</span>
            )}
          </li>
        ))}
        {options.length === 0 && (
          <li className="linker-empty muted" role="presentation">
            {searching ? 'Searching…' : props.emptyText}
          </li>
        )}
      </ul>
    );
  }

  return (
    <div className="linker">
      <label className="rec-mini" htmlFor={`${uid}-input`}>
        <span>{props.label}</span>
      </label>
      <input
        id={`${uid}-input`}
        role="combobox"
        aria-label={props.inputLabel}
        aria-expanded={open}
        aria-controls={listId}
        aria-autocomplete="list"
        aria-activedescendant={open && activeIndex >= 0 ? `${uid}-opt-${activeIndex}` : undefined}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? errorId : undefined}
        aria-busy={busy || undefined}
        placeholder={props.placeholder}
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
      {list}
      {error && (
        <p id={errorId} className="field-error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
