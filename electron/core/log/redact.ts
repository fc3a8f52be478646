// What may reach the log file from free text (error messages, Intercom's answers): email
// addresses and anything shaped like a credential are masked, so the log can be attached to a
// support request as it is. What the log records on purpose is ids and counts only.

const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;
/** `Bearer xyz`, `token=xyz`, `"token":"xyz"`, `Authorization: xyz`, `password: xyz` ... */
const LABELLED = /\b(bearer\s+|(?:access_?token|token|authorization|password|secret|api_?key)["']?\s*[:=]\s*["']?(?:bearer\s+)?)[^\s"'&,;}]+/gi;
/**
 * A long run of letters and digits that mixes many upper case letters, lower case letters and
 * digits: Intercom access tokens (base64) and the console's own random tokens. Ids (UUIDs,
 * Intercom's hex ids) are lower case and digits only, and words in a file name mix little.
 */
const TOKEN_LIKE = /[A-Za-z0-9+/_=-]{24,}/g;

const count = (text: string, re: RegExp) => text.match(re)?.length ?? 0;

function looksLikeSecret(run: string): boolean {
  // a path: only a segment can be a secret
  if (run.startsWith('/')) return run.split('/').some((segment) => segment.length >= 24 && looksLikeSecret(segment));
  return count(run, /[A-Z]/g) >= 4 && count(run, /[a-z]/g) >= 4 && count(run, /[0-9]/g) >= 3;
}

function maskSecrets(run: string): string {
  if (!looksLikeSecret(run)) return run;
  if (!run.startsWith('/')) return '[secret]';
  return run
    .split('/')
    .map((segment) => (segment.length >= 24 && looksLikeSecret(segment) ? '[secret]' : segment))
    .join('/');
}

/** The text with email addresses and credentials replaced by [email] and [secret]. */
export function redact(text: string): string {
  return text
    .replace(LABELLED, (_all, label: string) => `${label}[secret]`)
    .replace(EMAIL, '[email]')
    .replace(TOKEN_LIKE, maskSecrets);
}
