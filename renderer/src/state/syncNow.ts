// "Sync now", as the settings screen's button and the desktop menu both ask for it: starts a run
// and says in a toast whether it started or why not.
import type { Client } from '../../../shared/client';
import { applySyncStatus, useSync } from './syncStore';
import { describeSync } from './syncWords';
import { toast } from './toastStore';

export async function syncNow(client: Client): Promise<void> {
  try {
    const st = await client.call('sync.now', {});
    applySyncStatus(st);
    if (st.state === 'syncing') toast.info('Sync started');
    else toast.info(describeSync(st, useSync.getState().online).text);
  } catch (e) {
    toast.error(e);
  }
}
