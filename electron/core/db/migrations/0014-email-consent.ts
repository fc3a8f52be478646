// Email consent: whether a contact unsubscribed from emails (Intercom's unsubscribed_from_emails),
// kept so that no email goes to someone who asked not to get any.
import type { Migration } from '../migrate';

/** Set by this migration on a store that has synced contacts: the next run reads Intercom's unsubscribed contacts once. */
export const CONSENT_BACKFILL_KEY = 'sync.consentBackfill';

export const migration0014: Migration = {
  version: 14,
  name: 'email-consent',
  up: `
    ALTER TABLE contacts ADD COLUMN unsubscribed_from_emails INTEGER NOT NULL DEFAULT 0 CHECK (unsubscribed_from_emails IN (0, 1));
    -- contacts pulled before this version may be unsubscribed in Intercom without any change since
    -- (the incremental pull would never see them): the next run asks Intercom for them once
    INSERT INTO settings (key, value, updated_at)
      SELECT '${CONSENT_BACKFILL_KEY}', '"pending"', 0 WHERE EXISTS (SELECT 1 FROM contacts WHERE intercom_id IS NOT NULL);
  `,
};
