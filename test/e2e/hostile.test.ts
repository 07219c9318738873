import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createHash } from 'node:crypto';
import { zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { startApp, type AppHarness } from './helpers/app';
import { hasChromium, requireChromiumInCi } from './helpers/browser';
import { makeTestSite } from './helpers/fixture-site';
import { waitReady } from './helpers/flow';
import { hostileCorpus, type HostileCase } from '../fixtures/hostile/corpus';

requireChromiumInCi();

const FOREIGN = fileURLToPath(new URL('../fixtures/foreign/rgb32-tanh/', import.meta.url));

/** Where each kind of case is given, and where its message appears. */
const PLACES: Record<Exclude<HostileCase['kind'], 'link'>, { input: string; message: string }> = {
  generator: { input: 'byo-input', message: 'byo-error' },
  classifier: { input: 'classifier-input', message: 'classifier-error' },
  export: { input: 'import-input', message: 'import-error' },
};

describe.skipIf(!hasChromium)('the hostile corpus, walked in the app', () => {
  let app: AppHarness;
  let site: { dir: string; remove: () => void };
  let scratch: string;
  let page: Page;
  let corpus: HostileCase[];
  let generatorId: string;

  beforeAll(async () => {
    const json = readFileSync(join(FOREIGN, 'model.json'));
    const weights = readFileSync(join(FOREIGN, 'weights.bin'));
    const sha = createHash('sha256').update(weights).digest('hex');
    generatorId = `sha256-${sha.slice(0, 16)}`;
    corpus = await hostileCorpus({
      id: generatorId,
      model: {
        modelJson: JSON.parse(json.toString()),
        weights: weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength),
      },
      latentDim: 16,
    });
    scratch = mkdtempSync(join(tmpdir(), 'hostile-'));
    site = await makeTestSite();
    app = await startApp(site.dir);
    page = await app.openApp('/?backend=wasm');
    await page.locator('[data-stage="choose"], [data-stage="ready"]').waitFor({ timeout: 180_000 });
    await page.getByTestId('byo-input').setInputFiles({
      name: 'rgb32.zip',
      mimeType: 'application/zip',
      buffer: Buffer.from(zipSync({ 'model.json': json, 'weights.bin': weights })),
    });
    await page.waitForFunction(
      `document.querySelector('[data-testid="tag-grid"] canvas')?.getAttribute('width') === '32'`,
      undefined,
      { timeout: 180_000 },
    );
    await waitReady(page);
  }, 300_000);

  afterAll(async () => {
    await app?.close();
    site?.remove();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  it('gives every case a plain message, runs no markup, and loses nothing', async () => {
    const cells = page.locator('[data-testid="tag-grid"] button');
    for (const i of [2, 5, 7]) await cells.nth(i).click();
    expect(await page.getByTestId('tag-count').textContent()).toBe('3');
    const models = await page.locator('[data-testid^="model-"]').count();
    const report: string[] = [];
    for (const c of corpus) {
      const messageId = c.kind === 'link' ? 'recipe-error' : PLACES[c.kind].message;
      if (c.kind === 'link') {
        await page.evaluate((hash) => (location.hash = hash), c.link ?? '');
      } else {
        // Over Playwright's 50 MB buffer limit, a case's files go through the disk (all of
        // them: paths and buffers cannot be mixed).
        const onDisk = (c.files ?? []).some((f) => f.bytes.length > 40 * 1024 * 1024);
        const files = (c.files ?? []).map((f, k) => {
          if (!onDisk) {
            return {
              name: f.name,
              mimeType: 'application/octet-stream',
              buffer: Buffer.from(f.bytes),
            };
          }
          const dir = join(scratch, `${c.id}-${k}`);
          mkdirSync(dir, { recursive: true });
          writeFileSync(join(dir, f.name), f.bytes);
          return join(dir, f.name);
        });
        await page.getByTestId(PLACES[c.kind].input).setInputFiles(files as never);
      }
      const message = page.getByTestId(messageId);
      await message.waitFor({ timeout: 60_000 });
      const text = (await message.textContent())?.trim() ?? '';
      report.push(`| ${c.kind} | ${c.id} | ${c.what} | ${text} |`);
      expect(text, c.id).toMatch(c.message);
      expect(await page.evaluate('window.__pwned'), c.id).toBeUndefined();
      expect(await page.locator('img[src="x"], script:not([src])').count(), c.id).toBe(0);
      expect(await page.getByTestId('tag-count').textContent(), c.id).toBe('3');
      expect(await page.locator('[data-testid^="model-"]').count(), c.id).toBe(models);
      expect(await page.getByTestId('status').getAttribute('data-stage'), c.id).toBe('ready');
      await page.getByTestId(`${messageId}-dismiss`).click();
      await message.waitFor({ state: 'detached' });
    }
    console.log(`| step | case | what | message |\n|---|---|---|---|\n${report.join('\n')}`);
    // Still usable: the grid pages, and after a reload the tags and the generator are there.
    await page.getByRole('button', { name: 'Next' }).click();
    await expect.poll(() => page.getByTestId('page').textContent()).toContain('Page 2');
    await page.evaluate(() => (location.hash = ''));
    await page.reload();
    await waitReady(page);
    expect(await page.getByTestId('tag-count').textContent()).toBe('3');
    expect(await page.getByTestId(`model-${generatorId}`).count()).toBe(1);
  }, 900_000);

  it('throws nothing uncaught', () => {
    expect(app.session.consoleErrors.filter((e) => e.includes('uncaught'))).toEqual([]);
  });
});
