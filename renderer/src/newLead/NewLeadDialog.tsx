// The new-lead form, built for entering many leads fast at a fair: focus starts in Name, Enter
// saves, Esc cancels, and "Keep open" makes it ready for the next lead straight away. Input is
// checked with the engine's own schemas before anything is sent; duplicates are pointed out while
// typing, so the salesperson can open the existing contact instead of making a second one.
import { useEffect, useId, useRef, useState, type KeyboardEvent, type ReactNode, type RefObject } from 'react';
import { ApiError } from '../../../shared/client';
import type { ContactRef } from '../../../shared/domain';
import { useClient } from '../state/ClientContext';
import { useNav } from '../state/navStore';
import { useSync } from '../state/syncStore';
import { describeError, toast } from '../state/toastStore';
import { Dialog } from '../ui/Dialog';
import { checkDraft, EMPTY_DRAFT, FIELD_LABEL, FIELDS, isFieldKey, matchQuery, refLabel, serverFieldMessage, type Draft, type FieldErrors, type FieldKey } from './leadDraft';
import { useMatches } from './useMatches';
import './newLead.css';

const KEEP_OPEN_KEY = 'leadConsole.newLead.keepOpen';

/** The "keep open" choice outlives the dialog: at a fair it is set once for the whole day. */
function readKeepOpen(): boolean {
  try {
    return localStorage.getItem(KEEP_OPEN_KEY) === '1';
  } catch {
    return false;
  }
}
function writeKeepOpen(on: boolean) {
  try {
    localStorage.setItem(KEEP_OPEN_KEY, on ? '1' : '0');
  } catch {
    // storage may be unavailable (private window); the choice then lasts for this dialog only
  }
}

export function NewLeadDialog() {
  const open = useNav((s) => s.newLeadOpen);
  const setOpen = useNav((s) => s.setNewLeadOpen);
  // a new key after each kept-open save gives a fresh form: fields, errors and warnings all reset
  const [round, setRound] = useState(0);
  return (
    <Dialog open={open} onClose={() => setOpen(false)} title="New lead" className="new-lead" testId="new-lead-dialog">
      <NewLeadForm key={round} onCancel={() => setOpen(false)} onSavedKeepOpen={() => setRound((r) => r + 1)} />
    </Dialog>
  );
}

/** A conflict the engine reported on save, shown by the field with a way to the existing contact. */
interface Conflict {
  field: FieldKey;
  existingId: string;
  existingLabel: string | null;
}

function NewLeadForm({ onCancel, onSavedKeepOpen }: { onCancel: () => void; onSavedKeepOpen: () => void }) {
  const client = useClient();
  const online = useSync((s) => s.online);
  const openContact = useNav((s) => s.openContact);
  const setOpen = useNav((s) => s.setNewLeadOpen);
  const [draft, setDraft] = useState<Draft>(EMPTY_DRAFT);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [conflict, setConflict] = useState<Conflict | null>(null);
  const [formError, setFormError] = useState<string | null>(null);
  const [keepOpen, setKeepOpen] = useState(readKeepOpen);
  const [saving, setSaving] = useState(false);
  const savingRef = useRef(false);
  const refs: Record<FieldKey, RefObject<HTMLInputElement | null>> = {
    name: useRef<HTMLInputElement>(null),
    email: useRef<HTMLInputElement>(null),
    phone: useRef<HTMLInputElement>(null),
    visitorId: useRef<HTMLInputElement>(null),
  };
  const nameRef = refs.name;
  const matches = useMatches(matchQuery(draft));

  useEffect(() => {
    // On first open the native <dialog> is shown by the parent's effect, which runs after this
    // one; focusing a field of a closed dialog does nothing, so try again after that has run.
    nameRef.current?.focus();
    const t = setTimeout(() => {
      if (!nameRef.current?.contains(document.activeElement)) nameRef.current?.focus();
    }, 0);
    return () => clearTimeout(t);
  }, [nameRef]);

  const openExisting = (id: string) => {
    setOpen(false);
    openContact(id);
  };

  const change = (key: FieldKey, value: string) => {
    const next = { ...draft, [key]: value };
    setDraft(next);
    setFormError(null);
    if (conflict?.field === key) setConflict(null);
    // once a field shows an error, re-check it as the user fixes it, so the error leaves at once;
    // a field without an error is only judged on blur or save, not mid-word
    if (errors[key] || (errors.name && (key === 'email' || key === 'name'))) {
      const checked = checkDraft(next);
      const nextErrors = checked.ok ? {} : checked.errors;
      setErrors((prev) => {
        const out = { ...prev, [key]: nextErrors[key] };
        if (key === 'email') out.name = nextErrors.name;
        return out;
      });
    }
  };

  const blur = (key: FieldKey) => {
    if (draft[key].trim() === '') return;
    const checked = checkDraft(draft);
    setErrors((prev) => ({ ...prev, [key]: checked.ok ? undefined : checked.errors[key] }));
  };

  const save = async () => {
    if (savingRef.current) return;
    const checked = checkDraft(draft);
    if (!checked.ok) {
      setErrors(checked.errors);
      const first = FIELDS.find((k) => checked.errors[k]);
      if (first) refs[first].current?.focus();
      return;
    }
    setErrors({});
    setConflict(null);
    setFormError(null);
    savingRef.current = true;
    setSaving(true);
    try {
      const { contact } = await client.call('contacts.create', checked.input);
      const label = refLabel(contact);
      toast.ok(
        online
          ? `Saved ${label}. It will sync to Intercom.`
          : `Saved ${label} on this computer. You are offline: it will sync to Intercom when you are back online.`,
      );
      if (keepOpen) onSavedKeepOpen();
      else setOpen(false);
    } catch (e) {
      await showSaveError(e);
    } finally {
      savingRef.current = false;
      setSaving(false);
    }
  };

  const showSaveError = async (e: unknown) => {
    if (e instanceof ApiError && isFieldKey(e.field)) {
      const field = e.field;
      const existingId = typeof e.details?.existingId === 'string' ? e.details.existingId : null;
      if (e.code === 'CONFLICT' && existingId) {
        const known = matches.visitorId?.id === existingId ? matches.visitorId : null;
        setConflict({ field, existingId, existingLabel: known ? refLabel(known) : null });
        refs[field].current?.focus();
        if (!known) {
          // name the owner rather than print an id; the form still works if this lookup fails
          try {
            const c = await client.call('contacts.get', { id: existingId });
            setConflict((cur) => (cur?.existingId === existingId ? { ...cur, existingLabel: refLabel(c) } : cur));
          } catch {
            // keep the generic wording
          }
        }
        return;
      }
      setErrors({ [field]: serverFieldMessage(field, e.message) });
      refs[field].current?.focus();
      return;
    }
    // not about one field (store busy, engine gone): say so in the form and keep what was typed
    setFormError(describeError(e));
  };

  const onKeyDown = (e: KeyboardEvent<HTMLFormElement>) => {
    // While the form is open, keys belong to it: window-wide shortcuts (1/2/3, ?, Esc closing the
    // side panel behind) must not act on what lies under the modal.
    e.stopPropagation();
    if (e.key === 'Escape' && !e.nativeEvent.isComposing) {
      e.preventDefault();
      onCancel();
    }
  };

  const emailShared = matches.email;
  const visitorOwner = matches.visitorId;

  return (
    <form
      noValidate
      className="new-lead-form"
      onKeyDown={onKeyDown}
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
      aria-busy={saving}
    >
      <Field
        k="name"
        inputRef={refs.name}
        value={draft.name}
        error={errors.name}
        conflict={conflict}
        onChange={change}
        onBlur={blur}
        onOpen={openExisting}
        autoComplete="off"
      />
      <Field
        k="email"
        type="email"
        inputRef={refs.email}
        value={draft.email}
        error={errors.email}
        conflict={conflict}
        onChange={change}
        onBlur={blur}
        onOpen={openExisting}
        warning={
          emailShared.length > 0 && !errors.email ? (
            <Warning testId="new-lead-email-match" others={emailShared} onOpen={openExisting}>
              {emailShared.length === 1
                ? `${refLabel(emailShared[0]!)} already has this email.`
                : `${refLabel(emailShared[0]!)} and ${emailShared.length - 1} more already have this email.`}{' '}
              You can still save: Intercom allows the same email twice.
            </Warning>
          ) : null
        }
      />
      <Field k="phone" type="tel" inputRef={refs.phone} value={draft.phone} error={errors.phone} conflict={conflict} onChange={change} onBlur={blur} onOpen={openExisting} />
      <Field
        k="visitorId"
        inputRef={refs.visitorId}
        value={draft.visitorId}
        error={errors.visitorId}
        conflict={conflict}
        onChange={change}
        onBlur={blur}
        onOpen={openExisting}
        hint="From the website's Intercom Messenger, if the visitor has one."
        warning={
          visitorOwner && !errors.visitorId && conflict?.field !== 'visitorId' ? (
            <Warning testId="new-lead-visitor-match" others={[visitorOwner]} onOpen={openExisting}>
              This visitor id belongs to {refLabel(visitorOwner)}: saving would be refused.
            </Warning>
          ) : null
        }
      />
      <p className="new-lead-role muted">Saved as a lead at stage Lead; it becomes a user when it signs up.</p>
      {formError && (
        <p className="field-error new-lead-form-error" role="alert">
          {formError}
        </p>
      )}
      <label className="new-lead-keep">
        <input
          type="checkbox"
          checked={keepOpen}
          onChange={(e) => {
            setKeepOpen(e.target.checked);
            writeKeepOpen(e.target.checked);
          }}
        />
        Keep open for the next lead
      </label>
      <div className="dialog-actions">
        <button type="button" className="secondary" onClick={onCancel} aria-keyshortcuts="Escape">
          Cancel <kbd>Esc</kbd>
        </button>
        <button type="submit" disabled={saving} aria-keyshortcuts="Enter" data-testid="new-lead-save">
          {saving ? 'Saving…' : 'Save lead'} <kbd>Enter</kbd>
        </button>
      </div>
    </form>
  );
}

function Field({
  k,
  type = 'text',
  inputRef,
  value,
  error,
  conflict,
  warning,
  hint,
  onChange,
  onBlur,
  onOpen,
  autoComplete = 'off',
}: {
  k: FieldKey;
  type?: 'text' | 'email' | 'tel';
  inputRef: RefObject<HTMLInputElement | null>;
  value: string;
  error: string | undefined;
  conflict: Conflict | null;
  warning?: ReactNode;
  hint?: string;
  onChange(key: FieldKey, value: string): void;
  onBlur(key: FieldKey): void;
  onOpen(id: string): void;
  autoComplete?: string;
}) {
  const id = useId();
  const mine = conflict?.field === k ? conflict : null;
  const invalid = Boolean(error) || Boolean(mine);
  const hintId = hint ? `${id}-hint` : undefined;
  const msgId = `${id}-msg`;
  // the message element is always there (empty when all is well), so screen readers announce
  // an error as it appears, and aria-describedby never points at nothing
  const describedBy = [msgId, hintId].filter(Boolean).join(' ');
  return (
    <div className="field new-lead-field">
      <label htmlFor={id}>{FIELD_LABEL[k]}</label>
      <input
        id={id}
        ref={inputRef}
        name={k}
        type={type}
        value={value}
        // a fair laptop is shared: the browser must not offer one visitor's details for the next
        autoComplete={autoComplete}
        spellCheck={k === 'name'}
        inputMode={type === 'email' ? 'email' : type === 'tel' ? 'tel' : undefined}
        aria-invalid={invalid}
        aria-describedby={describedBy}
        data-testid={`new-lead-${k}`}
        onChange={(e) => onChange(k, e.target.value)}
        onBlur={() => onBlur(k)}
      />
      {hint && (
        <span id={hintId} className="new-lead-hint muted">
          {hint}
        </span>
      )}
      <div id={msgId} aria-live="polite" className="new-lead-messages">
        {error && (
          <span className="field-error" data-testid={`new-lead-${k}-error`}>
            {error}
          </span>
        )}
        {mine && (
          <span className="field-error" data-testid={`new-lead-${k}-error`}>
            {mine.existingLabel
              ? `This ${FIELD_LABEL[k].toLowerCase()} belongs to ${mine.existingLabel}: saving was refused.`
              : `This ${FIELD_LABEL[k].toLowerCase()} belongs to another contact: saving was refused.`}{' '}
            <button type="button" className="link" onClick={() => onOpen(mine.existingId)}>
              Open {mine.existingLabel ?? 'that contact'}
            </button>
          </span>
        )}
        {warning}
      </div>
    </div>
  );
}

function Warning({ children, others, onOpen, testId }: { children: ReactNode; others: ContactRef[]; onOpen(id: string): void; testId: string }) {
  return (
    <span className="new-lead-warning" data-testid={testId}>
      <span>{children}</span>
      <span className="new-lead-open-list">
        {others.slice(0, 3).map((c) => (
          <button key={c.id} type="button" className="link" onClick={() => onOpen(c.id)}>
            Open {refLabel(c)}
          </button>
        ))}
      </span>
    </span>
  );
}
