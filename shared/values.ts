// The closed sets of values records take, as plain arrays with no schema library behind them, so
// a screen that only lists them (filter menus, step indicators) does not load zod at start.
// domain.ts builds the schemas from these.
export const CONTACT_STAGES = ['lead', 'signed_up'] as const;
export const COMPANY_STAGES = ['sql', 'customer'] as const;
export const ROLES = ['lead', 'user'] as const;
export const SYNC_STATES = ['local', 'pending', 'synced', 'failed'] as const;

/** How long a message or flush waits before it goes to Intercom, so it can be taken back (undo-send). */
export const MESSAGE_HOLD_MS = 10_000;
