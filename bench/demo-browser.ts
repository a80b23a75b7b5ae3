// The whole "Run the demo" in the production build, in Debian's chromium, timed phase by phase:
// what tests/browser/lab.test.ts leaves out to stay fast. Prints, asserts nothing; run by hand.
//
//   npx tsx bench/demo-browser.ts [--backend wasm|webgpu|webgl|auto] [--records N] [--steps N]
//                                 [--items N] [--tokens N] [--load-only N]
//
// `--load-only N` opens the page N times, each in a fresh browser (a first visit: nothing cached),
// times the model's load and stops there.
//
// Without the size options the demo runs on the page's own defaults (DEMO_DEFAULTS in
// src/lib/lab-defaults.ts). It prints the backend the page chose (with the WebGPU adapter, e.g.
// "google swiftshader, software adapter"), the seconds of each phase (model load, in all and
// after the page's document was ready; data, base eval, training, fine-tuned eval, compare), the
// scores in the Compare table and the paired test, and the longest main-thread tasks.
import { chromiumRequirement, launchChromium } from '../tests/helpers/chromium';
import { startPreviewServer } from '../tests/helpers/vite-server';
import { fill, openStep, waitForModel } from '../tests/browser/lab-helpers';

const BACKENDS = ['wasm', 'webgpu', 'webgl', 'auto'] as const;
type Backend = (typeof BACKENDS)[number];

/** The demo size fields in the page, by the option that sets each. */
const SIZE_FIELDS = { records: 'Training records', steps: 'Training steps', items: 'Eval items', tokens: 'Tokens per answer' } as const;

/** How long a whole demo may take before the bench gives up. */
const DEMO_TIMEOUT_MS = 60 * 60_000;

function option(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

/** Every text the demo's status line showed, with the time it appeared (ms since page start). */
const STATUS_RECORDER = `
  window.__demoStages = [];
  window.__longTasks = [];
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) window.__longTasks.push({ at: e.startTime, ms: Math.round(e.duration) });
  }).observe({ type: 'longtask', buffered: true });
  window.__backendShown = null;
  window.__modelShown = null;
  addEventListener('DOMContentLoaded', () => {
    new MutationObserver(() => {
      if (window.__backendShown === null && document.querySelector('[data-testid="backend-name"]')) window.__backendShown = performance.now();
      if (window.__modelShown === null && document.querySelector('[data-testid="model-summary"]')) window.__modelShown = performance.now();
      const text = document.querySelector('[data-testid="demo-status"]')?.textContent?.trim();
      const seen = window.__demoStages;
      if (text && seen.at(-1)?.text !== text) seen.push({ text, at: performance.now() });
    }).observe(document.body, { subtree: true, childList: true, characterData: true });
  });
`;

interface Stage {
  text: string;
  at: number;
}

interface LongTask {
  at: number;
  ms: number;
}

type Launched = Awaited<ReturnType<typeof launchChromium>>;

const row = (label: string, seconds: number) => `${label.padEnd(38)}| ${seconds.toFixed(1).padStart(7)}`;
const TABLE_HEAD = `\n${'phase'.padEnd(38)}| seconds\n${'-'.repeat(38)}|--------`;

/**
 * Opens the page and waits for the model; the load's phases as table rows, by the page's own clock
 * (performance.now() from navigation start), when each thing first showed. The harness's clock
 * would add its own time before navigation starts and after the model shows.
 */
async function openAndLoad(browser: Launched, url: string): Promise<string[]> {
  const { page } = browser;
  await browser.context.addInitScript(STATUS_RECORDER);
  await page.goto(url);
  await waitForModel(page, 600_000);
  const [documentReady, backendShown, modelShown] = await page.evaluate(() => [
    (performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming).domContentLoadedEventEnd,
    (window as unknown as { __backendShown: number }).__backendShown,
    (window as unknown as { __modelShown: number }).__modelShown,
  ]);
  // The worker fetches the files while its backend starts: the backend row is when its name showed.
  return [
    row('Loading the model (page open)', modelShown / 1000),
    row('  after the document was ready', (modelShown - documentReady) / 1000),
    row('    until the backend showed', (backendShown - documentReady) / 1000),
    row('    then until the model showed', (modelShown - backendShown) / 1000),
  ];
}

async function main(): Promise<void> {
  const backend = (option('backend') ?? 'wasm') as Backend;
  if (!BACKENDS.includes(backend)) throw new Error(`--backend must be one of ${BACKENDS.join(', ')}, not ${backend}`);
  const need = chromiumRequirement();
  if (!need.available) throw new Error(need.reason);
  const sizes = Object.fromEntries(
    Object.entries(SIZE_FIELDS).flatMap(([opt, label]) => (option(opt) === undefined ? [] : [[label, option(opt)!]])),
  );
  const loads = option('load-only') === undefined ? 0 : Number(option('load-only'));
  if (!Number.isInteger(loads) || loads < 0) throw new Error(`--load-only takes a number of page loads, not ${option('load-only')}`);

  console.log('building the app and starting vite preview…');
  const server = await startPreviewServer();
  const url = `${server.url}/${backend === 'auto' ? '' : `?backend=${backend}`}`;
  if (loads > 0) {
    try {
      for (let i = 0; i < loads; i++) {
        const browser = await launchChromium({ webgpu: backend !== 'wasm' });
        console.log([TABLE_HEAD, ...(await openAndLoad(browser, url).finally(() => browser.close()))].join('\n'));
      }
    } finally {
      await server.close();
    }
    return;
  }
  const browser = await launchChromium({ webgpu: backend !== 'wasm' });
  try {
    const { page } = browser;
    const loadRows = await openAndLoad(browser, url);
    const chosen = await page.getByTestId('backend-name').innerText();
    const details = (await page.getByTestId('backend-details').count()) > 0 ? ` ${await page.getByTestId('backend-details').innerText()}` : '';

    await page.getByText('Demo size').click();
    if (Object.keys(sizes).length > 0) await fill(page.getByRole('banner'), sizes);
    const used = Object.fromEntries(
      await Promise.all(Object.values(SIZE_FIELDS).map(async (label) => [label, await page.getByRole('banner').getByLabel(label, { exact: true }).inputValue()])),
    );
    await page.evaluate(() => ((window as unknown as { __longTasks: LongTask[] }).__longTasks.length = 0));
    await page.getByRole('button', { name: 'Run the demo' }).click();
    const end = page.getByTestId('demo-status').filter({ hasText: /^(Done in|Stopped)/ });
    await end.waitFor({ timeout: DEMO_TIMEOUT_MS });
    const outcome = await end.innerText();
    const stages = await page.evaluate(() => (window as unknown as { __demoStages: Stage[] }).__demoStages);
    const longTasks = await page.evaluate(() => (window as unknown as { __longTasks: LongTask[] }).__longTasks);

    console.log(`\nbackend: ${chosen}${details}; asked for ${backend}`);
    console.log(`demo size: ${Object.entries(used).map(([k, v]) => `${k.toLowerCase()} ${v}`).join(', ')}`);
    console.log([TABLE_HEAD, ...loadRows].join('\n'));
    const last = stages.at(-1)!;
    for (let i = 0; i < stages.length - 1; i++) {
      console.log(row(stages[i].text, (stages[i + 1].at - stages[i].at) / 1000));
    }
    console.log(`\n${outcome}`);
    const alerts = await page.getByRole('alert').allInnerTexts();
    if (alerts.length > 0) console.log(`errors: ${alerts.join(' | ')}`);
    if (last.text.startsWith('Done')) {
      const table = page.getByTestId('compare-table');
      const rows = await table.locator('tbody tr').all();
      const columns = await table.locator('thead th').allInnerTexts();
      console.log(`\nscores (strict exact match, % ± standard error) on ${columns.slice(1).join(', ')}:`);
      for (const row of rows) console.log(`  ${(await row.innerText()).replace(/\t/g, ' | ')}`);
      console.log(`paired test: ${await page.getByTestId('paired-result').innerText()}`);
      await openStep(page, 'Train');
      console.log(`training: ${await page.getByTestId('train-metrics').innerText()}`);
    }
    // Each with the demo stage it fell in, to find what blocks the page.
    const stageAt = (at: number) => stages.findLast((st) => st.at <= at)?.text ?? 'before the demo';
    const longest = [...longTasks].sort((a, b) => b.ms - a.ms).slice(0, 5);
    console.log(`\nlongest main-thread tasks: ${longest.map((t) => `${t.ms} ms (${stageAt(t.at)})`).join(', ')}`);
  } finally {
    await Promise.allSettled([browser.close(), server.close()]);
  }
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
