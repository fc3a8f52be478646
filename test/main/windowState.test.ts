// Where the window opens: the saved place on a display that still shows it, fitted into its work
// area, or the primary display when that one is gone; and the saved file itself (0600, a damaged
// one ignored).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_SIZE, fitInto, MIN_SIZE, placeWindow, readWindowState, WINDOW_STATE_FILE, writeWindowState, type Rect } from '../../electron/main/windowState';

const laptop: Rect = { x: 0, y: 25, width: 1440, height: 875 };
// a second monitor to the right of the laptop
const monitor: Rect = { x: 1440, y: 0, width: 2560, height: 1400 };

describe('placeWindow', () => {
  it('gives a first start the default size and lets Electron centre it', () => {
    expect(placeWindow(null, [laptop], laptop)).toEqual({ bounds: DEFAULT_SIZE, maximized: false });
    const small: Rect = { x: 0, y: 0, width: 1024, height: 700 };
    expect(placeWindow(null, [small], small)).toEqual({ bounds: { width: 1024, height: 700 }, maximized: false });
  });

  it('puts the window back where it was when that display is still there', () => {
    const bounds = { x: 1600, y: 100, width: 1400, height: 900 };
    expect(placeWindow({ bounds, maximized: false }, [laptop, monitor], laptop)).toEqual({ bounds, maximized: false });
    expect(placeWindow({ bounds, maximized: true }, [laptop, monitor], laptop)).toEqual({ bounds, maximized: true });
  });

  it('brings it onto the primary work area when its monitor is gone, keeping it maximised', () => {
    const bounds = { x: 1600, y: 100, width: 1400, height: 900 };
    expect(placeWindow({ bounds, maximized: true }, [laptop], laptop)).toEqual({
      // moved left just enough to fit, and cut to the laptop's height
      bounds: { x: 40, y: 25, width: 1400, height: 875 },
      maximized: true,
    });
  });

  it('takes the display that shows most of a window across two, and fits it inside', () => {
    const straddling = { x: 1000, y: 50, width: 1200, height: 800 };
    // 440 px on the laptop, 760 on the monitor
    expect(placeWindow({ bounds: straddling, maximized: false }, [laptop, monitor], laptop).bounds).toEqual({ x: 1440, y: 50, width: 1200, height: 800 });
  });

  it('does not count a sliver as showing: a window with only its edge on screen comes back whole', () => {
    const edge = { x: -1260, y: 100, width: 1280, height: 800 }; // 20 px showing
    expect(placeWindow({ bounds: edge, maximized: false }, [laptop], laptop).bounds).toEqual({ x: 0, y: 100, width: 1280, height: 800 });
    const below = { x: 100, y: 880, width: 1280, height: 800 }; // its title bar under the work area
    expect(placeWindow({ bounds: below, maximized: false }, [laptop], laptop).bounds).toEqual({ x: 100, y: 100, width: 1280, height: 800 });
  });

  it('shrinks a window bigger than the display to its work area, never below the minimum it is laid out for', () => {
    expect(fitInto({ x: 0, y: 0, width: 3000, height: 2000 }, laptop)).toEqual(laptop);
    expect(fitInto({ x: 10, y: 40, width: 300, height: 200 }, laptop)).toEqual({ x: 10, y: 40, ...MIN_SIZE });
  });
});

describe('the saved state', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lead-console-window-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('is read back as written, from a file only this user can read', () => {
    expect(readWindowState(dir)).toBeNull();
    const state = { bounds: { x: -1800, y: 40, width: 1300, height: 820 }, maximized: true };
    writeWindowState(dir, state);
    expect(readWindowState(dir)).toEqual(state);
    expect(fs.statSync(path.join(dir, WINDOW_STATE_FILE)).mode & 0o777).toBe(0o600);
  });

  it('is ignored when damaged or not what this version writes', () => {
    for (const text of ['', '{', 'null', '{"bounds":{"x":0,"y":0,"width":0,"height":10},"maximized":false}', '{"bounds":{"x":"0","y":0,"width":900,"height":600},"maximized":false}', '{"bounds":{"x":1e9,"y":0,"width":900,"height":600},"maximized":false}']) {
      fs.writeFileSync(path.join(dir, WINDOW_STATE_FILE), text);
      expect(readWindowState(dir), text).toBeNull();
    }
  });
});
