// The Intercom connection chosen at start, shared by the desktop app and browser mode: the
// built-in sandbox (`--sandbox`), an address override (`--intercom-url`, `INTERCOM_BASE_URL`), or
// nothing (the settings screen decides).
import path from 'node:path';
import type { CoreOptions } from '../core/app';
import { writePrivateFile } from '../core/files/privateFiles';
import type { StartOptions } from './cliArgs';
import type { Sandbox } from '../sandbox';

export interface StartedIntercom {
  intercom?: CoreOptions['intercom'];
  sandbox: Sandbox | null;
  /** One line for the start banner. */
  describe: string;
}

/** Search in the demo lags like Intercom's does, but by seconds rather than minutes, so a demo sees it. */
const DEMO_SEARCH_LAG_MS = 5_000;

/** The demo workspace's file, beside the console's own store for it (`<data folder>/sandbox` by default). */
export const SANDBOX_WORKSPACE_FILE = 'sandbox-workspace.json';

/** The token of the sandbox's /_sandbox/ control surface, new on each start, readable only by this user. */
export const SANDBOX_CONTROL_TOKEN_FILE = 'sandbox-control-token';

export async function startIntercom(opts: Pick<StartOptions, 'sandbox' | 'intercomUrl' | 'dataDir'>): Promise<StartedIntercom> {
  if (opts.sandbox) {
    // Kept between starts: the console's store remembers the workspace's Intercom ids
    const stateFile = path.join(opts.dataDir, SANDBOX_WORKSPACE_FILE);
    // loaded only when asked for: the sandbox (an HTTP server and a whole workspace model) is no part of a console without it
    const { startSandbox } = await import('../sandbox');
    const sandbox = await startSandbox({ seed: 'demo', searchLagMs: DEMO_SEARCH_LAG_MS, stateFile });
    const controlFile = path.join(opts.dataDir, SANDBOX_CONTROL_TOKEN_FILE);
    try {
      writePrivateFile(controlFile, sandbox.controlToken);
    } catch (e) {
      await sandbox.close();
      throw e;
    }
    const setAside = sandbox.persistence?.setAside;
    const kept = sandbox.persistence?.restored ? `the demo workspace kept in ${stateFile}` : `a new demo workspace, kept in ${stateFile}`;
    return {
      sandbox,
      intercom: { baseUrl: sandbox.url, source: 'sandbox', token: sandbox.token },
      describe:
        `Intercom: the built-in sandbox at ${sandbox.url} (${kept} between starts` +
        (setAside ? `; the unreadable one was moved to ${setAside}` : '') +
        `; faults can be switched on at ${sandbox.url}/_sandbox/faults with the header "Authorization: Bearer <the token in ${controlFile}>")`,
    };
  }
  if (opts.intercomUrl) {
    return {
      sandbox: null,
      intercom: { baseUrl: opts.intercomUrl.url, source: opts.intercomUrl.source },
      describe: `Intercom: ${opts.intercomUrl.url} (from ${opts.intercomUrl.source === 'environment' ? 'INTERCOM_BASE_URL' : '--intercom-url'})`,
    };
  }
  return { sandbox: null, describe: 'Intercom: set the access token in Settings to sync' };
}
