// Loads one record and keeps it fresh. While it reloads the last answer stays on screen (so an
// edit in progress is not unmounted), answers that arrive out of order are dropped, and a record
// that disappears is reported as gone rather than as an error.
import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError } from '../../../shared/client';

export interface RecordState<T> {
  data: T | null;
  /** The record does not exist (any more). */
  gone: boolean;
  /** The last load failed for another reason; `data` still holds the previous answer. */
  error: unknown;
  loading: boolean;
  reload(): Promise<void>;
  /** Applies a call's answer at once, before the pushed change triggers a reload. */
  patch(update: (d: T) => T): void;
}

export function useRecord<T>(load: () => Promise<T>): RecordState<T> {
  const [data, setData] = useState<T | null>(null);
  const [gone, setGone] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(true);
  const seq = useRef(0);

  const reload = useCallback(async () => {
    const n = ++seq.current;
    setLoading(true);
    try {
      const d = await load();
      if (n !== seq.current) return;
      setData(d);
      setGone(false);
      setError(null);
    } catch (e) {
      if (n !== seq.current) return;
      if (e instanceof ApiError && e.code === 'NOT_FOUND') {
        setGone(true);
        setData(null);
      } else setError(e);
    } finally {
      if (n === seq.current) setLoading(false);
    }
  }, [load]);

  useEffect(() => {
    void reload();
  }, [reload]);

  const patch = useCallback((update: (d: T) => T) => setData((d) => (d === null ? d : update(d))), []);
  return { data, gone, error, loading, reload, patch };
}
