// The sign-up flow from the lead page: the customer's user id (required) and, optionally, the
// company it signed up with (found by company id, or created with the name; either way it reaches
// at least SQL). Each refusal shows by the field it concerns.
import { useId, useState, type FormEvent, type ReactNode } from 'react';
import type { Contact } from '../../../shared/domain';
import { ExternalRef, Name } from '../../../shared/domain';
import { useClient } from '../state/ClientContext';
import { useNav } from '../state/navStore';
import { toast } from '../state/toastStore';
import { COMPANY_STAGE_LABEL } from '../ui/labels';
import { check, describeFieldError, existingIdOf, fieldOf } from './fieldErrors';

type Field = 'externalId' | 'company.externalId' | 'company.name';
const LABELS: Record<Field, string> = { externalId: 'User id', 'company.externalId': 'Company id', 'company.name': 'Company name' };

export function SignUpForm({ contact, onDone, onCancel }: { contact: Contact; onDone: () => void; onCancel: () => void }) {
  const client = useClient();
  const openContact = useNav((s) => s.openContact);
  const uid = useId();
  const [values, setValues] = useState<Record<Field, string>>({
    externalId: contact.externalId ?? '',
    'company.externalId': '',
    'company.name': '',
  });
  const [errors, setErrors] = useState<Partial<Record<Field, { message: string; existingId: string | null }>>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const found: typeof errors = {};
    const userId = check(ExternalRef, values.externalId, LABELS.externalId);
    if (!userId.ok) found.externalId = { message: userId.message, existingId: null };
    const coId = values['company.externalId'].trim();
    const coName = values['company.name'].trim();
    let company: { externalId: string; name?: string } | undefined;
    if (coId || coName) {
      const id = check(ExternalRef, coId, LABELS['company.externalId']);
      if (!id.ok) found['company.externalId'] = { message: coId ? id.message : 'Company id: is needed to link a company', existingId: null };
      const name = coName ? check(Name, coName, LABELS['company.name']) : null;
      if (name && !name.ok) found['company.name'] = { message: name.message, existingId: null };
      if (id.ok && (!name || name.ok)) company = { externalId: id.value, ...(name?.ok ? { name: name.value } : {}) };
    }
    setErrors(found);
    setFormError(null);
    if (Object.keys(found).length > 0 || !userId.ok) return;
    setBusy(true);
    try {
      const r = await client.call('contacts.signUp', { id: contact.id, externalId: userId.value, company });
      const who = r.contact.name ?? r.contact.email ?? 'The contact';
      toast.ok(
        r.company
          ? `${who} signed up with ${r.company.name} (${r.company.stage ? COMPANY_STAGE_LABEL[r.company.stage] : 'no stage'})`
          : `${who} signed up`,
      );
      onDone();
    } catch (err) {
      const f = fieldOf(err);
      if (f === 'externalId' || f === 'company.externalId' || f === 'company.name') {
        const existing = existingIdOf(err);
        setErrors({ [f]: { message: describeFieldError(err, LABELS[f]), existingId: existing !== contact.id ? existing : null } });
      } else setFormError(describeFieldError(err, 'Sign-up'));
    } finally {
      setBusy(false);
    }
  };

  const input = (f: Field, extra: { required?: boolean; autoFocus?: boolean } = {}): ReactNode => {
    const err = errors[f];
    const id = `${uid}-${f}`;
    return (
      <div className="field">
        <label htmlFor={id}>
          <span>{LABELS[f]}</span>
          {extra.required ? <span className="muted"> (required)</span> : <span className="muted"> (optional)</span>}
        </label>
        <input
          id={id}
          value={values[f]}
          required={extra.required}
          autoFocus={extra.autoFocus}
          autoComplete="off"
          spellCheck={false}
          aria-invalid={err ? true : undefined}
          aria-describedby={err ? `${id}-error` : undefined}
          onChange={(e) => setValues((v) => ({ ...v, [f]: e.target.value }))}
        />
        {err && (
          <div className="ef-error-row">
            <p id={`${id}-error`} className="field-error" role="alert">
              {err.message}
            </p>
            {err.existingId && (
              <button type="button" className="link" onClick={() => openContact(err.existingId!)}>
                Open existing contact
              </button>
            )}
          </div>
        )}
      </div>
    );
  };

  return (
    <form
      className="rec-signup"
      aria-label="Sign up"
      data-testid="signup-form"
      noValidate
      onSubmit={(e) => void submit(e)}
      onKeyDown={(e) => {
        // Esc closes this form, not the whole panel
        if (e.key === 'Escape') {
          e.preventDefault();
          e.stopPropagation();
          onCancel();
        }
      }}
    >
      <p className="muted rec-hint">Record that this lead signed up: it becomes a user, and the company (if given) reaches at least SQL.</p>
      {input('externalId', { required: true, autoFocus: true })}
      {input('company.externalId')}
      {input('company.name')}
      {formError && (
        <p className="field-error" role="alert">
          {formError}
        </p>
      )}
      <div className="rec-actions">
        <button type="submit" disabled={busy}>
          Sign up
        </button>
        <button type="button" className="secondary" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
