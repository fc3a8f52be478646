// Loaded with `node --import` into a process a bench measures from outside (the built browser-mode
// bridge, out/main/bridge.js, unchanged): that process's own event-loop delay
// (monitorEventLoopDelay, 1 ms resolution) and its garbage-collection pauses, over stdin/stdout:
// a line "reset" starts a window, a line "report" prints one line `PROBE {...}` with the window's
// figures. Plain JavaScript, so no loader runs in the measured process.
import { constants, monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';

const delay = monitorEventLoopDelay({ resolution: 1 });
delay.enable();
const KINDS = {
  [constants.NODE_PERFORMANCE_GC_MINOR]: 'minor',
  [constants.NODE_PERFORMANCE_GC_MAJOR]: 'major',
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental',
  [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weak callbacks',
};
const noGc = () => ({ count: 0, totalMs: 0, maxMs: 0, maxKind: null });
let gc = noGc();
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) {
    gc.count++;
    gc.totalMs += e.duration;
    if (e.duration > gc.maxMs) {
      gc.maxMs = e.duration;
      gc.maxKind = KINDS[e.detail?.kind] ?? String(e.detail?.kind);
    }
  }
}).observe({ entryTypes: ['gc'] });

let pending = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => {
  pending += chunk;
  let nl;
  while ((nl = pending.indexOf('\n')) >= 0) {
    const line = pending.slice(0, nl).trim();
    pending = pending.slice(nl + 1);
    if (line === 'reset') {
      delay.reset();
      gc = noGc();
    } else if (line === 'report') {
      const figures = { p99: delay.percentile(99) / 1e6, max: delay.max / 1e6, mean: delay.mean / 1e6, gc };
      process.stdout.write(`PROBE ${JSON.stringify(figures)}\n`);
    }
  }
});
// the probe never keeps the process alive: the bridge ends as it would without it
if (typeof process.stdin.unref === 'function') process.stdin.unref();
