// Browser-mode entry point (built to out/main/bridge.js): opens the store in the data folder,
// serves the renderer and the API on 127.0.0.1, prints the URL to open, and shuts down cleanly
// on Ctrl+C.
import fs from 'node:fs';
import path from 'node:path';
import { AppError } from '../../shared/errors';
import { keepNewFilesPrivate } from '../core/files/privateFiles';
import { isDiskFull } from '../core/diskSpace';
import { DataFolderLock, FolderInUseError } from '../core/lock/DataFolderLock';
import { parseStartArgs, START_USAGE } from '../startup/cliArgs';
import { startIntercom } from '../startup/startIntercom';
import { startEngine } from '../engine/EngineHost';
import { ENGINE_NICE } from '../engine/protocol';
import { lowerHelperThreads } from '../engine/threadPriority';
import { startBridge } from './BridgeServer';

const DEFAULT_PORT = 4477;

function appVersion(): string {
  try {
    return (JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return '0.0.0';
  }
}

async function main() {
  keepNewFilesPrivate();
  const opts = parseStartArgs(process.argv.slice(2));
  if (opts.help) {
    console.log(START_USAGE);
    return;
  }
  // a page in a browser tab is not told what to open: say so rather than drop them silently
  if (opts.open.length > 0) console.warn('Lead Console: files to import and --contact are opened by the desktop app; browser mode leaves them.');
  const rendererDir = process.env.LEAD_CONSOLE_RENDERER_DIR || path.resolve(__dirname, '../renderer');
  // before anything in the data folder is written (the sandbox's files, the sweep, the store,
  // bridge.json): a second start on a folder in use stops here, having changed nothing
  const lock = DataFolderLock.acquire(opts.dataDir, { mode: 'browser' });
  // whatever way the process ends short of a kill (a failed start too); after a kill the OS drops the lock
  process.on('exit', () => lock.release());
  const intercom = await startIntercom(opts);
  // the bridge serves the core's exports folder (createCore's default) for browser downloads
  const exportsDir = path.join(opts.dataDir, 'exports');
  const version = appVersion();
  // the engine runs in a worker thread: this process only routes calls and events, so a long
  // import or funnel never holds the HTTP loop
  const core = await startEngine({
    dataDir: opts.dataDir,
    mode: 'browser',
    version,
    intercom: intercom.intercom,
    demoEvents: intercom.sandbox !== null,
    exportsDir,
    importGate: true,
    lock,
  });
  // the engine's work (its thread, V8's helpers collecting its heap) yields a core to the routing
  // thread; libuv's pool starts on its first use, so it is started first and lowered with the rest
  await fs.promises.stat(opts.dataDir);
  const lowered = lowerHelperThreads(ENGINE_NICE);
  // the log is written from here on only: a start refused before the store opened leaves the folder as it was
  const log = core.log;
  log.info('start', {
    version,
    mode: 'browser',
    dataDir: opts.dataDir,
    node: process.versions.node,
    pid: process.pid,
    intercom: opts.sandbox ? 'sandbox' : opts.intercomUrl ? opts.intercomUrl.source : 'settings',
    readOnly: core.readOnly !== null,
    helperThreadsLowered: lowered,
  });
  let bridge;
  try {
    bridge = await startBridge({ core, port: opts.port ?? DEFAULT_PORT, rendererDir, dataDir: opts.dataDir, exportsDir });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EADDRINUSE' && opts.port === null) {
      console.log(`Port ${DEFAULT_PORT} is taken; using a free port instead.`);
      bridge = await startBridge({ core, port: 0, rendererDir, dataDir: opts.dataDir, exportsDir });
    } else {
      log.error('start.failed', e);
      core.dispose();
      await intercom.sandbox?.close();
      throw e;
    }
  }
  lock.recordUrl(bridge.url);
  log.info('bridge.listening', { port: new URL(bridge.url).port });
  const started = bridge;
  let stopping = false;
  const stop = async (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    log.info('stop', { signal });
    await started.close();
    core.dispose();
    await intercom.sandbox?.close();
    lock.release();
    process.exit(0);
  };
  // before the banner: whoever reads it may stop the process at once
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  const saved = bridge.infoFile
    ? `The link is also saved in ${bridge.infoFile} (readable only by you).`
    : `The link could not be saved in ${path.join(opts.dataDir, 'bridge.json')} (${bridge.infoError}); copy it from here.`;
  const readOnly = core.readOnly ? `\n  ${core.readOnly}\n  Until then you can look around and export; every change (a rollback too) answers that the disk is full.\n` : '';
  console.log(`Lead Console is running in browser mode.
  Data folder: ${opts.dataDir}
  ${intercom.describe}${readOnly}
  Open this link in your browser (it carries this session's access token):

    ${bridge.openUrl}

  ${saved} Press Ctrl+C to stop.`);
}

/** Exit codes a script can tell apart: a damaged store and a full disk want different help. */
const EXIT_DAMAGED = 3;
const EXIT_DISK_FULL = 4;
/** Another process runs on the data folder (the launcher does not fall back to browser mode on it). */
const EXIT_IN_USE = 5;

main().catch((e: unknown) => {
  if (e instanceof FolderInUseError) {
    console.error(e.message);
    process.exit(EXIT_IN_USE);
  }
  if (e instanceof AppError) {
    console.error(`Lead Console could not start: ${e.message}`);
    if (e.code === 'DAMAGED') process.exit(EXIT_DAMAGED);
    if (e.code === 'DISK_FULL') process.exit(EXIT_DISK_FULL);
  } else if (isDiskFull(e)) {
    const file = (e as NodeJS.ErrnoException).path;
    console.error(`Lead Console could not start: the disk holding ${file ? path.dirname(file) : 'the data folder'} is full. Free some space and start again.`);
    process.exit(EXIT_DISK_FULL);
  } else if ((e as NodeJS.ErrnoException).code === 'EADDRINUSE') console.error(`Lead Console could not start: the port is already in use. Pick another with --port N.`);
  else console.error('Lead Console could not start:', e);
  process.exit(1);
});
