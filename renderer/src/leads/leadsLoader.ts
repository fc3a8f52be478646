// Fetching for the leads table. Two kinds of request, both through `contacts.list`:
//  - the query request (new search/filter/sort, or a refresh after a `changed` event): gives the
//    total and the rows on screen, then swaps the whole result at once so old rows stay visible
//    until new ones are there (no flicker). Coalesced: at most one in flight plus the latest
//    pending, so fast typing never queues a backlog and never waits on a fixed debounce.
//  - page requests: fill in the pages the user scrolls to, a few at a time.
import type { MethodOutput } from '../../../shared/api';
import type { Client } from '../../../shared/client';
import type { ContactListItem } from '../../../shared/domain';
import { describeError } from '../state/toastStore';
import { currentQuery, listInput, queryKey, useLeads, type LoadedResult } from './leadsStore';

/**
 * Rows per page request; also the page-cache granularity. One page covers the first screen, so a
 * keystroke costs one small request (the answer's size shows in the keystroke-to-rows time).
 */
export const PAGE_SIZE = 50;
/** The most ids "select all" and shift-range collect (the engine's setStageMany limit). */
export const SELECTION_CAP = 10_000;
/** Page requests out at once while scrolling; more would only queue inside the engine. */
const MAX_PARALLEL_PAGES = 3;
/** Pages kept in memory; the farthest from the screen are dropped first (1M rows stay cheap). */
const MAX_CACHED_PAGES = 120;
/** A request slower than this shows the (subtle) loading indicator. */
const LOADING_INDICATOR_DELAY_MS = 150;
/** `contacts.list` allows at most 500 rows per call. */
const MAX_LIMIT = 500;

type RequestKind = 'query' | 'refresh';

/**
 * The first page of the table as it will open, asked before React renders anything (main.tsx),
 * so the answer is on its way while the scripts still build the screen. Used once, by the first
 * query whose key matches.
 */
let prefetched: { key: string; answer: Promise<MethodOutput<'contacts.list'>> } | null = null;

export function prefetchFirstPage(client: Client): void {
  const query = currentQuery(useLeads.getState());
  const answer = client.call('contacts.list', { ...listInput(query), offset: 0, limit: PAGE_SIZE });
  answer.catch(() => undefined); // a failure is asked again (and reported) by the loader itself
  prefetched = { key: queryKey(query), answer };
}

function takePrefetched(key: string): Promise<MethodOutput<'contacts.list'>> | null {
  const p = prefetched;
  prefetched = null;
  return p && p.key === key ? p.answer : null;
}

/**
 * Numbers each swapped-in result. Module-wide, not per loader: after the screen is left and
 * entered again a late answer of the old loader must not pass for one of the new loader's.
 */
let resultGeneration = 0;

export class LeadsLoader {
  private pending: RequestKind | null = null;
  private running = false;
  /** Bumped whenever the question changes; an answer asked under an older number is stale. */
  private querySeq = 0;
  /** Rows rendered (visible plus overscan), reported by the grid after each render. */
  private visible = { first: 0, last: 0 };
  /** `${generation}:${page}` of page requests out. */
  private pagesInFlight = new Set<string>();
  /** Pages whose request failed in the current generation: not retried until the next refresh. */
  private failedPages = new Set<string>();

  constructor(private readonly client: Client) {}

  /** Search, filters or sort changed: ask again, from the top (the grid scrolls there). */
  queryChanged(): void {
    this.querySeq++;
    this.request('query');
  }

  /** Records changed somewhere: re-ask the total and the rows on screen, keeping the place. */
  refresh(): void {
    this.request('refresh');
  }

  setVisibleRange(first: number, last: number): void {
    this.visible = { first, last };
    this.pumpPages();
  }

  private request(kind: RequestKind): void {
    this.pending = this.pending === 'query' || kind === 'query' ? 'query' : 'refresh';
    if (!this.running) void this.run();
  }

  /** First request of a mounted screen: keep the place if the question is the same. */
  start(): void {
    const s = useLeads.getState();
    if (s.result && s.result.key === queryKey(currentQuery(s))) this.refresh();
    else this.queryChanged();
  }

  private async run(): Promise<void> {
    this.running = true;
    // The indicator only matters when an answer is slow; setting it at once would cost a render
    // of the grid on every keystroke.
    const slow = setTimeout(() => useLeads.setState({ loading: true }), LOADING_INDICATOR_DELAY_MS);
    try {
      while (this.pending) {
        const kind = this.pending;
        this.pending = null;
        const seq = this.querySeq;
        const state = useLeads.getState();
        const query = currentQuery(state);
        const key = queryKey(query);
        const sameQuery = state.result?.key === key;
        const pages = sameQuery && kind === 'refresh' ? this.pagesOnScreen(state.result?.total ?? 0) : [0];
        try {
          const early = kind === 'query' ? takePrefetched(key) : null;
          const answers = await Promise.all(
            pages.map((p) => (p === 0 && early ? early.catch(() => this.askPage(query, 0)) : this.askPage(query, p))),
          );
          // The user asked something else while this was out: its answer must not show.
          if (seq !== this.querySeq) continue;
          const total = answers[0]?.total ?? 0;
          const result: LoadedResult = {
            key,
            query,
            total,
            pages: new Map(pages.map((p, i) => [p, answers[i]?.items ?? []])),
            generation: ++resultGeneration,
          };
          const now = useLeads.getState();
          const lastIndex = total - 1;
          useLeads.setState({
            result,
            error: null,
            // A new question starts a new list at its top: a keyboard user's active row goes to the
            // first row (the view scrolls there too); the anchor pointed at someone else.
            activeIndex: now.activeIndex === null || total === 0 ? null : sameQuery ? Math.min(now.activeIndex, lastIndex) : 0,
            anchorIndex: sameQuery ? now.anchorIndex : null,
          });
          this.pumpPages();
        } catch (e) {
          if (seq === this.querySeq) useLeads.setState({ error: describeError(e) });
        }
      }
    } finally {
      this.running = false;
      clearTimeout(slow);
      if (useLeads.getState().loading) useLeads.setState({ loading: false });
    }
  }

  private askPage(query: ReturnType<typeof currentQuery>, page: number): Promise<MethodOutput<'contacts.list'>> {
    return this.client.call('contacts.list', { ...listInput(query), offset: page * PAGE_SIZE, limit: PAGE_SIZE });
  }

  /** Page numbers covering the rendered rows (at least page 0). */
  private pagesOnScreen(total: number): number[] {
    if (total === 0) return [0];
    const last = Math.min(this.visible.last, total - 1);
    const first = Math.min(this.visible.first, last);
    const pages: number[] = [];
    for (let p = Math.floor(first / PAGE_SIZE); p <= Math.floor(last / PAGE_SIZE); p++) pages.push(p);
    return pages.length ? pages : [0];
  }

  private pumpPages(): void {
    const r = useLeads.getState().result;
    if (!r) return;
    for (const page of this.pagesOnScreen(r.total)) {
      if (this.pagesInFlight.size >= MAX_PARALLEL_PAGES) break;
      const id = `${r.generation}:${page}`;
      const waitingForFrame = this.arrived.some((a) => a.generation === r.generation && a.page === page);
      if (r.pages.has(page) || waitingForFrame || this.pagesInFlight.has(id) || this.failedPages.has(id) || page * PAGE_SIZE >= r.total) continue;
      void this.fetchPage(r, page, id);
    }
  }

  private async fetchPage(r: LoadedResult, page: number, id: string): Promise<void> {
    this.pagesInFlight.add(id);
    try {
      const answer = await this.client.call('contacts.list', { ...listInput(r.query), offset: page * PAGE_SIZE, limit: PAGE_SIZE });
      this.arrived.push({ generation: r.generation, page, items: answer.items });
      this.scheduleArrivals();
    } catch (e) {
      this.failedPages.add(id);
      useLeads.setState({ error: describeError(e) });
    } finally {
      this.pagesInFlight.delete(id);
      this.pumpPages();
    }
  }

  /**
   * Pages that arrived since the last frame go into the table together, once per animation
   * frame: while scrolling fast several land between two frames, and each separate update
   * would re-render every row on screen.
   */
  private arrived: { generation: number; page: number; items: ContactListItem[] }[] = [];
  private arrivalFrame: number | null = null;

  private scheduleArrivals(): void {
    if (this.arrivalFrame !== null) return;
    this.arrivalFrame = requestAnimationFrame(() => {
      this.arrivalFrame = null;
      const batch = this.arrived;
      this.arrived = [];
      const now = useLeads.getState().result;
      // The result was swapped meanwhile (new query or refresh): its own pages come with it.
      const fresh = batch.filter((a) => now && a.generation === now.generation);
      if (!now || fresh.length === 0) return;
      const pages = new Map(now.pages);
      for (const a of fresh) pages.set(a.page, a.items);
      this.evictFarPages(pages);
      useLeads.setState({ result: { ...now, pages } });
    });
  }

  private evictFarPages(pages: Map<number, unknown>): void {
    if (pages.size <= MAX_CACHED_PAGES) return;
    const here = Math.floor(this.visible.first / PAGE_SIZE);
    const byDistance = [...pages.keys()].sort((a, b) => Math.abs(b - here) - Math.abs(a - here));
    for (const p of byDistance.slice(0, pages.size - MAX_CACHED_PAGES)) pages.delete(p);
  }

  /**
   * Ids of rows `from`..`to` (inclusive, either order) of the shown result, at most
   * SELECTION_CAP: from the page cache where loaded, asked from the engine where not.
   */
  async idsInRange(from: number, to: number): Promise<{ ids: string[]; capped: boolean }> {
    const r = useLeads.getState().result;
    if (!r || r.total === 0) return { ids: [], capped: false };
    const lo = Math.max(0, Math.min(from, to));
    const wantedHi = Math.min(r.total - 1, Math.max(from, to));
    const hi = Math.min(wantedHi, lo + SELECTION_CAP - 1);
    const ids: string[] = [];
    let i = lo;
    while (i <= hi) {
      const page = Math.floor(i / PAGE_SIZE);
      const cached = r.pages.get(page);
      if (cached) {
        const end = Math.min(hi, (page + 1) * PAGE_SIZE - 1);
        for (let j = i; j <= end; j++) {
          const row = cached[j - page * PAGE_SIZE];
          if (row) ids.push(row.id);
        }
        i = end + 1;
      } else {
        const limit = Math.min(MAX_LIMIT, hi - i + 1);
        const answer = await this.client.call('contacts.list', { ...listInput(r.query), offset: i, limit });
        for (const row of answer.items) ids.push(row.id);
        if (answer.items.length === 0) break;
        i += limit;
      }
    }
    return { ids, capped: wantedHi > hi };
  }
}
