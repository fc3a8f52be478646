// A combobox that links one record to another: typing searches (answers to older text are
// dropped), arrows move, Enter picks the highlighted option (keys typed before the answer apply
// once it is in), Esc closes the list and then clears the text. Nothing is highlighted until an
// arrow moves there, so Enter never links or creates by accident; an optional last option
// creates the record from the typed text. Used for "link to a company" and "link a user".
import { useEffect, useId, useRef, useState, type ReactNode } from 'react';
import { describeFieldError } from './fieldErrors';

/** A refusal before anything was sent (the typed text is not a valid name); shown as it is. */
export class InputError extends Error {}

type Option<T> = { kind: 'found'; item: T } | { kind: 'create'; text: string };

/** The option `by` arrow presses away in a list of `n`; from none (-1), ↓ lands on the first and ↑ on the last. */
function moveIn(n: number, from: number, by: number): number {
  if (n === 0) return -1;
  if (from < 0) return by > 0 ? (by - 1) % n : (((n + by) % n) + n) % n;
  return (((from + by) % n) + n) % n;
}

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
  create?: {
    optionText(text: string): string;
    run(text: string): Promise<T>;
    /** Whether to offer it for this text and these results (default: for any text); a tag is not offered again under its own name. */
    offer?(text: string, results: readonly T[]): boolean;
    /** What the toast says after creating (default: "Created … and linked it"). */
    done?(item: T): string;
  };
  /** Names the field in an error message ("Company: ..."). */
  errorSubject: string;
  onLinked(message: string): void;
  /** Test id of the spoken status, where a page has more than one picker (default 'linker-status'). */
  statusTestId?: string;
}

export function Linker<T>(props: LinkerProps<T>) {
  const { search, idOf, describe, create } = props;
  // read by the search answer, which must not run again each time the props are re-made
  const latestProps = useRef(props);
  latestProps.current = props;
  const uid = useId();
  const listId = `${uid}-list`;
  const errorId = `${uid}-error`;
  const [text, setText] = useState('');
  const [open, setOpen] = useState(false);
  const [results, setResults] = useState<T[]>([]);
  /** The text `results` answer; while it differs from what is typed, Enter waits. */
  const [resultsFor, setResultsFor] = useState<string | null>(null);
  const [searching, setSearching] = useState(false);
  /** The highlighted option; -1: none, until an arrow key moves there. */
  const [active, setActive] = useState(-1);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const seq = useRef(0);
  const enterPending = useRef(false);
  /** Arrow presses made while the answer for the typed text was not in yet: applied to that answer. */
  const movesPending = useRef(0);

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
          // arrows pressed before this answer came apply to it
          const moves = movesPending.current;
          movesPending.current = 0;
          const p = latestProps.current;
          const shown = items.filter((item) => !p.excludeIds.includes(p.idOf(item))).length + (p.create && q && (p.create.offer?.(q, items) ?? true) ? 1 : 0);
          setActive(moves === 0 ? -1 : moveIn(shown, -1, moves));
        })
        .catch(() => {
          if (n !== seq.current) return;
          setResults([]);
          setResultsFor(q);
          movesPending.current = 0;
          setActive(-1);
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
    ...(create && typed && (create.offer?.(typed, results) ?? true) ? [{ kind: 'create', text: typed } as const] : []),
  ];
  const activeIndex = Math.min(active, options.length - 1);
  // Enter on an answer to older text could link the wrong record or create a duplicate
  const fresh = resultsFor === typed && !searching;
  const found = options.filter((o) => o.kind === 'found').length;

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
      props.onLinked(o.kind === 'create' ? (create!.done?.(item) ?? `Created ${subject} and linked it`) : message);
    } catch (e) {
      setError(e instanceof InputError ? e.message : describeFieldError(e, subject));
    } finally {
      setBusy(false);
    }
  };

  useEffect(() => {
    if (!fresh || !enterPending.current) return;
    enterPending.current = false;
    const o = activeIndex >= 0 ? options[activeIndex] : undefined;
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
  // said by screen readers as the answer comes in: how many matched, and how to pick or create
  let status = '';
  if (open && fresh && typed) {
    const parts = [found === 0 ? 'No match.' : `${found} ${found === 1 ? 'match' : 'matches'}: ↓ to choose, Enter to pick.`];
    if (create && (create.offer?.(typed, results) ?? true)) parts.push(`The last option is ${create.optionText(typed)}.`);
    status = parts.join(' ');
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
          movesPending.current = 0;
          setActive(-1);
          setText(e.target.value);
          setError(null);
          setOpen(true);
        }}
        onFocus={() => setOpen(true)}
        onBlur={() => {
          enterPending.current = false;
          movesPending.current = 0;
          setOpen(false);
        }}
        onKeyDown={(e) => {
          if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
            e.preventDefault();
            if (!open) return setOpen(true);
            const by = e.key === 'ArrowDown' ? 1 : -1;
            // typed faster than the search answered: move within that answer once it is in
            if (!fresh) movesPending.current += by;
            else setActive(moveIn(options.length, activeIndex, by));
          } else if (e.key === 'Enter') {
            e.preventDefault();
            const o = activeIndex >= 0 ? options[activeIndex] : undefined;
            if (open && fresh && movesPending.current === 0) {
              if (o) void pick(o);
            } else if (open && typed) enterPending.current = true;
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
      <p className="visually-hidden" role="status" aria-live="polite" data-testid={props.statusTestId ?? 'linker-status'}>
        {status}
      </p>
      {error && (
        <p id={errorId} className="field-error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
