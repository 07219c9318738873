import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { unzipSync } from 'fflate';
import { expect } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';

/** Waits until a model is loaded and its first grid page is drawn. */
export async function waitReady(page: Page, timeout = 180_000): Promise<void> {
  await page.locator('[data-stage="ready"]').waitFor({ timeout });
  await page.getByTestId('tag-grid').waitFor({ timeout: 60_000 });
}

/**
 * Sets a setting of the form by its CLI flag name (the form's test ids come from the table), as
 * a person does: type, then leave the field, which fires the one native change event. (A
 * synthetic change would leave the field "edited since focus", and Chrome would fire a second
 * change whenever focus later moves, e.g. when the URL's hash changes.)
 */
export async function setOption(page: Page, cli: string, value: number | string): Promise<void> {
  const field = page.getByTestId(`opt-${cli}`);
  await field.fill(String(value));
  await field.blur();
}

/** Clicks the one export button and returns the downloaded zip. */
export async function downloadExport(page: Page): Promise<{ bytes: Buffer; name: string }> {
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByTestId('export').click(),
  ]);
  const { readFileSync } = await import('node:fs');
  return { bytes: readFileSync(await download.path()), name: download.suggestedFilename() };
}

/** The files of a zip. */
export function unzip(bytes: Uint8Array): Record<string, Uint8Array> {
  return unzipSync(bytes);
}

const TF_MIN = fileURLToPath(
  new URL('../../../node_modules/@tensorflow/tfjs/dist/tf.min.js', import.meta.url),
);

/**
 * Loads an exported model with stock TF.js in the browser: a page that knows nothing of this
 * app, served from `siteDir/stock-<tag>/` next to the unpacked model.json and weights.bin, runs
 * `tf.loadLayersModel('./model.json')` and predicts the given latents. Returns the pixels and
 * the provenance read from the model's metadata.
 */
export async function stockLoadInBrowser(
  context: BrowserContext,
  serverUrl: string,
  siteDir: string,
  tag: string,
  zip: Uint8Array,
  latents: number[][],
): Promise<{ pixels: number[]; metadata: { base: { id: string } } }> {
  const dir = join(siteDir, `stock-${tag}`);
  mkdirSync(dir, { recursive: true });
  for (const [name, bytes] of Object.entries(unzip(zip))) writeFileSync(join(dir, name), bytes);
  cpSync(TF_MIN, join(dir, 'tf.min.js'));
  writeFileSync(
    join(dir, 'index.html'),
    `<!doctype html><script src="./tf.min.js"></script><script>
      tf.setBackend('cpu').then(async () => {
        const model = await tf.loadLayersModel('./model.json');
        const out = model.predict(tf.tensor2d(${JSON.stringify(latents)}));
        window.__stock = { pixels: Array.from(await out.data()), metadata: model.getUserDefinedMetadata().unlearning };
      }).catch((e) => (window.__stock = { error: String(e) }));
    </script>`,
  );
  const page = await context.newPage();
  try {
    await page.goto(`${serverUrl}/stock-${tag}/index.html`);
    await page.waitForFunction('window.__stock !== undefined', undefined, { timeout: 60_000 });
    const result = (await page.evaluate('window.__stock')) as {
      pixels: number[];
      metadata: { base: { id: string } };
      error?: string;
    };
    expect(result.error).toBeUndefined();
    return result;
  } finally {
    await page.close();
  }
}
