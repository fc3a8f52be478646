// CSV export of the contacts table view (its filters, sort and columns) or of a selection.
// Members are fixed first (their pks in view order), then rows are read and written a few
// thousand at a time, yielding between pages so other calls are answered during a long export.
import fs from 'node:fs';
import path from 'node:path';
import { EXPORT_HEADERS, type EXPORT_COLUMNS, type MethodOutput, type ParsedInput } from '../../../shared/api';
import type { Contact } from '../../../shared/domain';
import { AppError } from '../../../shared/errors';
import { guardFormula } from '../../../shared/formulaGuard';
import { FUNNEL_STAGES } from '../../../shared/segments';
import { STAGE_LABEL } from '../../../shared/stages';
import type { ContactExportRow, ContactSort } from '../db/SegmentRepository';
import type { CompiledWhere } from '../db/segmentSql';
import { isoOrNull, iso } from '../db/rows';
import { makePrivateDirs, openPrivateFile } from '../files/privateFiles';
import { SegmentService } from '../segments/SegmentService';
import { diskFullError, isDiskFull } from '../diskSpace';
import type { ServiceContext } from '../ServiceContext';

/** A named column, or `attribute:<name>` for a custom attribute. */
export type ExportColumn = (typeof EXPORT_COLUMNS)[number] | `attribute:${string}`;

/** Which contacts to write: given ids (in the sort's order), or a compiled WHERE. */
export type ExportSource = { ids: string[]; sort?: ContactSort } | { where: CompiledWhere; sort?: ContactSort };

export interface ExportFile {
  fileName: string;
  path: string;
  rows: number;
  /** Where browser mode offers the file (served by the bridge); null on the desktop. */
  downloadUrl: string | null;
}

/** Rows read and written per page. */
const PAGE_ROWS = 2000;
const DEFAULT_SORT: ContactSort = { field: 'updatedAt', dir: 'desc' };

type Cell = string | number | boolean | null | undefined;
type CellOf = (row: ContactExportRow, companies: string[], attributes: Contact['customAttributes'], tags: string[]) => Cell;

const CELLS: Record<(typeof EXPORT_COLUMNS)[number], CellOf> = {
  name: (r) => r.name,
  email: (r) => r.email,
  phone: (r) => r.phone,
  role: (r) => (r.role === 'user' ? 'User' : 'Lead'),
  stage: (r) => STAGE_LABEL[r.stage],
  funnelStage: (r) => STAGE_LABEL[FUNNEL_STAGES[r.funnel_rank] ?? 'lead'],
  companies: (_r, companies) => companies.join('; '),
  // the import reads a Tags column back as comma-separated names
  tags: (_r, _c, _a, tags) => tags.join(', '),
  externalId: (r) => r.external_id,
  visitorId: (r) => r.visitor_id,
  intercomId: (r) => r.intercom_id,
  createdAt: (r) => iso(r.created_at),
  updatedAt: (r) => iso(r.updated_at),
  lastActivityAt: (r) => isoOrNull(r.last_activity_at),
  syncState: (r) => r.sync_state,
  firstReferrer: (r) => r.first_referrer,
  firstLandingPage: (r) => r.first_landing_page,
  // the team's names are only known per export (writeCsv): the admin id stands until then
  owner: (r) => r.owner_id,
};

/**
 * One CSV field (RFC 4180): quoted when it holds a comma, quote or line break, quotes doubled;
 * a tab too, so that the import never takes the file for tab-separated. A spreadsheet runs a
 * cell that starts with = + - @ (or a tab / carriage return ...) as a formula, so such cells get
 * the leading single quote of shared/formulaGuard.ts, which the import takes off again.
 */
export function csvField(value: Cell): string {
  if (value === null || value === undefined) return '';
  const s = guardFormula(typeof value === 'string' ? value : String(value));
  return /[",\r\n\t]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

const pad2 = (n: number) => String(n).padStart(2, '0');

/** `<name>-yyyy-mm-dd-hhmm` in local time. */
function stampedName(base: string, now: number): string {
  const d = new Date(now);
  return `${base}-${d.getFullYear()}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())}-${pad2(d.getHours())}${pad2(d.getMinutes())}`;
}

const nextTick = () => new Promise<void>((resolve) => setImmediate(resolve));

export class ExportService {
  /** `offerDownloads`: browser mode, where the bridge serves the exports folder at /exports/. */
  constructor(
    readonly ctx: ServiceContext,
    readonly exportsDir: string,
    readonly offerDownloads = false,
    private readonly segments: SegmentService = new SegmentService(ctx),
  ) {}

  async exportContacts({ view, columns, ids }: ParsedInput<'contacts.export'>): Promise<MethodOutput<'contacts.export'>> {
    const sort = view.sort as ContactSort;
    // the selection is exported in the view's order; otherwise the view itself
    const source: ExportSource = ids ? { ids, sort } : { where: this.segments.whereOf(this.segments.viewRule(view.filter, view.search), view.filter.archived ? 'only' : 'hide'), sort };
    return this.writeCsv(source, columns as ExportColumn[]);
  }

  /**
   * Writes the contacts of `source` with these columns to a new CSV file in the exports folder
   * (also used by the bulk "export" action). The file appears under its final name only once
   * complete.
   */
  async writeCsv(source: ExportSource, columns: ExportColumn[], baseName = 'contacts'): Promise<ExportFile> {
    const { store } = this.ctx;
    const sort = source.sort ?? DEFAULT_SORT;
    const pks = 'ids' in source ? store.segments.pksOfIds(source.ids, sort) : store.segments.pksInOrder(source.where, sort);
    const cells = columns.map((col): CellOf => {
      if (col.startsWith('attribute:')) {
        const name = col.slice('attribute:'.length);
        return (_r, _c, attributes) => {
          const v = attributes[name];
          return v !== null && typeof v === 'object' ? JSON.stringify(v) : (v as Cell);
        };
      }
      if (col === 'owner') {
        // the owner's email (else name): what the import matches an owner column by
        const team = new Map(store.admins.all().map((a) => [a.id, a.email ?? a.name ?? a.id]));
        return (r) => (r.owner_id === null ? null : (team.get(r.owner_id) ?? r.owner_id));
      }
      const cell = CELLS[col as (typeof EXPORT_COLUMNS)[number]];
      if (!cell) throw new AppError('VALIDATION', `There is no column ${col}.`, { field: 'columns' });
      return cell;
    });
    const header = columns.map((col) => (col.startsWith('attribute:') ? col.slice('attribute:'.length) : EXPORT_HEADERS[col as (typeof EXPORT_COLUMNS)[number]]));

    // the expected size: what was written so far, per row, times the rows (a row's worth before the first page)
    let written = 0;
    let flushed = 0;
    let rowsWritten = 0;
    const expected = () => Math.round(rowsWritten > 0 ? (written / rowsWritten) * pks.length : (written + 200) * Math.max(pks.length, 1));
    const full = (e: unknown) => (isDiskFull(e) ? diskFullError(`this export of ${pks.length.toLocaleString('en')} contacts`, this.exportsDir, expected() - flushed) : e);
    let fd: number;
    let fileName: string;
    let fullPath: string;
    let partial: string;
    try {
      // the folder may be the user's Downloads: only a folder made here is made private
      makePrivateDirs(this.exportsDir);
      ({ fileName, fullPath } = this.freeName(stampedName(baseName, this.ctx.now())));
      partial = `${fullPath}.partial`;
      fd = openPrivateFile(partial);
    } catch (e) {
      throw full(e);
    }
    try {
      // the byte order mark lets spreadsheets read the file as UTF-8
      const head = `\uFEFF${header.map(csvField).join(',')}\r\n`;
      written += Buffer.byteLength(head);
      fs.writeSync(fd, head);
      flushed = written;
      for (let start = 0; start < pks.length; start += PAGE_ROWS) {
        if (start > 0) await nextTick();
        const rows = store.segments.rowsByPks(pks.slice(start, start + PAGE_ROWS));
        const companies = store.links.companiesOfMany(rows.map((r) => r.pk));
        const tags = store.tags.namesOfMany('contact', rows.map((r) => r.pk));
        let chunk = '';
        for (const row of rows) {
          const names = (companies.get(row.pk) ?? []).map((co) => co.name);
          const attributes = row.custom_attributes === '{}' ? {} : (JSON.parse(row.custom_attributes) as Contact['customAttributes']);
          const tagNames = tags.get(row.pk) ?? [];
          chunk += `${cells.map((cell) => csvField(cell(row, names, attributes, tagNames))).join(',')}\r\n`;
        }
        const bytes = Buffer.byteLength(chunk);
        // counted before the write: a refused page still tells the size of a row
        written += bytes;
        rowsWritten += rows.length;
        fs.writeSync(fd, chunk);
        flushed = written;
      }
    } catch (e) {
      fs.closeSync(fd);
      fs.rmSync(partial, { force: true });
      throw full(e);
    }
    fs.closeSync(fd);
    fs.renameSync(partial, fullPath);
    return {
      fileName,
      path: fullPath,
      rows: pks.length,
      downloadUrl: this.offerDownloads ? `/exports/${encodeURIComponent(fileName)}` : null,
    };
  }

  /**
   * Writes a table (a header, then rows of text) as a CSV beside the exports, named
   * `<baseName>-<stamp>.csv`; used for an import's failed rows.
   */
  writeTable(baseName: string, header: readonly string[], rows: readonly (readonly string[])[]): ExportFile {
    makePrivateDirs(this.exportsDir);
    const { fileName, fullPath } = this.freeName(stampedName(baseName, this.ctx.now()));
    const partial = `${fullPath}.partial`;
    const fd = openPrivateFile(partial);
    try {
      let text = `\uFEFF${header.map(csvField).join(',')}\r\n`;
      for (const row of rows) text += `${row.map(csvField).join(',')}\r\n`;
      fs.writeSync(fd, text);
    } catch (e) {
      fs.closeSync(fd);
      fs.rmSync(partial, { force: true });
      if (isDiskFull(e)) throw diskFullError(fileName, this.exportsDir, 0, 'free some space there and try again');
      throw e;
    }
    fs.closeSync(fd);
    fs.renameSync(partial, fullPath);
    return { fileName, path: fullPath, rows: rows.length, downloadUrl: this.offerDownloads ? `/exports/${encodeURIComponent(fileName)}` : null };
  }

  /** `<stamp>.csv`, or `<stamp>-2.csv` ... when an export of the same minute is there. */
  private freeName(stamp: string): { fileName: string; fullPath: string } {
    for (let n = 1; ; n++) {
      const fileName = n === 1 ? `${stamp}.csv` : `${stamp}-${n}.csv`;
      const fullPath = path.join(this.exportsDir, fileName);
      if (!fs.existsSync(fullPath) && !fs.existsSync(`${fullPath}.partial`)) return { fileName, fullPath };
    }
  }
}
