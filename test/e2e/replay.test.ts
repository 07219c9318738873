import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { startApp, type AppHarness } from './helpers/app';
import { hasChromium, requireChromiumInCi } from './helpers/browser';
import { makeTestSite } from './helpers/fixture-site';
import { setOption, waitReady } from './helpers/flow';

requireChromiumInCi();

interface CliRun {
  recipe: string;
  targetFeatureRatio: { original: number; unlearned: number; floor: number };
  isMnist: { original: number; unlearned: number };
  fidMnist: { original: number; unlearned: number };
  rocAuc: number;
  replay: null | {
    reproduced: boolean;
    verdict: string;
    checks: {
      name: string;
      expected: number | string;
      got: number | string;
      identical: boolean;
      ok: boolean;
    }[];
  };
}

function cli(args: string[]): CliRun {
  const run = spawnSync('npx', ['tsx', 'src/cli/unlearn.ts', ...args, '--json'], {
    encoding: 'utf8',
    timeout: 400_000,
  });
  expect(run.status, run.stderr).toBe(0);
  return JSON.parse(run.stdout) as CliRun;
}

/** The settings both directions use: a short VAE run on wasm, judged on 100 samples. */
const RUN = { steps: 6, batch: 16 };

describe.skipIf(!hasChromium)('recipes replay both ways between the app and the CLI (wasm)', () => {
  let app: AppHarness;
  let site: { dir: string; remove: () => void };
  let page: Page;
  let cliLink = '';

  beforeAll(async () => {
    site = await makeTestSite();
    app = await startApp(site.dir);
  });

  afterAll(async () => {
    await app?.close();
    site?.remove();
  });

  it('CLI → app: the link a CLI run prints replays in the app, which says it reproduced', async () => {
    const run = cli([
      ...['--model', 'vae-mnist', '--feature', 'thickness', '--seed', '11'],
      ...[
        '--steps',
        String(RUN.steps),
        '--batch',
        String(RUN.batch),
        '--pool',
        '200',
        '--samples',
        '100',
      ],
      ...['--site', `${app.server.url}/?backend=wasm`],
    ]);
    cliLink = run.recipe;
    console.log(
      `CLI printed: ${JSON.stringify({ recipe: run.recipe, targetFeatureRatio: run.targetFeatureRatio, isMnist: run.isMnist, fidMnist: run.fidMnist, rocAuc: run.rocAuc })}`,
    );
    const tags = /&tags=([^&]*)/.exec(run.recipe)?.[1] ?? '';
    const tagCount = tags.split(',').reduce((n, part) => {
      const [a, b = a] = part.split('-').map(Number);
      return n + (part === '' ? 0 : b - a + 1);
    }, 0);

    page = await app.session.context.newPage();
    await page.goto(run.recipe);
    await waitReady(page);
    expect(await page.getByTestId('backend-name').textContent()).toBe('wasm');
    expect(await page.getByTestId('tag-count').textContent()).toBe(String(tagCount));
    expect(await page.getByTestId('recipe-notice').textContent()).toContain('seed 11');
    await page.getByTestId('replay').click();
    const verdict = page.getByTestId('replay-verdict');
    await verdict.waitFor({ timeout: 400_000 });
    const text = (await verdict.textContent())?.trim() ?? '';
    console.log(`The app said: ${text}`);
    expect(text).toMatch(/^Reproduced/);
    expect(text).toContain('t identical');
    expect(text).toContain('z_e identical');
  }, 900_000);

  it('picks up a recipe pasted into the open tab', async () => {
    await page.evaluate(() => (location.hash = ''));
    await setOption(page, 'seed', 3);
    const other = cliLink.replace('&seed=11&', '&seed=4&').replace(/&expect\.[^&]*/g, '');
    await page.evaluate((hash) => (location.hash = hash), other.slice(other.indexOf('#')));
    await expect
      .poll(() => page.getByTestId('recipe-notice').textContent(), { timeout: 120_000 })
      .toContain('seed 4');
    await waitReady(page);
    expect(await page.getByTestId('opt-seed').inputValue()).toBe('4');
  });

  it("app → CLI: the app's recipe link replays headless, t and z_e bit for bit", async () => {
    await page.evaluate(() => (location.hash = ''));
    await page.reload();
    await waitReady(page);
    await setOption(page, 'seed', 7);
    await expect.poll(() => page.getByTestId('tag-count').textContent()).toBe('0');
    await page.getByTestId('feature').selectOption('thick');
    await page.getByTestId('tag-for-me').click();
    await expect
      .poll(() => page.getByTestId('tag-for-me').isEnabled(), { timeout: 120_000 })
      .toBe(true);
    await setOption(page, 'batch', RUN.batch);
    await setOption(page, 'steps', RUN.steps);
    await page.getByTestId('start').click();
    await page
      .locator('[data-testid="run-status"][data-status="done"]')
      .waitFor({ timeout: 300_000 });
    await page.getByTestId('judge-n').fill('100');
    await page.getByTestId('attack-steps').fill('1');
    await page.getByTestId('judge').click();
    await page.getByTestId('judge-student').waitFor({ timeout: 300_000 });
    const appNumbers = {
      tfr: await page.locator('[data-testid="judge-student"] .tfr').textContent(),
      isMnist: await page.locator('[data-testid="judge-student"] .is').textContent(),
      fidMnist: await page.locator('[data-testid="judge-student"] .fid').textContent(),
      auc: await page.getByTestId('judge-auc').textContent(),
    };
    await page.getByTestId('recipe-button').click();
    const link = await page.getByTestId('recipe-link').inputValue();
    console.log(`The app showed ${JSON.stringify(appNumbers)} and made ${link}`);

    const run = cli(['--recipe', link]);
    console.log(`The CLI replayed it: ${JSON.stringify(run.replay)}`);
    expect(run.replay?.reproduced).toBe(true);
    const identical = Object.fromEntries(
      run.replay?.checks.map((c) => [c.name, c.identical]) ?? [],
    );
    expect(identical.threshold).toBe(true);
    expect(identical.targetVector).toBe(true);
  }, 900_000);

  it('throws nothing uncaught', () => {
    expect(app.session.consoleErrors.filter((e) => e.includes('uncaught'))).toEqual([]);
  });
});
