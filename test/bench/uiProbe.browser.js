// Injected by the UI benchmark (test/bench/ui.ts) into every page before the console's own
// scripts (page.addInitScript). Plain browser JavaScript, read as text: it never goes through
// the TypeScript projects. Exposes window.__leadBench; every time is performance.now() (ms since
// the navigation started).
//
// "Painted" is approximated the usual way: the next requestAnimationFrame after the DOM change
// (the frame that will show it), then a task posted from that callback, which runs once the
// frame's style, layout and paint are done.
(() => {
  'use strict';
  const GRID = '[data-testid="leads-grid"]';
  const ROW = '[data-testid="lead-row"]';
  const PLACEHOLDER = '[data-testid="lead-row-placeholder"]';

  /** Calls back with (rAF time, after-paint time) for the next frame. */
  function afterPaint(cb) {
    requestAnimationFrame(() => {
      const raf = performance.now();
      const ch = new MessageChannel();
      ch.port1.onmessage = () => cb(raf, performance.now());
      ch.port2.postMessage(null);
    });
  }

  const bench = {
    firstRowCommit: null,
    firstRowRaf: null,
    firstRowPaint: null,
    keydownAt: null,
    keydowns: 0,
    pending: null,
  };
  Object.defineProperty(window, '__leadBench', { value: bench, enumerable: false });
  // API calls are timed from resource timing entries; the default buffer holds only 250
  performance.setResourceTimingBufferSize(100000);

  /** The contacts.list requests started at or after `since`: [start, end] pairs. */
  const listCalls = (since) =>
    performance
      .getEntriesByType('resource')
      .filter((e) => e.startTime >= since && /\/api\/contacts\.list$/.test(new URL(e.name).pathname))
      .map((e) => [e.startTime, e.responseEnd]);

  // (1) first rows: the first lead-row in the DOM, then the frame that paints it
  const firstRows = new MutationObserver(() => {
    if (bench.firstRowCommit !== null || !document.querySelector(ROW)) return;
    bench.firstRowCommit = performance.now();
    firstRows.disconnect();
    afterPaint((raf, painted) => {
      bench.firstRowRaf = raf;
      bench.firstRowPaint = painted;
    });
  });
  firstRows.observe(document, { childList: true, subtree: true });

  bench.navigation = () => {
    const nav = performance.getEntriesByType('navigation')[0];
    const first = listCalls(0)[0];
    return nav
      ? {
          responseEnd: nav.responseEnd,
          domContentLoaded: nav.domContentLoadedEventEnd,
          listStart: first ? first[0] : null,
          listEnd: first ? first[1] : null,
        }
      : null;
  };

  // (2) keystroke to painted rows
  addEventListener(
    'keydown',
    () => {
      bench.keydownAt = performance.now();
      bench.keydowns++;
    },
    true,
  );

  const grid = () => document.querySelector(GRID);

  /** Arms the watch for `text` becoming the grid's data-result-for; call before the keystroke. */
  bench.expect = (text) => {
    const keydownsBefore = bench.keydowns;
    let resolve;
    const promise = new Promise((r) => (resolve = r));
    let done = false;
    const check = () => {
      if (done) return;
      const g = grid();
      if (!g || g.getAttribute('data-result-for') !== text) return;
      if (bench.keydowns === keydownsBefore) return; // not from this keystroke (e.g. already showing)
      done = true;
      observer.disconnect();
      const commit = performance.now();
      const keydown = bench.keydownAt;
      const keys = bench.keydowns - keydownsBefore;
      const rows = g.querySelectorAll(ROW).length;
      const placeholders = g.querySelectorAll(PLACEHOLDER).length;
      const total = Number(g.getAttribute('data-total'));
      // the request that brought these rows: the last list call that ended before the commit
      const calls = listCalls(keydown).filter((c) => c[1] <= commit);
      const call = calls[calls.length - 1] || null;
      afterPaint((raf, painted) =>
        resolve({ keydown, commit, raf, painted, keys, rows, placeholders, total, calls: calls.length, apiStart: call && call[0], apiEnd: call && call[1] }),
      );
    };
    const observer = new MutationObserver(check);
    observer.observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-result-for'] });
    bench.pending = { promise, check, text };
  };

  /** Resolves with the armed keystroke's timings, or null after `timeoutMs`. */
  bench.result = (timeoutMs) => {
    const p = bench.pending;
    if (!p) return Promise.reject(new Error('expect() was not called'));
    p.check();
    return Promise.race([p.promise, new Promise((r) => setTimeout(() => r(null), timeoutMs))]);
  };

  // (3) scrolling
  function visibleState(g) {
    const box = g.getBoundingClientRect();
    const inView = (el) => {
      const r = el.getBoundingClientRect();
      return r.bottom > box.top + 1 && r.top < box.bottom - 1;
    };
    let rows = 0;
    let placeholders = 0;
    let maxIndex = -1;
    for (const el of g.querySelectorAll(ROW)) {
      if (!inView(el)) continue;
      rows++;
      maxIndex = Math.max(maxIndex, Number(el.getAttribute('data-row-index')));
    }
    for (const el of g.querySelectorAll(PLACEHOLDER)) if (inView(el)) placeholders++;
    return { rows, placeholders, maxIndex };
  }

  bench.resultFor = () => {
    const g = grid();
    return g ? g.getAttribute('data-result-for') : null;
  };

  bench.gridInfo = () => {
    const g = grid();
    if (!g) return null;
    return {
      scrollHeight: g.scrollHeight,
      clientHeight: g.clientHeight,
      scrollTop: g.scrollTop,
      resultFor: g.getAttribute('data-result-for'),
      total: Number(g.getAttribute('data-total')),
      rowHeight: (() => {
        const r = g.querySelector(ROW);
        return r ? r.getBoundingClientRect().height : null;
      })(),
      ...visibleState(g),
    };
  };

  /** Records rAF-to-rAF frame times and long tasks while `drive(frameIndex)` runs each frame; it returns false to stop. */
  function recordFrames(drive, maxFrames) {
    return new Promise((resolve) => {
      const frames = [];
      const longTasks = [];
      let po = null;
      try {
        po = new PerformanceObserver((list) => {
          for (const e of list.getEntries()) longTasks.push(e.duration);
        });
        po.observe({ type: 'longtask' });
      } catch {
        po = null;
      }
      let last = null;
      let i = 0;
      const tick = (ts) => {
        if (last !== null) frames.push(ts - last);
        last = ts;
        const more = i < maxFrames && drive(i++) !== false;
        if (more) requestAnimationFrame(tick);
        else
          // one more frame so the last scroll's frame is measured, then flush the observer
          requestAnimationFrame((ts2) => {
            frames.push(ts2 - last);
            setTimeout(() => {
              if (po) {
                for (const e of po.takeRecords()) longTasks.push(e.duration);
                po.disconnect();
              }
              resolve({ frames, longTasks, longTaskSupported: po !== null });
            }, 50);
          });
      };
      requestAnimationFrame(tick);
    });
  }

  bench.idleFrames = (n) => recordFrames(() => true, n);

  /** Scrolls by `px` each frame, `frames` times or until the bottom. */
  bench.scrollBy = (px, frames) => {
    const g = grid();
    return recordFrames(() => {
      const max = g.scrollHeight - g.clientHeight;
      if (g.scrollTop >= max - 1) return false;
      g.scrollTop = Math.min(max, g.scrollTop + px);
      return true;
    }, frames);
  };

  /** Top to bottom in `steps` frames, like dragging the scrollbar thumb down. */
  bench.scrollDrag = (steps) => {
    const g = grid();
    g.scrollTop = 0;
    return recordFrames((i) => {
      const max = g.scrollHeight - g.clientHeight;
      g.scrollTop = Math.round((max * (i + 1)) / steps);
      return true;
    }, steps);
  };

  /** Records frames (and long tasks) until stopFrames() is called, e.g. around wheel input from outside. */
  bench.startFrames = () => {
    let stop = false;
    bench.stopFrames = () => {
      stop = true;
      return running;
    };
    const running = recordFrames(() => !stop, 1e9);
  };

  /**
   * Jumps to `scrollTop` and waits until the rows in view are real rows (no placeholders in
   * view): ms from the jump to the frame that paints them, whether the first frame already
   * showed them, and the first row index in view.
   */
  bench.fillAfterJump = (scrollTop, timeoutMs) =>
    new Promise((resolve) => {
      const g = grid();
      const start = performance.now();
      g.scrollTop = scrollTop;
      let frames = 0;
      const poll = () => {
        requestAnimationFrame(() => {
          frames++;
          const s = visibleState(g);
          if (s.rows > 0 && s.placeholders === 0) {
            // this frame paints them: resolve from a task after it
            const ch = new MessageChannel();
            ch.port1.onmessage = () => resolve({ ms: performance.now() - start, frames, maxIndex: s.maxIndex, scrollTop: g.scrollTop });
            ch.port2.postMessage(null);
          } else if (performance.now() - start > timeoutMs) {
            resolve({ ms: null, frames, maxIndex: s.maxIndex, scrollTop: g.scrollTop, placeholders: s.placeholders });
          } else poll();
        });
      };
      poll();
    });
})();
