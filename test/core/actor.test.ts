// Who changes are recorded under: the person's name from Settings, else the connected Intercom
// admin's (GET /me), never the OS account; a new name applies to the changes after it.
import os from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { createCore, type Core } from '../../electron/core/app';
import { UNKNOWN_ACTOR } from '../../electron/core/settings/SettingsService';
import { startSandbox, type Sandbox } from '../../electron/sandbox';
import { createClient, type Client } from '../../shared/client';
import { makeTempDir, removeTempDir } from '../helpers/testCore';

const open: { core: Core; dir: string; sb: Sandbox | null }[] = [];
afterEach(async () => {
  for (const o of open.splice(0)) {
    o.core.dispose();
    removeTempDir(o.dir);
    await o.sb?.close();
  }
});

async function rig(opts: { sandbox: boolean; actor?: string }): Promise<{ core: Core; api: Client; sb: Sandbox | null }> {
  const dir = makeTempDir();
  const sb = opts.sandbox ? await startSandbox({ seed: 'empty', searchLagMs: 0, randomSeed: 5 }) : null;
  const core = createCore({
    dataDir: dir,
    mode: 'test',
    validateOutput: true,
    ...(opts.actor ? { actor: opts.actor } : {}),
    ...(sb ? { intercom: { baseUrl: sb.url, source: 'sandbox' as const, token: sb.token } } : {}),
  });
  open.push({ core, dir, sb });
  return { core, api: createClient({ invoke: (m, i) => core.call(m, i), subscribe: (l) => core.subscribe(l) }), sb };
}

async function historyActors(api: Client, id: string): Promise<string[]> {
  return (await api.call('contacts.get', { id })).history.map((h) => h.actor);
}

describe('the actor', () => {
  it('is never the OS account name, even before anyone is known', async () => {
    const { api } = await rig({ sandbox: false });
    const { contact } = await api.call('contacts.create', { email: 'a@example.com' });
    const [actor] = await historyActors(api, contact.id);
    expect(actor).toBe(UNKNOWN_ACTOR);
    expect(actor).not.toBe(os.userInfo().username);
    expect((await api.call('app.info', {})).actor).toBe(UNKNOWN_ACTOR);
  });

  it('defaults to the connected Intercom admin from GET /me', async () => {
    const { api, sb } = await rig({ sandbox: true });
    await api.call('sync.testConnection', {});
    const adminName = sb!.workspace.me().name;
    expect(adminName).toBe('Sam Sandbox');
    expect((await api.call('settings.get', {})).actor).toBe(adminName);
    const { contact } = await api.call('contacts.create', { email: 'b@example.com' });
    expect(await historyActors(api, contact.id)).toEqual([adminName]);
  });

  it('follows the name given in Settings, for the changes after it only', async () => {
    const { api } = await rig({ sandbox: true });
    await api.call('sync.testConnection', {});
    const { contact } = await api.call('contacts.create', { email: 'c@example.com' });
    expect(await api.call('settings.set', { yourName: '  Ada Lovelace ' })).toEqual({ changed: ['yourName'] });
    expect(await api.call('settings.get', {})).toMatchObject({ yourName: 'Ada Lovelace', actor: 'Ada Lovelace' });
    await api.call('contacts.setStage', { id: contact.id, stage: 'signed_up', confirm: true });
    // newest first: the promotion under the new name, the creation kept under the admin's
    expect(await historyActors(api, contact.id)).toEqual(['Ada Lovelace', 'Sam Sandbox']);
    expect((await api.call('app.info', {})).actor).toBe('Ada Lovelace');
    // cleared: back to the admin
    await api.call('settings.set', { yourName: '' });
    expect(await api.call('settings.get', {})).toMatchObject({ yourName: null, actor: 'Sam Sandbox' });
  });

  it("the name in Settings wins over a process's fixed default", async () => {
    const { api } = await rig({ sandbox: false, actor: 'import-script' });
    expect((await api.call('settings.get', {})).actor).toBe('import-script');
    await api.call('settings.set', { yourName: 'Grace' });
    const { contact } = await api.call('contacts.create', { email: 'd@example.com' });
    expect(await historyActors(api, contact.id)).toEqual(['Grace']);
  });
});
