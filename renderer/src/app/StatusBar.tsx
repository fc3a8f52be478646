// The bottom line that says, at a glance, whether the network is there and how many changes
// still wait for Intercom. It never claims "synced" for work that is only local.
import { useCallback, useEffect, useState } from 'react';
import { useClient } from './ClientContext';
import { useNav } from './navStore';
import { useChanged } from './useChanged';
import { plural } from '../ui/labels';

export function useOnline(): boolean {
  const [online, setOnline] = useState(() => navigator.onLine);
  useEffect(() => {
    const on = () => setOnline(navigator.onLine);
    window.addEventListener('online', on);
    window.addEventListener('offline', on);
    return () => {
      window.removeEventListener('online', on);
      window.removeEventListener('offline', on);
    };
  }, []);
  return online;
}

export function StatusBar() {
  const client = useClient();
  const online = useOnline();
  const go = useNav((s) => s.go);
  const [waiting, setWaiting] = useState<{ pending: number; failed: number } | null>(null);
  const [engineDown, setEngineDown] = useState(false);

  const refresh = useCallback(async () => {
    try {
      const [pending, failed] = await Promise.all([
        client.call('outbox.list', { status: ['pending', 'in_flight'], limit: 1 }),
        client.call('outbox.list', { status: ['failed'], limit: 1 }),
      ]);
      setWaiting({ pending: pending.total, failed: failed.total });
      setEngineDown(false);
    } catch {
      setEngineDown(true);
    }
  }, [client]);

  useEffect(() => {
    void refresh();
    const t = setInterval(() => void refresh(), 15_000);
    return () => clearInterval(t);
  }, [refresh]);
  useChanged(['contact', 'company', 'outbox'], () => void refresh(), { delay: 150 });

  return (
    <footer className="status-bar" data-testid="status-bar">
      <span className={`net ${online ? 'online' : 'offline'}`} data-testid="net-status" role="status">
        <span className="dot" aria-hidden="true" />
        {online ? 'Online' : 'Offline: changes are kept here and sync later'}
      </span>
      {engineDown && (
        <span className="error" role="alert">
          Lost contact with the Lead Console engine; retrying…
        </span>
      )}
      <button type="button" className="link outbox-count" data-testid="outbox-count" onClick={() => go('outbox')} aria-label="Open the outbox">
        {waiting === null
          ? 'Outbox…'
          : waiting.pending === 0 && waiting.failed === 0
            ? 'Nothing waits for Intercom'
            : `${plural(waiting.pending, 'change')} wait for Intercom`}
        {waiting && waiting.failed > 0 && <span className="error"> · {waiting.failed} failed</span>}
      </button>
    </footer>
  );
}
