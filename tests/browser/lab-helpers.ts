// What the lab's browser tests and the demo benchmark (bench/demo-browser.ts) do to the page, as a
// user does it: open a step, wait for the model, read the data, fill number fields by label.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { REPO_ROOT } from '../helpers/vite-server';

export const ARTIFACTS = path.join(REPO_ROOT, 'artifacts');

export async function shot(page: Page, name: string): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: path.join(ARTIFACTS, `lab-${name}.png`), fullPage: true });
}

export async function openStep(page: Page, step: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Steps' }).getByRole('button', { name: step }).click();
  await page.waitForSelector(`main[data-step="${step}"]`);
}

/** Waits for the model summary (or an alert); throws with the alert's text when there is one. */
export async function waitForModel(page: Page, timeout = 120_000): Promise<void> {
  await page.locator('[data-testid="model-summary"], [role="alert"]').first().waitFor({ timeout });
  const alerts = await page.getByRole('alert').allInnerTexts();
  if (alerts.length > 0) throw new Error(`the model did not load: ${alerts.join(' | ')}`);
}

/** Fills number (or text) fields by their exact label, within `scope`. */
export async function fill(scope: Page | Locator, fields: Record<string, string | number>): Promise<void> {
  for (const [label, value] of Object.entries(fields)) await scope.getByLabel(label, { exact: true }).fill(String(value));
}

/** Reads synthetic training data in step 2 (`records` records, `maxLength` tokens at most). */
export async function readSynthData(page: Page, records: number, maxLength?: number): Promise<void> {
  await openStep(page, 'Data');
  await page.getByLabel('Synthetic teacher (bundled)').check();
  await fill(page, { Records: records, ...(maxLength !== undefined && { 'Max length (tokens)': maxLength }) });
  await page.getByRole('button', { name: 'Read the data' }).click();
  await page.getByTestId('data-summary').waitFor({ timeout: 60_000 });
}

/** Whether the element is wholly inside the viewport as the page is scrolled now. */
export function inViewport(locator: Locator): Promise<boolean> {
  return locator.evaluate((el) => {
    const r = el.getBoundingClientRect();
    return r.height > 0 && r.top >= 0 && r.bottom <= window.innerHeight;
  });
}

/**
 * Starts recording every text the element matching `selector` shows (a MutationObserver, so no
 * intermediate state is missed); read them with `recordedTexts(page, name)`.
 */
export async function recordTexts(page: Page, name: string, selector: string): Promise<void> {
  await page.evaluate(
    ({ name, selector }) => {
      const w = window as unknown as Record<string, string[]>;
      const seen: string[] = (w[name] = []);
      new MutationObserver(() => {
        const text = document.querySelector(selector)?.textContent?.trim();
        if (text && seen.at(-1) !== text) seen.push(text);
      }).observe(document.body, { subtree: true, childList: true, characterData: true });
    },
    { name, selector },
  );
}

export function recordedTexts(page: Page, name: string): Promise<string[]> {
  return page.evaluate((name) => (window as unknown as Record<string, string[]>)[name] ?? [], name);
}

/** Writes files into the page's browser storage (OPFS), e.g. a damaged run record. */
export async function writeOpfs(page: Page, folder: string, files: Record<string, string>): Promise<void> {
  await page.evaluate(
    async ({ folder, files }) => {
      let dir = await navigator.storage.getDirectory();
      for (const part of folder.split('/')) dir = await dir.getDirectoryHandle(part, { create: true });
      for (const [name, text] of Object.entries(files)) {
        const stream = await (await dir.getFileHandle(name, { create: true })).createWritable();
        await stream.write(text);
        await stream.close();
      }
    },
    { folder, files },
  );
}
