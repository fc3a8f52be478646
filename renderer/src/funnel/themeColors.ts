// The theme's colours for the charts, read from the CSS variables of styles.css (so a chart follows
// light and dark like the rest of the page) and read again when the system theme changes.
import { useEffect, useState } from 'react';
import type { FunnelStage } from '../../../shared/segments';

export interface ChartColors {
  text: string;
  muted: string;
  line: string;
  panel: string;
  stage: Record<FunnelStage, string>;
  stuck: string;
  accent: string;
}

function read(): ChartColors {
  const css = typeof document === 'undefined' ? null : getComputedStyle(document.documentElement);
  const v = (name: string, fallback: string) => css?.getPropertyValue(name).trim() || fallback;
  return {
    text: v('--text', '#1b1b1f'),
    muted: v('--muted', '#5f6170'),
    line: v('--line', '#dfe1e7'),
    panel: v('--panel', '#ffffff'),
    stage: {
      lead: v('--stage-lead-fill', '#7d8aa6'),
      signed_up: v('--stage-signed_up-fill', '#4a63d8'),
      sql: v('--stage-sql-fill', '#d08a1c'),
      customer: v('--stage-customer-fill', '#2f9a50'),
    },
    stuck: v('--chart-stuck', '#c0504d'),
    accent: v('--accent', '#3451c6'),
  };
}

export function useChartColors(): ChartColors {
  const [colors, setColors] = useState(read);
  useEffect(() => {
    const media = window.matchMedia('(prefers-color-scheme: dark)');
    const update = () => setColors(read());
    media.addEventListener('change', update);
    return () => media.removeEventListener('change', update);
  }, []);
  return colors;
}

/** Recharts' tooltip in the theme's colours (its default is black on white, unreadable in dark). */
export const tooltipStyle = {
  contentStyle: { background: 'var(--panel)', border: '1px solid var(--line)', color: 'var(--text)' },
  labelStyle: { color: 'var(--text)' },
  itemStyle: { color: 'var(--text)' },
} as const;
