// The one plural helper and the one date style every screen uses.
import { describe, expect, it } from 'vitest';
import { exactTime, moment, plural, pluralFraction, relativeTime } from '../../shared/words';

describe('plural', () => {
  it('says "1 day" and "2 days", "0 days"', () => {
    expect(plural(1, 'day')).toBe('1 day');
    expect(plural(2, 'day')).toBe('2 days');
    expect(plural(0, 'day')).toBe('0 days');
    expect(plural(1, 'company', 'companies')).toBe('1 company');
    expect(plural(3, 'company', 'companies')).toBe('3 companies');
  });
  it('writes a fraction in the plural unless it reads exactly 1', () => {
    expect(pluralFraction(1, 'day')).toBe('1 day');
    expect(pluralFraction(1.04, 'day')).toBe('1 day');
    expect(pluralFraction(1.5, 'day')).toMatch(/^1.5 days$/);
    expect(pluralFraction(0.5, 'day')).toMatch(/^0.5 days$/);
  });
});

describe('one date style', () => {
  const now = Date.parse('2026-06-22T12:00:00.000Z');
  it('writes a moment relative to now', () => {
    expect(relativeTime('2026-06-22T11:59:50.000Z', now)).toBe(new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' }).format(0, 'second'));
    expect(relativeTime('2026-06-19T12:00:00.000Z', now)).toMatch(/3 days ago/);
    expect(relativeTime('2026-06-22T14:00:00.000Z', now)).toMatch(/in 2 hours/);
    expect(relativeTime(null, now)).toBe('');
    expect(relativeTime('not a date', now)).toBe('');
  });
  it('gives the exact local date and time for the hover title, never an ISO string', () => {
    const m = moment('2026-06-22T00:00:00.000Z', now);
    expect(m.iso).toBe('2026-06-22T00:00:00.000Z');
    expect(m.title).toBe(exactTime('2026-06-22T00:00:00.000Z'));
    expect(m.title).not.toContain('T00:00');
    expect(m.title).toMatch(/2026/);
    expect(m.text).toBe(relativeTime('2026-06-22T00:00:00.000Z', now));
    // a number of ms and a string are the same moment
    expect(moment(Date.parse('2026-06-22T00:00:00.000Z'), now)).toEqual(m);
  });
});
