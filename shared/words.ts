// Counts and times in words, one definition for every screen: "1 day" / "2 days", and one date
// style (relative, with the exact local date and time for a hover title).
const rtf = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });
const exactFmt = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** "1 day", "2 days", "1,204 contacts": the count with the singular or plural noun. */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString()} ${n === 1 ? one : many}`;
}

/** A count with a fraction ("1.5 days"): singular only when it reads exactly 1. */
export function pluralFraction(x: number, one: string, many = `${one}s`, maximumFractionDigits = 1): string {
  const shown = x.toLocaleString(undefined, { maximumFractionDigits });
  const rounded = Number(x.toFixed(maximumFractionDigits));
  return `${shown} ${rounded === 1 ? one : many}`;
}

const toMs = (when: string | number | Date) => (when instanceof Date ? when.getTime() : typeof when === 'number' ? when : Date.parse(when));

/** "3 days ago", "in 2 hours", "now": the one way a moment is written. */
export function relativeTime(when: string | number | Date | null, now = Date.now()): string {
  if (when === null) return '';
  const ms = toMs(when);
  if (Number.isNaN(ms)) return '';
  const s = Math.round((ms - now) / 1000);
  const abs = Math.abs(s);
  if (abs < 45) return rtf.format(0, 'second');
  if (abs < 3600) return rtf.format(Math.round(s / 60), 'minute');
  if (abs < 86_400) return rtf.format(Math.round(s / 3600), 'hour');
  if (abs < 30 * 86_400) return rtf.format(Math.round(s / 86_400), 'day');
  if (abs < 365 * 86_400) return rtf.format(Math.round(s / (30 * 86_400)), 'month');
  return rtf.format(Math.round(s / (365 * 86_400)), 'year');
}

/** "6 Dec 2026, 14:05" in the person's locale and time zone: what the hover title says. */
export function exactTime(when: string | number | Date | null): string {
  if (when === null) return '';
  const ms = toMs(when);
  return Number.isNaN(ms) ? '' : exactFmt.format(new Date(ms));
}

/** A moment as shown everywhere: the relative words, the exact local time as the title. */
export function moment(when: string | number | Date | null, now = Date.now()): { text: string; title: string; iso: string } {
  if (when === null) return { text: '', title: '', iso: '' };
  const ms = toMs(when);
  if (Number.isNaN(ms)) return { text: '', title: '', iso: '' };
  return { text: relativeTime(ms, now), title: exactTime(ms), iso: new Date(ms).toISOString() };
}
