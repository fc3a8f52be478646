// Paces every request made with one Intercom token, so concurrent workers share the window's budget
// (X-RateLimit-Remaining) without overshooting it, and all of them stand still after a 429.

export interface RateLimiterOptions {
  maxConcurrent?: number; // default 8
  now?: () => number; // ms, local clock
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  random?: () => number;
  jitterMs?: number; // default 250
}

export interface RateObservation {
  status: number;
  limit?: number;
  remaining?: number;
  reset?: number; // unix s: when the current window ends
  /** The answer's Date header (ms): Reset is on Intercom's clock, and ours may be off by more than a window. */
  date?: number;
}

export interface RateLimiterSnapshot {
  limit: number | null;
  remaining: number | null;
  /** End of the current window, ms on Intercom's clock. */
  resetAt: number | null;
  inFlight: number;
  waiting: number;
  /** Total time requests were held back by the rate limit (not by maxConcurrent). */
  throttledMs: number;
  count429: number;
}

interface Waiter {
  grant: (release: () => void) => void;
  fail: (reason: unknown) => void;
}

/** setTimeout as a promise that an AbortSignal cuts short (rejecting with its reason). */
export const abortableSleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });

// A Date header is floored to the second and a little old on arrival, so each sample is at most the
// true offset; the largest recent one is the best estimate that never makes a window look over early.
const CLOCK_JUMP_MS = 2_000;

export class RateLimiter {
  private readonly maxConcurrent: number;
  private readonly now: () => number;
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  private readonly random: () => number;
  private readonly jitterMs: number;

  private limit: number | null = null;
  private remaining: number | null = null;
  private resetAt: number | null = null; // ms, Intercom's clock
  private offset = 0; // Intercom's clock minus ours, ms
  private offsetKnown = false;
  private answered = false;
  /** Local ms before which nobody starts (after a 429 or an exhausted window), jitter included. */
  private blockedUntil = 0;

  private inFlight = 0;
  private readonly queue: Waiter[] = [];
  private throttledMs = 0;
  private throttledSince: number | null = null;
  private count429 = 0;

  private wakeAt: number | null = null;
  private wakeCancel: AbortController | null = null;

  constructor(opts: RateLimiterOptions = {}) {
    this.maxConcurrent = Math.max(1, opts.maxConcurrent ?? 8);
    this.now = opts.now ?? Date.now;
    this.sleep = opts.sleep ?? abortableSleep;
    this.random = opts.random ?? Math.random;
    this.jitterMs = Math.max(0, opts.jitterMs ?? 250);
  }

  /** Waits for a turn (FIFO); resolves to the release function, which must be called once the answer is observed. */
  acquire(signal?: AbortSignal): Promise<() => void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        const i = this.queue.indexOf(waiter);
        if (i >= 0) this.queue.splice(i, 1);
        reject(signal?.reason);
        this.pump();
      };
      const waiter: Waiter = {
        grant: (release) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(release);
        },
        fail: reject,
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.queue.push(waiter);
      this.pump();
    });
  }

  observe(info: RateObservation): void {
    const t = this.now();
    this.answered = true;
    if (info.date !== undefined && Number.isFinite(info.date)) {
      const sample = info.date - t;
      if (!this.offsetKnown || sample > this.offset || sample < this.offset - CLOCK_JUMP_MS) this.offset = sample;
      this.offsetKnown = true;
    }
    const reset = info.reset !== undefined && Number.isFinite(info.reset) ? info.reset * 1000 : null;
    if (info.limit !== undefined && Number.isFinite(info.limit) && info.limit > 0) {
      if (reset === null || this.resetAt === null || reset >= this.resetAt) this.limit = info.limit;
    }
    if (info.status === 429) {
      this.count429++;
      if (reset !== null) {
        if (this.resetAt === null || reset >= this.resetAt) this.resetAt = reset;
        this.remaining = 0;
        this.blockedUntil = Math.max(this.blockedUntil, reset - this.offset + this.jitter());
      }
    } else if (reset !== null && info.remaining !== undefined && Number.isFinite(info.remaining)) {
      if (this.resetAt === null || reset > this.resetAt) {
        this.resetAt = reset; // a later reset: a new window
        this.remaining = info.remaining;
      } else if (reset === this.resetAt) {
        // answers arrive out of order; within a window the count only goes down
        this.remaining = this.remaining === null ? info.remaining : Math.min(this.remaining, info.remaining);
      } // else: a late answer from a window that is over
    }
    this.pump();
  }

  snapshot(): RateLimiterSnapshot {
    const t = this.now();
    return {
      limit: this.limit,
      remaining: this.remaining,
      resetAt: this.resetAt,
      inFlight: this.inFlight,
      waiting: this.queue.length,
      throttledMs: this.throttledMs + (this.throttledSince === null ? 0 : t - this.throttledSince),
      count429: this.count429,
    };
  }

  private jitter(): number {
    return Math.floor(this.random() * this.jitterMs);
  }

  /** 0: start now; a number: the rate limit says wait that long; 'slot': wait for a request to finish. */
  private verdict(t: number): number | 'slot' {
    if (t < this.blockedUntil) return this.blockedUntil - t;
    if (this.inFlight >= this.maxConcurrent) return 'slot';
    // before any answer we know nothing about the budget left: one probe first
    if (!this.answered) return this.inFlight === 0 ? 0 : 'slot';
    const windowOpen = this.resetAt !== null && t + this.offset < this.resetAt;
    if (windowOpen && this.remaining !== null) {
      // in-flight requests have not been counted by any answer yet: they will spend the budget too
      if (this.remaining - this.inFlight > 0) return 0;
      this.blockedUntil = this.resetAt! - this.offset + this.jitter();
      return Math.max(1, this.blockedUntil - t);
    }
    // a new window (or no headers at all): assume the full limit until its first answer says otherwise
    if (this.limit !== null && this.limit - this.inFlight <= 0) return 'slot';
    return 0;
  }

  private pump(): void {
    const t = this.now();
    while (this.queue.length > 0) {
      const v = this.verdict(t);
      if (v === 0) {
        this.endThrottle(t);
        this.inFlight++;
        this.queue.shift()!.grant(this.releaser());
        continue;
      }
      if (v === 'slot') this.endThrottle(t);
      else {
        this.throttledSince ??= t;
        this.wakeIn(v, t);
      }
      return;
    }
    this.endThrottle(t);
    // nobody waits: drop the timer so it does not hold the process open until the window ends
    this.wakeCancel?.abort();
    this.wakeCancel = null;
    this.wakeAt = null;
  }

  private endThrottle(t: number): void {
    if (this.throttledSince === null) return;
    this.throttledMs += t - this.throttledSince;
    this.throttledSince = null;
  }

  private releaser(): () => void {
    let done = false;
    return () => {
      if (done) return;
      done = true;
      this.inFlight--;
      this.pump();
    };
  }

  /** One timer for the whole queue, re-armed only when an earlier wake-up is needed. */
  private wakeIn(ms: number, t: number): void {
    const at = t + ms;
    if (this.wakeAt !== null && this.wakeAt <= at) return;
    this.wakeCancel?.abort();
    const cancel = new AbortController();
    this.wakeCancel = cancel;
    this.wakeAt = at;
    this.sleep(ms, cancel.signal).then(
      () => {
        if (this.wakeCancel !== cancel) return;
        this.wakeAt = null;
        this.wakeCancel = null;
        this.pump();
      },
      () => undefined,
    );
  }
}
