// Keeps a paging loop finite whatever the server answers: a cursor handed back twice (the same
// page again, or a cycle), a page of records already read, or more records than the total
// Intercom announced stops the loop with an error in words instead of requests without end.
import { IntercomError } from './IntercomError';

/**
 * Records may be added while the pages are read, so the announced total gets a margin: a tenth,
 * and at least two full pages (2 x 150).
 */
const MARGIN_MIN = 300;
const MARGIN_SHARE = 0.1;
/** Where no total is announced (the company scroll): 200,000 pages is 10M companies at 50 a page. */
export const MAX_PAGES = 200_000;

export class PageGuard {
  private readonly cursors = new Set<string>();
  private readonly ids = new Set<string>();
  private records = 0;
  private pages = 0;
  private announced: number | null = null;

  /** `label` names the list in the error ("contact list", "company scroll"). */
  constructor(private readonly at: { method: string; path: string; label: string }) {}

  /** A page arrived with `count` records and the total Intercom announced with it, if any. */
  page(count: number, total?: number | null): void {
    this.pages++;
    this.records += count;
    // the first announcement counts: a server raising it on every page would never be caught
    if (this.announced === null && typeof total === 'number' && Number.isFinite(total) && total >= 0) this.announced = total;
    if (this.announced !== null) {
      const limit = this.announced + Math.max(MARGIN_MIN, Math.ceil(this.announced * MARGIN_SHARE));
      if (this.records > limit) {
        this.stop(`kept sending records past the ${this.announced} it announced (${this.records} read in ${this.pages} pages)`);
      }
    }
    if (this.pages > MAX_PAGES) this.stop(`did not end after ${MAX_PAGES} pages`);
  }

  /** The cursor of the next page; throws when this loop was handed it before. */
  next(cursor: string): void {
    if (this.cursors.has(cursor)) this.stop(`handed back a page cursor it had given before (after ${this.pages} pages), so it would go round forever`);
    this.cursors.add(cursor);
  }

  /** For lists without a changing cursor (the scroll): throws when a page holds only records read before. */
  fresh(ids: readonly string[]): void {
    let added = 0;
    for (const id of ids) {
      if (this.ids.has(id)) continue;
      this.ids.add(id);
      added++;
    }
    if (ids.length > 0 && added === 0) this.stop(`sent a page of records it had already sent (after ${this.pages} pages), so it would go round forever`);
  }

  private stop(why: string): never {
    const { method, path, label } = this.at;
    throw new IntercomError({
      kind: 'unusable',
      code: 'paging_loop',
      method,
      path,
      message: `Intercom's ${label} (${method} ${path}) ${why}; reading it was stopped`,
    });
  }
}
