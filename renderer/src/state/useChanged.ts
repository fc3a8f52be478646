// Refresh on the engine's pushed `changed` event (local edits, another window, a script, sync).
import { useEffect, useRef } from 'react';
import type { EventPayload } from '../../../shared/api';
import { useClient } from './ClientContext';

type Changed = EventPayload<'changed'>;

/**
 * Calls `onChange` (debounced by `delay` ms, batched) when a change touches one of `entities`
 * (or, with `ids`, one of those records).
 */
export function useChanged(entities: Changed['entity'][], onChange: (batch: Changed[]) => void, opts: { ids?: string[]; delay?: number } = {}) {
  const client = useClient();
  const cb = useRef(onChange);
  cb.current = onChange;
  const key = entities.join(',');
  const idKey = opts.ids?.join(',') ?? '';
  const delay = opts.delay ?? 60;
  useEffect(() => {
    const wanted = new Set(key.split(','));
    const ids = idKey ? new Set(idKey.split(',')) : null;
    let batch: Changed[] = [];
    let timer: ReturnType<typeof setTimeout> | undefined;
    const off = client.on('changed', (p) => {
      if (!wanted.has(p.entity)) return;
      if (ids && !p.ids.some((id) => ids.has(id))) return;
      batch.push(p);
      clearTimeout(timer);
      timer = setTimeout(() => {
        const b = batch;
        batch = [];
        cb.current(b);
      }, delay);
    });
    return () => {
      off();
      clearTimeout(timer);
    };
  }, [client, key, idKey, delay]);
}
