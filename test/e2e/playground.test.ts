import * as tf from '@tensorflow/tfjs';
import { zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { startApp, type AppHarness } from './helpers/app';
import { hasChromium, requireChromiumInCi } from './helpers/browser';
import { TINY_DCGAN_ID, makeTestSite } from './helpers/fixture-site';
import { downloadExport, stockLoadInBrowser, unzip } from './helpers/flow';

requireChromiumInCi();

const SHOTS = process.env.SCREENSHOTS_DIR;

async function shot(page: Page, name: string, selector?: string): Promise<void> {
  if (!SHOTS) return;
  const target = selector ? page.locator(selector).first() : page;
  // The sticky status line would cover part of a card captured while scrolled.
  const unstick = await page.addStyleTag({ content: '.status-bar { position: static; }' });
  await target.screenshot({ path: `${SHOTS}/${name}.png` });
  await unstick.evaluate((el) => (el as HTMLElement).remove());
}

const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

/** Asserts the self-test table says passed, row by row, the generator's row included. */
async function expectSelfTestPassed(page: Page): Promise<void> {
  const rows = page.getByTestId('selftest-row');
  const table = await rows.evaluateAll((els) =>
    els.map((el) => ({ ok: el.dataset.ok, text: el.textContent ?? '' })),
  );
  console.log(table.map((r) => `${r.ok} ${r.text.replace(/\s+/g, ' ')}`).join('\n'));
  expect(table.some((r) => r.text.includes('forward + gradient of this generator'))).toBe(true);
  for (const row of table) expect(row.ok).toBe('true');
  expect((await page.getByTestId('selftest-status').textContent())?.trim()).toBe('passed');
}

/**
 * Red channel [count][784] of each cell of an ImageGrid (one canvas; cell i's 28×28 pixels at
 * (col · pitch + 1, row · pitch + 1)), and whether the cell is marked. A string, not a closure:
 * tsx's `__name` helper does not exist in the page.
 */
const READ_GRID = `(testid) => {
  const fig = document.querySelector('[data-testid="' + testid + '"]');
  const cols = Number(fig.dataset.cols);
  const pitch = Number(fig.dataset.pitch);
  const marks = fig.dataset.marks;
  const ctx = fig.querySelector('canvas').getContext('2d');
  return Array.from({ length: Number(fig.dataset.count) }, (_, i) => {
    const d = ctx.getImageData((i % cols) * pitch + 1, Math.floor(i / cols) * pitch + 1, 28, 28).data;
    return { px: Array.from({ length: 784 }, (_, p) => d[4 * p]), marked: marks[i] === '1' };
  });
}`;

async function readGrid(page: Page, id: string): Promise<{ px: number[]; marked: boolean }[]> {
  return page.evaluate(`(${READ_GRID})(${JSON.stringify(id)})`);
}

/** Mean |after − before| grey level per preview cell, and whether sim flagged it. */
async function previewDiffs(page: Page): Promise<{ diff: number; marked: boolean }[]> {
  const before = await readGrid(page, 'before-grid');
  const after = await readGrid(page, 'after-grid');
  return before.map((b, i) => ({
    diff: b.px.reduce((s, v, p) => s + Math.abs(v - after[i].px[p]), 0) / 784,
    marked: b.marked,
  }));
}

async function gridPixels(page: Page, id: string): Promise<number[]> {
  return (await readGrid(page, id)).flatMap((cell) => cell.px);
}

async function waitReady(page: Page): Promise<void> {
  await page.locator('[data-stage="ready"]').waitFor({ timeout: 120_000 });
  await page.getByTestId('tag-grid').waitFor({ timeout: 60_000 });
}

/** Tiny unlearning settings: enough steps on a real VAE for the flagged latents to move. */
const RUN = { batch: 8, steps: 12, lr: 0.005 };
/** Planned steps of the run whose GPU device is lost midway. */
const LOSS_RUN_STEPS = 16;
/** Samples per model in the judge step. */
const JUDGE_N = 100;

describe.skipIf(!hasChromium)('the playground, end to end on WebGPU', () => {
  let app: AppHarness;
  let site: { dir: string; remove: () => void };
  let tagged = 0;
  let page: Page;

  beforeAll(async () => {
    site = await makeTestSite();
    app = await startApp(site.dir);
    page = await app.openApp('/');
  });

  afterAll(async () => {
    await app?.close();
    site?.remove();
  });

  it('loads, tags, unlearns, judges, exports and imports', async () => {
    const t0 = Date.now();
    await page.getByTestId('model-vae-mnist').click();
    await waitReady(page);
    expect(await page.getByTestId('backend-name').textContent()).toBe('webgpu');
    await expectSelfTestPassed(page);
    console.log(`ready after ${Date.now() - t0} ms`);
    if (SHOTS) await page.screenshot({ path: `${SHOTS}/overview.png` });

    const cells = page.locator('[data-testid="tag-grid"] button');
    await cells.nth(0).click();
    await cells.nth(9).click({ modifiers: ['Shift'] });
    expect(await page.getByTestId('tag-count').textContent()).toBe('10');
    await cells.nth(9).focus();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Space');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('Space');
    expect(await page.getByTestId('tag-count').textContent()).toBe('12');

    // Real tags for a real feature: the simulated person marks the thick-stroked digits.
    await page.getByRole('button', { name: 'Clear tags' }).click();
    expect(await page.getByTestId('tag-count').textContent()).toBe('0');
    await page.getByTestId('feature').selectOption('thick');
    const tTag = Date.now();
    await page.getByTestId('tag-for-me').click();
    await expect
      .poll(() => page.getByTestId('tag-for-me').isEnabled(), { timeout: 120_000 })
      .toBe(true);
    tagged = Number(await page.getByTestId('tag-count').textContent());
    console.log(`tag for me: ${tagged} of 500 tagged in ${Date.now() - tTag} ms`);
    expect(tagged).toBeGreaterThan(20);
    expect(tagged).toBeLessThan(480);
    await shot(page, 'tag', '[aria-labelledby="step-tag"]');

    await page.getByTestId('inspect').click();
    await page.getByTestId('target-facts').waitFor();
    await expect
      .poll(() => page.getByTestId('morpho-auc').textContent(), { timeout: 60_000 })
      .not.toBe('…');
    // z_e found from the measure's own tags must rank fresh samples by that measure.
    expect(Number(await page.getByTestId('morpho-auc').textContent())).toBeGreaterThan(0.75);
    await shot(page, 'inspect', '[aria-labelledby="step-target"]');

    await page.getByTestId('opt-batch').fill(String(RUN.batch));
    await page.getByTestId('opt-batch').dispatchEvent('change');
    await page.getByTestId('opt-steps').fill(String(RUN.steps));
    await page.getByTestId('opt-steps').dispatchEvent('change');
    await page.getByTestId('opt-lr').fill(String(RUN.lr));
    await page.getByTestId('opt-lr').dispatchEvent('change');
    const t1 = Date.now();
    await page.getByTestId('start').click();
    await page
      .locator('[data-testid="run-status"][data-status="done"]')
      .waitFor({ timeout: 150_000 });
    console.log(`${RUN.steps} steps, batch ${RUN.batch}, with previews: ${Date.now() - t1} ms`);
    await shot(page, 'unlearn', '[aria-labelledby="step-unlearn"]');

    const diffs = await previewDiffs(page);
    const flagged = diffs.filter((d) => d.marked).map((d) => d.diff);
    const others = diffs.filter((d) => !d.marked).map((d) => d.diff);
    expect(flagged.length).toBeGreaterThan(0);
    expect(others.length).toBeGreaterThan(0);
    console.log(
      `mean |after − before| flagged ${mean(flagged).toFixed(2)}, others ${mean(others).toFixed(2)}`,
    );
    // Unlearning moves the flagged latents' images; the others are held in place by L_recon.
    expect(mean(flagged)).toBeGreaterThan(1.25 * mean(others));

    await page.getByTestId('judge-n').fill(String(JUDGE_N));
    // One attack step is enough to show the column; each step is a full gradient on SwiftShader.
    await page.getByTestId('attack-steps').fill('1');
    const t2 = Date.now();
    await page.getByTestId('judge').click();
    await page
      .getByTestId('judge-student')
      .waitFor({ timeout: 300_000 })
      .catch(async (error: unknown) => {
        const progress = await page.getByTestId('judge-progress').textContent();
        const panel = await page.getByTestId('error-panel').allTextContents();
        throw new Error(
          `${String(error)}; judge progress "${progress}", errors ${panel.join(' | ')}`,
        );
      });
    console.log(`judge, N = ${JUDGE_N}, both models: ${Date.now() - t2} ms`);
    expect(await page.locator('[data-testid="judge-original"] .tfr').textContent()).toMatch(
      /^\d+\.\d %$/,
    );
    expect(await page.locator('[data-testid="judge-student"] .tfr').textContent()).toMatch(
      /^\d+\.\d %$/,
    );
    for (const which of ['original', 'student']) {
      const row = page.getByTestId(`judge-${which}`);
      const isMnist = Number(await row.locator('.is').textContent());
      const fidMnist = Number(await row.locator('.fid').textContent());
      console.log(`${which}: IS_mnist ${isMnist}, FID_mnist ${fidMnist}`);
      // A trained VAE's digits: IS well above 1 (one class) and below 10 (all classes, sure).
      expect(isMnist).toBeGreaterThan(2);
      expect(isMnist).toBeLessThan(10);
      expect(fidMnist).toBeGreaterThan(0);
      expect(Number.isFinite(fidMnist)).toBe(true);
    }
    const bars = await page.getByTestId('digit-histogram').locator('rect').count();
    expect(bars).toBe(20);
    await shot(page, 'judge', '[aria-labelledby="step-judge"]');
    if (SHOTS) {
      await page.setViewportSize({ width: 390, height: 844 });
      await shot(page, 'phone-unlearn', '[aria-labelledby="step-unlearn"]');
      await page.locator('main').evaluate((el) => el.scrollIntoView());
      await page.screenshot({ path: `${SHOTS}/phone-top.png` });
      await page.setViewportSize({ width: 1100, height: 900 });
    }

    const exported = await downloadExport(page);
    expect(exported.name).toBe('vae-mnist-unlearned.zip');
    const files = unzip(exported.bytes);
    expect(Object.keys(files).sort()).toEqual(['model.json', 'weights.bin']);
    const json = JSON.parse(new TextDecoder().decode(files['model.json']));
    expect(json.userDefinedMetadata.unlearning.base.id).toBe('vae-mnist');
    expect(json.userDefinedMetadata.unlearning.tags.length).toBe(tagged);

    // Stock TF.js in a page of its own loads the unpacked files and draws what Node draws.
    const latents = [Array.from({ length: 20 }, (_, i) => Math.sin(i))];
    const stock = await stockLoadInBrowser(
      app.session.context,
      app.server.url,
      site.dir,
      'vae',
      exported.bytes,
      latents,
    );
    expect(stock.metadata.base.id).toBe('vae-mnist');
    await tf.setBackend('cpu');
    const w = files['weights.bin'];
    const nodeModel = await tf.loadLayersModel(
      tf.io.fromMemory({
        modelTopology: json.modelTopology,
        weightSpecs: json.weightsManifest[0].weights,
        weightData: w.slice().buffer,
      }),
    );
    const expected = Array.from(
      await (nodeModel.predict(tf.tensor2d(latents)) as tf.Tensor).data(),
    );
    nodeModel.dispose();
    expect(stock.pixels.length).toBe(784);
    stock.pixels.forEach((v, i) => expect(Math.abs(v - expected[i])).toBeLessThan(1e-5));

    const after = await gridPixels(page, 'after-grid');
    await page.getByTestId('import-input').setInputFiles({
      name: 'run.zip',
      mimeType: 'application/zip',
      buffer: exported.bytes,
    });
    await page
      .getByTestId('imported-grid')
      .waitFor({ timeout: 60_000 })
      .catch(async (error: unknown) => {
        const shown = await page.getByTestId('import-error').allTextContents();
        throw new Error(`${String(error)}; import error: ${shown.join(' | ')}`);
      });
    const imported = await gridPixels(page, 'imported-grid');
    expect(imported.length).toBe(after.length);
    const maxDiff = imported.reduce((m, v, i) => Math.max(m, Math.abs(v - after[i])), 0);
    expect(maxDiff).toBeLessThanOrEqual(2);
    await shot(page, 'share', '[aria-labelledby="step-share"]');

    // The pair, as stock TF.js writes it, imports too.
    await page.getByTestId('import-input').setInputFiles([
      {
        name: 'model.json',
        mimeType: 'application/json',
        buffer: Buffer.from(files['model.json']),
      },
      {
        name: 'weights.bin',
        mimeType: 'application/octet-stream',
        buffer: Buffer.from(files['weights.bin']),
      },
    ]);
    await page.getByTestId('imported-info').waitFor();
    expect(await page.getByTestId('import-error').count()).toBe(0);

    const corruptWeights = files['weights.bin'].slice();
    corruptWeights[corruptWeights.length - 10] ^= 0xff;
    await page.getByTestId('import-input').setInputFiles({
      name: 'bad.zip',
      mimeType: 'application/zip',
      buffer: Buffer.from(
        zipSync({ 'model.json': files['model.json'], 'weights.bin': corruptWeights }),
      ),
    });
    await page.getByTestId('import-error').waitFor();
    expect(await page.getByTestId('import-error').textContent()).toContain(
      'do not match the SHA-256',
    );
    expect(await gridPixels(page, 'after-grid')).toEqual(after);
    expect(await page.getByTestId('imported-grid').count()).toBe(1);
    await page.getByTestId('import-input').setInputFiles({
      name: 'foreign.bin',
      mimeType: 'application/octet-stream',
      buffer: Buffer.from('not a model at all'),
    });
    await expect
      .poll(() => page.getByTestId('import-error').textContent())
      .toContain('is not a TF.js layers model');
    // SwiftShader emulates the GPU on the CPU: on a busy 2-core machine this flow takes minutes.
  }, 480_000);

  it('keeps the tags over a reload', async () => {
    await page.reload();
    await waitReady(page);
    expect(await page.getByTestId('tag-count').textContent()).toBe(String(tagged));
  });

  it('loads the model with the network blocked after the first visit', async () => {
    await page.context().setOffline(true);
    try {
      await page.reload();
      await waitReady(page);
      expect(await page.getByTestId('tag-count').textContent()).toBe(String(tagged));
      expect(await page.locator('[data-testid="tag-grid"] canvas').count()).toBe(100);
    } finally {
      await page.context().setOffline(false);
    }
  });

  it('continues on the CPU from the last checkpoint after the GPU device is lost', async () => {
    const p2 = await app.openApp('/');
    try {
      await waitReady(p2);
      expect(await p2.getByTestId('backend-name').textContent()).toBe('webgpu');
      expect(await p2.getByTestId('tag-count').textContent()).toBe(String(tagged));
      await p2.getByTestId('opt-batch').fill('4');
      await p2.getByTestId('opt-batch').dispatchEvent('change');
      await p2.getByTestId('opt-steps').fill(String(LOSS_RUN_STEPS));
      await p2.getByTestId('opt-steps').dispatchEvent('change');
      await p2.getByTestId('start').click();
      const step = async (): Promise<number> =>
        Number(/step (\d+) \//.exec((await p2.getByTestId('run-status').textContent()) ?? '')?.[1]);
      // Lose the device once the page holds a checkpoint past step 0 and the run went beyond it.
      const held = async (): Promise<number> =>
        Number(await p2.getByTestId('run-status').getAttribute('data-checkpoint-step'));
      await expect.poll(held, { timeout: 120_000 }).toBeGreaterThan(0);
      const heldStep = await held();
      await expect.poll(step, { timeout: 120_000 }).toBeGreaterThan(heldStep);

      await p2.evaluate('window.__playground.loseDevice()');
      const recovery = p2.getByTestId('recovery');
      await recovery.waitFor({ timeout: 10_000 });
      expect(await p2.getByTestId('run-status').getAttribute('data-status')).toBe('failed');
      const checkpointStep = Number(await recovery.getAttribute('data-checkpoint-step'));
      console.log(`device lost; last checkpoint at step ${checkpointStep}`);
      expect(checkpointStep).toBeGreaterThanOrEqual(heldStep);
      expect(checkpointStep).toBeLessThan(LOSS_RUN_STEPS);
      expect(await p2.getByTestId('recover-webgpu').count()).toBe(0);

      await p2.getByTestId('recover-cpu').click();
      const resumed = p2.getByTestId('resumed');
      await resumed.waitFor({ timeout: 60_000 });
      expect(await resumed.getAttribute('data-step')).toBe(String(checkpointStep));
      expect(await p2.getByTestId('backend-name').textContent()).toBe('cpu');
      // The run goes on from the checkpoint, not from step 0.
      expect(await step()).toBeGreaterThanOrEqual(checkpointStep);
      await p2
        .locator('[data-testid="run-status"][data-status="done"]')
        .waitFor({ timeout: 120_000 });
      expect(await step()).toBe(LOSS_RUN_STEPS);
      expect(await p2.getByTestId('tag-count').textContent()).toBe(String(tagged));
      expect(await p2.getByTestId('recovery').count()).toBe(0);
      await p2.getByTestId('after-grid').waitFor();
    } finally {
      await p2.close();
    }
  });

  it('explains a malformed recipe link and still works', async () => {
    const p2 = await app.openApp('/#recipe&model=vae-mnist&grid=abc&n=500&steps=3&tags=1-2');
    await p2.getByTestId('recipe-error').waitFor();
    expect(await p2.getByTestId('recipe-error').textContent()).toContain(
      'made by an earlier version of this app',
    );
    await waitReady(p2);
    await p2.close();
  });

  it('passes the generator self-test on WebGPU for a generator with 9 weight tensors', async () => {
    await page.getByTestId(`model-${TINY_DCGAN_ID}`).click();
    await waitReady(page);
    await expectSelfTestPassed(page);
  });

  it('throws nothing uncaught', () => {
    const uncaught = app.session.consoleErrors.filter((e) => e.includes('uncaught'));
    expect(uncaught).toEqual([]);
  });
});
