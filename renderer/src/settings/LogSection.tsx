// Settings' log: the last lines of the console's log file (start-up, sync runs, errors) and where
// the file is, with Copy for a support request. The log holds ids and counts, never a token.
import { useCallback, useEffect, useId, useRef, useState } from 'react';
import type { MethodOutput } from '../../../shared/api';
import { useClient } from '../state/ClientContext';
import { useSync } from '../state/syncStore';
import { describeError, toast } from '../state/toastStore';

type Tail = MethodOutput<'logs.tail'>;

const LINES = 200;

/** Through the clipboard API where the page may use it, else the selection (the desktop app denies permissions). */
async function copyText(text: string, fallback: HTMLElement | null): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    if (!fallback) return false;
    const range = document.createRange();
    range.selectNodeContents(fallback);
    const selection = window.getSelection();
    selection?.removeAllRanges();
    selection?.addRange(range);
    // deprecated, but the one way left to copy what is selected when the clipboard API is refused
    return document.execCommand('copy');
  }
}

export function LogSection() {
  const client = useClient();
  const uid = useId();
  const [tail, setTail] = useState<Tail | null>(null);
  const [error, setError] = useState<string | null>(null);
  const linesRef = useRef<HTMLPreElement>(null);
  // a sync run that ended adds lines: read again when the last run's time moves
  const lastRunAt = useSync((s) => s.status?.lastRunAt ?? null);
  const syncing = useSync((s) => s.status?.state === 'syncing');

  const load = useCallback(async () => {
    try {
      setTail(await client.call('logs.tail', { lines: LINES }));
      setError(null);
    } catch (e) {
      setError(`Could not read the log: ${describeError(e)}`);
    }
  }, [client]);

  useEffect(() => {
    if (!syncing) void load();
  }, [load, lastRunAt, syncing]);

  const copy = async (text: string, what: string, from: HTMLElement | null) => {
    if (await copyText(text, from)) toast.ok(`${what} copied.`);
    else toast.info(`Could not copy; select the ${what.toLowerCase()} and copy it.`);
  };

  return (
    <section className="settings-section" aria-labelledby={`${uid}-h`} data-testid="settings-log">
      <h2 id={`${uid}-h`}>Log</h2>
      <p className="muted settings-help">
        What Lead Console did: each start, each sync run with its counts, and errors. It holds record ids and counts, never your
        token or your contacts’ details, so you can send it along when you ask for help.
        {tail?.file ? (
          <>
            {' '}
            The file: <code data-testid="log-file">{tail.file}</code> (and older ones beside it, kept up to 5 MB).
          </>
        ) : null}
      </p>
      <div className="settings-buttons">
        <button type="button" onClick={() => void load()} className="secondary" data-testid="log-refresh">
          Refresh
        </button>
        <button
          type="button"
          onClick={() => void copy((tail?.lines ?? []).join('\n') + '\n', 'Log lines', linesRef.current)}
          disabled={!tail || tail.lines.length === 0}
          data-testid="log-copy"
        >
          Copy lines
        </button>
        {tail?.file && (
          <button type="button" className="secondary" onClick={() => void copy(tail.file, 'Path', null)} data-testid="log-copy-path">
            Copy path
          </button>
        )}
      </div>
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
      {tail && tail.lines.length === 0 && (
        <p className="empty" data-testid="log-empty">
          Nothing logged yet.
        </p>
      )}
      {tail && tail.lines.length > 0 && (
        <pre className="settings-log" ref={linesRef} tabIndex={0} aria-label={`The last ${tail.lines.length} lines of the log`} data-testid="log-lines">
          {tail.lines.join('\n')}
        </pre>
      )}
    </section>
  );
}
