// The stage funnel's scale and label slots with skewed counts: every stage visible, nothing overlapping.
import { describe, expect, it } from 'vitest';
import { GAP_H, layoutStages, logWidth, MIN_BAR, NAME_W, ROW_H, VALUE_W } from '../../renderer/src/funnel/stageFunnelLayout';

describe('stage funnel layout', () => {
  const skewed = [
    { reached: 100_000, count: 96_600 },
    { reached: 3_400, count: 3_000 },
    { reached: 450, count: 400 },
    { reached: 50, count: 50 },
  ];

  it('shows every stage: the Lead bar does not flatten the others', () => {
    const { bars, span } = layoutStages(skewed, 800);
    expect(span).toBe(800 - NAME_W - VALUE_W);
    for (const b of bars) expect(b.reachedW).toBeGreaterThan(span / 4);
    // ordered as the counts are, and the largest fills the span
    expect(bars[0]!.reachedW).toBeCloseTo(span);
    for (let i = 1; i < bars.length; i++) expect(bars[i]!.reachedW).toBeLessThan(bars[i - 1]!.reachedW);
    // a linear scale would have drawn the last one 0.05% of the span
    expect(bars[3]!.reachedW / span).toBeGreaterThan(0.3);
  });

  it('gives one contact the minimum width and nobody no bar', () => {
    expect(logWidth(1, 100_000, 500)).toBe(MIN_BAR);
    expect(logWidth(0, 100_000, 500)).toBe(0);
    expect(logWidth(1, 1, 500)).toBe(500);
  });

  it('keeps every label in a slot of its own, inside the drawing', () => {
    for (const width of [380, 600, 1400]) {
      const { bars, height } = layoutStages(skewed, width);
      expect(height).toBe(4 * ROW_H + 3 * GAP_H);
      for (const [i, b] of bars.entries()) {
        // rows and the conversion line below each never share a vertical band
        if (i > 0) expect(b.y).toBeGreaterThanOrEqual(bars[i - 1]!.gapY! + GAP_H);
        expect(b.valueX + VALUE_W).toBeLessThanOrEqual(Math.max(width, NAME_W + VALUE_W + MIN_BAR * 4) + 6);
        expect(b.countW).toBeLessThanOrEqual(b.reachedW);
      }
    }
  });
});
