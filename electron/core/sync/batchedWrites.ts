// Writes the pages that arrive together in one store transaction: the parallel first pull gets
// dozens of pages a second, and one commit for several of them writes each index page they share
// once, not once per page.

interface Job {
  write: () => void;
  /** Runs after the commit (events, progress); a throw fails this job only. */
  after: () => void;
  resolve: () => void;
  reject: (e: unknown) => void;
}

export class BatchedWrites {
  private readonly queue: Job[] = [];
  private scheduled = false;
  /**
   * The error of a transaction that failed. Its writes changed the callers' state in memory
   * (a range's cursor, the pages done) before the rollback, so a later commit would store that
   * state without the rows behind it: every write after a failure fails with it.
   */
  private failed: { error: unknown } | null = null;

  /** Callers waiting for the queue to shrink (see room). */
  private readonly waiting: (() => void)[] = [];
  /** Callers waiting for the queue to empty (see idle). */
  private readonly idleWaiters: (() => void)[] = [];

  constructor(
    private readonly transaction: (fn: () => void) => void,
    private readonly maxBatch = 16,
    /** Pages queued at most before `room` makes callers wait. */
    private readonly maxQueued = maxBatch,
  ) {}

  /**
   * Resolves once fewer than `maxQueued` writes wait. A reader asks before it fetches its next
   * page: when the writes are the slower part, pages that would only wait in memory (parsed, a
   * megabyte each) are not fetched yet, and the queue still never runs dry.
   */
  room(): Promise<void> {
    if (this.queue.length < this.maxQueued || this.failed) return Promise.resolve();
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  /** Resolves once no write waits to be written (at once when none does). */
  idle(): Promise<void> {
    if (this.queue.length === 0 && !this.scheduled) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /**
   * Queues a write; it runs with the others queued in the same turn of the event loop, in the
   * order they came, inside one transaction. Resolves once it is committed and `after` ran; a
   * failed transaction fails every write in it and every one after it.
   */
  write(write: () => void, after: () => void): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.failed) return reject(this.failed.error);
      this.queue.push({ write, after, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    try {
      this.flushBatch();
    } finally {
      // the jobs' `after` may have queued more: idle means none waits and none is scheduled
      if (this.queue.length === 0 && !this.scheduled) for (const resolve of this.idleWaiters.splice(0)) resolve();
    }
  }

  private flushBatch(): void {
    const jobs = this.queue.splice(0, this.maxBatch);
    this.scheduled = this.queue.length > 0;
    if (this.scheduled) setImmediate(() => this.flush());
    while (this.waiting.length > 0 && (this.queue.length < this.maxQueued || this.failed)) this.waiting.shift()!();
    if (this.failed) {
      for (const j of jobs) j.reject(this.failed.error);
      return;
    }
    try {
      this.transaction(() => {
        for (const j of jobs) j.write();
      });
    } catch (e) {
      this.failed = { error: e };
      for (const j of jobs) j.reject(e);
      return;
    }
    for (const j of jobs) {
      try {
        j.after();
        j.resolve();
      } catch (e) {
        j.reject(e);
      }
    }
  }
}
