/**
 * The monitoring dashboard in a real browser (Debian's Chromium driven by playwright-core) against
 * the emulator running the whole app: sign-in, the demo endpoint and its live charts, the Test tab,
 * key regeneration, a batch job's progress, a failed run's error, every page at desktop and phone
 * width, keyboard use, the dark scheme, and that API values are shown as text. Screenshots of each
 * page go to `test/output/screenshots/` for review.
 *
 * Needs `npm run build` first (the emulator runs `dist/`, the page is `web/dist/`).
 */
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { seedDemo } from '../../../scripts/demo/seedDemo';
import { pollUntil } from '../../support/poll';
import { REPO_ROOT, startHost, type HostProcess } from '../../support/hostProcess';
import {
  DESKTOP,
  PHONE,
  closeBrowserAndHost,
  expectBuiltPage,
  expectText,
  launchChromium,
  signedInScript,
  newContext,
  screenshot,
  watchErrors,
} from './support/browser';
import { workspaceJob } from '../batch/batchHarness';
import { SibylApi, uploadBlobs } from './support/sibylApi';

const RUN = `${Date.now().toString(36)}${Math.floor(Math.random() * 1e4).toString(36)}`;
const ENDPOINT = 'horoscope';
const FEATURES = ['birthMonth', 'birthDay', 'birthYearOffset', 'todayMonth', 'todayDay', 'dayOfWeek'];

interface RunView {
  id: string;
  status: string;
}

describe('the monitoring dashboard (Chromium against the emulator)', () => {
  let host: HostProcess;
  let api: SibylApi;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let pageErrors: string[];
  const requestedUrls: string[] = [];
  const secrets: string[] = [];

  const go = async (hash: string) => {
    await page.goto(`${host.baseUrl}/${hash}`);
    await page.locator('main h1').first().waitFor();
  };

  beforeAll(async () => {
    expectBuiltPage();
    // A database of its own: the demo endpoint's name is fixed, and other test files use it too.
    // Mini-batch 7 of a job takes a minute longer on its first try: only the cancel test's job has one.
    host = await startHost({
      appDir: REPO_ROOT,
      env: { COSMOS_DATABASE: `dashboard-${RUN}` },
      slowMiniBatches: { once: { index: 7, ms: 60_000 } },
    });
    api = new SibylApi(host);
    await seedDemo(host.baseUrl, host.functionKey);
    secrets.push(host.functionKey);
    browser = await launchChromium();
    context = await newContext(browser);
    page = await context.newPage();
    pageErrors = watchErrors(page);
    context.on('request', (request) => requestedUrls.push(request.url()));
  }, 120_000);

  afterAll(() => closeBrowserAndHost(context, browser, host));

  afterEach(() => {
    expect(pageErrors).toEqual([]);
  });

  it('serves the page and its hashed assets with caching headers', async () => {
    const index = await fetch(`${host.baseUrl}/`);
    expect(index.status).toBe(200);
    expect(index.headers.get('content-type')).toMatch(/^text\/html/);
    expect(index.headers.get('cache-control')).toBe('no-cache');
    expect(index.headers.get('content-security-policy')).toContain("script-src 'self'");
    const html = await index.text();
    const script = /src="\.\/assets\/([^"]+\.js)"/.exec(html)?.[1];
    expect(script).toBeDefined();
    const asset = await fetch(`${host.baseUrl}/assets/${script}`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    // Bodies are read to the end, so no socket is left waiting when the host stops.
    expect((await asset.text()).length).toBeGreaterThan(1000);
    const again = await fetch(`${host.baseUrl}/assets/${script}`, {
      headers: { 'if-none-match': asset.headers.get('etag')! },
    });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe('');
    const missing = await fetch(`${host.baseUrl}/assets/nothing-here.js`);
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { error: { code: string } }).error.code).toBe('NotFound');
    // The page loads nothing from elsewhere: every script and style sheet is a relative asset.
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
  });

  it('says when the key is wrong, then signs in with the right one', async () => {
    await page.goto(`${host.baseUrl}/`);
    await page.getByLabel('Function key').fill('not-the-key');
    await screenshot(page, '01-sign-in');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expectText(page.locator('#key-error'), /key was refused \(401 Unauthorized\)/);
    await screenshot(page, '02-sign-in-wrong-key');
    await page.getByLabel('Function key').fill(host.functionKey);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
    // Kept for this tab only, never in the URL.
    expect(await page.evaluate("sessionStorage.getItem('sibyl.functionKey')")).toBe(host.functionKey);
    expect(page.url()).not.toContain(host.functionKey);
  });

  it('shows the overview: counts, traffic chart, runs', async () => {
    await go('#/');
    await expectText(page.locator('.stat', { hasText: 'Endpoints' }).locator('.stat-value'), '1');
    await expectText(page.locator('.stat', { hasText: 'Models' }).locator('.stat-value'), '1');
    await page.locator('.chart canvas').first().waitFor();
    await screenshot(page, '03-overview');
  });

  it('lists the demo model and shows its signature, size, hash and deployments', async () => {
    await go('#/models');
    await page.getByRole('link', { name: 'horoscope' }).click();
    await page.getByRole('heading', { name: 'Version 1' }).waitFor();
    const version = page.locator('.card', { hasText: 'Version 1' });
    await expectText(version, /features\s*FP32\s*\[\?, 6\]/);
    await expectText(version, /probabilities\s*FP32\s*\[\?, 4\]/);
    await expectText(version, /horoscope\/stars/);
    await expectText(version, /[0-9a-f]{16}…/);
    await screenshot(page, '04-model');
    await go('#/models');
    await screenshot(page, '05-models');
  });

  it('shows the demo endpoint: deployment, traffic, and charts that refresh as requests arrive', async () => {
    await go('#/endpoints');
    await expectText(page.locator('tbody tr', { hasText: ENDPOINT }), /key\s*stars 100%/);
    await screenshot(page, '06-endpoints');
    await page.getByRole('link', { name: ENDPOINT, exact: true }).click();
    const row = page.locator('tbody tr', { hasText: 'stars' });
    await expectText(row, /Succeeded\s*horoscope@latest\s*→ horoscope:1\s*ort-cpu@1\s*up to 64 rows/);
    await expectText(page.locator('.split-bar'), 'stars 100%');
    const charts = page.locator('[data-deployment="stars"]');
    await expect3Canvases(charts);

    const keys = (await api.call<{ primaryKey: string }>('GET', `api/endpoints/${ENDPOINT}/keys`)).body;
    secrets.push(keys.primaryKey);
    for (let i = 0; i < 12; i++) {
      const answer = await api.score(ENDPOINT, keys.primaryKey, {
        input_data: { features: [[3, 14, 90, 5, 24, i % 7]] },
      });
      expect(answer.status).toBe(200);
    }
    // The charts poll every 10 s; the summary line says what the last poll read.
    await expectText(
      charts.locator('p'),
      /^(1[2-9]|[2-9]\d|\d{3,}) requests, 0 errors in the last 60 min; latest p95 [\d.]+ ms\.$/,
      30_000,
    );
    await expectText(page.locator('.live'), /Live · updated/);
    // A shorter window redraws at once.
    await page.getByLabel('Window').selectOption('15');
    await expectText(charts.locator('p'), /requests, 0 errors in the last 15 min/);
    await screenshot(page, '07-endpoint');
  }, 60_000);

  it('builds a request from the signature in the Test tab, sends it and shows the answer', async () => {
    await go(`#/endpoints/${ENDPOINT}`);
    await page.getByRole('tab', { name: 'Test' }).click();
    const body = page.getByLabel('Request body (JSON)');
    await expectValue(body, /"features": \[\s*\[1, 2, 3, 4, 5, 6\]\s*\]/);
    await expectText(page.locator('#test-signature'), /horoscope:1 \(deployment stars\): features FP32 \[-1, 6\]/);
    await body.fill(JSON.stringify({ input_data: { features: [[3, 14, 90, 5, 24, 5]] } }));
    await page.getByRole('button', { name: 'Send request' }).click();
    await expectText(page.getByTestId('test-status'), '200 OK');
    await expectText(page.getByTestId('test-time'), /\d+( ms|\.\d s)/);
    const shown = JSON.parse(await page.getByTestId('test-answer').innerText()) as number[][];
    const keys = (await api.call<{ primaryKey: string }>('GET', `api/endpoints/${ENDPOINT}/keys`)).body;
    const direct = await api.score(ENDPOINT, keys.primaryKey, { input_data: { features: [[3, 14, 90, 5, 24, 5]] } });
    expect(shown).toEqual(direct.body);
    expect(shown[0]).toHaveLength(4);
    await screenshot(page, '08-endpoint-test');

    // The Open Inference Protocol form of the same request, pinned to the deployment.
    await page.getByLabel('Send to').selectOption('stars');
    await page.getByLabel('Protocol').selectOption('oip');
    await expectValue(body, /"inputs": \[/);
    await page.getByRole('button', { name: 'Send request' }).click();
    await expectText(page.getByTestId('test-status'), '200 OK');
    await expectText(page.getByTestId('test-answer'), /"model_name": "horoscope"[\s\S]*"name": "probabilities"/);

    // A bad body is refused by the endpoint, and the page shows its words.
    await page.getByLabel('Protocol').selectOption('azureml');
    await body.fill(JSON.stringify({ input_data: { features: [[1, 2, 3]] } }));
    await page.getByRole('button', { name: 'Send request' }).click();
    await expectText(page.getByTestId('test-status'), /^400/);
    await expectText(page.getByTestId('test-answer'), /"code": "(ShapeMismatch|InvalidInput)"/);
  });

  it('masks keys until shown, and regenerates one after confirmation: the old key is refused', async () => {
    await go(`#/endpoints/${ENDPOINT}?tab=keys`);
    const primary = page.locator('#primary-key');
    await expectText(primary, /^•+$/);
    await screenshot(page, '09-endpoint-keys');
    await page.getByRole('button', { name: 'Show primary key' }).click();
    await expectText(primary, /^[^•]{20,}$/);
    const oldKey = await primary.innerText();
    secrets.push(oldKey);
    expect((await api.score(ENDPOINT, oldKey, { input_data: { features: [[1, 1, 90, 1, 1, 1]] } })).status).toBe(200);

    // Cancel changes nothing.
    await page.locator('[data-regenerate="primary"]').click();
    await page.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click();
    await page.getByRole('dialog').waitFor({ state: 'detached' });
    expect((await api.score(ENDPOINT, oldKey, { input_data: { features: [[1, 1, 90, 1, 1, 1]] } })).status).toBe(200);

    await page.locator('[data-regenerate="primary"]').click();
    await expectText(
      page.getByRole('dialog'),
      /Callers using the current primary key of horoscope will be refused at once/,
    );
    await screenshot(page, '10-endpoint-regenerate-confirm');
    await page.getByRole('button', { name: 'Regenerate primary key' }).click();
    await expectText(page.locator('.notice'), 'The primary key was regenerated; the old one no longer works.');
    await page.getByRole('button', { name: 'Show primary key' }).click();
    await expectText(primary, /^[^•]{20,}$/);
    const newKey = await primary.innerText();
    secrets.push(newKey);
    expect(newKey).not.toBe(oldKey);
    expect((await api.score(ENDPOINT, oldKey, { input_data: { features: [[1, 1, 90, 1, 1, 1]] } })).status).toBe(401);
    expect((await api.score(ENDPOINT, newKey, { input_data: { features: [[1, 1, 90, 1, 1, 1]] } })).status).toBe(200);
  });

  /** Submits a job of the demo's `stars` deployment over `dash-{RUN}/{folder}/`, in this run's experiment. */
  const submitJob = async (folder: string, settings: Record<string, unknown>): Promise<string> => {
    const spec = { deployment: `${ENDPOINT}/stars`, experiment: `dashboard-${RUN}`, ...settings };
    const submitted = await api.call<{ id: string }>(
      'POST',
      'api/batch/jobs',
      workspaceJob(`dash-${RUN}/${folder}/`, `dash-${RUN}/${folder}-out/`, spec),
    );
    expect(submitted.status).toBe(202);
    return submitted.body.id;
  };

  it("shows a batch job's progress bar reaching 100% and its status turning Completed", async () => {
    const files: Record<string, string> = {};
    for (let f = 0; f < 4; f++) {
      files[`dash-${RUN}/good/part-${f}.csv`] =
        [FEATURES.join(','), ...[0, 1, 2].map((r) => [1 + f, 10 + r, 90, 5, 24, r].join(','))].join('\n') + '\n';
    }
    await uploadBlobs('workspaceblobstore', files);
    const id = await submitJob('good', { miniBatchSize: { files: 1 }, maxConcurrency: 1 });
    await go(`#/runs/${id}`);
    const bar = page.getByRole('progressbar', { name: 'Mini-batches done' });
    await pollUntil(
      async () => (await bar.getAttribute('aria-valuenow')) === '100',
      'the progress bar to reach 100%',
      90_000,
      250,
    );
    await expectText(page.locator('.title-row .badge'), 'Completed', 30_000);
    await expectText(page.getByTestId('minibatches'), '4 of 4 done (4 succeeded, 0 failed)');
    await expectText(page.locator('.kv', { hasText: 'Rows scored' }), /Rows scored\s*12/);
    await screenshot(page, '11-run-batch-completed');

    await go(`#/runs?experiment=dashboard-${RUN}`);
    await expectText(page.locator('tbody tr', { hasText: id }), /batch\s*Completed/);
    await screenshot(page, '12-runs');
  }, 150_000);

  it('opens a failed run and shows its error and the failing file and line in the log', async () => {
    await uploadBlobs('workspaceblobstore', {
      [`dash-${RUN}/bad/input.csv`]: `${FEATURES.join(',')}\n1,2,90,5,24,3\n1,not-a-number,90,5,24,3\n`,
    });
    const id = await submitJob('bad', { errorThreshold: 0 });
    await pollUntil(
      async () => ((await api.call<RunView>('GET', `api/runs/${id}`)).body.status === 'Failed' ? true : undefined),
      'the run to fail',
      90_000,
      250,
    );
    await go('#/runs?status=Failed');
    await page.getByRole('link', { name: id }).click();
    const error = page.getByTestId('run-error');
    await expectText(error, /Failed: \w+/);
    const apiError = (await api.call<{ error: { code: string; message: string } }>('GET', `api/runs/${id}`)).body.error;
    await expectText(error, apiError.message);
    await page.getByLabel('Errors and warnings only').check();
    await expectText(page.locator('.log'), /input\.csv/);
    await screenshot(page, '13-run-failed');
    await go('#/');
    await expectText(page.locator('.card', { hasText: 'Recently failed runs' }), id);
    await expectText(page.locator('.card', { hasText: 'Runs by status' }), /Completed[\s\S]*Failed/);
    await screenshot(page, '15-overview-with-runs');
  }, 150_000);

  it('cancels a running batch job after a confirmation', async () => {
    const rows = Array.from({ length: 10 }, (_, r) => [1, 10 + r, 90, 5, 24, r % 7].join(','));
    await uploadBlobs('workspaceblobstore', {
      [`dash-${RUN}/slow/input.csv`]: `${FEATURES.join(',')}\n${rows.join('\n')}\n`,
    });
    const id = await submitJob('slow', {
      miniBatchSize: { rows: 1 },
      maxConcurrency: 1,
      retry: { maxRetries: 1, timeoutSeconds: 120 },
    });
    await go(`#/runs/${id}`);
    const button = page.getByTestId('cancel-run');
    await button.click();
    await expectText(page.getByRole('dialog'), /No new mini-batches start/);
    await screenshot(page, '14-run-cancel-confirm');
    await page.getByRole('button', { name: 'Cancel batch job' }).click();
    await expectText(page.locator('.title-row .badge'), 'Canceled', 30_000);
    await button.waitFor({ state: 'detached' });
    expect((await api.call<RunView>('GET', `api/runs/${id}`)).body.status).toBe('Canceled');
  }, 150_000);

  it('shows pipelines and schedules, or the API error in words', async () => {
    await go('#/pipelines');
    await expectText(
      page.locator('.card', { hasText: 'Schedules' }),
      /No schedules yet|Could not load schedules|Pipeline/,
    );
    await expectText(page.locator('.card', { hasText: 'Published pipelines' }), /published|Could not/i);
    await screenshot(page, '14-pipelines');
  });

  it('renders API values as text, never as HTML', async () => {
    const hostile = `<img src=x onerror="document.body.dataset.pwned='1'"><b id="injected">bold</b>`;
    const model = `xss-${RUN}`;
    const { horoscopeModel } = await import('../../../scripts/onnx/horoscopeModel');
    const registered = await api.call(
      'POST',
      `api/models/${model}/versions?description=${encodeURIComponent(hostile)}`,
      horoscopeModel(),
    );
    expect(registered.status).toBe(201);
    await go(`#/models/${model}`);
    await expectText(page.locator('.kv', { hasText: 'Description' }), hostile);
    expect(await page.locator('#injected').count()).toBe(0);
    expect(await page.evaluate('document.body.dataset.pwned ?? null')).toBeNull();
  });

  /** Endpoint `name` with deployment `blue` of the horoscope model on one replica of container environment `env`. */
  async function deployOnContainer(name: string, env: string): Promise<void> {
    const environment = { executionProviders: ['cpu'], compute: { kind: 'container' } };
    expect((await api.call('PUT', `api/environments/${env}`, environment)).status).toBe(201);
    expect((await api.call('PUT', `api/endpoints/${name}`, { authMode: 'key' })).status).toBe(201);
    const deployed = await api.call('PUT', `api/endpoints/${name}/deployments/blue`, {
      model: 'horoscope:1',
      environment: `${env}@1`,
      instance: { minInstances: 1, maxInstances: 1 },
    });
    expect(deployed.status).toBe(201);
  }

  it("charts a container deployment's ready and desired replicas next to its latency", async () => {
    const name = `replicas-${RUN}`;
    await deployOnContainer(name, `dash-ct-${RUN}`);
    const shown = await api.call<{ scale?: unknown }>('GET', `api/endpoints/${name}/deployments/blue`);
    expect(shown.body.scale).toEqual(expect.objectContaining({ readyReplicas: 1 }));
    await go(`#/endpoints/${name}`);
    const charts = page.locator('[data-deployment="blue"]');
    await charts.locator('figcaption', { hasText: 'Replicas' }).waitFor({ timeout: 30_000 });
    await pollUntil(
      async () => (await charts.locator('canvas').count()) === 4,
      'the replica chart beside the others',
      15_000,
      100,
    );
    expect((await api.call('DELETE', `api/endpoints/${name}/deployments/blue`)).status).toBe(204);
  }, 90_000);

  it("shows a container deployment's replica logs by replica in the Logs tab, and why a functions one has none", async () => {
    const name = `logs-${RUN}`;
    await deployOnContainer(name, `dash-logs-${RUN}`);
    await go(`#/endpoints/${name}?tab=logs`);
    const started = page.locator('.replica-log li', { hasText: 'listening on port' });
    await started.first().waitFor({ timeout: 30_000 });
    expect(await started.first().locator('.log-replica').textContent()).toMatch(/^blue-[0-9a-f]{8}-\d+$/);
    expect(await started.first().getAttribute('data-stream')).toBe('stdout');

    await page.locator('#logs-lines').fill('1');
    await page.getByRole('button', { name: 'Refresh' }).click();
    await pollUntil(async () => (await page.locator('.replica-log li').count()) === 1, 'one line per replica', 15_000);

    await go(`#/endpoints/${ENDPOINT}?tab=logs`);
    await page.locator('.error-box', { hasText: 'container and gpu deployments only' }).waitFor();
    expect((await api.call('DELETE', `api/endpoints/${name}/deployments/blue`)).status).toBe(204);
  }, 90_000);

  it('is keyboard navigable: skip link, nav links, arrow keys between tabs', async () => {
    await go(`#/endpoints/${ENDPOINT}`);
    // A fresh load: focus starts at the top of the document.
    await page.reload();
    await page.getByRole('tab', { name: 'Overview' }).waitFor();
    await page.keyboard.press('Tab');
    expect(await page.evaluate('document.activeElement?.textContent')).toBe('Skip to content');
    await page.keyboard.press('Enter');
    expect(await page.evaluate('document.activeElement?.id')).toBe('main');
    await page.getByRole('tab', { name: 'Overview' }).focus();
    await page.keyboard.press('ArrowRight');
    await expectAttr(page.getByRole('tab', { name: 'Test' }), 'aria-selected', 'true');
    expect(await page.evaluate('document.activeElement?.textContent')).toBe('Test');
    await page.keyboard.press('End');
    await expectAttr(page.getByRole('tab', { name: 'Logs' }), 'aria-selected', 'true');
    expect(page.url()).toMatch(/tab=logs$/);
  });

  it('fits a phone-width screen on every page', async () => {
    const phone = await newContext(browser, { viewport: PHONE });
    await phone.addInitScript(signedInScript(host.functionKey));
    const p = await phone.newPage();
    const errors = watchErrors(p);
    try {
      for (const [name, hash] of [
        ['overview', '#/'],
        ['models', '#/models'],
        ['model', '#/models/horoscope'],
        ['endpoints', '#/endpoints'],
        ['endpoint', `#/endpoints/${ENDPOINT}`],
        ['endpoint-test', `#/endpoints/${ENDPOINT}?tab=test`],
        ['runs', '#/runs'],
        ['pipelines', '#/pipelines'],
      ] as const) {
        await p.goto(`${host.baseUrl}/${hash}`);
        await p.locator('main h1').first().waitFor();
        await p.waitForLoadState('networkidle');
        const overflow = await p.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');
        expect(`${name}: ${overflow > 1 ? `${overflow}px wider than the screen` : 'fits'}`).toBe(`${name}: fits`);
        await screenshot(p, `20-phone-${name}`);
      }
      expect(errors).toEqual([]);
    } finally {
      await phone.close();
    }
  }, 90_000);

  it('follows the dark colour scheme', async () => {
    const dark = await newContext(browser, { colorScheme: 'dark', viewport: DESKTOP });
    await dark.addInitScript(signedInScript(host.functionKey));
    const p = await dark.newPage();
    try {
      await p.goto(`${host.baseUrl}/#/endpoints/${ENDPOINT}`);
      await p.locator('[data-deployment="stars"] canvas').first().waitFor();
      const background = await p.evaluate<string>('getComputedStyle(document.body).backgroundColor');
      const [r, g, b] = (background.match(/\d+/g) ?? []).map(Number);
      expect((r ?? 255) + (g ?? 255) + (b ?? 255)).toBeLessThan(120);
      await screenshot(p, '30-dark-endpoint');
    } finally {
      await dark.close();
    }
  });

  it('signs out when the key stops working, and never put a secret in a URL', async () => {
    await page.evaluate("sessionStorage.setItem('sibyl.functionKey', 'revoked-key')");
    await go('#/models');
    await expectText(page.locator('.notice'), /Your function key was refused \(401 Unauthorized\)/);
    await page.getByLabel('Function key').waitFor();
    const leaked = requestedUrls.filter((url) => secrets.some((s) => url.includes(s)));
    expect(leaked).toEqual([]);
  });
});

// Code run in the page is passed as strings: this file is type-checked without the DOM library.

async function expectValue(locator: Locator, expected: RegExp): Promise<void> {
  let last = '';
  try {
    await pollUntil(
      async () => expected.test((last = await locator.inputValue())),
      `value ${String(expected)}`,
      15_000,
      100,
    );
  } catch {
    throw new Error(`Expected value ${String(expected)}; the field holds: ${JSON.stringify(last.slice(0, 800))}`);
  }
}

async function expectAttr(locator: Locator, name: string, value: string): Promise<void> {
  await pollUntil(async () => (await locator.getAttribute(name)) === value, `${name}=${value}`, 5000, 50);
}

async function expect3Canvases(charts: Locator): Promise<void> {
  await pollUntil(async () => (await charts.locator('canvas').count()) === 3, 'three charts', 15_000, 100);
}
