// The sandbox's contact search over ranges of creation days, as the parallel first pull asks for
// them (contactPartitions.ts): the calendar-day rule in the workspace's timezone, neighbouring
// ranges that share no day and leave none out, the created_at sort, and the same answers from the
// creation-ordered index as from a scan of every contact (contacts added out of order included).
import { afterEach, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../electron/sandbox';
import { partitionQuery, splitById, splitPartition, type ContactPartition } from '../../electron/core/sync/contactPartitions';

const open: Sandbox[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});

const DAY = 86_400;
const T0 = Date.UTC(2025, 2, 1) / 1000;

/** Every id the search returns for a query, page after page (50 a page), and the created_at of each. */
function searchAll(sb: Sandbox, query: unknown): Array<{ id: string; created_at: number }> {
  const out: Array<{ id: string; created_at: number }> = [];
  let after: string | undefined;
  for (;;) {
    const page = sb.workspace.searchContacts({ query, sort: { field: 'created_at', order: 'ascending' }, pagination: { per_page: 50, ...(after ? { starting_after: after } : {}) } });
    out.push(...page.data.map((c) => ({ id: c.id, created_at: c.created_at })));
    after = page.pages.next?.starting_after;
    if (!after) return out;
  }
}

async function workspaceAround(timezoneOffsetMinutes: number): Promise<Sandbox> {
  const sb = await startSandbox({ randomSeed: 3, searchLagMs: 0, timezoneOffsetMinutes, now: () => (T0 + 40 * DAY) * 1000 });
  open.push(sb);
  // contacts every 5 hours over 30 days, so several fall on each side of every midnight; then a
  // few older ones added last (the creation index must not rely on the order contacts come in)
  for (let s = T0; s < T0 + 30 * DAY; s += 5 * 3600) sb.workspace.insertContact({ role: 'lead', email: `c${s}@example.com`, created_at: s });
  for (let k = 1; k <= 5; k++) sb.workspace.insertContact({ role: 'user', email: `old${k}@example.com`, created_at: T0 - k * 7 * 3600 });
  return sb;
}

describe('search by ranges of creation days', () => {
  for (const tz of [0, -300, 330]) {
    it(`ranges cut from the whole workspace share no contact and leave none out (timezone ${tz} min)`, async () => {
      const sb = await workspaceAround(tz);
      const all = sb.workspace.contacts().map((c) => c.id).sort();
      const whole: ContactPartition = { from: null, to: null, cursor: null };
      const everyone = searchAll(sb, partitionQuery(whole));
      expect(everyone.map((c) => c.id).sort()).toEqual(all);
      // sorted by creation, whatever order they were added in
      expect(everyone.map((c) => c.created_at)).toEqual([...everyone.map((c) => c.created_at)].sort((a, b) => a - b));

      const parts = splitPartition(whole, everyone.length, everyone[0]!.created_at, T0 + 40 * DAY, 10)!;
      expect(parts.length).toBeGreaterThan(10);
      const seen = new Map<string, number>();
      const dayOf = (s: number) => Math.floor((s + tz * 60) / DAY);
      parts.forEach((p, i) => {
        for (const c of searchAll(sb, partitionQuery(p))) {
          seen.set(c.id, (seen.get(c.id) ?? 0) + 1);
          // the calendar-day rule: from the day of `from` up to, not including, the day of `to`
          if (p.from !== null) expect(dayOf(c.created_at)).toBeGreaterThanOrEqual(dayOf(p.from));
          if (p.to !== null) expect(dayOf(c.created_at), `range ${i}`).toBeLessThan(dayOf(p.to));
        }
      });
      expect([...seen.keys()].sort()).toEqual(all);
      expect([...seen.values()].every((n) => n === 1)).toBe(true);
    });
  }

  it('answers a bounded query from the creation index exactly as a scan of everyone by the day rule', async () => {
    const tz = -300;
    const sb = await workspaceAround(tz);
    const from = T0 + 3 * DAY + 7 * 3600;
    const to = T0 + 9 * DAY + 2 * 3600;
    const ranged = searchAll(sb, partitionQuery({ from, to })).map((c) => c.id);
    const dayOf = (s: number) => Math.floor((s + tz * 60) / DAY);
    const expected = sb.workspace
      .contacts()
      .filter((c) => dayOf(c.created_at) >= dayOf(from) && dayOf(c.created_at) < dayOf(to))
      .sort((a, b) => a.created_at - b.created_at)
      .map((c) => c.id);
    expect(ranged.length).toBeGreaterThan(20);
    expect(ranged).toEqual(expected);
    // a query that bounds no creation day reads everyone
    expect(searchAll(sb, { field: 'updated_at', operator: '>', value: 0 }).length).toBe(sb.workspace.contacts().length);
  });

  it('a range cut by the last digits of the ids (a day too full to cut by time) shares no contact and leaves none out', async () => {
    const sb = await workspaceAround(0);
    const range: ContactPartition = { from: T0 + 2 * DAY, to: T0 + 20 * DAY, cursor: null };
    const whole = searchAll(sb, partitionQuery(range)).map((c) => c.id).sort();
    expect(whole.length).toBeGreaterThan(50);
    const sixteen = splitById(range, whole)!;
    expect(sixteen.map((p) => p.idEnds)).toEqual([...'0123456789abcdef']);
    // and one of them cut again: two digits
    const again = splitById(sixteen[3]!, whole)!;
    expect(again.every((p) => p.idEnds!.endsWith('3') && p.idEnds!.length === 2)).toBe(true);
    const pieces = [...sixteen.filter((_, i) => i !== 3), ...again];
    const got = pieces.flatMap((p) => searchAll(sb, partitionQuery(p)).map((c) => c.id)).sort();
    expect(got).toEqual(whole);
    // ids that do not look like Intercom's are not cut that way (a piece could miss them)
    expect(splitById(range, ['user-1', 'user-2'])).toBeNull();
  });
});
