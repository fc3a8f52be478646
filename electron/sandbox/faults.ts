// Switchable faults of the Intercom sandbox and the seeded random source that decides them,
// so a failing run replays identically from the same randomSeed.

export interface SandboxFaults {
  /** Added before answering every API request. */
  latencyMs: number;
  /** Plus a random 0..jitter on top of latencyMs. */
  latencyJitterMs: number;
  /** 0..1: answer 500/502/503/504 without applying the request. */
  errorRate: number;
  /** 0..1, POST/PUT/DELETE only: apply the change, then destroy the socket without an answer. */
  dropAfterCommitRate: number;
  /** 0..1: do not apply and never answer. */
  timeoutRate: number;
  /** The next N API requests get 429 whatever the window says; counts down. */
  rateLimit429Burst: number;
}

export const DEFAULT_FAULTS: Readonly<SandboxFaults> = Object.freeze({
  latencyMs: 0,
  latencyJitterMs: 0,
  errorRate: 0,
  dropAfterCommitRate: 0,
  timeoutRate: 0,
  rateLimit429Burst: 0,
});

const RATES = new Set<keyof SandboxFaults>(['errorRate', 'dropAfterCommitRate', 'timeoutRate']);

/** Applies a partial patch (from code or from JSON over the control surface); throws on a bad value. */
export function mergeFaults(base: SandboxFaults, patch: unknown): SandboxFaults {
  if (patch === undefined || patch === null) return { ...base };
  if (typeof patch !== 'object' || Array.isArray(patch)) throw new TypeError('faults must be an object');
  const out = { ...base };
  for (const [key, value] of Object.entries(patch as Record<string, unknown>)) {
    if (!(key in DEFAULT_FAULTS)) throw new TypeError(`unknown fault '${key}'`);
    const k = key as keyof SandboxFaults;
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) throw new TypeError(`fault '${key}' must be a number >= 0`);
    if (RATES.has(k) && value > 1) throw new TypeError(`fault '${key}' is a rate between 0 and 1`);
    out[k] = k === 'rateLimit429Burst' ? Math.floor(value) : value;
  }
  return out;
}

export type Random = () => number;

/** mulberry32: tiny, fast and good enough to make fault runs reproducible. */
export function createRandom(seed: number): Random {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export type FaultDecision = 'none' | 'error' | 'timeout' | 'drop';

/**
 * One draw per kind, always in the same order, so that switching one rate does not reshuffle
 * what the others decide for a given request sequence.
 */
export function decideFault(f: SandboxFaults, random: Random, mutating: boolean): FaultDecision {
  const e = random();
  const t = random();
  const d = random();
  if (e < f.errorRate) return 'error';
  if (t < f.timeoutRate) return 'timeout';
  if (mutating && d < f.dropAfterCommitRate) return 'drop';
  return 'none';
}

export function latencyFor(f: SandboxFaults, random: Random): number {
  if (f.latencyMs <= 0 && f.latencyJitterMs <= 0) return 0;
  return f.latencyMs + (f.latencyJitterMs > 0 ? random() * f.latencyJitterMs : 0);
}

export interface GatewayError {
  status: 500 | 502 | 503 | 504;
  /** Intercom's gateway sometimes answers a 504 with an HTML page instead of an error.list. */
  html: boolean;
  code: string;
  message: string;
}

export function pickGatewayError(random: Random): GatewayError {
  const r = random();
  if (r < 0.25) return { status: 500, html: false, code: 'server_error', message: 'Server Error' };
  if (r < 0.45) return { status: 502, html: false, code: 'bad_gateway', message: 'Bad Gateway' };
  if (r < 0.7) return { status: 503, html: false, code: 'service_unavailable', message: 'Sorry, the API service is temporarily unavailable' };
  if (r < 0.85) return { status: 504, html: false, code: 'server_timeout', message: 'Server timed out' };
  return { status: 504, html: true, code: 'server_timeout', message: 'Gateway Time-out' };
}

export const GATEWAY_TIMEOUT_HTML =
  '<html>\r\n<head><title>504 Gateway Time-out</title></head>\r\n<body>\r\n<center><h1>504 Gateway Time-out</h1></center>\r\n</body>\r\n</html>\r\n';
