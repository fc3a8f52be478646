// The CSV export's guard against spreadsheet formulas, and its removal by the import: one
// definition, so that what the export guards is exactly what the import recognises.

/**
 * The characters that make a spreadsheet read a cell as a formula when it starts with one:
 * = + - @, tab, carriage return, and the full-width = + - @ some spreadsheets read alike.
 */
export const FORMULA_STARTS = ['=', '+', '-', '@', '\t', '\r', '\uFF1D', '\uFF0B', '\uFF0D', '\uFF20'] as const;

const START_CLASS = FORMULA_STARTS.map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).join('');
/**
 * A value the export guards: one that starts with a formula character, or with quotes before
 * one. The quotes count too, so that a value that itself starts with `'=` comes back whole.
 */
const NEEDS_GUARD = new RegExp(`^'*[${START_CLASS}]`);
/** A cell the export guarded: a quote, then what NEEDS_GUARD matches. */
const GUARDED = new RegExp(`^''*[${START_CLASS}]`);

/** The text a spreadsheet shows as it is: a leading `'` where the value would read as a formula. */
export function guardFormula(value: string): string {
  return NEEDS_GUARD.test(value) ? `'${value}` : value;
}

/** Whether a cell carries the export's guard. */
export function isFormulaGuarded(cell: string): boolean {
  return GUARDED.test(cell);
}

/** The value the export guarded (the cell without its leading `'`); any other cell as it is. */
export function unguardFormula(cell: string): string {
  return GUARDED.test(cell) ? cell.slice(1) : cell;
}
