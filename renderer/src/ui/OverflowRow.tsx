// A toolbar's row of actions that never wraps: what does not fit goes, from the end, into a
// "More" menu. Item widths are measured while shown and remembered, so the row settles before
// it paints and follows the window as it is resized.
import { useEffect, useLayoutEffect, useRef, useState, type ReactNode } from 'react';

export interface OverflowItem {
  key: string;
  node: ReactNode;
}

const GAP = 8;
/** Until the More button has been measured. */
const MORE_GUESS = 84;

export function OverflowRow({ items, label, testId }: { items: readonly OverflowItem[]; /** The menu's name: "More actions". */ label: string; testId?: string }) {
  const row = useRef<HTMLDivElement>(null);
  const more = useRef<HTMLDivElement>(null);
  const widths = useRef(new Map<string, number>());
  const [shown, setShown] = useState(items.length);
  const [width, setWidth] = useState<number | null>(null);
  const [open, setOpen] = useState(false);

  useEffect(() => {
    const el = row.current;
    if (!el) return;
    const ro = new ResizeObserver(() => setWidth(el.clientWidth));
    ro.observe(el);
    return () => ro.disconnect();
  }, []);

  // every render: remember the widths of the items on screen, then fit as many as there is room for
  useLayoutEffect(() => {
    const el = row.current;
    if (!el) return;
    for (const child of el.querySelectorAll<HTMLElement>(':scope > [data-overflow-key]')) {
      widths.current.set(child.dataset.overflowKey!, child.getBoundingClientRect().width);
    }
    const room = width ?? el.clientWidth;
    const moreWidth = more.current?.getBoundingClientRect().width || MORE_GUESS;
    const span = (k: number) => items.slice(0, k).reduce((sum, item, i) => sum + (i > 0 ? GAP : 0) + (widths.current.get(item.key) ?? 0), 0);
    let fit = items.length;
    if (span(fit) > room) {
      fit = items.length - 1;
      while (fit > 0 && span(fit) + GAP + moreWidth > room) fit--;
    }
    if (fit !== shown) setShown(fit);
    // `items` is new on each render of the toolbar, so this runs whenever an item may have changed size
  }, [width, items, shown]);

  useEffect(() => {
    if (!open) return;
    const onDown = (e: PointerEvent) => {
      if (e.target instanceof Node && more.current?.contains(e.target)) return;
      setOpen(false);
    };
    document.addEventListener('pointerdown', onDown);
    return () => document.removeEventListener('pointerdown', onDown);
  }, [open]);

  const overflow = items.slice(shown);
  const menuOpen = open && overflow.length > 0;
  return (
    <div className="overflow-row" ref={row} data-testid={testId}>
      {items.slice(0, shown).map((item) => (
        <div key={item.key} className="overflow-item" data-overflow-key={item.key}>
          {item.node}
        </div>
      ))}
      {overflow.length > 0 && (
        <div
          className="overflow-more popover-anchor"
          ref={more}
          onKeyDown={(e) => {
            // a menu open inside handles its own Esc first
            if (e.key === 'Escape' && menuOpen && !e.defaultPrevented) {
              e.preventDefault();
              e.stopPropagation();
              setOpen(false);
              more.current?.querySelector<HTMLButtonElement>(':scope > button')?.focus();
            }
          }}
        >
          <button type="button" className="secondary" aria-haspopup="dialog" aria-expanded={menuOpen} onClick={() => setOpen(!menuOpen)} data-testid="toolbar-more">
            More ▾
          </button>
          {menuOpen && (
            <div className="popover overflow-menu" role="dialog" aria-label={label}>
              {overflow.map((item) => (
                <div key={item.key} className="overflow-menu-item">
                  {item.node}
                </div>
              ))}
            </div>
          )}
        </div>
      )}
    </div>
  );
}
