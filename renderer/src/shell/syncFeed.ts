// The one feed behind `useSync`: asks `sync.status` at start, follows the pushed `sync` event,
// asks again when local changes touch the outbox (the counts move before any run), and tells the
// engine when the browser goes online or offline. The status bar starts it, once per window.
import { useEffect, useRef } from 'react';
import { ApiError } from '../../../shared/client';
import { useClient } from '../state/ClientContext';
import { applySyncStatus, useSync } from '../state/syncStore';
import { useChanged } from '../state/useChanged';

/** Starts the feed; call once (the status bar does). */
export function useSyncFeed(): void {
  const client = useClient();
  const asked = useRef(0);
  const eventsSeen = useRef(0);

  const refresh = useRef(async () => {});
  refresh.current = async () => {
    const ask = ++asked.current;
    const eventsBefore = eventsSeen.current;
    try {
      const status = await client.call('sync.status', {});
      // a newer answer, or a pushed status that arrived meanwhile, wins
      if (ask !== asked.current || eventsBefore !== eventsSeen.current) return;
      applySyncStatus(status);
    } catch (e) {
      if (ask !== asked.current) return;
      if (e instanceof ApiError && e.code === 'UNKNOWN_METHOD') {
        try {
          const [pending, failed] = await Promise.all([
            client.call('outbox.list', { status: ['pending', 'in_flight'], limit: 1 }),
            client.call('outbox.list', { status: ['failed'], limit: 1 }),
          ]);
          if (ask === asked.current) useSync.setState({ status: null, fallback: { pending: pending.total, failed: failed.total }, engineDown: false });
        } catch {
          if (ask === asked.current) useSync.setState({ engineDown: true });
        }
      } else useSync.setState({ engineDown: true });
    }
  };

  useEffect(() => {
    void refresh.current();
    const t = setInterval(() => void refresh.current(), 15_000);
    const off = client.on('sync', (status) => {
      eventsSeen.current++;
      applySyncStatus(status);
    });
    return () => {
      clearInterval(t);
      off();
    };
  }, [client]);

  // local changes add to the outbox; the counts follow without waiting for a run
  useChanged(['contact', 'company', 'outbox'], () => void refresh.current(), { delay: 150 });

  useEffect(() => {
    const tell = () => {
      const online = navigator.onLine;
      useSync.setState({ online });
      client.call('sync.setOnline', { online }).then(applySyncStatus, () => {
        // an engine without sync, or one that is gone: the next ask says so
      });
    };
    window.addEventListener('online', tell);
    window.addEventListener('offline', tell);
    // a window opened while offline says so at once; online is the engine's own assumption
    if (!navigator.onLine) tell();
    return () => {
      window.removeEventListener('online', tell);
      window.removeEventListener('offline', tell);
    };
  }, [client]);
}
