// The sync's state for every screen, kept fresh by one feed (shell/syncFeed.ts, started by the
// status bar). Screens read it with `useSync`, and reload their lists when `useOnSyncMoved` fires.
import { useEffect, useRef } from 'react';
import { create } from 'zustand';
import type { SyncStatus } from '../../../shared/domain';

interface SyncState {
  status: SyncStatus | null;
  /** Outbox counts, only while the engine has no sync (an older engine): never claims "synced". */
  fallback: { pending: number; failed: number } | null;
  /** The engine did not answer the last ask. */
  engineDown: boolean;
  /** The browser's own network flag (navigator.onLine). */
  online: boolean;
}

export const useSync = create<SyncState>()(() => ({
  status: null,
  fallback: null,
  engineDown: false,
  online: typeof navigator === 'undefined' ? true : navigator.onLine,
}));

/** Applies a status from any answer (sync.now, sync.setOnline) so every screen shows it at once. */
export function applySyncStatus(status: SyncStatus): void {
  useSync.setState({ status, fallback: null, engineDown: false });
}

/**
 * A key that changes whenever the sync moved something (a run ended, the counts changed), not on
 * every progress tick: screens reload their lists when it changes.
 */
export function useSyncMoved(): string {
  return useSync((s) => (s.status ? `${s.status.state}|${s.status.pending}|${s.status.failed}|${s.status.conflicts}|${s.status.lastRunAt ?? ''}` : ''));
}

/**
 * Calls `onMoved` when the sync moved something (see `useSyncMoved`), not at mount, and at most
 * once per `every` ms: a run that sends thousands of entries changes the counts all the time.
 */
export function useOnSyncMoved(onMoved: () => void, every = 800): void {
  const moved = useSyncMoved();
  const cb = useRef(onMoved);
  cb.current = onMoved;
  const last = useRef(moved);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useEffect(() => {
    if (last.current === moved) return;
    last.current = moved;
    timer.current ??= setTimeout(() => {
      timer.current = undefined;
      cb.current();
    }, every);
  }, [moved, every]);
  useEffect(
    () => () => {
      clearTimeout(timer.current);
      timer.current = undefined;
    },
    [],
  );
}
