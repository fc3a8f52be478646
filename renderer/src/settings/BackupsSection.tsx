// Settings' backups: the copies of the store the console keeps (daily, before an update of its
// format, on request), "Back up now", and putting one back after saying what that does.
import { useCallback, useEffect, useId, useState } from 'react';
import type { MethodOutput } from '../../../shared/api';
import { ApiError } from '../../../shared/client';
import { useClient } from '../state/ClientContext';
import { useChanged } from '../state/useChanged';
import { describeError, toast } from '../state/toastStore';
import { confirmAction } from '../ui/Dialog';
import { formatDateTime, plural } from '../ui/labels';
import { When } from '../ui/When';

type Backups = MethodOutput<'backup.list'>;
type Backup = Backups['items'][number];

const REASON: Record<Backup['reason'], string> = {
  daily: 'Daily',
  manual: 'Backed up by hand',
  'pre-migration': 'Before an update',
  'before-restore': 'Kept at a restore',
};

function formatSize(bytes: number): string {
  if (bytes < 1024 * 1024) return `${Math.max(1, Math.round(bytes / 1024))} KB`;
  if (bytes < 1024 * 1024 * 1024) return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
  return `${(bytes / (1024 * 1024 * 1024)).toFixed(2)} GB`;
}

/** The engine's own words for a backup problem (they name the file or folder); the usual ones otherwise. */
function backupError(e: unknown): string {
  return e instanceof ApiError ? e.message : describeError(e);
}

export function BackupsSection() {
  const client = useClient();
  const uid = useId();
  const [backups, setBackups] = useState<Backups | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState<'backup' | 'restore' | null>(null);
  const [done, setDone] = useState<string | null>(null);

  const load = useCallback(async () => {
    try {
      setBackups(await client.call('backup.list', {}));
    } catch (e) {
      setError(`Could not read the backups: ${backupError(e)}`);
    }
  }, [client]);

  useEffect(() => {
    void load();
  }, [load]);
  // a restore from another window changes the list too
  useChanged(['outbox'], (batch) => {
    if (batch.some((p) => p.op === 'backup.restored')) void load();
  });

  const backUpNow = async () => {
    setBusy('backup');
    setError(null);
    setDone(null);
    try {
      const b = await client.call('backup.now', {});
      setDone(`Backed up: ${b.name} (${formatSize(b.sizeBytes)}).`);
      await load();
    } catch (e) {
      setError(`The backup failed: ${backupError(e)}`);
    } finally {
      setBusy(null);
    }
  };

  const restore = async (b: Backup) => {
    const ok = await confirmAction({
      title: `Restore the backup of ${formatDateTime(b.takenAt)}?`,
      body: (
        <>
          <p>
            Everything in Lead Console goes back to how it was on {formatDateTime(b.takenAt)}: contacts, companies, stages and changes
            made since then are replaced by that copy.
          </p>
          <p>
            Your current data is kept first, as a backup of its own (“Kept at a restore”) in this list, so you can go back to it.
          </p>
          <p>Changes Intercom already received are not sent again; the next sync brings back what Intercom has.</p>
        </>
      ),
      confirmLabel: 'Restore this backup',
      danger: true,
    });
    if (!ok) return;
    setBusy('restore');
    setError(null);
    setDone(null);
    try {
      const r = await client.call('backup.restore', { name: b.name, confirm: true });
      const waiting = r.outbox.toRecheck > 0 ? ` ${plural(r.outbox.toRecheck, 'change')} that may have reached Intercom will be checked by the next sync.` : '';
      setDone(`Restored the backup of ${formatDateTime(b.takenAt)}. Your data before the restore was kept as ${r.keptAs}.${waiting}`);
      toast.ok('Backup restored');
      await load();
    } catch (e) {
      setError(`The restore failed; your data is as it was. ${backupError(e)}`);
    } finally {
      setBusy(null);
    }
  };

  return (
    <section className="settings-section" aria-labelledby={`${uid}-h`} data-testid="settings-backups">
      <h2 id={`${uid}-h`}>Backups</h2>
      <p className="muted settings-help">
        Lead Console copies its data once a day and before every update of its format, without stopping
        {backups ? (
          <>
            , into <code>{backups.folder}</code>
          </>
        ) : null}
        . Daily copies are kept 7 days, the others 30.
      </p>
      <div className="settings-buttons">
        <button type="button" onClick={() => void backUpNow()} disabled={busy !== null} data-testid="backup-now">
          {busy === 'backup' ? 'Backing up…' : 'Back up now'}
        </button>
      </div>
      <div aria-live="polite">
        {done && (
          <p className="settings-result settings-result-ok" role="status" data-testid="backup-done">
            {done}
          </p>
        )}
        {busy === 'restore' && <p role="status">Restoring…</p>}
      </div>
      {error && (
        <p className="field-error" role="alert" data-testid="backup-error">
          {error}
        </p>
      )}
      {backups && backups.items.length === 0 && (
        <p className="empty" data-testid="backups-empty">
          No backups yet. The first daily one is taken when Lead Console starts; “Back up now” takes one at once.
        </p>
      )}
      {backups && backups.items.length > 0 && (
        <table className="settings-backups" data-testid="backup-list">
          <caption className="muted">Restore from a backup…</caption>
          <thead>
            <tr>
              <th scope="col">Taken</th>
              <th scope="col">Why</th>
              <th scope="col">Size</th>
              <th scope="col">
                <span className="visually-hidden">Action</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {backups.items.map((b) => (
              <tr key={b.name} data-testid="backup-row" title={b.name}>
                <td>
                  <When at={b.takenAt} />
                </td>
                <td>{REASON[b.reason]}</td>
                <td>{formatSize(b.sizeBytes)}</td>
                <td>
                  <button
                    type="button"
                    className="secondary"
                    disabled={busy !== null}
                    aria-label={`Restore the backup of ${formatDateTime(b.takenAt)}`}
                    onClick={() => void restore(b)}
                  >
                    Restore…
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
