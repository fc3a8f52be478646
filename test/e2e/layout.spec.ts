// The layout at 1024, 1280 and 1920 wide: toolbars stay one row (what does not fit goes into
// "More"), the table's columns use the width, the search placeholder shows whole, an open record
// at <= 1280 lies over the table instead of squeezing it, and segment names show in full; the
// companies list shows its columns without scrolling sideways (the company id gives way below 1200).
import { expect, test, type Locator, type Page } from '@playwright/test';
import { consolePerTest, pageApi } from './browserMode';

const app = consolePerTest(['--sandbox']);

/** The spread of the tops of a toolbar's children: more than a few pixels means it wrapped. */
async function rowsOf(toolbar: Locator): Promise<{ spread: number; height: number }> {
  return toolbar.evaluate((el) => {
    const kids = [...el.querySelectorAll<HTMLElement>(':scope > *, :scope > .overflow-row > *')].filter((k) => k.offsetParent !== null);
    const centers = kids.map((k) => {
      const r = k.getBoundingClientRect();
      return r.top + r.height / 2;
    });
    return { spread: Math.max(...centers) - Math.min(...centers), height: el.getBoundingClientRect().height };
  });
}

async function placeholderFits(page: Page): Promise<{ text: number; room: number }> {
  return page.getByLabel('Search leads').evaluate((input: HTMLInputElement) => {
    const css = getComputedStyle(input);
    const ctx = document.createElement('canvas').getContext('2d')!;
    ctx.font = css.font;
    return { text: ctx.measureText(input.placeholder).width, room: input.clientWidth - parseFloat(css.paddingLeft) - parseFloat(css.paddingRight) };
  });
}

/** Right edge of the last header cell against the grid's inner right edge. */
async function columnsReach(page: Page): Promise<{ lastRight: number; gridRight: number }> {
  return page.getByTestId('leads-grid').evaluate((grid) => {
    const cells = grid.querySelectorAll('[role="columnheader"]');
    const last = cells[cells.length - 1]!.getBoundingClientRect();
    const g = grid.getBoundingClientRect();
    return { lastRight: last.right, gridRight: g.left + grid.clientWidth };
  });
}

for (const width of [1024, 1280, 1920]) {
  test(`at ${width} wide: one-row toolbars, the width used, the placeholder whole, the record beside or over the table`, async ({ page }) => {
    await page.setViewportSize({ width, height: 800 });
    await page.goto(app.openUrl);
    await expect(page.getByTestId('sync-state')).toHaveText('Synced', { timeout: 30_000 });
    await expect.poll(async () => (await pageApi(page, 'sync.status', {})).initialImport, { timeout: 30_000 }).toBe('done');
    await expect(page.getByTestId('lead-row').first()).toBeVisible({ timeout: 15_000 });

    const toolbar = page.getByTestId('leads-toolbar');
    const bar = await rowsOf(toolbar);
    expect(bar.spread).toBeLessThan(6);
    expect(bar.height).toBeLessThan(48);
    const fit = await placeholderFits(page);
    expect(fit.text).toBeLessThanOrEqual(fit.room);
    // every toolbar action is on screen or in More
    const more = toolbar.getByTestId('toolbar-more');
    if (width === 1024) await expect(more).toBeVisible();
    await expect(toolbar.getByRole('button', { name: 'Add filter' })).toBeVisible();
    if (await more.isVisible()) {
      await more.click();
      await expect(toolbar.getByRole('button', { name: 'Recent bulk actions' })).toBeVisible();
      await expect(toolbar.getByRole('button', { name: 'Columns' })).toBeVisible();
      await page.keyboard.press('Escape');
    } else {
      await expect(toolbar.getByRole('button', { name: 'Columns' })).toBeVisible();
    }

    // the columns reach the right edge (or beyond, scrolling), and on a wide window emails are not cut
    const reach = await columnsReach(page);
    expect(reach.lastRight).toBeGreaterThanOrEqual(reach.gridRight - 2);
    if (width === 1920) {
      const cut = await page.locator('[data-testid="lead-row"] .lead-cell').evaluateAll((cells) =>
        cells.filter((c) => c.scrollWidth > c.clientWidth + 1).map((c) => c.textContent),
      );
      expect(cut).toEqual([]);
    }

    // the bulk bar with a selection: one row too
    await page.getByTestId('lead-row').first().locator('input[type="checkbox"]').check();
    const bulk = page.getByTestId('bulk-bar');
    await expect(bulk).toBeVisible();
    const b = await rowsOf(bulk);
    expect(b.spread).toBeLessThan(6);
    expect(b.height).toBeLessThan(48);
    // what did not fit is in its More menu
    if (!(await bulk.getByRole('button', { name: 'Clear' }).isVisible())) await bulk.getByTestId('toolbar-more').click();
    await bulk.getByRole('button', { name: 'Clear' }).click();
    await expect(bulk).toBeHidden();

    // a record opened: at <= 1280 it lies over the table, which keeps its width; wider, beside it
    const gridBefore = (await page.getByTestId('leads-grid').boundingBox())!;
    await page.getByTestId('lead-row').first().click();
    const panel = page.getByTestId('contact-panel');
    await expect(panel).toBeVisible();
    const gridAfter = (await page.getByTestId('leads-grid').boundingBox())!;
    const p = (await panel.boundingBox())!;
    if (width <= 1280) {
      expect(gridAfter.width).toBe(gridBefore.width);
      expect(p.x).toBeLessThan(gridAfter.x + gridAfter.width);
    } else {
      expect(gridAfter.x + gridAfter.width).toBeLessThanOrEqual(p.x);
      // beside the record, every column still shows
      const r = await columnsReach(page);
      expect(r.lastRight).toBeLessThanOrEqual(r.gridRight + 1);
    }
    expect((await rowsOf(toolbar)).spread).toBeLessThan(6);

    // segment names whole in the sidebar (they wrap, never cut)
    const names = await page.locator('.segment-name').evaluateAll((els) => els.map((e) => ({ text: e.textContent, cut: e.scrollWidth > e.clientWidth + 1 })));
    expect(names.length).toBeGreaterThan(0);
    expect(names.filter((n) => n.cut)).toEqual([]);

    // the companies list: every column it shows in view, tags and sync state included, with no sideways scroll
    const [acme] = (await pageApi(page, 'companies.list', { search: 'Acme' })).items;
    await pageApi(page, 'tags.add', { type: 'company', id: acme!.id, name: 'Enterprise', create: true });
    await pageApi(page, 'tags.add', { type: 'company', id: acme!.id, name: 'Partner program', create: true });
    await page.getByRole('navigation', { name: 'Sections' }).getByRole('button', { name: 'Companies', exact: true }).click();
    const table = page.getByTestId('company-table');
    await expect(table.locator('tbody tr').filter({ hasText: 'Acme' })).toContainText('Enterprise');
    const scroller = await page.locator('.companies-scroll').evaluate((el) => ({ scroll: el.scrollWidth, client: el.clientWidth }));
    expect(scroller.scroll).toBeLessThanOrEqual(scroller.client + 1);
    await expect(table.getByRole('columnheader', { name: 'Sync' })).toBeInViewport();
    await expect(table.getByRole('columnheader', { name: 'Company id' })).toBeVisible({ visible: width >= 1280 });
  });
}
