// Where the stage funnel's bars and labels go: a log scale, so 50 customers still show beside
// 100,000 leads, with a minimum width for any stage that has someone; every label in a slot of
// its own (names left, counts right of their bar, conversions on the line between two stages),
// so no two labels can overlap whatever the counts. Pure: tested and drawn apart.

export const ROW_H = 30;
export const GAP_H = 20;
export const NAME_W = 92;
export const VALUE_W = 210;
export const MIN_BAR = 6;

export interface StageBarInput {
  count: number;
  reached: number;
}

export interface StageBarLayout {
  y: number;
  reachedW: number;
  countW: number;
  /** Where the count label starts: just right of the reached bar. */
  valueX: number;
  /** The conversion line below this stage (none after the last). */
  gapY: number | null;
}

/** Width of n on a log scale where `max` fills `span`; anyone at all gets at least MIN_BAR. */
export function logWidth(n: number, max: number, span: number): number {
  if (n <= 0 || max <= 0 || span <= 0) return 0;
  if (max <= 1) return Math.max(MIN_BAR, span);
  return MIN_BAR + (span - MIN_BAR) * (Math.log10(n) / Math.log10(max));
}

export function layoutStages(rows: readonly StageBarInput[], width: number): { height: number; barX: number; span: number; bars: StageBarLayout[] } {
  const barX = NAME_W;
  const span = Math.max(MIN_BAR * 4, width - NAME_W - VALUE_W);
  const max = Math.max(0, ...rows.map((r) => r.reached), ...rows.map((r) => r.count));
  const bars = rows.map((r, i) => {
    const y = i * (ROW_H + GAP_H);
    const reachedW = logWidth(r.reached, max, span);
    // "there now" is part of "reached": never drawn longer than it
    const countW = Math.min(reachedW, logWidth(r.count, max, span));
    return { y, reachedW, countW, valueX: barX + reachedW + 6, gapY: i < rows.length - 1 ? y + ROW_H : null };
  });
  return { height: rows.length * ROW_H + (rows.length - 1) * GAP_H, barX, span, bars };
}
