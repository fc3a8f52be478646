// Browser mode's bridge is a Node process whose only job on its main thread is routing: its other
// threads are the engine's worker (which lowers itself, see engineWorker.ts), V8's helper threads
// and libuv's pool. V8's helpers mark, sweep and compact the engine's heap (hundreds of MB during a
// first import) at the priority the process started with, so on a machine with few cores they take
// the core the routing thread wakes up for: measured on 2 cores, the bridge's loop waited up to
// 20-30 ms for a core during a first import, and a worker allocating as hard with its helpers
// lowered too left the main thread's waits under 9 ms. Linux gives each thread its own nice
// value, so this lowers every thread of the process but the main one; it is not done in the
// desktop app, whose main process also runs Chromium's threads (its IPC among them).
import fs from 'node:fs';
import os from 'node:os';

/**
 * Lowers every thread of this process except the main one to `nice` (Linux only; elsewhere the
 * call would lower the whole process). Threads started afterwards by the main thread keep its
 * priority. Returns how many threads were lowered.
 */
export function lowerHelperThreads(nice: number): number {
  if (process.platform !== 'linux') return 0;
  let lowered = 0;
  let tasks: string[];
  try {
    tasks = fs.readdirSync('/proc/self/task');
  } catch {
    return 0;
  }
  for (const task of tasks) {
    const tid = Number(task);
    if (!Number.isInteger(tid) || tid === process.pid) continue;
    try {
      if (os.getPriority(tid) < nice) {
        os.setPriority(tid, nice);
        lowered++;
      }
    } catch {
      // the thread ended meanwhile, or lowering it is not allowed here: it keeps its priority
    }
  }
  return lowered;
}
