// The virtualized leads grid. Only the rows on screen (plus overscan) are in the DOM; the scroll
// height stands for every row of the query's total. Rows whose page is not loaded yet render as
// placeholders. Past a few hundred thousand rows the real scroll height would exceed what
// browsers can lay out (~33M px in Chromium), so the scrollbar is scaled: the virtualizer works
// in "virtual" pixels (row index x row height) and the element scrolls in real ones.
import { elementScroll, observeElementOffset, useVirtualizer, type VirtualItem, type Virtualizer } from '@tanstack/react-virtual';
import { memo, useEffect, useLayoutEffect, useMemo, useRef, type CSSProperties, type KeyboardEvent, type MouseEvent, type PointerEvent } from 'react';
import type { ContactListItem } from '../../../shared/domain';
import { useNav } from '../state/navStore';
import { CONTACT_STAGE_LABEL, formatDateTime, formatRelative, ROLE_LABEL, SYNC_HINT, SYNC_LABEL } from '../ui/labels';
import { ownerName, useTeam } from '../state/teamStore';

type TeamView = Parameters<typeof ownerName>[1];
import { CHECKBOX_COLUMN_WIDTH, COLUMNS, type ColumnDef, type ColumnId } from './columns';
import { PAGE_SIZE, type LeadsLoader } from './leadsLoader';
import { useLeads } from './leadsStore';
import { selectAllMatching, selectRange } from './selection';

export const ROW_HEIGHT = 36;
const HEADER_HEIGHT = 38;
/** Largest real scroll height used; beyond it the scrollbar is scaled (see the file comment). */
const MAX_SCROLL_PX = 15_000_000;
/**
 * Rows rendered beyond the screen. Kept small: on a new answer every rendered row gets new text to
 * lay out, and that layout is most of the keystroke-to-rows time after the request itself.
 */
const OVERSCAN = 6;

const estimateRowSize = () => ROW_HEIGHT;

export const rowDomId = (index: number) => `lead-row-${index}`;
export const displayName = (c: Pick<ContactListItem, 'name' | 'email'>) => c.name ?? c.email ?? 'Unnamed contact';

/** Scrolls the grid just enough to show row `index` below the sticky header. */
function scrollRowIntoView(el: HTMLElement, index: number, scale: number) {
  const offset = el.scrollTop * scale;
  const top = HEADER_HEIGHT + index * ROW_HEIGHT;
  if (top < offset + HEADER_HEIGHT) el.scrollTop = (top - HEADER_HEIGHT) / scale;
  else if (top + ROW_HEIGHT > offset + el.clientHeight) el.scrollTop = (top + ROW_HEIGHT - el.clientHeight) / scale;
}

/**
 * Gives each rendered row a slot number that it keeps while it stays on screen; a row entering
 * takes a slot a leaving row freed. Rows are keyed by slot and rendered in slot order, so
 * scrolling reuses the same DOM rows (only their text changes) and never moves them in the DOM:
 * creating and removing a few hundred elements per frame is what made fast scrolling stutter.
 * `slotOf` (row index -> slot) is carried from render to render.
 */
function assignSlots(items: readonly VirtualItem[], slotOf: Map<number, number>): { item: VirtualItem; slot: number }[] {
  const taken = new Set<number>();
  const kept = new Map<number, number>();
  for (const item of items) {
    const slot = slotOf.get(item.index);
    if (slot !== undefined) {
      kept.set(item.index, slot);
      taken.add(slot);
    }
  }
  let free = 0;
  const out = items.map((item) => {
    let slot = kept.get(item.index);
    if (slot === undefined) {
      while (taken.has(free)) free++;
      slot = free;
      taken.add(slot);
      kept.set(item.index, slot);
    }
    return { item, slot };
  });
  slotOf.clear();
  for (const [index, slot] of kept) slotOf.set(index, slot);
  return out.sort((a, b) => a.slot - b.slot);
}

export function LeadsGrid({ loader }: { loader: LeadsLoader }) {
  const result = useLeads((s) => s.result);
  const columns = useLeads((s) => s.columns);
  const activeIndex = useLeads((s) => s.activeIndex);
  const selected = useLeads((s) => s.selected);
  const loading = useLeads((s) => s.loading);
  const team = useTeam();
  const total = result?.total ?? 0;
  const scrollRef = useRef<HTMLDivElement>(null);
  const scaleRef = useRef(1);

  const virtualizer: Virtualizer<HTMLDivElement, HTMLDivElement> = useVirtualizer({
    count: total,
    getScrollElement: () => scrollRef.current,
    estimateSize: estimateRowSize,
    paddingStart: HEADER_HEIGHT,
    overscan: OVERSCAN,
    // The virtualizer sees virtual offsets; the element is scrolled in real pixels.
    observeElementOffset: (instance, cb) => observeElementOffset(instance, (offset, isScrolling) => cb(offset * scaleRef.current, isScrolling)),
    scrollToFn: (offset, options, instance) => elementScroll(offset / scaleRef.current, options, instance),
    // (useFlushSync stays on: rows for a new scroll position render in the scroll's own frame,
    // so fast scrolling shows no blank frames.)
  });

  const virtualTotal = virtualizer.getTotalSize();
  const realTotal = Math.min(virtualTotal, MAX_SCROLL_PX);
  const viewportHeight = virtualizer.scrollRect?.height ?? 0;
  const scale = virtualTotal > MAX_SCROLL_PX && realTotal > viewportHeight ? (virtualTotal - viewportHeight) / (realTotal - viewportHeight) : 1;
  scaleRef.current = scale;
  const virtualOffset = virtualizer.scrollOffset ?? 0;
  // Rows sit in the real content at (virtual position - this shift); 0 when not scaled.
  const shift = virtualOffset - virtualOffset / scale;

  const items = virtualizer.getVirtualItems();
  const slotOf = useRef(new Map<number, number>());
  const rendered = assignSlots(items, slotOf.current);
  const first = items[0]?.index ?? 0;
  const last = items[items.length - 1]?.index ?? 0;
  // A new question shows its first rows: back to the top, before the paint.
  const resultKey = result?.key;
  const atTop = (virtualizer.scrollOffset ?? 0) === 0;
  const justScrolledToTop = useRef(false);
  useLayoutEffect(() => {
    // Skipped when already there: writing scrollTop forces a layout right now. Only a new
    // answer moves to the top, hence the key alone as dependency.
    if (scrollRef.current && !atTop) {
      scrollRef.current.scrollTop = 0;
      justScrolledToTop.current = true;
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [resultKey]);

  useEffect(() => {
    // Right after the jump to the top this render's range is still the old scroll position's:
    // asking for those pages would only delay the next keystroke. The scroll event brings the new range.
    if (justScrolledToTop.current) {
      justScrolledToTop.current = false;
      return;
    }
    loader.setVisibleRange(first, last);
  }, [loader, first, last, result?.generation]);

  useLayoutEffect(() => {
    if (activeIndex !== null && scrollRef.current) scrollRowIntoView(scrollRef.current, activeIndex, scaleRef.current);
  }, [activeIndex]);

  const visibleColumns = useMemo(() => COLUMNS.filter((c) => !columns.hidden.includes(c.id)), [columns.hidden]);
  const template = [
    `${CHECKBOX_COLUMN_WIDTH}px`,
    ...visibleColumns.map((c) => (c.grow ? `minmax(${columns.widths[c.id]}px, ${c.grow}fr)` : `${columns.widths[c.id]}px`)),
  ].join(' ');
  const rowWidth = CHECKBOX_COLUMN_WIDTH + visibleColumns.reduce((sum, c) => sum + columns.widths[c.id], 0);
  const gridStyle = { '--lead-columns': template, '--lead-row-width': `${rowWidth}px`, '--lead-row-height': `${ROW_HEIGHT}px` } as CSSProperties;

  return (
    <div
      ref={scrollRef}
      className={`leads-grid ${result && total === 0 ? 'is-empty' : ''}`}
      role="grid"
      aria-label="Leads"
      aria-rowcount={total + 1}
      aria-colcount={visibleColumns.length + 1}
      aria-multiselectable="true"
      aria-busy={loading}
      aria-activedescendant={activeIndex !== null && items.some((i) => i.index === activeIndex) ? rowDomId(activeIndex) : undefined}
      tabIndex={0}
      style={gridStyle}
      data-testid="leads-grid"
      // Contract with the benchmark: these change in the same commit as the rows they describe.
      data-result-for={result ? result.query.search : undefined}
      data-total={result ? result.total : undefined}
    >
      <div role="rowgroup" className="leads-head">
        <div role="row" aria-rowindex={1} className="lead-row lead-head-row">
          <div role="columnheader" className="lead-cell lead-check">
            <SelectAllCheckbox loader={loader} />
          </div>
          {visibleColumns.map((c) => (
            <ColumnHeader key={c.id} column={c} width={columns.widths[c.id]} />
          ))}
        </div>
      </div>
      <div role="rowgroup" className="leads-body" style={{ height: Math.max(0, realTotal - HEADER_HEIGHT) }}>
        {result &&
          rendered.map(({ item, slot }) => {
            const contact = result.pages.get(Math.floor(item.index / PAGE_SIZE))?.[item.index % PAGE_SIZE];
            return (
              <GridRow
                // Keyed by screen slot, not by row: see assignSlots.
                key={slot}
                index={item.index}
                top={item.start - HEADER_HEIGHT - shift}
                contact={contact}
                columns={visibleColumns}
                selected={contact !== undefined && selected.has(contact.id)}
                active={item.index === activeIndex}
                loader={loader}
                team={team}
              />
            );
          })}
      </div>
    </div>
  );
}

function SelectAllCheckbox({ loader }: { loader: LeadsLoader }) {
  const resultKey = useLeads((s) => s.result?.key);
  const total = useLeads((s) => s.result?.total ?? 0);
  const selectedCount = useLeads((s) => s.selected.size);
  const selectAllFor = useLeads((s) => s.selectAllFor);
  const clearSelection = useLeads((s) => s.clearSelection);
  const ref = useRef<HTMLInputElement>(null);
  const checked = selectedCount > 0 && selectAllFor !== null && selectAllFor === resultKey;
  const indeterminate = selectedCount > 0 && !checked;
  useEffect(() => {
    if (ref.current) ref.current.indeterminate = indeterminate;
  }, [indeterminate]);
  return (
    <input
      ref={ref}
      type="checkbox"
      aria-label="Select all matching contacts"
      checked={checked}
      disabled={total === 0}
      onChange={() => (checked || indeterminate ? clearSelection() : void selectAllMatching(loader))}
    />
  );
}

function ColumnHeader({ column, width }: { column: ColumnDef; width: number }) {
  const sort = useLeads((s) => s.sort);
  const toggleSort = useLeads((s) => s.toggleSort);
  const sorted = column.sortField !== null && sort.field === column.sortField ? sort.dir : null;
  return (
    <div
      role="columnheader"
      className="lead-cell lead-header"
      aria-sort={column.sortField === null ? undefined : sorted === 'asc' ? 'ascending' : sorted === 'desc' ? 'descending' : 'none'}
      data-column={column.id}
    >
      {column.sortField === null ? (
        <span className="lead-header-label">{column.label}</span>
      ) : (
        <button
          type="button"
          className="lead-sort-button"
          onClick={() => column.sortField && toggleSort(column.sortField, column.firstDir)}
          title={`Sort by ${column.label.toLowerCase()}`}
        >
          <span className="lead-header-label">{column.label}</span>
          <span className="lead-sort-arrow" aria-hidden="true">
            {sorted === 'asc' ? '▲' : sorted === 'desc' ? '▼' : ''}
          </span>
        </button>
      )}
      <ColumnResizer id={column.id} label={column.label} width={width} />
    </div>
  );
}

/** The header's right edge: drag it, or focus it and use the arrow keys (Shift for bigger steps). */
function ColumnResizer({ id, label, width }: { id: ColumnId; label: string; width: number }) {
  const setColumnWidth = useLeads((s) => s.setColumnWidth);
  const drag = useRef<{ startX: number; startWidth: number } | null>(null);
  return (
    <div
      role="separator"
      aria-orientation="vertical"
      aria-label={`Resize column ${label}`}
      aria-valuenow={width}
      aria-valuemin={60}
      aria-valuemax={800}
      tabIndex={0}
      className="lead-resizer"
      data-testid={`resize-${id}`}
      onPointerDown={(e: PointerEvent<HTMLDivElement>) => {
        e.preventDefault();
        e.currentTarget.setPointerCapture(e.pointerId);
        // from the width on screen: a growing column may be wider than its stored least
        const shown = e.currentTarget.parentElement?.getBoundingClientRect().width;
        drag.current = { startX: e.clientX, startWidth: shown ? Math.round(shown) : width };
      }}
      onPointerMove={(e: PointerEvent<HTMLDivElement>) => {
        if (drag.current) setColumnWidth(id, drag.current.startWidth + e.clientX - drag.current.startX);
      }}
      onPointerUp={() => (drag.current = null)}
      onPointerCancel={() => (drag.current = null)}
      onClick={(e) => e.stopPropagation()}
      onKeyDown={(e: KeyboardEvent<HTMLDivElement>) => {
        const step = e.shiftKey ? 50 : 10;
        if (e.key === 'ArrowRight') setColumnWidth(id, width + step);
        else if (e.key === 'ArrowLeft') setColumnWidth(id, width - step);
        else return;
        e.preventDefault();
      }}
    />
  );
}

/** Text, tooltip and extra class of one cell (see GridRow for why this is plain data). */
function cellContent(column: ColumnId, c: ContactListItem, name: string, team: TeamView): { text: string; title?: string; className?: string } {
  switch (column) {
    case 'name':
      return { text: name, title: name, className: c.name ? 'lead-name' : 'lead-name muted' };
    case 'email':
      return { text: c.email ?? '', title: c.email ?? undefined };
    case 'role':
      // a lead's role says what its stage already says ("Lead | Lead"): only a user is marked
      return c.role === 'user' ? { text: ROLE_LABEL.user, title: 'A signed-up user in Intercom' } : { text: '', title: 'A lead (not signed up)' };
    case 'stage':
      return { text: CONTACT_STAGE_LABEL[c.stage] };
    case 'companies': {
      const names = c.companies.map((co) => co.name).join(', ');
      return { text: names, title: names || undefined };
    }
    case 'tags': {
      const names = c.tags.join(', ');
      return { text: names, title: names || undefined };
    }
    case 'lastActivity':
      return { text: formatRelative(c.lastActivityAt), title: formatDateTime(c.lastActivityAt) || undefined };
    case 'created':
      return { text: formatRelative(c.createdAt), title: formatDateTime(c.createdAt) };
    case 'syncState':
      return { text: SYNC_LABEL[c.syncState], title: SYNC_HINT[c.syncState], className: `sync-${c.syncState}` };
    case 'owner': {
      const owner = ownerName(c.ownerId, team);
      return { text: owner, title: owner || 'Nobody owns this contact' };
    }
  }
}

const EMPTY_CELL = { text: '', title: undefined, className: undefined };

/**
 * One row, loaded or placeholder. Both shapes have the same elements, so a recycled row (see
 * assignSlots) or a page arriving only changes text and attributes. Memoized, with selection and
 * highlight passed in, so a scroll frame re-renders only the rows that changed.
 */
/** A press this long before a click is that click's (a click with no press of its own, from assistive technology, is taken as it is). */
const PRESS_MATCHES_CLICK_MS = 5_000;

const GridRow = memo(function GridRow({
  index,
  top,
  contact,
  columns,
  selected,
  active,
  loader,
  team,
}: {
  /** The team as loaded (a new object when it changes, so rows show new owner names). */
  team: TeamView;
  index: number;
  top: number;
  /** Undefined while the row's page loads. */
  contact: ContactListItem | undefined;
  columns: readonly ColumnDef[];
  selected: boolean;
  active: boolean;
  loader: LeadsLoader;
}) {
  const name = contact ? displayName(contact) : '';
  // The contact this row showed when the button went down: the list can change under a still
  // pointer (a sync, another window), and a click is for the row that was pressed, not for the one
  // that moved into its place before the release.
  const pressed = useRef<{ id: string | null; at: number } | null>(null);
  /** Whether this click's press was on another contact (the press is used up either way). */
  const pressedAnother = (timeStamp: number): boolean => {
    const down = pressed.current;
    pressed.current = null;
    return down !== null && down.id !== (contact?.id ?? null) && timeStamp - down.at < PRESS_MATCHES_CLICK_MS;
  };

  const onClick = (e: MouseEvent<HTMLDivElement>) => {
    if (pressedAnother(e.timeStamp) || !contact) return;
    const store = useLeads.getState();
    if (e.shiftKey && store.anchorIndex !== null) {
      // The anchor stays, so a second shift-click re-spans from the same row.
      void selectRange(loader, store.anchorIndex, index);
      store.setActiveIndex(index);
      return;
    }
    store.setActiveIndex(index);
    store.setAnchorIndex(index);
    // A modifier click selects instead of opening (shift without an anchor starts a range here).
    if (e.ctrlKey || e.metaKey || e.shiftKey) store.toggleSelected(contact.id);
    else useNav.getState().openContact(contact.id);
  };

  return (
    <div
      role="row"
      id={rowDomId(index)}
      aria-rowindex={index + 2}
      aria-selected={contact ? active : undefined}
      aria-busy={contact ? undefined : true}
      className={`lead-row${contact ? '' : ' placeholder'}${active ? ' active' : ''}${selected ? ' selected' : ''}`}
      style={{ transform: `translateY(${top}px)` }}
      data-testid={contact ? 'lead-row' : 'lead-row-placeholder'}
      data-row-index={index}
      data-id={contact?.id}
      onMouseDown={(e) => {
        pressed.current = { id: contact?.id ?? null, at: e.timeStamp };
        // Shift-click would otherwise select the page's text between the two clicks.
        if (e.shiftKey) e.preventDefault();
      }}
      onClick={onClick}
    >
      <div role="gridcell" className="lead-cell lead-check" onClick={(e) => e.stopPropagation()}>
        <input
          type="checkbox"
          aria-label={contact ? `Select ${name}` : 'Loading'}
          checked={selected}
          disabled={!contact}
          onChange={(e) => {
            if (pressedAnother(e.timeStamp) || !contact) return;
            const store = useLeads.getState();
            const shift = e.nativeEvent instanceof MouseEvent && e.nativeEvent.shiftKey;
            if (shift && store.anchorIndex !== null) void selectRange(loader, store.anchorIndex, index);
            else store.toggleSelected(contact.id);
            store.setAnchorIndex(index);
          }}
        />
      </div>
      {columns.map((col) => {
        const cell = contact ? cellContent(col.id, contact, name, team) : EMPTY_CELL;
        // Text sits right in the cell (one element per cell keeps style and layout work per row
        // small); only the stage and role badges need their own element.
        return (
          <div role="gridcell" key={col.id} className={`lead-cell lead-col-${col.id}${cell.className ? ` ${cell.className}` : ''}`} title={cell.title}>
            {col.id === 'stage' ? (
              <span className={contact ? `badge stage-chip stage-chip-${contact.stage}` : undefined}>{cell.text}</span>
            ) : col.id === 'role' && cell.text ? (
              <span className="badge role-chip-user">{cell.text}</span>
            ) : (
              cell.text
            )}
          </div>
        );
      })}
    </div>
  );
});
