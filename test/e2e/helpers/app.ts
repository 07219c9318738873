import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { launchBrowser, type BrowserSession } from './browser';
import { startStaticServer, type StaticServer } from './static-server';

/** The built site, made by `vite build` before the e2e project runs. */
export const DIST_DIR = fileURLToPath(new URL('../../../dist/', import.meta.url));

/** The built app served on 127.0.0.1, and a browser to open it in. */
export interface AppHarness {
  readonly server: StaticServer;
  readonly session: BrowserSession;
  /**
   * Opens `path` (e.g. `/?backend=cpu`) of the served app in a new page. `initScript` runs in the
   * page before any of the app's scripts, e.g. to hide an API and test the fallback.
   */
  openApp(path?: string, options?: { initScript?: string | (() => void) }): Promise<Page>;
  /** Stops the browser, then the server. Safe to call twice. */
  close(): Promise<void>;
}

/** Serves `dist/` (or `distDir`) and launches Chromium. Call `close()` in `afterAll`. */
export async function startApp(distDir: string = DIST_DIR, base = '/'): Promise<AppHarness> {
  const server = await startStaticServer(distDir, base);
  let session: BrowserSession;
  try {
    session = await launchBrowser();
  } catch (error) {
    await server.close();
    throw error;
  }
  let closed = false;
  return {
    server,
    session,
    openApp: async (path = '/', options = {}) => {
      const page = await session.context.newPage();
      if (options.initScript) await page.addInitScript(options.initScript);
      await page.goto(new URL(path, server.url).href);
      return page;
    },
    close: async () => {
      if (closed) return;
      closed = true;
      await session.close();
      await server.close();
    },
  };
}

/** What the start-up check ended in: `done` (a backend runs) or `failed` (none could). */
export type PlatformOutcome = 'done' | 'failed';

/**
 * Waits until the page has chosen a backend and run its self-test, or given up, and says which.
 * SwiftShader compiles shaders on the CPU, so the first WebGPU run can take several seconds.
 */
export async function waitForPlatformCheck(
  page: Page,
  timeoutMs = 120_000,
): Promise<PlatformOutcome> {
  const status = page.getByTestId('status');
  await status
    .and(page.locator('[data-phase="done"], [data-phase="failed"]'))
    .waitFor({ timeout: timeoutMs });
  return (await status.getAttribute('data-phase')) as PlatformOutcome;
}
