// Words and looks, in both themes: one title style on every screen, stage chips with a colour per
// stage and readable text, the first-run Leads screen offering Import and the demo workspace, and
// a funnel whose every stage shows with skewed counts, whose labels never overlap and whose chart
// text is readable (>= 4.5:1, computed from the rendered fill against the card behind it).
import { expect, test, type Locator, type Page } from '@playwright/test';
import { consolePerTest, pageApi } from './browserMode';

const app = consolePerTest();

const SCREENS = ['Leads', 'Companies', 'Funnel', 'Import', 'Outbox', 'Conflicts', 'Settings'] as const;

async function go(page: Page, name: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Sections' }).getByRole('button', { name, exact: true }).click();
}

/**
 * The contrast of each element's text (an SVG text's fill, else its colour) against the first
 * opaque background behind it, with the WCAG formula.
 */
async function contrasts(locator: Locator): Promise<{ text: string; ratio: number; fg: string; bg: string }[]> {
  return locator.evaluateAll((els) => {
    const parse = (c: string): [number, number, number, number] | null => {
      const m = c.match(/rgba?\(([^)]+)\)/);
      if (!m) return null;
      const p = m[1]!.split(/[ ,/]+/).filter(Boolean).map(Number);
      return [p[0]!, p[1]!, p[2]!, p[3] ?? 1];
    };
    const lum = ([r, g, b]: number[]) => {
      const f = (v: number) => {
        const c = v / 255;
        return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
      };
      return 0.2126 * f(r!) + 0.7152 * f(g!) + 0.0722 * f(b!);
    };
    const background = (el: Element): string => {
      for (let e: Element | null = el; e; e = e.parentElement) {
        const bg = getComputedStyle(e).backgroundColor;
        const c = parse(bg);
        if (c && c[3] > 0.5) return bg;
      }
      return getComputedStyle(document.body).backgroundColor;
    };
    return els.map((el) => {
      const style = getComputedStyle(el);
      const fg = el instanceof SVGElement ? style.fill : style.color;
      const bg = background(el);
      const a = lum(parse(fg)!);
      const b = lum(parse(bg)!);
      return { text: el.textContent ?? '', fg, bg, ratio: (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05) };
    });
  });
}

function overlaps(a: { x: number; y: number; width: number; height: number }, b: { x: number; y: number; width: number; height: number }): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

for (const scheme of ['light', 'dark'] as const) {
  test.describe(`${scheme} theme`, () => {
    test.use({ colorScheme: scheme });

    test('every screen has its title in the same size and style', async ({ page }) => {
      await page.goto(app.openUrl);
      const styles: string[] = [];
      for (const name of SCREENS) {
        await go(page, name);
        const title = page.locator('main h1, [role="main"] h1, .page-title').filter({ hasText: name });
        await expect(title).toHaveCount(1);
        await expect(title).toHaveClass(/page-title/);
        styles.push(await title.evaluate((el) => ['fontSize', 'fontWeight', 'fontFamily', 'lineHeight'].map((k) => getComputedStyle(el)[k as 'fontSize']).join(' | ')));
      }
      expect(new Set(styles).size, styles.join('\n')).toBe(1);
    });

    test('the first-run Leads screen offers Import and the demo workspace', async ({ page }) => {
      await page.goto(app.openUrl);
      const empty = page.getByTestId('empty-state');
      await expect(empty).toContainText('No contacts yet');
      await expect(empty.getByTestId('empty-sandbox-note')).toContainText('npm start -- --sandbox');
      await expect(empty.getByRole('button', { name: 'Copy the demo command' })).toBeVisible();
      await empty.getByRole('button', { name: 'Import a CSV file' }).click();
      await expect(page.getByRole('navigation', { name: 'Sections' }).getByRole('button', { name: 'Import', exact: true })).toHaveAttribute('aria-current', 'page');
      // the Settings page does not send you to Settings
      await go(page, 'Settings');
      await expect(page.getByTestId('settings-sync-state')).toContainText('Not connected to Intercom');
      await expect(page.getByTestId('settings-view')).not.toContainText('in Settings');
    });

    test('stage chips: a colour per stage, text readable on each', async ({ page }) => {
      await page.goto(app.openUrl);
      await page.evaluate(async () => {
        const api = window.leadConsole!;
        await api.call('contacts.create', { name: 'Lee Lead', email: 'lee@chips.example' });
        const s = (await api.call('contacts.create', { name: 'Sue Signed', email: 'sue@chips.example' })).contact.id;
        await api.call('contacts.setStage', { id: s, stage: 'signed_up' });
        const q = (await api.call('companies.create', { name: 'Quartz' })).id;
        await api.call('companies.setStage', { id: q, stage: 'sql' });
        const c = (await api.call('companies.create', { name: 'Cobalt' })).id;
        await api.call('companies.setStage', { id: c, stage: 'sql' });
        await api.call('companies.setStage', { id: c, stage: 'customer' });
      });
      const chips = new Map<string, { bg: string; ratio: number }>();
      await expect(page.locator('.lead-col-stage .stage-chip')).toHaveCount(2);
      await go(page, 'Companies');
      await expect(page.locator('.stage-chip')).toHaveCount(2);
      await go(page, 'Leads');
      for (const [screen, stages] of [
        ['Leads', ['lead', 'signed_up']],
        ['Companies', ['sql', 'customer']],
      ] as const) {
        await go(page, screen);
        for (const stage of stages) {
          // the screen's rows arrive after its title: wait for the chip before reading its colours
          const chip = page.locator(`.stage-chip-${stage}`).first();
          await expect(chip).toBeVisible();
          const [c] = await contrasts(chip);
          chips.set(stage, { bg: c!.bg, ratio: c!.ratio });
          expect(c!.ratio, `${stage} chip: ${c!.fg} on ${c!.bg}`).toBeGreaterThanOrEqual(4.5);
        }
      }
      // four stages, four different chip colours
      expect(new Set([...chips.values()].map((c) => c.bg)).size).toBe(4);
      // the Role column marks users only: a lead no longer reads "Lead | Lead"
      await go(page, 'Leads');
      await expect(page.getByTestId('lead-row').filter({ hasText: 'Lee Lead' }).locator('.lead-col-role')).toHaveText('');
    });

    test('the funnel with skewed counts: every stage visible, no label overlapping, chart text readable', async ({ page }) => {
      await page.goto(app.openUrl);
      // real contacts for the other charts; the stage counts skewed as a large workspace has them
      await page.evaluate(async () => {
        const api = window.leadConsole!;
        for (let i = 0; i < 6; i++) {
          const id = (await api.call('contacts.create', { name: `Fay ${i}`, email: `fay${i}@funnel.example` })).contact.id;
          if (i % 2) await api.call('contacts.setStage', { id, stage: 'signed_up' });
        }
      });
      const skewed = { lead: [96_600, 100_000], signed_up: [2_600, 3_000], sql: [350, 400], customer: [50, 50] } as const;
      await page.route('**/api/funnel.get', async (route) => {
        const res = await route.fetch();
        const body = (await res.json()) as { ok: boolean; value: { total: number; stages: { stage: keyof typeof skewed; count: number; reached: number; conversion: number | null }[] } };
        const order = ['lead', 'signed_up', 'sql', 'customer'] as const;
        body.value.total = 100_000;
        body.value.stages = body.value.stages.map((s, i) => {
          const next = order[i + 1];
          return { ...s, count: skewed[s.stage][0], reached: skewed[s.stage][1], conversion: next ? skewed[next][1] / skewed[s.stage][1] : null };
        });
        await route.fulfill({ response: res, json: body });
      });
      for (const width of [1024, 1920]) {
        await page.setViewportSize({ width, height: 900 });
        await go(page, 'Funnel');
        const svg = page.getByTestId('funnel-stage-svg');
        await expect(svg).toBeVisible();
        await expect(page.getByTestId('funnel-value-customer')).toHaveText('50 reached · 50 now');

        // every stage has a bar one can see and click, however small beside Lead
        for (const stage of ['lead', 'signed_up', 'sql', 'customer']) {
          const box = (await page.getByTestId(`funnel-bar-reached-${stage}`).boundingBox())!;
          expect(box.width, `${stage} bar at ${width}`).toBeGreaterThanOrEqual(20);
          expect(box.height).toBeGreaterThanOrEqual(20);
        }
        const lead = (await page.getByTestId('funnel-bar-reached-lead').boundingBox())!;
        const customer = (await page.getByTestId('funnel-bar-reached-customer').boundingBox())!;
        expect(customer.width).toBeLessThan(lead.width);

        // no two labels overlap, and each stays inside the chart
        const svgBox = (await svg.boundingBox())!;
        const labels = await svg.locator('text').evaluateAll((els) => els.map((e) => ({ text: e.textContent ?? '', ...JSON.parse(JSON.stringify(e.getBoundingClientRect())) })));
        expect(labels.length).toBeGreaterThanOrEqual(4 + 4 + 3);
        for (const [i, a] of labels.entries()) {
          expect(a.x + a.width, `${a.text} inside the chart at ${width}`).toBeLessThanOrEqual(svgBox.x + svgBox.width + 1);
          for (const b of labels.slice(i + 1)) expect(overlaps(a, b), `"${a.text}" overlaps "${b.text}" at ${width}`).toBe(false);
        }
        await expect(svg.locator('.funnel-conversion-label').first()).toHaveText('↓ 3% → Signed up');
      }

      // every chart label on the screen, the other charts' axes and legends too
      await expect(page.getByTestId('funnel-cohorts').locator('.recharts-text').first()).toBeVisible();
      const texts = page.getByTestId('funnel-view').locator('svg text, .recharts-legend-item-text');
      const measured = (await contrasts(texts)).filter((t) => t.text.trim() !== '');
      expect(measured.length).toBeGreaterThan(20);
      const poor = measured.filter((t) => t.ratio < 4.5).map((t) => `"${t.text}" ${t.fg} on ${t.bg}: ${t.ratio.toFixed(2)}`);
      expect(poor).toEqual([]);
      // and the words use the plural rules
      await pageApi(page, 'app.info', {});
      await expect(page.getByTestId('funnel-stuck')).not.toContainText('1 days');
      await expect(page.getByTestId('funnel-stuck-customer')).toHaveCount(0);
    });
  });
}

test('who did it: the name given in Settings is the actor of the changes after it, never the OS account', async ({ page }) => {
  await page.goto(app.openUrl);
  const { actor: before } = await pageApi(page, 'app.info', {});
  expect(before).toBe('Lead Console user'); // no name given, no Intercom admin connected yet
  await go(page, 'Settings');
  await page.getByTestId('setting-yourName').fill('Ada Lovelace');
  await page.getByRole('button', { name: 'Save name' }).click();
  await expect(page.getByTestId('settings-actor')).toHaveText('Ada Lovelace');
  const id = await page.evaluate(async () => (await window.leadConsole!.call('contacts.create', { name: 'Hal History', email: 'hal@actor.example' })).contact.id);
  const { history } = await pageApi(page, 'contacts.get', { id });
  expect(history.map((h) => h.actor)).toEqual(['Ada Lovelace']);
  await go(page, 'Leads');
  await page.getByTestId('lead-row').filter({ hasText: 'Hal History' }).click();
  await expect(page.getByTestId('contact-history').getByTestId('history-entry').first()).toContainText('Added as Lead by Ada Lovelace');
});
