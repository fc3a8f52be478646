// A note's text as Intercom keeps it: the console writes plain text, Intercom stores and answers
// HTML ("<p>Hello</p>"). Both ways here, and the comparison that tells a note of ours in Intercom.

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', '#39': "'" };

const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Plain text as the HTML a note is sent with: a paragraph per line, nothing the text says read as markup. */
export function noteHtml(text: string): string {
  return text
    .split('\n')
    .map((line) => `<p>${escape(line)}</p>`)
    .join('');
}

/** Intercom's HTML body as plain text: paragraphs and line breaks as new lines, tags dropped, entities read. */
export function noteText(html: string): string {
  return html
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/(p|div|li|h[1-6])>\s*/gi, '\n')
    .replace(/<[^>]*>/g, '')
    .replace(/&(#x[0-9a-f]+|#\d+|[a-z]+\d*);/gi, (m, e: string) => {
      if (e[0] === '#') {
        const code = e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
        return Number.isFinite(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : m;
      }
      return ENTITIES[e.toLowerCase()] ?? m;
    })
    .replace(/\n+$/, '')
    .trim();
}

/** The same note text, whatever spacing Intercom's HTML gave it. */
export function sameNoteText(a: string, b: string): boolean {
  const norm = (s: string) => s.replace(/\s+/g, ' ').trim();
  return norm(a) === norm(b);
}

/** Intercom's clock and this computer's may differ: a note of ours is never this much older in Intercom than here. */
export const NOTE_CLOCK_SLACK_MS = 10 * 60_000;

/**
 * Whether a note Intercom holds is the one written here whose answer was lost: the same text, the
 * same author (when known) and not older than the local note (give or take the clocks' drift).
 */
export function isCopyOf(
  remote: { body: string; created_at: number; author?: { id?: string } | null },
  local: { body: string; created_at: number },
  adminId: string | null,
): boolean {
  if (adminId !== null && remote.author?.id !== undefined && String(remote.author.id) !== adminId) return false;
  if (remote.created_at * 1000 < local.created_at - NOTE_CLOCK_SLACK_MS) return false;
  return sameNoteText(noteText(remote.body), local.body);
}
