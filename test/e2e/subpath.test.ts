import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type AppHarness } from './helpers/app';
import { hasChromium, requireChromiumInCi } from './helpers/browser';
import { makeTestSite } from './helpers/fixture-site';
import { downloadExport, setOption, unzip, waitReady } from './helpers/flow';

requireChromiumInCi();

const BASE = '/some-name/';

describe.skipIf(!hasChromium)('the built site under a sub-path, as a project page', () => {
  let app: AppHarness;
  let site: { dir: string; remove: () => void };

  beforeAll(async () => {
    site = await makeTestSite();
    app = await startApp(site.dir, BASE);
  });

  afterAll(async () => {
    await app?.close();
    site?.remove();
  });

  it(`runs the flow from ${BASE} and fetches nothing outside it`, async () => {
    const page = await app.openApp(`${BASE}?backend=wasm`);
    await page.getByTestId('model-vae-mnist').click();
    await waitReady(page);
    await page.getByTestId('tag-for-me').click();
    await expect
      .poll(() => page.getByTestId('tag-for-me').isEnabled(), { timeout: 120_000 })
      .toBe(true);
    await setOption(page, 'batch', 8);
    await setOption(page, 'steps', 2);
    await page.getByTestId('start').click();
    await page
      .locator('[data-testid="run-status"][data-status="done"]')
      .waitFor({ timeout: 180_000 });
    await page.getByTestId('judge-n').fill('20');
    await page.getByTestId('attack-steps').fill('1');
    await page.getByTestId('judge').click();
    await page.getByTestId('judge-student').waitFor({ timeout: 180_000 });
    const exported = await downloadExport(page);
    expect(Object.keys(unzip(exported.bytes)).sort()).toEqual(['model.json', 'weights.bin']);
    const outside = app.server.requests.filter((p) => !p.startsWith(BASE));
    expect(outside).toEqual([]);
    expect(app.server.requests).toContain(`${BASE}models/index.json`);
    const scope = await page.evaluate(async () => (await navigator.serviceWorker.ready).scope);
    expect(new URL(scope).pathname).toBe(BASE);
    await page.close();
  }, 600_000);

  it('drops the caches of older versions when a new service worker activates', async () => {
    const page = await app.openApp(`${BASE}?backend=cpu`);
    await page.evaluate(async () => {
      await navigator.serviceWorker.ready;
      await caches.open('unlearning-playground-an-old-release');
    });
    const before = (await page.evaluate(() => caches.keys())) as string[];
    expect(before).toContain('unlearning-playground-an-old-release');
    // A new release: the same sw.js with another build id.
    const swPath = join(site.dir, 'sw.js');
    const source = readFileSync(swPath, 'utf8');
    const id = /const CACHE = `\$\{PREFIX\}([^`]+)`/.exec(source)?.[1];
    expect(id).toMatch(/^[0-9a-f]{12}$/);
    writeFileSync(swPath, source.replace(`\${PREFIX}${id}`, '${PREFIX}a-new-release'));
    await page.evaluate(async () => {
      const registration = await navigator.serviceWorker.ready;
      await registration.update();
    });
    await expect
      .poll(() => page.evaluate(() => caches.keys()) as Promise<string[]>, { timeout: 30_000 })
      .not.toContain('unlearning-playground-an-old-release');
    const after = (await page.evaluate(() => caches.keys())) as string[];
    expect(
      after.every(
        (name) => !name.startsWith('unlearning-playground-') || name.endsWith('a-new-release'),
      ),
    ).toBe(true);
    await page.close();
  });
});
