// Screens fetched in their own chunk, loaded on demand and preloaded once the first rows are up.
// Unlike React.lazy, a failed fetch is not kept: "Try again" asks the server again, so a moment
// without the network costs one click, not a reload.
import { createElement, use, type ComponentType } from 'react';

export interface OnDemand<P extends object> {
  /** The screen in words, for an error about it. */
  what: string;
  /** Renders the screen; suspends while its chunk loads, throws a LoadError if it failed. */
  Component: ComponentType<P>;
  /** Starts the fetch (once; again after a failure was retried). */
  preload(): Promise<ComponentType<P>>;
}

/** A chunk that did not arrive; `what` names the screen in words ("the New lead form"). */
export class LoadError extends Error {
  constructor(
    readonly what: string,
    override readonly cause: unknown,
  ) {
    super(`Could not load ${what}`);
    this.name = 'LoadError';
  }
}

const all: OnDemand<never>[] = [];
/** Forgets each failed fetch, so the next render fetches it again. */
const failed = new Set<() => void>();

export function onDemand<P extends object>(what: string, load: () => Promise<ComponentType<P>>): OnDemand<P> {
  let promise: Promise<ComponentType<P>> | null = null;
  let loaded: ComponentType<P> | null = null;
  const forget = () => {
    promise = null;
    failed.delete(forget);
  };
  const preload = () => {
    promise ??= load().then(
      (c) => (loaded = c),
      (e: unknown) => {
        failed.add(forget);
        throw new LoadError(what, e);
      },
    );
    return promise;
  };
  function Component(props: P) {
    const C = loaded ?? use(preload());
    return createElement(C, props);
  }
  Component.displayName = `OnDemand(${what})`;
  const entry: OnDemand<P> = { what, Component, preload };
  all.push(entry as unknown as OnDemand<never>);
  return entry;
}

/** Forgets every failed fetch: the screens that failed are asked for again when next shown. */
export function retryFailedLoads(): void {
  for (const forget of [...failed]) forget();
}

/** Fetches every on-demand screen now (after the first paint), so a later network blip does not matter. */
export function preloadOnDemand(): void {
  // a failure here is not shown but forgotten: the screen asks again when it is opened, and says
  // so if it fails then
  for (const d of all) d.preload().catch(retryFailedLoads);
}
