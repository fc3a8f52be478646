// The window's place between starts: its size, position and maximised state, kept in the data
// folder (window-state.json, readable by this user only) and put back on a screen that still
// exists. Pure but for the file, so the placing is tested without Electron.
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { writePrivateFile } from '../core/files/privateFiles';

export const WINDOW_STATE_FILE = 'window-state.json';

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface WindowState {
  /** The window's size and place when not maximised (what un-maximising returns to). */
  bounds: Rect;
  maximized: boolean;
}

/** A first start's size, and the least the screens are laid out for (also the window's minimum). */
export const DEFAULT_SIZE = { width: 1280, height: 800 } as const;
export const MIN_SIZE = { width: 900, height: 560 } as const;

/** How much of a window must show on a display for it to count as there: enough to grab and drag. */
const VISIBLE_PART = 48;

const int = z.number().int().min(-100_000).max(100_000);
const StoredState = z.object({
  bounds: z.object({ x: int, y: int, width: int.positive(), height: int.positive() }),
  maximized: z.boolean(),
});

/** What the last run left, or null when there is nothing usable (first start, a damaged or foreign file). */
export function readWindowState(dataDir: string): WindowState | null {
  let raw: string;
  try {
    raw = fs.readFileSync(path.join(dataDir, WINDOW_STATE_FILE), 'utf8');
  } catch {
    return null;
  }
  try {
    const parsed = StoredState.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

export function writeWindowState(dataDir: string, state: WindowState): void {
  writePrivateFile(path.join(dataDir, WINDOW_STATE_FILE), JSON.stringify(state) + '\n');
}

function overlap(a: Rect, b: Rect): { width: number; height: number } {
  return {
    width: Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x),
    height: Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y),
  };
}

const clamp = (v: number, lo: number, hi: number) => Math.min(Math.max(v, lo), hi);

/** The rect moved and shrunk as little as needed to lie wholly inside the area. */
export function fitInto(rect: Rect, area: Rect): Rect {
  const width = Math.min(Math.max(rect.width, MIN_SIZE.width), area.width);
  const height = Math.min(Math.max(rect.height, MIN_SIZE.height), area.height);
  return {
    x: clamp(rect.x, area.x, area.x + area.width - width),
    y: clamp(rect.y, area.y, area.y + area.height - height),
    width,
    height,
  };
}

/**
 * Where to open the window: as it was, on the display that shows most of it, fitted into that
 * display's work area; on the primary display's work area when the display it was on is gone
 * (a monitor unplugged, a laptop undocked) or too little of it shows anywhere. A first start gets
 * the default size and no position (Electron centres it).
 */
export function placeWindow(
  saved: WindowState | null,
  workAreas: readonly Rect[],
  primary: Rect,
): { bounds: Rect | { width: number; height: number }; maximized: boolean } {
  if (!saved) return { bounds: { width: Math.min(DEFAULT_SIZE.width, primary.width), height: Math.min(DEFAULT_SIZE.height, primary.height) }, maximized: false };
  let best: { area: Rect; shown: number } | null = null;
  for (const area of workAreas) {
    const o = overlap(saved.bounds, area);
    if (o.width < VISIBLE_PART || o.height < VISIBLE_PART) continue;
    const shown = o.width * o.height;
    if (!best || shown > best.shown) best = { area, shown };
  }
  return { bounds: fitInto(saved.bounds, best?.area ?? primary), maximized: saved.maximized };
}
