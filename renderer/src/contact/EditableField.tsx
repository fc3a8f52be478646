// One field of a record, edited in place: it reads as text until clicked (or Enter), then turns
// into a labelled input. Enter or leaving the field saves, Esc puts the old value back. A value
// that fails its check is never sent; the reason stays beside the field until it is fixed or
// the edit is cancelled. Used by both the contact and the company page.
import { useEffect, useId, useRef, useState, type ReactNode } from 'react';
import { describeFieldError, type Checked } from './fieldErrors';
import { isKey } from '../state/keymap';
import './record.css';

export interface EditableFieldProps<T> {
  label: string;
  /** The saved value as text ('' when empty). */
  value: string;
  /** Checks the typed text and turns it into the value to save. */
  parse: (raw: string) => Checked<T>;
  /** Saves; throws (ApiError) when the engine refuses, and the message shows by the field. */
  onSave: (value: T) => Promise<void>;
  /** What the text reads while the field is empty, e.g. "Add a phone number". */
  emptyText?: string;
  inputType?: 'text' | 'email' | 'tel';
  inputMode?: 'text' | 'decimal' | 'email' | 'tel';
  /** Shown as the value while not editing (e.g. a formatted amount); defaults to `value`. */
  display?: string;
  /** Extra controls under an engine error, e.g. "Open existing contact" for a CONFLICT. */
  errorExtra?: (error: unknown) => ReactNode;
  testId?: string;
  disabled?: boolean;
}

export function EditableField<T>({
  label,
  value,
  parse,
  onSave,
  emptyText = 'Add',
  inputType = 'text',
  inputMode,
  display,
  errorExtra,
  testId,
  disabled,
}: EditableFieldProps<T>) {
  const uid = useId();
  const inputId = `${uid}-input`;
  const errorId = `${uid}-error`;
  const labelId = `${uid}-label`;
  const valueId = `${uid}-value`;
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState(value);
  const [error, setError] = useState<{ message: string; cause: unknown } | null>(null);
  const [saving, setSaving] = useState(false);
  const inputRef = useRef<HTMLInputElement>(null);
  const buttonRef = useRef<HTMLButtonElement>(null);
  // The input unmounts right after Enter/Esc and may still report a blur; these keep that late
  // blur from saving twice or saving a cancelled edit.
  const closing = useRef(false);
  const inFlight = useRef(false);
  /** The text of the last attempt the engine refused, so leaving the field does not resend it. */
  const refused = useRef<string | null>(null);
  const refocus = useRef(false);

  useEffect(() => {
    if (editing) {
      inputRef.current?.focus();
      inputRef.current?.select();
    } else if (refocus.current) {
      refocus.current = false;
      buttonRef.current?.focus();
    }
  }, [editing]);

  const start = () => {
    if (disabled) return;
    closing.current = false;
    refused.current = null;
    setDraft(value);
    setError(null);
    setEditing(true);
  };

  const finish = (focusBack: boolean) => {
    closing.current = true;
    refocus.current = focusBack;
    setError(null);
    setEditing(false);
  };

  const commit = async (focusBack: boolean) => {
    if (closing.current || inFlight.current) return;
    if (draft.trim() === value.trim()) return finish(focusBack);
    const checked = parse(draft);
    if (!checked.ok) {
      setError({ message: checked.message, cause: null });
      if (focusBack) inputRef.current?.focus();
      return;
    }
    if (!focusBack && refused.current === draft) return;
    inFlight.current = true;
    setSaving(true);
    try {
      await onSave(checked.value);
      refused.current = null;
      finish(focusBack);
    } catch (e) {
      refused.current = draft;
      setError({ message: describeFieldError(e, label), cause: e });
    } finally {
      inFlight.current = false;
      setSaving(false);
    }
  };

  if (!editing) {
    const shown = display ?? value;
    return (
      <div className="ef" data-testid={testId}>
        <span className="ef-label" id={labelId}>
          {label}
        </span>
        <button
          ref={buttonRef}
          type="button"
          className={`ef-value ${shown ? '' : 'ef-empty'}`}
          aria-labelledby={`${labelId} ${valueId}`}
          title={disabled ? undefined : `Edit ${label.toLowerCase()}`}
          onClick={start}
          disabled={disabled}
        >
          <span id={valueId}>{shown || emptyText}</span>
          <span className="ef-pencil" aria-hidden="true">
            ✎
          </span>
        </button>
      </div>
    );
  }

  return (
    <div className="ef ef-editing" data-testid={testId}>
      <label className="ef-label" htmlFor={inputId}>
        {label}
      </label>
      <input
        ref={inputRef}
        id={inputId}
        type={inputType}
        inputMode={inputMode}
        value={draft}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? errorId : undefined}
        aria-busy={saving || undefined}
        readOnly={saving}
        autoComplete="off"
        spellCheck={false}
        onChange={(e) => {
          setDraft(e.target.value);
          refused.current = null;
        }}
        onKeyDown={(e) => {
          if (isKey('fieldSave', e)) {
            e.preventDefault();
            void commit(true);
          } else if (isKey('fieldCancel', e)) {
            // Esc cancels this edit only; the panel's own Esc (close) must not see it
            e.preventDefault();
            e.stopPropagation();
            finish(true);
          }
        }}
        onBlur={() => void commit(false)}
      />
      {saving && <span className="ef-saving muted">Saving…</span>}
      {error && (
        <div className="ef-error-row">
          <p id={errorId} className="field-error" role="alert">
            {error.message}
          </p>
          {error.cause !== null && errorExtra?.(error.cause)}
        </div>
      )}
    </div>
  );
}
