// Turns text typed in a search box into a safe FTS5 query: every word becomes a quoted prefix
// term, so operators, quotes and SQL typed by a user are only ever searched for, never run.

const WORD = /[\p{L}\p{N}]+/gu;

/** Returns null when the text holds nothing searchable (then no search filter applies). */
export function toFtsQuery(text: string | undefined): string | null {
  if (!text) return null;
  const words = text.match(WORD);
  if (!words || words.length === 0) return null;
  return words
    .slice(0, 8)
    .map((w) => `"${w.slice(0, 64)}"*`)
    .join(' AND ');
}
