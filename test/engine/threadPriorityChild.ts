// Run by threadPriority.test.ts in a process of its own (a thread's priority, once lowered, cannot
// be raised back without privileges): a worker that lowers itself to 15, then the process's other
// threads lowered to 10, then once again.
import fs from 'node:fs';
import os from 'node:os';
import { Worker } from 'node:worker_threads';
import { lowerHelperThreads } from '../../electron/engine/threadPriority';

const worker = new Worker("require('node:os').setPriority(0, 15); require('node:worker_threads').parentPort.postMessage('lowered'); setInterval(() => {}, 1000);", { eval: true });
worker.once('message', () => {
  const before = os.getPriority(0);
  const lowered = lowerHelperThreads(10);
  const threads = fs.readdirSync('/proc/self/task').map((t) => ({ tid: Number(t), nice: os.getPriority(Number(t)) }));
  const again = lowerHelperThreads(10);
  console.log(JSON.stringify({ pid: process.pid, before, lowered, threads, again }));
  process.exit(0);
});
