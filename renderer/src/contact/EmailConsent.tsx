// Whether the contact unsubscribed from emails (Intercom's unsubscribed_from_emails): shown and
// set on the lead page. Every email send skips an unsubscribed contact; in-app messages do not.
import { useId, useState } from 'react';
import { toast } from '../state/toastStore';

export function EmailConsent({ unsubscribed, onSave }: { unsubscribed: boolean; onSave: (unsubscribed: boolean) => Promise<void> }) {
  const uid = useId();
  // the box shows the choice at once; the saved value takes over when the save answers (or fails)
  const [choice, setChoice] = useState<boolean | null>(null);
  const checked = choice ?? unsubscribed;
  const change = async (next: boolean) => {
    setChoice(next);
    try {
      await onSave(next);
    } catch (e) {
      toast.error(e);
    } finally {
      setChoice(null);
    }
  };
  return (
    <div className="field rec-consent" data-testid="field-unsubscribed">
      <label>
        <input type="checkbox" checked={checked} disabled={choice !== null} onChange={(e) => void change(e.target.checked)} aria-describedby={`${uid}-hint`} />
        Unsubscribed from emails
      </label>
      <p id={`${uid}-hint`} className="muted rec-hint">
        {checked
          ? 'No email goes to this contact, alone or in bulk. In-app messages still do.'
          : 'Emails can be sent. Tick this when the person asks for no more emails.'}
      </p>
    </div>
  );
}
