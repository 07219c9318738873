import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { startApp, type AppHarness } from './helpers/app';
import { hasChromium, requireChromiumInCi } from './helpers/browser';
import { waitReady } from './helpers/flow';

requireChromiumInCi();

/** Whether the heading of card `step` is inside the viewport, below the sticky status line. */
async function inView(page: Page, step: string): Promise<boolean> {
  return page.evaluate((id) => {
    const top = document.getElementById(id)?.getBoundingClientRect().top ?? -1;
    const bar = document.querySelector('.status-bar')?.getBoundingClientRect().bottom ?? 0;
    return top >= bar && top < window.innerHeight;
  }, `step-${step}`);
}

describe.skipIf(!hasChromium)('the URL state: ?model=, ?feature=, ?step= and ?embed', () => {
  let app: AppHarness;

  beforeAll(async () => {
    app = await startApp();
  });

  afterAll(async () => {
    await app?.close();
  });

  it('opens a model and a feature at the tagging step', async () => {
    const page = await app.openApp('/?model=dcgan-mnist&feature=left&step=tag');
    await waitReady(page);
    await page.locator('main[data-opened-step="tag"]').waitFor();
    expect(await page.getByTestId('model-dcgan-mnist').getAttribute('aria-pressed')).toBe('true');
    expect(await page.getByTestId('model-vae-mnist').getAttribute('aria-pressed')).toBe('false');
    expect(await page.getByTestId('feature').inputValue()).toBe('left');
    expect(await inView(page, 'tag')).toBe(true);
    expect(await inView(page, 'model')).toBe(false);
    expect(await page.locator('h1').count()).toBe(1);
    // Nothing was tagged for the person at the tagging step itself.
    expect(await page.getByTestId('tag-count').textContent()).toBe('0');
    await page.close();
  });

  it('prepares the steps before the one asked for, and shows only the cards in an iframe', async () => {
    const page = await app.openApp('/?model=vae-mnist&feature=thickness&step=unlearn&embed');
    await waitReady(page);
    await page.locator('main[data-opened-step="unlearn"]').waitFor({ timeout: 240_000 });
    expect(await page.locator('h1').count()).toBe(0);
    expect(await page.locator('main[data-embed="true"]').count()).toBe(1);
    expect(await page.getByTestId('feature').inputValue()).toBe('thick');
    // Tagged by the measure, z_e found; the run itself waits for the person.
    expect(Number(await page.getByTestId('tag-count').textContent())).toBeGreaterThan(10);
    await page.getByTestId('target-facts').waitFor();
    expect(await page.getByTestId('run-status').getAttribute('data-status')).toBe('idle');
    expect(await inView(page, 'unlearn')).toBe(true);
    // The address names the choice (the feature by its menu key), so it can be shared as it is.
    const search = new URL(page.url()).searchParams;
    expect(search.get('model')).toBe('vae-mnist');
    expect(search.get('feature')).toBe('thick');
    expect(search.has('embed')).toBe(true);
    await page.close();
  }, 300_000);

  it('says what is wrong with a bad address and opens the default model', async () => {
    const page = await app.openApp('/?model=nope&step=9');
    await waitReady(page);
    const warning = (await page.getByTestId('backend-param-notice').textContent()) ?? '';
    expect(warning).toContain('Unknown step "9"');
    expect(warning).toContain('no model "nope"');
    expect(await page.getByTestId('model-vae-mnist').getAttribute('aria-pressed')).toBe('true');
    await page.close();
  });

  it('throws nothing uncaught', () => {
    expect(app.session.consoleErrors.filter((e) => e.includes('uncaught'))).toEqual([]);
  });
});
