// Reads decoded text as a table: CSV (delimiter guessed among comma, semicolon and tab; header
// row required; quoted fields may hold newlines) or JSON lines (one object per line, its keys
// are the columns). What cannot be read in one row becomes that row's problem, not the file's.
import Papa from 'papaparse';

export type Cell = string | number | boolean | null;
export type ImportFormat = 'csv' | 'jsonl';

export interface RowError {
  column: string | null;
  message: string;
}

export interface ParsedTable {
  format: ImportFormat;
  columns: string[];
  /** Data rows (the header excluded, blank lines skipped), each as long as `columns`. */
  rows: Cell[][];
  /** By 0-based row index: rows that could not be read as they stand. */
  rowErrors: Map<number, RowError>;
}

/** The whole file cannot be read (no header, nothing but blank lines ...). */
export class UnreadableFileError extends Error {}

export function detectFormat(fileName: string, text: string): ImportFormat {
  if (/\.(jsonl|ndjson)$/i.test(fileName)) return 'jsonl';
  const first = /\S/.exec(text);
  return first && first[0] === '{' ? 'jsonl' : 'csv';
}

export function parseTable(fileName: string, text: string): ParsedTable {
  return detectFormat(fileName, text) === 'jsonl' ? parseJsonLines(text) : parseCsv(text);
}

/** Blank and repeated headers get names of their own, so a mapping can name every column. */
function uniqueColumns(raw: string[]): string[] {
  const seen = new Map<string, number>();
  return raw.map((h, i) => {
    const base = h.trim() || `Column ${i + 1}`;
    const n = (seen.get(base.toLowerCase()) ?? 0) + 1;
    seen.set(base.toLowerCase(), n);
    return n === 1 ? base : `${base} (${n})`;
  });
}

function parseCsv(text: string): ParsedTable {
  const result = Papa.parse<string[]>(text, {
    header: false,
    skipEmptyLines: 'greedy',
    delimitersToGuess: [',', ';', '\t'],
  });
  const [header, ...data] = result.data;
  if (!header || header.every((h) => h.trim() === '')) throw new UnreadableFileError('The file has no header row.');
  const columns = uniqueColumns(header);
  const rowErrors = new Map<number, RowError>();
  // papaparse counts rows with the header included
  for (const e of result.errors) {
    if (e.row === undefined || e.row < 1) continue;
    if (e.code === 'UndetectableDelimiter') continue; // one column: the comma default is right
    rowErrors.set(e.row - 1, { column: null, message: e.code === 'MissingQuotes' ? 'a quoted field is never closed' : e.message });
  }
  const rows: Cell[][] = data.map((fields, i) => {
    if (fields.length > columns.length && fields.slice(columns.length).some((f) => f.trim() !== '') && !rowErrors.has(i)) {
      rowErrors.set(i, { column: null, message: `the row has ${fields.length} fields but the header has ${columns.length}` });
    }
    // a short row (trailing empty cells left out) is read as if they were there
    const row: Cell[] = fields.slice(0, columns.length);
    while (row.length < columns.length) row.push('');
    return row;
  });
  return { format: 'csv', columns, rows, rowErrors };
}

function parseJsonLines(text: string): ParsedTable {
  const objects: (Record<string, unknown> | null)[] = [];
  const rowErrors = new Map<number, RowError>();
  const columnIndex = new Map<string, number>();
  for (const line of text.split(/\r?\n/)) {
    if (line.trim() === '') continue;
    const i = objects.length;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      rowErrors.set(i, { column: null, message: 'the line is not valid JSON' });
      objects.push(null);
      continue;
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      rowErrors.set(i, { column: null, message: 'the line is not a JSON object' });
      objects.push(null);
      continue;
    }
    const obj = value as Record<string, unknown>;
    for (const key of Object.keys(obj)) if (!columnIndex.has(key)) columnIndex.set(key, columnIndex.size);
    objects.push(obj);
  }
  if (objects.length === 0) throw new UnreadableFileError('The file holds no rows.');
  const keys = [...columnIndex.keys()];
  const columns = uniqueColumns(keys);
  const rows: Cell[][] = objects.map((obj, i) => {
    const row: Cell[] = new Array<Cell>(keys.length).fill(null);
    if (!obj) return row;
    keys.forEach((key, c) => {
      if (!Object.hasOwn(obj, key)) return;
      const v = obj[key];
      if (v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') row[c] = v;
      else if (!rowErrors.has(i)) rowErrors.set(i, { column: columns[c]!, message: 'nested values (objects, lists) cannot be imported' });
    });
    return row;
  });
  return { format: 'jsonl', columns, rows, rowErrors };
}

/** A cell as text, for samples and text fields; null and blank are empty. */
export function cellText(v: Cell | undefined): string {
  if (v === null || v === undefined) return '';
  return typeof v === 'string' ? v : String(v);
}
