import { describe, expect, it } from 'vitest';
import { LocalId } from '../../shared/domain';
import { TimeOrderedIds } from '../../electron/core/sync/TimeOrderedIds';

describe('TimeOrderedIds', () => {
  it('makes local ids (UUIDs) that sort in the order they were made, even past 4,096 in one millisecond', () => {
    let t = Date.UTC(2026, 11, 6);
    const ids = new TimeOrderedIds(() => t);
    const made: string[] = [];
    for (let i = 0; i < 10_000; i++) {
      made.push(ids.next());
      if (i === 9_000) t += 5; // the clock moves on while the borrowed milliseconds are used
    }
    t -= 1_000; // a clock set back does not send ids back
    made.push(ids.next());
    for (const id of made) expect(LocalId.safeParse(id).success).toBe(true);
    expect(new Set(made).size).toBe(made.length);
    expect([...made].sort()).toEqual(made);
    expect(made[0]!.slice(0, 13)).toBe(`${Date.UTC(2026, 11, 6).toString(16).padStart(12, '0').slice(0, 8)}-${Date.UTC(2026, 11, 6).toString(16).padStart(12, '0').slice(8)}`);
    expect(made[0]![14]).toBe('7');
  });
});
