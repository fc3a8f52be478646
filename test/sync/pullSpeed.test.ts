// Import speed: a large workspace at 30 ms a page must import in about the time its pages take to
// arrive (page n is written while page n+1 is on the wire).
import { afterEach, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../electron/sandbox';
import { IntercomClient } from '../../electron/core/sync/IntercomClient';
import { Puller } from '../../electron/core/sync/Puller';
import { DEFAULT_STAGE_VALUES } from '../../shared/domain';
import { removeTempDir, startCore, type TestCore } from '../helpers/testCore';

// a timing means something on a quiet machine only, so it runs when asked:
//   PULL_SPEED_CONTACTS=100000 npx vitest run test/sync/pullSpeed
const CONTACTS = Number(process.env.PULL_SPEED_CONTACTS ?? 0);
const COMPANIES = Math.max(1, Math.round(CONTACTS / 100));
const LATENCY_MS = 30;

let t: TestCore | null = null;
let sb: Sandbox | null = null;
afterEach(async () => {
  t?.dispose();
  if (t) removeTempDir(t.dir);
  await sb?.close();
});

it.skipIf(CONTACTS === 0)(`imports ${CONTACTS.toLocaleString('en')} contacts at ${LATENCY_MS} ms a page within 1.3x of pages x latency`, { timeout: 600_000 }, async () => {
  sb = await startSandbox({ seed: { contacts: CONTACTS, companies: COMPANIES, withStageAttributes: true }, searchLagMs: 0, randomSeed: 1, rateLimit: { limit: 1_000_000, windowMs: 10_000 } });
  sb.setFaults({ latencyMs: LATENCY_MS });
  t = startCore();
  const abort = new AbortController();
  const puller = new Puller({
    store: t.core.store,
    client: new IntercomClient({ baseUrl: sb.url, token: sb.token, signal: abort.signal }),
    settings: () => ({ stageAttribute: 'Stage', companyStageAttribute: 'Company Stage', stageValues: DEFAULT_STAGE_VALUES }),
    now: Date.now,
    signal: abort.signal,
    changed: () => undefined,
    concurrency: 8,
    log: () => undefined,
  });
  const started = performance.now();
  const summary = await puller.firstPull();
  const ms = performance.now() - started;
  const floor = summary.pages * LATENCY_MS;
  // the floor counts every page, company scroll pages included
  console.log(`import: ${CONTACTS} contacts, ${COMPANIES} companies, ${summary.pages} pages, ${Math.round(ms)} ms; pages x latency = ${floor} ms; ratio ${(ms / floor).toFixed(2)}`);
  expect(t.core.store.contacts.count()).toBe(CONTACTS);
  expect(ms).toBeLessThan(1.3 * floor);
});
