// Whole-row snapshots of a contact or a company: every stored column (generated ones follow from
// the rest), so a row an import changed can be put back exactly when the import is rolled back.
import { Statements } from './Statements';

/** A table row as stored: every column that is not generated. */
export type RowSnapshot = Record<string, string | number | null>;

export class RowSnapshots {
  private cols: string[] | null = null;
  constructor(
    private readonly st: Statements,
    private readonly table: 'contacts' | 'companies',
  ) {}

  /** Read from the schema once: a later migration's column is kept without touching this file. */
  private columns(): string[] {
    if (!this.cols) {
      const info = this.st.db.pragma(`table_xinfo(${this.table})`) as { name: string; hidden: number }[];
      this.cols = info.filter((c) => c.hidden === 0).map((c) => c.name);
    }
    return this.cols;
  }

  take(pk: number): RowSnapshot | undefined {
    return this.st.get<RowSnapshot>(`SELECT ${this.columns().join(', ')} FROM ${this.table} WHERE pk = @pk`).get({ pk });
  }

  /** Writes every stored column of the snapshot back onto its row (by pk), `times` times. */
  put(snap: RowSnapshot, times = 1): void {
    const cols = this.columns().filter((c) => c !== 'pk');
    const stmt = this.st.get(`UPDATE ${this.table} SET ${cols.map((c) => `${c} = @${c}`).join(', ')} WHERE pk = @pk`);
    for (let i = 0; i < times; i++) stmt.run(snap);
  }
}
