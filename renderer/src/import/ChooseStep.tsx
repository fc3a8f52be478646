// Step 1: choose a file (button, or drop it on the screen), then its upload with a progress bar.
import { useRef } from 'react';
import { useClient } from '../state/ClientContext';
import { chooseFile, resetWizard, useImportWizard } from './importWizard';
import { ErrorLine } from './importParts';
import { ACCEPTED_EXTENSIONS, formatBytes } from './importWords';

export function ChooseStep() {
  const client = useClient();
  const error = useImportWizard((s) => s.error);
  const input = useRef<HTMLInputElement>(null);
  return (
    <div className="import-step import-choose" data-testid="import-choose">
      <div className="import-drop">
        <p className="import-drop-title">Drop a file anywhere on this screen, or</p>
        <button type="button" onClick={() => input.current?.click()} data-testid="import-choose-button">
          Choose a file…
        </button>
        <input
          ref={input}
          id="import-file"
          type="file"
          className="visually-hidden"
          tabIndex={-1}
          accept={ACCEPTED_EXTENSIONS.join(',')}
          aria-label="File to import"
          data-testid="import-file-input"
          onChange={(e) => {
            const file = e.target.files?.[0];
            // cleared so choosing the same file again (after fixing it) is a change too
            e.target.value = '';
            if (file) void chooseFile(client, file);
          }}
        />
        <p className="muted">
          CSV (comma, semicolon or tab separated) or JSON lines: {ACCEPTED_EXTENSIONS.join(' ')}. Contacts, companies with their users, or
          activity events such as page views with visitor id, referrer and landing page. Nothing is written before you have seen a preview.
        </p>
      </div>
      {error && <ErrorLine error={error} />}
    </div>
  );
}

export function UploadStep() {
  const file = useImportWizard((s) => s.file);
  const sent = useImportWizard((s) => s.sentBytes);
  const job = useImportWizard((s) => s.job);
  const error = useImportWizard((s) => s.error);
  const size = file?.size ?? 0;
  const reading = size > 0 && sent >= size;
  return (
    <div className="import-step import-upload" data-testid="import-upload">
      <h2 className="import-step-title" tabIndex={-1}>{file?.name ?? job?.fileName ?? 'File'}</h2>
      {size > 0 && (
        <>
          <progress className="import-progress" value={sent} max={size} aria-label="Upload" />
          <p className="muted" aria-live="polite">
            {reading && !error ? 'Reading the file and guessing its columns…' : `${formatBytes(sent)} of ${formatBytes(size)} sent`}
          </p>
        </>
      )}
      {size === 0 && !error && <p className="muted">Reading the file and guessing its columns…</p>}
      {error && (
        <>
          <ErrorLine error={error} />
          <div className="import-actions">
            <button type="button" onClick={resetWizard} autoFocus>
              Choose another file
            </button>
          </div>
        </>
      )}
    </div>
  );
}
