import { cpSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { startApp, type AppHarness } from './helpers/app';
import { hasChromium, requireChromiumInCi } from './helpers/browser';
import { makeTestSite } from './helpers/fixture-site';
import { downloadExport, setOption, stockLoadInBrowser, unzip, waitReady } from './helpers/flow';

requireChromiumInCi();

const FOREIGN = fileURLToPath(new URL('../fixtures/foreign/', import.meta.url));

/** model.json and weights.bin of a foreign fixture, as files a person picks. */
function pairOf(name: string): { name: string; mimeType: string; buffer: Buffer }[] {
  return ['model.json', 'weights.bin'].map((file) => ({
    name: file,
    mimeType: 'application/octet-stream',
    buffer: readFileSync(join(FOREIGN, name, file)),
  }));
}

function zipOf(name: string): { name: string; mimeType: string; buffer: Buffer } {
  const files = Object.fromEntries(pairOf(name).map((f) => [f.name, new Uint8Array(f.buffer)]));
  return { name: `${name}.zip`, mimeType: 'application/zip', buffer: Buffer.from(zipSync(files)) };
}

async function openFresh(app: AppHarness, path: string): Promise<Page> {
  const page = await app.openApp(path);
  await page.locator('[data-stage="choose"], [data-stage="ready"]').waitFor({ timeout: 180_000 });
  return page;
}

/** Waits until the tag grid draws images `side` pixels wide (the new generator is loaded). */
async function waitForSide(page: Page, side: number): Promise<void> {
  const first = page.locator('[data-testid="tag-grid"] canvas').first();
  await expect
    .poll(() => first.getAttribute('width').catch(() => null), { timeout: 180_000 })
    .toBe(String(side));
  await waitReady(page);
}

async function cellSize(page: Page, testid: string): Promise<string> {
  const fig = page.getByTestId(testid);
  return `${await fig.getAttribute('data-height')}×${await fig.getAttribute('data-width')}×${await fig.getAttribute('data-channels')}`;
}

describe.skipIf(!hasChromium)("a person's own generators, end to end", () => {
  let app: AppHarness;
  let site: { dir: string; remove: () => void };

  beforeAll(async () => {
    site = await makeTestSite();
    cpSync(join(FOREIGN, 'grey16-linear'), join(site.dir, 'user-models', 'grey16'), {
      recursive: true,
    });
    app = await startApp(site.dir);
  });

  afterAll(async () => {
    await app?.close();
    site?.remove();
  });

  it('runs the whole flow on a 32×32 RGB tanh generator with a classifier of its own (WebGPU)', async () => {
    const page = await openFresh(app, '/');
    expect(await page.getByTestId('limits').textContent()).toContain('64 MB');
    await page.getByTestId('byo-input').setInputFiles(zipOf('rgb32-tanh'));
    await waitForSide(page, 32);
    expect(await page.getByTestId('backend-name').textContent()).toBe('webgpu');
    const id = await page.locator('[data-testid^="model-sha256-"]').getAttribute('data-testid');
    expect(id).toMatch(/^model-sha256-[0-9a-f]{16}$/);
    // No Morpho for colour images: only the tags, until a classifier is brought.
    expect(await page.getByTestId('feature').locator('option').allTextContents()).toEqual([
      'only my tags (no measure: I count it myself)',
    ]);

    await page.getByTestId('classifier-input').setInputFiles(pairOf('rgb32-red-classifier'));
    await expect.poll(() => page.getByTestId('feature').inputValue()).toBe('classifier');
    await page.getByTestId('tag-for-me').click();
    await expect
      .poll(() => page.getByTestId('tag-for-me').isEnabled(), { timeout: 120_000 })
      .toBe(true);
    const tagged = Number(await page.getByTestId('tag-count').textContent());
    console.log(`rgb32: the classifier tagged ${tagged} of 500`);
    expect(tagged).toBeGreaterThan(50);
    expect(tagged).toBeLessThan(450);

    await page.getByTestId('inspect').click();
    await expect
      .poll(() => page.getByTestId('morpho-auc').textContent(), { timeout: 120_000 })
      .toMatch(/^\s*0\.\d+\s*$/);
    const auc = Number(await page.getByTestId('morpho-auc').textContent());
    console.log(`rgb32: ROC-AUC of proj(z) against the classifier on 500 fresh samples ${auc}`);
    expect(auc).toBeGreaterThan(0.6);

    await setOption(page, 'batch', 8);
    await setOption(page, 'steps', 6);
    await setOption(page, 'lr', 0.005);
    await page.getByTestId('start').click();
    await page
      .locator('[data-testid="run-status"][data-status="done"]')
      .waitFor({ timeout: 240_000 });
    expect(await cellSize(page, 'after-grid')).toBe('32×32×3');

    await page.getByTestId('judge-n').fill('50');
    await page.getByTestId('judge').click();
    await page.getByTestId('judge-student').waitFor({ timeout: 240_000 });
    const tfr = await page.locator('[data-testid="judge-student"] .tfr').textContent();
    console.log(
      `rgb32: TFR original ${await page.locator('[data-testid="judge-original"] .tfr').textContent()}, unlearned ${tfr}`,
    );
    expect(tfr).toMatch(/^\d+\.\d %$/);
    expect(await page.locator('[data-testid="judge-student"] .is').textContent()).toBe('—');
    await page.getByTestId('judge-floor').waitFor();

    const exported = await downloadExport(page);
    const json = JSON.parse(new TextDecoder().decode(unzip(exported.bytes)['model.json']));
    expect(json.userDefinedMetadata.unlearning.base.id).toBe(id?.slice('model-'.length));
    const stock = await stockLoadInBrowser(
      app.session.context,
      app.server.url,
      site.dir,
      'rgb',
      exported.bytes,
      [Array.from({ length: 16 }, (_, i) => Math.cos(i))],
    );
    expect(stock.pixels.length).toBe(32 * 32 * 3);
    expect(stock.pixels.every((v) => v >= -1 && v <= 1)).toBe(true);

    await page
      .getByTestId('import-input')
      .setInputFiles({ name: exported.name, mimeType: 'application/zip', buffer: exported.bytes });
    await page.getByTestId('imported-grid').waitFor({ timeout: 60_000 });
    expect(await cellSize(page, 'imported-grid')).toBe('32×32×3');
    await page.getByTestId('recipe-button').click();
    expect(await page.getByTestId('recipe-link').inputValue()).toContain(
      `model=${id?.slice('model-'.length)}`,
    );

    // Kept in this browser: after a reload it is listed and opens again with its tags.
    await page.reload();
    await waitReady(page);
    expect(await page.getByTestId('tag-count').textContent()).toBe(String(tagged));
    await page.close();
  }, 900_000);

  it('runs the flow on a 28×28 sigmoid generator with no measure: tags by hand, a count by eye', async () => {
    const page = await openFresh(app, '/?backend=wasm');
    await page.getByTestId('byo-input').setInputFiles(pairOf('grey28-sigmoid'));
    await waitForSide(page, 28);
    await page.getByTestId('feature').selectOption('tags');
    const cells = page.locator('[data-testid="tag-grid"] button');
    await cells.nth(0).click();
    await cells.nth(29).click({ modifiers: ['Shift'] });
    expect(await page.getByTestId('tag-count').textContent()).toBe('30');
    await page.getByTestId('inspect').click();
    await expect.poll(() => page.getByTestId('morpho-auc').textContent()).toContain('no measure');
    await setOption(page, 'batch', 16);
    await setOption(page, 'steps', 4);
    await page.getByTestId('start').click();
    await page
      .locator('[data-testid="run-status"][data-status="done"]')
      .waitFor({ timeout: 120_000 });
    await page.getByTestId('judge-n').fill('40');
    await page.getByTestId('judge').click();
    await page.getByTestId('judge-student').waitFor({ timeout: 120_000 });
    expect(await page.locator('[data-testid="judge-student"] .tfr').textContent()).toBe('—');
    const flagged = await page.getByTestId('judge-flagged').textContent();
    console.log(`grey28: the target flags ${flagged} of 40 fresh samples`);
    expect(flagged).toMatch(/^\d+\.\d %$/);
    const original = page.getByTestId('count-cell-original');
    await expect.poll(() => original.count(), { timeout: 30_000 }).toBe(40);
    for (const i of [0, 3, 5, 8, 13]) await original.nth(i).click();
    await page.getByTestId('count-cell-student').nth(2).click();
    expect(await page.getByTestId('count-original').textContent()).toBe('12.5 %');
    expect(await page.getByTestId('count-student').textContent()).toBe('2.5 %');
    const exported = await downloadExport(page);
    expect(Object.keys(unzip(exported.bytes)).sort()).toEqual(['model.json', 'weights.bin']);
    await page.close();
  }, 600_000);

  it('opens a generator from an address on this site and asks for a range it cannot read', async () => {
    const page = await openFresh(app, '/?backend=wasm');
    await page.getByTestId('byo-url').fill('https://example.org/model.json');
    await page.getByRole('button', { name: 'Open' }).click();
    await expect
      .poll(() => page.getByTestId('byo-error').textContent())
      .toContain("Only this site's own addresses");
    await page.getByTestId('byo-url').fill('user-models/grey16/model.json');
    await page.getByRole('button', { name: 'Open' }).click();
    await page.getByTestId('byo-range').waitFor({ timeout: 60_000 });
    expect(await page.getByTestId('byo-range').textContent()).toContain('linear');
    await page.getByTestId('range-unit').click();
    await waitForSide(page, 16);
    await page.close();
  });

  it('throws nothing uncaught', () => {
    expect(app.session.consoleErrors.filter((e) => e.includes('uncaught'))).toEqual([]);
  });
});
