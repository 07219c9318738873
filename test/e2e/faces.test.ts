import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { startApp, type AppHarness } from './helpers/app';
import { hasChromium, requireChromiumInCi } from './helpers/browser';
import { makeFacesSite } from './helpers/faces-site';
import { setOption, waitReady } from './helpers/flow';

requireChromiumInCi();

/** Tiny settings: the flow, not the quality, is under test. */
const RUN = { batch: 8, steps: 4, lr: 0.005 };
const JUDGE_N = 100;

describe.skipIf(!hasChromium)('faces, end to end: proggan-faces with bangs', () => {
  let app: AppHarness;
  let site: { dir: string; remove: () => void };
  let page: Page;

  beforeAll(async () => {
    site = await makeFacesSite();
    app = await startApp(site.dir);
    // WASM: the flow is under test here; playground.test.ts covers WebGPU (SwiftShader runs the
    // tiny ProgGAN's many small kernels minutes slower).
    page = await app.openApp('/?backend=wasm');
  }, 120_000);

  afterAll(async () => {
    await app?.close();
    site?.remove();
  });

  it('picks the face model, tags bangs by the attribute classifier, unlearns and judges', async () => {
    const t0 = Date.now();
    const at = (what: string): void => console.log(`${what} after ${Date.now() - t0} ms`);
    const button = page.getByTestId('model-proggan-faces');
    await button.waitFor({ timeout: 60_000 });
    expect(await page.getByTestId('model-size-proggan-faces').textContent()).toMatch(
      /z of 16 numbers · \d+ KB to download/,
    );
    await button.click();
    await waitReady(page);
    at('ready');
    expect(await page.getByTestId('model-size-proggan-faces').textContent()).toContain(
      '→ 32×32 colour images',
    );

    // The feature menu of a colour model: the attributes the site ships classifiers for.
    const choices = await page
      .getByTestId('feature')
      .locator('option')
      .evaluateAll((els) => els.map((el) => (el as HTMLOptionElement).value));
    // The four attributes whose classifiers the site ships, and the person's own tags.
    expect(choices).toEqual(['bangs', 'beard', 'hat', 'glasses', 'tags']);
    expect(await page.getByTestId('feature').inputValue()).toBe('bangs');
    const thumb = page.locator('[data-testid="tag-grid"] canvas').first();
    expect(await thumb.evaluate((el) => (el as HTMLElement).style.maxWidth)).toBe('96px');
    expect(await thumb.evaluate((el) => (el as HTMLCanvasElement).width)).toBe(32);

    await page.getByTestId('tag-for-me').click();
    await expect
      .poll(() => page.getByTestId('tag-for-me').isEnabled(), { timeout: 120_000 })
      .toBe(true);
    const tagged = Number(await page.getByTestId('tag-count').textContent());
    // feature-bangs-a of the fixture calls the reddest 15 % of the generator's samples bangs.
    at(`tag for me: ${tagged} of 500`);
    expect(tagged).toBeGreaterThan(25);
    expect(tagged).toBeLessThan(150);

    // A rare feature wants a larger grid; each size keeps its own tags.
    await page.getByTestId('grid-size').selectOption('2000');
    await expect.poll(() => page.getByTestId('page').textContent()).toContain('Page 1 of 20');
    expect(await page.getByTestId('tag-count').textContent()).toBe('0');
    await page.locator('[data-testid="tag-grid"] canvas').first().waitFor();
    await page.getByTestId('grid-size').selectOption('500');
    await expect.poll(() => page.getByTestId('page').textContent()).toContain('Page 1 of 5');
    expect(Number(await page.getByTestId('tag-count').textContent())).toBe(tagged);

    await page.getByTestId('inspect').click();
    await page.getByTestId('target-facts').waitFor();
    await expect
      .poll(() => page.getByTestId('morpho-auc').textContent(), { timeout: 60_000 })
      .not.toBe('…');
    expect(Number(await page.getByTestId('morpho-auc').textContent())).toBeGreaterThan(0.6);
    at('target');

    await setOption(page, 'batch', RUN.batch);
    await setOption(page, 'steps', RUN.steps);
    await setOption(page, 'lr', RUN.lr);
    await page.getByTestId('start').click();
    await page
      .locator('[data-testid="run-status"][data-status="done"]')
      .waitFor({ timeout: 150_000 });
    at('unlearned');

    await page.getByTestId('judge-n').fill(String(JUDGE_N));
    await page.getByTestId('attack-steps').fill('1');
    await page.getByTestId('judge').click();
    await page.getByTestId('judge-student').waitFor({ timeout: 300_000 });
    at('judged');
    const headers = await page.locator('[data-testid="judge-table"] th').allTextContents();
    expect(headers.join(' | ')).toMatch(/TFR \(feature-bangs-a/);
    expect(headers.join(' | ')).toContain('IS_faces');
    expect(headers.join(' | ')).toContain('FID_faces');
    const fids: number[] = [];
    for (const which of ['original', 'student']) {
      const row = page.getByTestId(`judge-${which}`);
      expect(await row.locator('.tfr').textContent()).toMatch(/^\d+\.\d %$/);
      const is = Number(await row.locator('.is').textContent());
      const fid = Number(await row.locator('.fid').textContent());
      console.log(`${which}: IS_faces ${is}, FID_faces ${fid}`);
      // The fixture's faces classifier has 4 classes.
      expect(is).toBeGreaterThanOrEqual(1);
      expect(is).toBeLessThanOrEqual(4);
      expect(Number.isFinite(fid) && fid >= 0).toBe(true);
      fids.push(fid);
      if (which === 'original') expect(is).toBeGreaterThan(1.2);
      expect(await row.locator('td').last().textContent()).toMatch(/^\d+\.\d % → \d+\.\d %$/);
    }
    // The reference statistics are of the original's own samples; the student has moved away.
    expect(fids[0]).toBeLessThan(1);
    expect(fids[1]).toBeGreaterThan(fids[0]);
    expect(Number(await page.getByTestId('judge-auc').textContent())).toBeGreaterThan(0.5);
  }, 600_000);
});
