/**
 * Debian's Chromium driven by playwright-core (which never downloads a browser). The flags keep a
 * headless Chromium off the network it would otherwise call at start; `launch` gives every run a
 * fresh temporary profile. `scripts/installChromium.sh` installs the browser; SIBYL_CHROMIUM points
 * the tests at another binary.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { REPO_ROOT, startHost, type HostProcess } from '../../../support/hostProcess';
import { pollUntil } from '../../../support/poll';
import { HOST_START_MS, ServingClient } from '../../serving/support/servingClient';

export const CHROMIUM = process.env.SIBYL_CHROMIUM ?? '/usr/bin/chromium';
export const SCREENSHOT_DIR = path.join(REPO_ROOT, 'test', 'output', 'screenshots');
export const BUILT_PAGE = path.join(REPO_ROOT, 'web', 'dist', 'index.html');

const FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

export const DESKTOP = { width: 1280, height: 800 } as const;
export const PHONE = { width: 390, height: 844 } as const;

/** Starts headless Chromium, or fails saying how to install it. */
export async function launchChromium(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium is not installed at ${CHROMIUM}: run scripts/installChromium.sh (as root), or set SIBYL_CHROMIUM to a Chromium binary.`,
    );
  }
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: FLAGS });
}

/** A fresh browser context (its own session storage) at desktop size, light scheme. */
export function newContext(
  browser: Browser,
  options: { viewport?: { width: number; height: number }; colorScheme?: 'light' | 'dark' } = {},
): Promise<BrowserContext> {
  return browser.newContext({
    viewport: options.viewport ?? DESKTOP,
    colorScheme: options.colorScheme ?? 'light',
    reducedMotion: 'reduce',
  });
}

/** Saves a full-page screenshot as `test/output/screenshots/<name>.png` and returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const file = path.join(SCREENSHOT_DIR, `${name}.png`);
  // From the top, so the sticky header is drawn where it belongs in a full-page picture.
  await page.evaluate('window.scrollTo(0, 0)');
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/** Collects what the page logs as errors and its uncaught exceptions, to assert none happened. */
export function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(`uncaught: ${error.message}`));
  page.on('console', (message) => {
    // Failed API calls are logged by the browser itself; the dashboard shows those in the page.
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource'))
      errors.push(message.text());
  });
  return errors;
}

/** Closes the browser, then stops the host: what each dashboard suite does after its tests. */
export async function closeBrowserAndHost(
  context: BrowserContext | undefined,
  browser: Browser | undefined,
  host: HostProcess | undefined,
): Promise<void> {
  await context?.close();
  await browser?.close();
  if (!host) return;
  await host.stop();
  // 'exit' can come before the child's output pipes close; open pipes would hold the Jest worker.
  await pollUntil(
    () => (host.child.stdout?.closed ?? true) && (host.child.stderr?.closed ?? true),
    "the host's output pipes to close",
    10_000,
  );
}

/** A script that signs a new context in (the key in session storage), as the sign-in form would. */
export function signedInScript(key: string): string {
  return `sessionStorage.setItem('sibyl.functionKey', ${JSON.stringify(key)});`;
}

/** A browser with one signed-in page whose errors are watched: what the seeded suites open before their tests. */
export interface SignedInPage {
  browser: Browser;
  context: BrowserContext;
  page: Page;
  pageErrors: string[];
}

export async function openSignedInPage(key: string): Promise<SignedInPage> {
  const browser = await launchChromium();
  try {
    const context = await newContext(browser);
    await context.addInitScript(signedInScript(key));
    const page = await context.newPage();
    return { browser, context, page, pageErrors: watchErrors(page) };
  } catch (error) {
    await browser.close();
    throw error;
  }
}

/** Fails saying how to build the page when `web/dist/` is missing. */
export function expectBuiltPage(): void {
  if (!fs.existsSync(BUILT_PAGE))
    throw new Error(`${BUILT_PAGE} is missing: run \`npm run build\` (it builds the dashboard with vite) first.`);
}

/**
 * A seeded suite: before its tests the host starts on a Cosmos database of its own, `seed` fills it over the API,
 * then a signed-in page opens and goes to `opened`. Each test leaves no page error; after all, the browser and then
 * the host close.
 */
export function seededDashboard(
  database: string,
  seed: (sibyl: ServingClient) => Promise<void>,
  opened: (page: Page) => void,
): void {
  let host: HostProcess | undefined;
  let ui: SignedInPage | undefined;
  beforeAll(async () => {
    expectBuiltPage();
    host = await startHost({ appDir: REPO_ROOT, env: { COSMOS_DATABASE: database } });
    await seed(new ServingClient(host));
    ui = await openSignedInPage(host.functionKey);
    opened(ui.page);
  }, HOST_START_MS + 240_000);
  afterEach(() => {
    expect(ui?.pageErrors).toEqual([]);
  });
  afterAll(() => closeBrowserAndHost(ui?.context, ui?.browser, host));
}

/** Waits until the element's text matches (string: contains). */
export async function expectText(locator: Locator, expected: string | RegExp, timeoutMs = 15_000): Promise<void> {
  let last = '';
  try {
    await pollUntil(
      async () => {
        last = (
          (await locator
            .first()
            .innerText({ timeout: 1000 })
            .catch(() => '')) ?? ''
        ).trim();
        return typeof expected === 'string' ? last.includes(expected) : expected.test(last);
      },
      `text ${String(expected)}`,
      timeoutMs,
      100,
    );
  } catch {
    throw new Error(`Expected text ${String(expected)}; the page shows: ${JSON.stringify(last.slice(0, 800))}`);
  }
}
