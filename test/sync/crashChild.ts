// Child process of the crash test: opens the store in the given folder and syncs it with the
// given Intercom until nothing waits, saying "SYNCING" when it starts sending and "DONE" at the
// end. The parent kills it (SIGKILL) at random moments in between.
import { createCore } from '../../electron/core/app';

const [dataDir, baseUrl, token] = process.argv.slice(2);
if (!dataDir || !baseUrl || !token) {
  console.error('usage: crashChild <dataDir> <baseUrl> <token>');
  process.exit(2);
}

async function main() {
  const core = createCore({
    dataDir: dataDir!,
    mode: 'test',
    autoSync: false,
    actor: 'crash-test',
    intercom: { baseUrl: baseUrl!, source: 'start-option', token: token! },
    sync: { client: { timeoutMs: 1000, backoff: { baseMs: 5, maxMs: 50 } } },
    log: (m, e) => console.error(m, e),
  });
  process.stdout.write('SYNCING\n');
  for (let i = 0; i < 200; i++) {
    const s = await core.sync.runOnce();
    if (s.state === 'idle' && s.pending === 0 && s.initialImport === 'done') {
      core.dispose();
      process.stdout.write(`DONE ${JSON.stringify({ runs: i + 1, failed: s.failed })}\n`);
      return;
    }
    if (s.state === 'paused_auth') throw new Error(`sync paused: ${s.message}`);
    // deferred entries wait for their retry time; the test sandbox answers fast
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('sync did not settle in 200 runs');
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
