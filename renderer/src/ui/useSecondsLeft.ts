// A live countdown to a moment (a message's undo-send hold): the whole seconds left, re-rendered
// each second until it passes. Both ends run on this computer (the store and the screen), so the
// server's time can be read against the local clock.
import { useEffect, useState } from 'react';

/** Seconds left until `iso` (rounded up), 0 once it has passed or when there is none. */
export function useSecondsLeft(iso: string | null | undefined): number {
  const end = iso ? Date.parse(iso) : NaN;
  const left = () => (Number.isNaN(end) ? 0 : Math.max(0, Math.ceil((end - Date.now()) / 1000)));
  const [, tick] = useState(0);
  const now = left();
  useEffect(() => {
    if (now <= 0) return;
    // wake at the next whole second
    const ms = (end - Date.now()) % 1000 || 1000;
    const t = setTimeout(() => tick((n) => n + 1), ms + 20);
    return () => clearTimeout(t);
  });
  return now;
}
