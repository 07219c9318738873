import { existsSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

/** Where Chromium is: $CHROMIUM_PATH, else Debian's /usr/bin/chromium. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Whether Chromium is installed at {@link CHROMIUM_PATH}. */
export const hasChromium = existsSync(CHROMIUM_PATH);

/**
 * Flags that give headless Chromium a WebGPU adapter (SwiftShader when there is no GPU) and keep
 * it from reaching the network on its own; see shared/design/platform-notes.md.
 */
export const CHROMIUM_FLAGS: readonly string[] = [
  '--enable-unsafe-webgpu',
  '--enable-features=Vulkan',
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** Throws in CI when Chromium is missing, so the e2e suite cannot pass by skipping there. */
export function requireChromiumInCi(): void {
  if (!hasChromium && process.env.CI) {
    throw new Error(`CI must run the e2e tests, but Chromium is missing at ${CHROMIUM_PATH}.`);
  }
}

/** A headless Chromium with one fresh context (its own temporary profile). */
export interface BrowserSession {
  readonly browser: Browser;
  readonly context: BrowserContext;
  /**
   * Console errors and uncaught exceptions of every page opened in `context`, each prefixed with
   * the page's URL. Tests assert it is empty, or filter it.
   */
  readonly consoleErrors: string[];
  close(): Promise<void>;
}

function watchPage(page: Page, consoleErrors: string[]): void {
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(`${page.url()}: ${message.text()}`);
  });
  page.on('pageerror', (error) => {
    consoleErrors.push(`${page.url()}: uncaught ${error.name}: ${error.message}`);
  });
}

/** Launches headless Chromium with the WebGPU flags and opens a fresh context. */
export async function launchBrowser(): Promise<BrowserSession> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [...CHROMIUM_FLAGS],
  });
  const context = await browser.newContext({ viewport: { width: 1100, height: 900 } });
  const consoleErrors: string[] = [];
  context.on('page', (page) => watchPage(page, consoleErrors));
  return {
    browser,
    context,
    consoleErrors,
    close: async () => {
      await context.close().catch(() => undefined);
      await browser.close();
    },
  };
}
