// Controls on the page that a screen reader would announce without a name (the same check as the
// frame spec's, shared by the funnel and segment specs).
import type { Page } from '@playwright/test';

export async function unnamedControls(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const named = (el: Element): boolean => {
      const label = el.getAttribute('aria-label') ?? el.getAttribute('title') ?? '';
      if (label.trim()) return true;
      const by = el.getAttribute('aria-labelledby');
      if (by && by.split(' ').some((id) => document.getElementById(id)?.textContent?.trim())) return true;
      if (el instanceof HTMLInputElement || el instanceof HTMLSelectElement || el instanceof HTMLTextAreaElement) {
        return [...(el.labels ?? [])].some((l) => l.textContent?.trim());
      }
      return Boolean(el.textContent?.trim());
    };
    const controls = document.querySelectorAll('button, input, select, textarea, [role="combobox"], [role="separator"][tabindex], a[href]');
    return [...controls]
      .filter((el) => (el as HTMLElement).offsetParent !== null || el.closest('dialog[open]'))
      .filter((el) => !named(el))
      .map((el) => el.outerHTML.slice(0, 120));
  });
}
