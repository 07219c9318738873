import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, waitForPlatformCheck, type AppHarness } from './helpers/app';
import { CHROMIUM_PATH, hasChromium, requireChromiumInCi } from './helpers/browser';
import { makeTestSite } from './helpers/fixture-site';

requireChromiumInCi();
if (!hasChromium) {
  console.warn(`Skipping the app shell e2e tests: no Chromium at ${CHROMIUM_PATH}.`);
}

/** Runs in the page before the app: makes it look like a browser without WebGPU. */
function hideWebGpu(): void {
  Object.defineProperty(Navigator.prototype, 'gpu', { get: () => undefined, configurable: true });
}

describe.skipIf(!hasChromium)('app shell in headless Chromium', () => {
  let app: AppHarness;
  let site: { dir: string; remove: () => void };

  beforeAll(async () => {
    site = await makeTestSite();
    app = await startApp(site.dir);
  });

  afterAll(async () => {
    await app?.close();
    site?.remove();
  });

  it('chooses WebGPU and gets the known answers back from it', async () => {
    const page = await app.openApp('/');
    expect(await waitForPlatformCheck(page)).toBe('done');

    await expect.poll(() => page.getByTestId('backend-name').textContent()).toBe('webgpu');
    expect(await page.getByTestId('backend-reasons').textContent()).toContain(
      'Nothing was skipped',
    );
    expect(await page.getByTestId('adapter-info').textContent()).toMatch(/Vendor\s*\S+/);

    expect((await page.getByTestId('selftest-status').textContent())?.trim()).toBe('passed');
    const rows = page.getByTestId('selftest-row');
    expect(await rows.count()).toBeGreaterThanOrEqual(3);
    for (const ok of await rows.evaluateAll((els) => els.map((el) => el.dataset.ok))) {
      expect(ok).toBe('true');
    }
    // square([1, 2, 3, 4]), worked out by hand.
    expect(await page.getByTestId('selftest-got').first().textContent()).toBe('[1, 4, 9, 16]');
    await page.close();
  });

  it('?backend=cpu forces the CPU backend and says why the others were skipped', async () => {
    const page = await app.openApp('/?backend=cpu');
    expect(await waitForPlatformCheck(page)).toBe('done');

    expect(await page.getByTestId('backend-name').textContent()).toBe('cpu');
    const reasons = await page.getByTestId('backend-reasons').textContent();
    expect(reasons).toContain('WebGPU skipped: ?backend=cpu');
    expect(reasons).toContain('WASM skipped');
    expect(await page.getByTestId('adapter-info').count()).toBe(0);
    expect((await page.getByTestId('selftest-status').textContent())?.trim()).toBe('passed');
    await page.close();
  });

  it('?backend=wasm runs on binaries the site serves itself', async () => {
    const page = await app.openApp('/?backend=wasm');
    const foreign: string[] = [];
    page.on('request', (request) => {
      const url = request.url();
      if (!url.startsWith(app.server.url) && !/^(blob|data):/.test(url)) foreign.push(url);
    });
    await page.reload();
    expect(await waitForPlatformCheck(page)).toBe('done');

    expect(await page.getByTestId('backend-name').textContent()).toBe('wasm');
    expect(foreign).toEqual([]);
    // COOP/COEP make the page cross-origin isolated, which lets wasm load its threaded binary.
    expect(await page.evaluate(() => globalThis.crossOriginIsolated)).toBe(true);
    expect(app.server.requests.some((path) => /threaded-simd-.*\.wasm$/.test(path))).toBe(true);
    // One thread per logical core (TF.js alone would leave one core idle).
    const cores = await page.evaluate(() => navigator.hardwareConcurrency);
    const threads = Math.min(cores, 8);
    expect(await page.getByTestId('backend-detail').textContent()).toContain(
      `SIMD, ${threads} thread${threads === 1 ? '' : 's'}`,
    );
    // Includes the conv2d filter gradient, which only the wasm training kernels provide.
    expect((await page.getByTestId('selftest-status').textContent())?.trim()).toBe('passed');
    expect(await page.getByTestId('selftest-got').first().textContent()).toBe('[1, 4, 9, 16]');
    await page.close();
  });

  it('?backend=nonsense explains the mistake and falls back to the automatic choice', async () => {
    const page = await app.openApp('/?backend=nonsense');
    const notice = page.getByTestId('backend-param-notice');
    await notice.waitFor();
    expect(await notice.textContent()).toContain('Unknown backend "nonsense"');
    expect(await notice.textContent()).toContain('webgpu, webgl, wasm, cpu');
    expect(await waitForPlatformCheck(page)).toBe('done');
    expect(await page.getByTestId('backend-name').textContent()).toBe('webgpu');
    await page.close();
  });

  it('without navigator.gpu falls back to WebGL and says why', async () => {
    const page = await app.openApp('/', { initScript: hideWebGpu });
    expect(await waitForPlatformCheck(page)).toBe('done');
    expect(await page.getByTestId('backend-name').textContent()).toBe('webgl');
    expect(await page.getByTestId('backend-reasons').textContent()).toContain(
      'WebGPU unavailable: navigator.gpu is missing',
    );
    expect((await page.getByTestId('selftest-status').textContent())?.trim()).toBe('passed');
    await page.close();
  });

  it('shows the error panel when the forced backend cannot start', async () => {
    const page = await app.openApp('/?backend=webgpu', { initScript: hideWebGpu });
    expect(await waitForPlatformCheck(page)).toBe('failed');
    const panel = page.getByTestId('error-panel');
    expect(await panel.getAttribute('role')).toBe('alert');
    expect(await panel.textContent()).toContain('WebGPU unavailable: navigator.gpu is missing');
    expect(await page.getByTestId('backend-name').count()).toBe(0);
    await page.close();
  });

  it('logs no console errors and throws nothing uncaught', () => {
    expect(app.session.consoleErrors).toEqual([]);
  });
});
