// The one sign-up action on the lead page: the contact becomes a user, with the customer's user id
// if known or else by its email, optionally with the company it signed up with (searched by name,
// or a new one made from the typed name at submit; either way it reaches at least SQL). Each
// refusal shows by the field it concerns.
import { useCallback, useId, useState, type FormEvent } from 'react';
import type { Company, Contact } from '../../../shared/domain';
import { ExternalRef, Name } from '../../../shared/domain';
import { useClient } from '../state/ClientContext';
import { useNav } from '../state/navStore';
import { toast } from '../state/toastStore';
import { COMPANY_STAGE_LABEL } from '../ui/labels';
import { companyDetail, useCompanySearch } from './CompanyLinker';
import { check, describeFieldError, existingIdOf, fieldOf } from './fieldErrors';
import { InputError, Linker } from './Linker';

/** The company chosen in the form: an existing one, or one to create with the sign-up. */
type CompanyChoice = { kind: 'existing'; company: Company } | { kind: 'new'; name: string };
type FieldError = { message: string; existingId: string | null };

export function SignUpForm({ contact, onDone, onCancel }: { contact: Contact; onDone: () => void; onCancel: () => void }) {
  const client = useClient();
  const openContact = useNav((s) => s.openContact);
  const searchCompanies = useCompanySearch();
  const uid = useId();
  const [userId, setUserId] = useState(contact.externalId ?? '');
  const [company, setCompany] = useState<CompanyChoice | null>(null);
  const [errors, setErrors] = useState<{ externalId?: FieldError; company?: FieldError }>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  // wrapped so the picker's list holds choices, and its last option a company still to create
  const search = useCallback(
    async (text: string): Promise<CompanyChoice[]> => (await searchCompanies(text)).map((c) => ({ kind: 'existing', company: c })),
    [searchCompanies],
  );

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const typed = userId.trim();
    const found: typeof errors = {};
    let externalId: string | undefined;
    if (typed) {
      const checked = check(ExternalRef, typed, 'User id');
      if (checked.ok) externalId = checked.value;
      else found.externalId = { message: checked.message, existingId: null };
    } else if (!contact.email) {
      found.externalId = { message: 'User id: is needed, because this contact has no email (or add an email first)', existingId: null };
    }
    setErrors(found);
    setFormError(null);
    if (Object.keys(found).length > 0) return;
    setBusy(true);
    try {
      const r = await client.call('contacts.signUp', {
        id: contact.id,
        ...(externalId ? { externalId } : {}),
        ...(company ? { company: company.kind === 'existing' ? { id: company.company.id } : { name: company.name } } : {}),
      });
      const who = r.contact.name ?? r.contact.email ?? 'The contact';
      toast.ok(
        r.company
          ? `${who} signed up with ${r.company.name} (${r.company.stage ? COMPANY_STAGE_LABEL[r.company.stage] : 'no stage'})`
          : `${who} signed up`,
      );
      onDone();
    } catch (err) {
      const f = fieldOf(err);
      if (f === 'externalId') {
        const existing = existingIdOf(err);
        setErrors({ externalId: { message: describeFieldError(err, 'User id'), existingId: existing !== contact.id ? existing : null } });
      } else if (f?.startsWith('company')) setErrors({ company: { message: describeFieldError(err, 'Company'), existingId: null } });
      else setFormError(describeFieldError(err, 'Sign-up'));
    } finally {
      setBusy(false);
    }
  };

  const userIdField = `${uid}-user-id`;
  const userErr = errors.externalId;
  return (
    <form
      className="rec-signup"
      aria-label="Sign up"
      data-testid="signup-form"
      noValidate
      onSubmit={(e) => void submit(e)}
      onKeyDown={(e) => {
        // Esc closes this form, not the whole panel (the company picker keeps its own Esc first)
        if (e.key === 'Escape' && !e.defaultPrevented) {
          e.preventDefault();
          e.stopPropagation();
          onCancel();
        }
      }}
    >
      <p className="muted rec-hint">Record that this lead signed up: it becomes a user, and the company (if given) reaches at least SQL.</p>
      <div className="field">
        <label htmlFor={userIdField}>
          <span>User id</span>
          <span className="muted">{contact.email ? ' (optional)' : ' (needed: no email)'}</span>
        </label>
        <input
          id={userIdField}
          value={userId}
          autoFocus
          autoComplete="off"
          spellCheck={false}
          aria-invalid={userErr ? true : undefined}
          aria-describedby={userErr ? `${userIdField}-error` : `${userIdField}-hint`}
          onChange={(e) => setUserId(e.target.value)}
        />
        {!userErr && (
          <p id={`${userIdField}-hint`} className="muted rec-hint">
            {contact.email ? `Without one, Intercom knows the user by ${contact.email}.` : 'The customer’s id for this user in their product.'}
          </p>
        )}
        {userErr && (
          <div className="ef-error-row">
            <p id={`${userIdField}-error`} className="field-error" role="alert">
              {userErr.message}
            </p>
            {userErr.existingId && (
              <button type="button" className="link" onClick={() => openContact(userErr.existingId!)}>
                Open existing contact
              </button>
            )}
          </div>
        )}
      </div>
      {company ? (
        <div className="field" data-testid="signup-company">
          <span className="rec-mini">Company</span>
          <div className="signup-company">
            <span>
              {company.kind === 'existing' ? company.company.name : company.name}{' '}
              <span className="muted">{company.kind === 'existing' ? companyDetail(company.company) : 'new company, created with the sign-up'}</span>
            </span>
            <button type="button" className="link" onClick={() => setCompany(null)}>
              Change company
            </button>
          </div>
        </div>
      ) : (
        <Linker<CompanyChoice>
          label="Company (optional)"
          inputLabel="Find the company it signed up with"
          listLabel="Companies"
          placeholder="Search by name or type a new one"
          emptyText="No companies yet: type a name to create one"
          errorSubject="Company"
          search={search}
          idOf={(c) => (c.kind === 'existing' ? c.company.id : `new:${c.name}`)}
          describe={(c) => (c.kind === 'existing' ? { name: c.company.name, detail: companyDetail(c.company) } : { name: c.name, detail: 'new' })}
          excludeIds={[]}
          link={(c) => {
            setCompany(c);
            setErrors((er) => ({ ...er, company: undefined }));
            return Promise.resolve('');
          }}
          create={{
            optionText: (text) => `Create company “${text}”`,
            run: (text) => {
              const name = check(Name, text, 'Company name');
              if (!name.ok) return Promise.reject(new InputError(name.message));
              return Promise.resolve({ kind: 'new', name: name.value });
            },
          }}
          onLinked={() => undefined}
        />
      )}
      {errors.company && (
        <p className="field-error" role="alert">
          {errors.company.message}
        </p>
      )}
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
