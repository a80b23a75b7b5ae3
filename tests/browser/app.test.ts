// End-to-end: the app page (index.html) in Debian chromium, served by Vite with the repo's config.
// The model loads in the web worker from a stand-in hub serving the shared tiny-llama-ref fixture,
// on the wasm backend, and generates greedy token ids from a typed id prompt (no tokenizer).
import { mkdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatBytes } from '../../models/memory';
import { browserSuite } from '../helpers/browser-suite';
import { chromiumRequirement } from '../helpers/chromium';
import { sharedPath, sharedRequirement, skipSuiteUnless } from '../helpers/shared';
import { REPO_ROOT } from '../helpers/vite-server';

const FIXTURE = ['fixtures', 'tiny-llama-ref'];
const SCREENSHOT = path.join(REPO_ROOT, 'artifacts', 'app-first-page.png');

describe('app page in chromium', () => {
  // Without chromium or the shared material every test skips with the reason (or fails under
  // CI / REQUIRE_BROWSER=1 / REQUIRE_SHARED=1); the setup below is then left out.
  const ready = skipSuiteUnless(chromiumRequirement(), sharedRequirement(...FIXTURE));
  const suite = browserSuite(ready, { webgpu: false, hubRepos: () => ({ 'test/tiny-llama': sharedPath(...FIXTURE) }) });

  /** The alert's text, or null when the page shows none. */
  async function alertText(): Promise<string | null> {
    const alert = suite.browser.page.getByRole('alert');
    return (await alert.count()) > 0 ? await alert.innerText() : null;
  }

  it('loads a hub model from ?model= on wasm, then generates 8 greedy ids from typed ids', { timeout: 180_000 }, async () => {
    const { page, consoleErrors } = suite.browser;
    const golden = JSON.parse(readFileSync(sharedPath(...FIXTURE, 'golden.json'), 'utf8')) as {
      prompt_ids: number[];
      greedy_continuation_ids: number[];
    };
    const query = new URLSearchParams({ model: 'test/tiny-llama', endpoint: suite.hub.url, backend: 'wasm' });
    await page.goto(`${suite.server.url}/?${query}`, { timeout: 60_000 });
    await expect(page.title()).resolves.toBe('Distill Lab');
    await expect(page.getByLabel('Model', { exact: true }).inputValue()).resolves.toBe('test/tiny-llama');

    // Loaded, or an error: whichever comes first.
    await page.locator('[data-testid="model-summary"], [role="alert"]').first().waitFor({ timeout: 120_000 });
    expect(await alertText()).toBeNull();
    await expect(page.locator('main').getAttribute('data-phase')).resolves.toBe('ready');

    expect(await page.getByTestId('backend-name').innerText()).toBe('wasm');
    expect(await page.getByTestId('backend-details').innerText()).toMatch(/^\(\d+ threads?\)$/);
    expect(await page.getByTestId('software-adapter-warning').count()).toBe(0);

    // Every file downloaded to its full size, shown as a full bar and "x / x".
    for (const file of ['config.json', 'model.safetensors']) {
      const size = statSync(sharedPath(...FIXTURE, file)).size;
      const row = page.locator(`li[data-file="${file}"]`);
      const bar = row.locator('progress');
      expect(Number(await bar.getAttribute('value'))).toBe(size);
      expect(Number(await bar.getAttribute('max'))).toBe(size);
      expect(await row.locator('.amount').innerText()).toBe(`${formatBytes(size)} / ${formatBytes(size)}`);
    }
    const summary = await page.getByTestId('model-summary').innerText();
    expect(summary).toContain('LlamaForCausalLM');
    expect(summary).toContain('hub model test/tiny-llama@main');
    expect(summary).toMatch(/none: prompts are token ids \(0 to 319\)/);
    // No tokenizer, so no chat template option.
    expect(await page.getByLabel('Use chat template').count()).toBe(0);

    // A prompt of ids, separated by spaces and commas.
    await page.getByLabel('Prompt token ids').fill(golden.prompt_ids.map((id, i) => (i % 2 ? `${id},` : `${id}`)).join(' '));
    await page.getByLabel('Max new tokens').fill('8');
    await expect(page.getByLabel('Greedy').isChecked()).resolves.toBe(true);
    await page.getByRole('button', { name: 'Generate' }).click();
    await page.locator('[data-testid="stats"], [role="alert"]').first().waitFor({ timeout: 60_000 });
    expect(await alertText()).toBeNull();

    const ids = (await page.getByTestId('output').innerText()).trim().split(/\s+/).map(Number);
    expect(ids).toHaveLength(8);
    // The reference implementation's greedy continuation.
    expect(ids).toEqual(golden.greedy_continuation_ids.slice(0, 8));
    const stats = await page.getByTestId('stats').innerText();
    expect(stats).toMatch(/^8 tokens from a 16-token prompt · \d+(\.\d)? tokens\/s · reached max new tokens$/);

    mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    expect(consoleErrors).toEqual([]);
  });

  it('shows a bad id prompt in the alert box and keeps the model', async () => {
    const { page, consoleErrors } = suite.browser;
    await page.getByLabel('Prompt token ids').fill('1 17 banana');
    await page.getByRole('button', { name: 'Generate' }).click();
    await expect(alertText()).resolves.toMatch(/"banana" is not a token id/);
    await page.getByLabel('Prompt token ids').fill('1 320');
    await page.getByRole('button', { name: 'Generate' }).click();
    await expect(alertText()).resolves.toMatch(/Token id 320 is outside the vocabulary \(0 to 319\)/);
    await expect(page.locator('main').getAttribute('data-phase')).resolves.toBe('ready');
    expect(consoleErrors).toEqual([]);
  });

  it('loads a model from local files picked in the page', { timeout: 180_000 }, async () => {
    const { page, consoleErrors } = suite.browser;
    await page.goto(`${suite.server.url}/?backend=wasm&model=`, { timeout: 60_000 });
    await page.getByLabel('Choose model files').setInputFiles(['config.json', 'model.safetensors'].map((f) => sharedPath(...FIXTURE, f)));
    await page.getByRole('button', { name: 'Load' }).click();
    await page.locator('[data-testid="model-summary"], [role="alert"]').first().waitFor({ timeout: 120_000 });
    expect(await alertText()).toBeNull();
    expect(await page.getByTestId('model-summary').innerText()).toContain('local files (config.json, model.safetensors)');
    await page.getByLabel('Prompt token ids').fill('1 17 42');
    await page.getByLabel('Max new tokens').fill('4');
    await page.getByRole('button', { name: 'Generate' }).click();
    await page.getByTestId('stats').waitFor({ timeout: 60_000 });
    expect((await page.getByTestId('output').innerText()).trim().split(/\s+/)).toHaveLength(4);
    expect(consoleErrors).toEqual([]);
  });

  it('opens on the bundled default model, with its tokenizer and chat template', { timeout: 180_000 }, async () => {
    const { page, consoleErrors } = suite.browser;
    await page.goto(`${suite.server.url}/?backend=wasm`, { timeout: 60_000 });
    await expect(page.getByLabel('Model', { exact: true }).inputValue()).resolves.toBe('/models/distill-tiny/');
    await page.locator('[data-testid="model-summary"], [role="alert"]').first().waitFor({ timeout: 120_000 });
    expect(await alertText()).toBeNull();
    const summary = await page.getByTestId('model-summary').innerText();
    expect(summary).toContain('/models/distill-tiny');
    expect(await page.getByLabel('Use chat template').count()).toBe(1);
    await page.getByLabel('Prompt', { exact: true }).fill('Mia has 3 apples and buys 4 more. How many apples does she have?');
    await page.getByLabel('Max new tokens').fill('6');
    await page.getByRole('button', { name: 'Generate' }).click();
    await page.getByTestId('stats').waitFor({ timeout: 60_000 });
    expect(await alertText()).toBeNull();
    expect(consoleErrors).toEqual([]);
  });
});
