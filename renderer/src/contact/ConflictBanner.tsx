// A note at the top of a record page when some of its fields conflict with Intercom, linking to
// the conflicts view (the record stays open beside it). Shared by the lead and the company page.
import { useCallback, useEffect, useRef, useState } from 'react';
import { useClient } from '../state/ClientContext';
import { useNav } from '../state/navStore';
import { useOnSyncMoved } from '../state/syncStore';
import { useChanged } from '../state/useChanged';
import { plural } from '../ui/labels';

export function ConflictBanner({ entityId, testId = 'conflict-banner' }: { entityId: string; testId?: string }) {
  const client = useClient();
  const go = useNav((s) => s.go);
  const [count, setCount] = useState(0);
  const latest = useRef(0);

  const load = useCallback(async () => {
    const ask = ++latest.current;
    try {
      const r = await client.call('conflicts.list', { entityId, limit: 1 });
      if (ask === latest.current) setCount(r.total);
    } catch {
      // the banner is a hint: when the engine cannot say, the conflicts view and status bar still do
    }
  }, [client, entityId]);

  useEffect(() => {
    void load();
  }, [load]);
  useChanged(['contact', 'company'], () => void load(), { ids: [entityId], delay: 150 });
  useOnSyncMoved(() => void load());

  if (count === 0) return null;
  return (
    <div className="banner" role="note" data-testid={testId}>
      <span>
        {count === 1 ? 'One field was' : `${plural(count, 'field')} were`} changed both here and in Intercom.
      </span>
      <button type="button" className="link" onClick={() => go('conflicts', { keepPanel: true })}>
        Choose which to keep
      </button>
    </div>
  );
}
