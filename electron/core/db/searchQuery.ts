// Turns text typed in a search box into a safe FTS5 query: every word becomes a quoted prefix
// term, so operators, quotes and SQL typed by a user are only ever searched for, never run.

const WORD = /[\p{L}\p{N}]+/gu;

/** The words of the search text as they are searched for: at most 8, each at most 64 long. */
export function searchWords(text: string | undefined): string[] {
  return (text?.match(WORD) ?? []).slice(0, 8).map((w) => w.slice(0, 64));
}

/** Returns null when the text holds nothing searchable (then no search filter applies). */
export function toFtsQuery(text: string | undefined): string | null {
  const words = searchWords(text);
  if (words.length === 0) return null;
  return words.map((w) => `"${w}"*`).join(' AND ');
}
