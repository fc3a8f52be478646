// Step 2: what the file holds and where each column goes. The engine's guesses come preselected;
// every choice can be changed, and the duplicate rule is chosen once for the whole import.
import { IMPORT_KINDS, DUPLICATE_MODES } from '../../../shared/activity';
import { withoutFieldLabel } from '../../../shared/fieldLabels';
import { useClient } from '../state/ClientContext';
import { plural } from '../ui/labels';
import { changeKind, resetWizard, runPreview, setDuplicates, setTarget, useImportWizard } from './importWizard';
import { EncodingNote, ErrorLine } from './importParts';
import { DUPLICATE_HINT, DUPLICATE_KEYS, DUPLICATE_LABEL, KIND_LABEL, targetOptions } from './importWords';

/** How many sample values each column shows. */
const SAMPLES = 3;

/** The message without its lead-in naming the column (the row already says which column). */
const withoutField = (e: { message: string; field?: string }) => withoutFieldLabel(e.message, e.field);

/** A cell as one line: line breaks inside quoted cells show as ↵. */
const oneLine = (v: string) => v.replace(/\r?\n/g, ' ↵ ');

export function MappingStep() {
  const client = useClient();
  const job = useImportWizard((s) => s.job);
  const analysis = useImportWizard((s) => s.analysis);
  const kind = useImportWizard((s) => s.kind);
  const mapping = useImportWizard((s) => s.mapping);
  const duplicates = useImportWizard((s) => s.duplicates);
  const error = useImportWizard((s) => s.error);
  const busy = useImportWizard((s) => s.busy);
  if (!job || !analysis) return null;

  const columnError = (column: string) => (error?.field && (error.field === `mapping.${column}` || error.field === `mapping["${column}"]`) ? error : null);
  const generalError = error && !analysis.columns.some((c) => columnError(c)) ? error : null;
  const mappedCount = analysis.columns.filter((c) => (mapping[c] ?? 'ignore') !== 'ignore').length;

  return (
    <form
      className="import-step import-mapping"
      data-testid="import-mapping"
      aria-labelledby="import-mapping-title"
      onSubmit={(e) => {
        e.preventDefault();
        void runPreview(client);
      }}
    >
      <h2 id="import-mapping-title" className="import-step-title" tabIndex={-1}>
        {job.fileName}
        <span className="muted import-step-sub">
          {plural(job.rowsTotal, 'row')}
          {job.format ? `, ${job.format === 'csv' ? 'CSV' : 'JSON lines'}` : ''}
          {job.encoding ? `, ${job.encoding}` : ''}
        </span>
      </h2>
      <EncodingNote job={job} />

      <label className="field import-kind">
        <span>What the file holds</span>
        <select value={kind} disabled={busy} onChange={(e) => void changeKind(client, e.target.value as typeof kind)} data-testid="import-kind">
          {IMPORT_KINDS.map((k) => (
            <option key={k} value={k}>
              {KIND_LABEL[k]}
              {k === analysis.guessedKind ? ' (guessed from the columns)' : ''}
            </option>
          ))}
        </select>
      </label>

      <table className="import-table import-columns" aria-label="Columns of the file">
        <thead>
          <tr>
            <th scope="col">Column in the file</th>
            <th scope="col">Sample values</th>
            <th scope="col">Goes to</th>
          </tr>
        </thead>
        <tbody>
          {analysis.columns.map((column, i) => {
            const samples = analysis.sample
              .map((row) => row[i] ?? '')
              .filter((v) => v.trim() !== '')
              .slice(0, SAMPLES);
            const target = mapping[column] ?? 'ignore';
            const err = columnError(column);
            const id = `import-target-${i}`;
            return (
              <tr key={column} data-testid="import-column" data-column={column} className={target === 'ignore' ? 'ignored' : undefined}>
                <th scope="row">
                  <label htmlFor={id}>{column || <span className="muted">(no name)</span>}</label>
                </th>
                <td>
                  <div className="import-samples">
                    {samples.length === 0 ? (
                      <span className="muted">empty in the first rows</span>
                    ) : (
                      samples.map((v, j) => (
                        <span key={j} className="import-sample" title={v}>
                          {oneLine(v)}
                        </span>
                      ))
                    )}
                  </div>
                </td>
                <td>
                  <select
                    id={id}
                    value={target}
                    onChange={(e) => setTarget(column, e.target.value)}
                    aria-invalid={err ? true : undefined}
                    aria-describedby={err ? `${id}-error` : undefined}
                    disabled={busy}
                    data-testid="import-target"
                  >
                    {targetOptions(kind, column, target).map((o) => (
                      <option key={o.value} value={o.value}>
                        {o.label}
                      </option>
                    ))}
                  </select>
                  {err && (
                    <span id={`${id}-error`} className="field-error" role="alert">
                      {withoutField(err)}
                    </span>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>

      <fieldset className="import-duplicates" data-testid="import-duplicates">
        <legend>When a row matches a record that already exists</legend>
        <p className="muted import-keys">{DUPLICATE_KEYS[kind]}</p>
        {DUPLICATE_MODES.map((mode) => (
          <label key={mode} className={`import-mode ${duplicates === mode ? 'active' : ''}`}>
            <input type="radio" name="import-duplicates" value={mode} checked={duplicates === mode} onChange={() => setDuplicates(mode)} />
            <span>
              <strong>{DUPLICATE_LABEL[mode]}</strong>
              <span className="muted"> {DUPLICATE_HINT[mode]}</span>
            </span>
          </label>
        ))}
      </fieldset>

      {generalError && <ErrorLine error={generalError} />}
      <div className="import-actions">
        <button type="button" className="secondary" onClick={resetWizard}>
          Choose another file
        </button>
        <span className="muted import-actions-note">{mappedCount === 0 ? 'Map at least one column.' : `${plural(mappedCount, 'column')} mapped`}</span>
        <button type="submit" disabled={busy || mappedCount === 0} data-testid="import-preview-button">
          {busy ? 'Checking…' : 'Preview'}
        </button>
      </div>
    </form>
  );
}
