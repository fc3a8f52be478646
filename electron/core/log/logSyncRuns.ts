// Sync runs in the log, read from the events the engine already pushes to the screens: a line
// when a run starts, and one when it ends with its outcome, how long it took, the outbox and
// conflict counts, and how many records of each kind it changed. Ids and counts only.
import type { SyncStatus } from '../../../shared/domain';
import type { EventHub } from '../EventHub';
import type { AppLog, LogFields } from './AppLog';

/** Writes a line per run start and end into `log`; returns the unsubscribe. */
export function logSyncRuns(hub: EventHub, log: AppLog, now: () => number = Date.now): () => void {
  let run: { startedAt: number; pending: number; changed: Map<string, number> } | null = null;
  let runs = 0;
  return hub.subscribe((name, payload) => {
    if (name === 'changed' && run) {
      const { entity, ids } = payload as { entity: string; ids: string[] };
      run.changed.set(entity, (run.changed.get(entity) ?? 0) + ids.length);
      return;
    }
    if (name !== 'sync') return;
    const status = payload as SyncStatus;
    if (status.state === 'syncing') {
      if (run) return; // progress within the run
      runs++;
      run = { startedAt: now(), pending: status.pending, changed: new Map() };
      log.info('sync.start', { run: runs, waiting: status.pending, failed: status.failed, conflicts: status.conflicts, firstPull: status.initialImport });
      return;
    }
    if (!run) return;
    const fields: LogFields = {
      run: runs,
      state: status.state,
      ms: now() - run.startedAt,
      waitingBefore: run.pending,
      waiting: status.pending,
      failed: status.failed,
      conflicts: status.conflicts,
      firstPull: status.initialImport,
    };
    for (const [entity, count] of run.changed) fields[`changed.${entity}`] = count;
    run = null;
    if (status.state === 'failing' || status.state === 'paused_auth' || status.state === 'offline') log.warn('sync.end', { ...fields, why: status.message });
    else log.info('sync.end', fields);
  });
}
