// Reads a file as a table while it is read from disk: CSV (delimiter guessed among comma,
// semicolon and tab; header row required; quoted fields may hold newlines) or JSON lines (one
// object per line, its keys are the columns). What cannot be read in one row becomes that row's
// problem, not the file's. Only the row being read and one piece of text are held at a time.
import Papa from 'papaparse';
import { unguardFormula } from '../../../shared/formulaGuard';
import { decodeFile, NotUtf8Error, type DecodeInfo, type TextEncoding } from './decode';

export type Cell = string | number | boolean | null;
export type ImportFormat = 'csv' | 'jsonl';

export interface RowError {
  column: string | null;
  message: string;
}

/** A data row (the header excluded, blank lines skipped), as long as the columns. */
export interface TableRow {
  cells: Cell[];
  /** CSV: the row as a spreadsheet numbers it (the header's is 1; blank lines count too). */
  row?: number;
  /** The row cannot be read as it stands. */
  error?: RowError;
}

/** What a whole pass over the file found. */
export interface TableFacts {
  format: ImportFormat;
  encoding: TextEncoding;
  columns: string[];
  /** JSON lines: the keys the columns come from, in the order they first appear. */
  keys: string[] | null;
  /** Data rows; null when the pass stopped at the header. */
  rows: number | null;
}

/** The whole file cannot be read (no header, nothing but blank lines, a row without end ...). */
export class UnreadableFileError extends Error {}

export { NotUtf8Error };

/** The first piece given to the parser: papaparse guesses line endings on its first 1 MB. */
const FIRST_PIECE_CHARS = 1024 * 1024;
/** A row longer than this is an unclosed quote swallowing the file, or no table at all. */
export const MAX_ROW_CHARS = 16 * 1024 * 1024;

export function detectFormat(fileName: string, firstText: string): ImportFormat {
  if (/\.(jsonl|ndjson)$/i.test(fileName)) return 'jsonl';
  const first = /\S/.exec(firstText);
  return first && first[0] === '{' ? 'jsonl' : 'csv';
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

export interface ReadOptions {
  fileName: string;
  /** The file is known not to be UTF-8 (an earlier pass found out). */
  windows1252: boolean;
  /** JSON lines: the keys of the whole file (a first pass collects them); without them rows cannot be laid out. */
  keys?: string[] | null;
  /** JSON lines: collect the keys and count the rows, yielding none. */
  scan?: boolean;
  /** CSV: stop after the header. */
  headerOnly?: boolean;
  /** Tests only: smaller reads and first piece, so that rows and characters straddle pieces. */
  readBytes?: number;
  firstPieceChars?: number;
}

/** The piece of text the parser starts with: at least FIRST_PIECE_CHARS with some non-blank text, or the whole file. */
async function firstPiece(pieces: AsyncIterator<string>, chars: number): Promise<{ text: string; done: boolean }> {
  let text = '';
  for (;;) {
    if (text.length >= chars && /\S/.test(text)) return { text, done: false };
    const next = await pieces.next();
    if (next.done) return { text, done: true };
    text += next.value;
  }
}

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * A table read from a file, batch by batch. `head` resolves once the format, encoding and columns
 * are known (before the first batch); `batches()` yields the rows, one batch per piece of text,
 * giving the event loop a turn between pieces.
 */
export class TableReader {
  format: ImportFormat | null = null;
  columns: string[] | null = null;
  readonly info: DecodeInfo = { encoding: null };
  private keyIndex = new Map<string, number>();
  /** Data rows yielded (or, scanning JSON lines, counted) so far. */
  rows = 0;

  constructor(
    private readonly filePath: string,
    private readonly opts: ReadOptions,
  ) {}

  get encoding(): TextEncoding {
    return this.info.encoding ?? 'utf-8';
  }

  /** JSON lines: the keys met so far (all of them after a scan). */
  get keys(): string[] {
    return [...this.keyIndex.keys()];
  }

  async *batches(): AsyncGenerator<TableRow[]> {
    const pieces = decodeFile(this.filePath, this.opts.windows1252, this.info, this.opts.readBytes);
    try {
      const first = await firstPiece(pieces, this.opts.firstPieceChars ?? FIRST_PIECE_CHARS);
      this.format = detectFormat(this.opts.fileName, first.text);
      const rest = first.done ? null : pieces;
      if (this.format === 'jsonl') yield* this.jsonLines(first.text, rest);
      else yield* this.csv(first.text, rest);
    } finally {
      await pieces.return(undefined);
    }
  }

  // ---- CSV -----------------------------------------------------------------------------------

  private async *csv(firstText: string, rest: AsyncIterator<string> | null): AsyncGenerator<TableRow[]> {
    // the guess papaparse makes on the whole text looks at its first 10 rows only: the first piece holds them
    const guess = Papa.parse<string[]>(firstText, { header: false, skipEmptyLines: 'greedy', delimitersToGuess: [',', ';', '\t'], preview: 1 });
    const handle = new (Papa as unknown as PapaInternals).ParserHandle({ delimiter: guess.meta.delimiter, newline: guess.meta.linebreak || undefined });
    let partial = '';
    let baseIndex = 0;
    /** Records read so far, blank ones included: papaparse numbers its errors so. */
    let recordIndex = 0;
    let header: string[] | null = null;
    let text: string | null = firstText;
    for (;;) {
      const last = text === null;
      const aggregate = partial + (text ?? '');
      const result = handle.parse(aggregate, baseIndex, !last);
      const records = result.data;
      const errors = new Map<number, string>();
      for (const e of result.errors) {
        // an error of the row cut at the end of the piece comes again when the row is whole
        if (e.row === undefined || e.row >= records.length) continue;
        if (!errors.has(e.row)) errors.set(e.row, e.code === 'MissingQuotes' ? 'a quoted field is never closed' : e.message);
      }
      if (!last) {
        partial = aggregate.substring(result.meta.cursor - baseIndex);
        baseIndex = result.meta.cursor;
        if (partial.length > MAX_ROW_CHARS) {
          throw new UnreadableFileError(
            `Row ${recordIndex + records.length + 1} is longer than ${MAX_ROW_CHARS / 2 ** 20} MB: a quoted field is probably never closed, or the file is not a table.`,
          );
        }
      }
      const batch: TableRow[] = [];
      for (let i = 0; i < records.length; i++) {
        const fields = records[i]!;
        const index = recordIndex + i;
        if (fields.join('').trim() === '') continue; // blank lines, even of spaces or empty quotes
        if (!header) {
          // the export guards its headers too (an attribute may be named "=x")
          header = fields.map(unguardFormula);
          this.columns = uniqueColumns(header);
          if (this.opts.headerOnly) return;
          continue;
        }
        const columns = this.columns!;
        this.rows++;
        const message = index >= 1 ? errors.get(index) : undefined;
        let error: RowError | undefined = message !== undefined ? { column: null, message } : undefined;
        if (!error && fields.length > columns.length && fields.slice(columns.length).some((f) => f.trim() !== '')) {
          error = { column: null, message: `the row has ${fields.length} fields but the header has ${columns.length}` };
        }
        // a short row (trailing empty cells left out) is read as if they were there
        const cells: Cell[] = fields.slice(0, columns.length);
        while (cells.length < columns.length) cells.push('');
        batch.push(error ? { cells, row: index + 1, error } : { cells, row: index + 1 });
      }
      recordIndex += records.length;
      if (!header && last) throw new UnreadableFileError('The file has no header row.');
      if (batch.length > 0) yield batch;
      if (last) return;
      const next = rest ? await rest.next() : { done: true as const, value: undefined };
      text = next.done ? null : next.value;
      await turn();
    }
  }

  // ---- JSON lines ------------------------------------------------------------------------------

  private async *jsonLines(firstText: string, rest: AsyncIterator<string> | null): AsyncGenerator<TableRow[]> {
    const scanning = this.opts.scan === true;
    const keys = scanning ? null : (this.opts.keys ?? null);
    if (!scanning && !keys) throw new Error('JSON lines are read in rows once their keys are known (scan first)');
    if (keys) {
      keys.forEach((k, i) => this.keyIndex.set(k, i));
      this.columns = uniqueColumns(keys);
    }
    let partial = '';
    let text: string | null = firstText;
    for (;;) {
      const last = text === null;
      const aggregate = partial + (text ?? '');
      // lines end at \n (a \r before it is dropped); the text after the last one waits for the next piece
      const end = last ? aggregate.length : aggregate.lastIndexOf('\n');
      const lines = end < 0 ? [] : aggregate.slice(0, end).split('\n');
      if (last) partial = '';
      else {
        partial = end < 0 ? aggregate : aggregate.slice(end + 1);
        if (partial.length > MAX_ROW_CHARS) throw new UnreadableFileError(`Line ${this.rows + 1} is longer than ${MAX_ROW_CHARS / 2 ** 20} MB.`);
      }
      const batch: TableRow[] = [];
      for (const raw of lines) {
        const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
        if (line.trim() === '') continue;
        this.rows++;
        const row = this.jsonRow(line, keys);
        if (row) batch.push(row);
      }
      if (last && this.rows === 0) throw new UnreadableFileError('The file holds no rows.');
      if (batch.length > 0) yield batch;
      if (last) {
        if (scanning) this.columns = uniqueColumns(this.keys);
        return;
      }
      const next = rest ? await rest.next() : { done: true as const, value: undefined };
      text = next.done ? null : next.value;
      await turn();
    }
  }

  /** One line as a row (null while scanning: only the keys are collected). */
  private jsonRow(line: string, keys: string[] | null): TableRow | null {
    const blank = (): Cell[] => new Array<Cell>(keys?.length ?? 0).fill(null);
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      return keys ? { cells: blank(), error: { column: null, message: 'the line is not valid JSON' } } : null;
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      return keys ? { cells: blank(), error: { column: null, message: 'the line is not a JSON object' } } : null;
    }
    const obj = value as Record<string, unknown>;
    if (!keys) {
      for (const key of Object.keys(obj)) if (!this.keyIndex.has(key)) this.keyIndex.set(key, this.keyIndex.size);
      return null;
    }
    const cells = blank();
    let error: RowError | undefined;
    keys.forEach((key, c) => {
      if (!Object.hasOwn(obj, key)) return;
      const v = obj[key];
      if (v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') cells[c] = v;
      else error ??= { column: this.columns![c]!, message: 'nested values (objects, lists) cannot be imported' };
    });
    return error ? { cells, error } : { cells };
  }
}

/** papaparse's chunk handler (what its own file streamer drives), not in its type declarations. */
interface PapaInternals {
  ParserHandle: new (config: { delimiter: string; newline: string | undefined }) => {
    parse(
      input: string,
      baseIndex: number,
      ignoreLastRow: boolean,
    ): { data: string[][]; errors: { row?: number; code: string; message: string }[]; meta: { cursor: number } };
  };
}

/**
 * A whole pass: the format, the encoding (a file that turns out not to be UTF-8 is read again as
 * Windows-1252), the columns and the number of rows. `keepGoing` is asked between pieces (null:
 * stopped). `headerOnly` stops a CSV file at its header (rows then null); JSON lines are read whole.
 */
export async function scanTable(
  filePath: string,
  fileName: string,
  opts: { keepGoing: () => boolean; headerOnly?: boolean; encoding?: TextEncoding | null; tuning?: Pick<ReadOptions, 'readBytes' | 'firstPieceChars'> },
): Promise<TableFacts | null> {
  const headerOnly = opts.headerOnly === true;
  for (const windows1252 of opts.encoding === 'windows-1252' ? [true] : [false, true]) {
    const reader = new TableReader(filePath, { fileName, windows1252, scan: true, headerOnly, ...opts.tuning });
    try {
      for await (const batch of reader.batches()) {
        void batch;
        if (!opts.keepGoing()) return null;
      }
      if (!opts.keepGoing()) return null;
      const jsonl = reader.format === 'jsonl';
      return {
        format: reader.format!,
        encoding: reader.encoding,
        columns: reader.columns!,
        keys: jsonl ? reader.keys : null,
        rows: headerOnly && !jsonl ? null : reader.rows,
      };
    } catch (err) {
      if (err instanceof NotUtf8Error && !windows1252) continue;
      throw err;
    }
  }
  throw new Error('unreachable: Windows-1252 decodes any bytes');
}

/** A cell as text, for samples and text fields; null and blank are empty. */
export function cellText(v: Cell | undefined): string {
  if (v === null || v === undefined) return '';
  return typeof v === 'string' ? v : String(v);
}
