// Step 3: what the import would do, before anything is written: counts, each row's problems with
// its row number, and the first rows as they would be written.
import { useMemo } from 'react';
import { useClient } from '../state/ClientContext';
import { plural } from '../ui/labels';
import { When } from '../ui/When';
import { backToMapping, startImport, useImportWizard } from './importWizard';
import { EncodingNote, ErrorLine } from './importParts';
import { DUPLICATE_LABEL, KIND_LABEL } from './importWords';
import { flattenMapped } from './mappedRows';

/** Rows of the mapped sample shown. */
const MAPPED_ROWS = 10;

/** A mapped value as text: arrays as compact JSON, nothing as an empty cell. */
function cellText(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v).replace(/\r?\n/g, ' ↵ ');
}

/** A timestamp as the import writes it (ISO 8601): shown in the one date style, never raw. */
const ISO_MOMENT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;

function Cell({ value }: { value: unknown }) {
  if (typeof value === 'string' && ISO_MOMENT.test(value)) return <When at={value} />;
  return <>{cellText(value)}</>;
}

export function PreviewStep() {
  const client = useClient();
  const job = useImportWizard((s) => s.job);
  const preview = useImportWizard((s) => s.preview);
  const kind = useImportWizard((s) => s.kind);
  const duplicates = useImportWizard((s) => s.duplicates);
  const error = useImportWizard((s) => s.error);
  const busy = useImportWizard((s) => s.busy);
  const table = useMemo(() => flattenMapped(preview?.mapped.slice(0, MAPPED_ROWS) ?? [], kind), [preview, kind]);
  if (!job || !preview) return null;

  const counts: { key: string; label: string; value: number; tone?: string }[] = [
    { key: 'rows', label: 'Rows', value: preview.rows },
    { key: 'valid', label: 'Valid', value: preview.valid, tone: 'ok' },
    { key: 'invalid', label: 'With problems', value: preview.invalid, tone: preview.invalid > 0 ? 'error' : undefined },
    { key: 'create', label: 'Will create', value: preview.willCreate },
    { key: 'update', label: 'Will update', value: preview.willUpdate },
    { key: 'skip', label: 'Will skip', value: preview.willSkip },
    { key: 'dupFile', label: 'Duplicates in the file', value: preview.duplicatesInFile },
    { key: 'dupStore', label: 'Already in Lead Console', value: preview.duplicatesInStore },
  ];

  return (
    <form
      className="import-step import-preview"
      data-testid="import-preview"
      aria-labelledby="import-preview-title"
      onSubmit={(e) => {
        e.preventDefault();
        void startImport(client);
      }}
    >
      <h2 id="import-preview-title" className="import-step-title" tabIndex={-1}>
        Preview of {job.fileName}
        <span className="muted import-step-sub">
          {KIND_LABEL[kind]}; duplicates: {DUPLICATE_LABEL[duplicates].toLowerCase()}. Nothing has been written yet.
        </span>
      </h2>
      <EncodingNote job={job} />
      <dl className="import-counts import-preview-counts" data-testid="import-preview-counts">
        {counts.map((c) => (
          <div key={c.key} data-count={c.key} className={c.tone}>
            <dt>{c.label}</dt>
            <dd>{c.value.toLocaleString()}</dd>
          </div>
        ))}
      </dl>

      <h3 className="import-subtitle">Problems</h3>
      {preview.problems.length === 0 ? (
        <p className="muted" data-testid="import-no-problems">
          No problems: every row can be imported.
        </p>
      ) : (
        <>
          <table className="import-table import-problems" data-testid="import-problems" aria-label="Problems by row">
            <thead>
              <tr>
                <th scope="col">Row</th>
                <th scope="col">Column</th>
                <th scope="col">Problem</th>
              </tr>
            </thead>
            <tbody>
              {preview.problems.map((p, i) => (
                <tr key={`${p.row}-${i}`} data-testid="import-problem" data-row={p.row}>
                  <td className="num">{p.row.toLocaleString()}</td>
                  <td>{p.column ?? <span className="muted">whole row</span>}</td>
                  <td>{p.message}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <p className="muted import-note">
            Row numbers count data rows from 1 (the header is row 0). Rows with problems are not imported; the report lists each one after the run
            {preview.invalid > 0 ? `: ${plural(preview.invalid, 'row')} in all` : ''}.
          </p>
        </>
      )}

      {table.rows.length > 0 && (
        <>
          <h3 className="import-subtitle">The first rows as they will be written</h3>
          <div className="import-table-wrap">
            <table className="import-table import-mapped" data-testid="import-mapped" aria-label="First rows as they will be written">
              <thead>
                <tr>
                  {table.columns.map((c) => (
                    <th key={c.key} scope="col">
                      {c.label}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {table.rows.map((row, i) => (
                  <tr key={i}>
                    {table.columns.map((c) => (
                      <td key={c.key} title={typeof row[c.key] === 'string' && ISO_MOMENT.test(row[c.key] as string) ? undefined : cellText(row[c.key])}>
                        <Cell value={row[c.key]} />
                      </td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}

      {error && <ErrorLine error={error} />}
      <div className="import-actions">
        <button type="button" className="secondary" onClick={backToMapping} disabled={busy}>
          Back to mapping
        </button>
        <span className="muted import-actions-note">{preview.valid === 0 ? 'No row can be imported: fix the mapping or the file.' : ''}</span>
        <button type="submit" disabled={busy || preview.valid === 0} autoFocus data-testid="import-start">
          {busy ? 'Starting…' : `Import ${plural(preview.valid, 'row')}`}
        </button>
      </div>
    </form>
  );
}
