/**
 * `npm run bench -- gpu`: the paper's protocol on this machine's real GPU, in the built app, in
 * headless Chromium on WebGPU over Vulkan. For each shipped generator: time to first samples,
 * steps/s of the paper's protocol at batch 64 (1,600 steps over the 500 tagged latents), and the
 * wall time of a full MNIST row (tag, find z_e, train, judge on 10,000 fresh samples). Where the
 * only WebGPU adapter is a software one (SwiftShader here), it says no GPU is present and stops.
 */
import { existsSync, readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { GpuAdapterSummary } from '../../lib/engine/backend-request';
import type { ModelIndex } from '../../lib/models/manifest';
import { DIST_DIR } from '../../../test/e2e/helpers/app';
import { CHROMIUM_PATH, hasChromium } from '../../../test/e2e/helpers/browser';
import { startStaticServer } from '../../../test/e2e/helpers/static-server';
import { isSoftwareAdapter } from '../../ui/logic/machine';
import { FIRST_SAMPLES_RECORDER, ensureBuilt, seconds, visit } from '../browser-bench';

export const title =
  "The paper's protocol on the machine's GPU (Chromium, WebGPU over Vulkan): first samples, steps/s at batch 64, a full MNIST row";
/** It launches a browser on the GPU and trains for minutes: only when named. */
export const onlyWhenNamed = true;

/**
 * Chromium on a GPU without a display: WebGPU and ANGLE over Vulkan, no surface to present to
 * (the set-up Chrome's developers give for headless GPU testing on Linux), the GPU blocklist
 * ignored (server GPUs are often on it), and nothing fetched from the network.
 */
const GPU_FLAGS: readonly string[] = [
  '--enable-unsafe-webgpu',
  '--enable-features=Vulkan',
  '--use-angle=vulkan',
  '--disable-vulkan-surface',
  '--ignore-gpu-blocklist',
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** Where NVIDIA's drivers put their Vulkan and EGL manifests: the distribution's, or a container's. */
const NVIDIA_MANIFESTS = [
  {
    env: 'VK_DRIVER_FILES',
    paths: [
      '/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json',
      '/usr/share/vulkan/icd.d/nvidia_icd.json',
      '/etc/vulkan/icd.d/nvidia_icd.json',
    ],
  },
  {
    env: '__EGL_VENDOR_LIBRARY_FILENAMES',
    paths: [
      '/usr/local/nvidia/share/glvnd/egl_vendor.d/10_nvidia.json',
      '/usr/share/glvnd/egl_vendor.d/10_nvidia.json',
    ],
  },
] as const;

/** What the system says of its NVIDIA GPUs (`nvidia-smi -L`), or null when it has none. */
function nvidiaGpus(): string | null {
  try {
    return execFileSync('nvidia-smi', ['-L'], { encoding: 'utf8', timeout: 20_000 }).trim() || null;
  } catch {
    return null;
  }
}

/** Points the Vulkan and EGL loaders at NVIDIA's manifests where the environment does not. */
function driverEnvironment(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const { env: name, paths } of NVIDIA_MANIFESTS) {
    const found = paths.find((p) => existsSync(p));
    if (process.env[name] === undefined && found !== undefined) env[name] = found;
  }
  return env;
}

/** The page's WebGPU adapter, as the app reads it (high-performance); null when there is none. */
const ADAPTER = `(async () => {
  const gpu = navigator.gpu;
  if (!gpu) return null;
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (!adapter) return null;
  const info = adapter.info ?? {};
  return {
    vendor: info.vendor ?? '', architecture: info.architecture ?? '', device: info.device ?? '',
    description: info.description ?? '', isFallbackAdapter: adapter.isFallbackAdapter === true,
  };
})()`;

interface RowTimes {
  firstSamples: number;
  ready: number;
  stepsPerSecond: number;
  steps: number;
  trainSeconds: number;
  rowSeconds: number;
  judgedOn: number;
}

/** One generator, one fresh profile: first samples, then the paper's row as the app runs it. */
async function row(browser: Browser, url: string, model: string): Promise<RowTimes> {
  const context = await browser.newContext({ viewport: { width: 1100, height: 900 } });
  try {
    const page: Page = await context.newPage();
    await page.addInitScript(FIRST_SAMPLES_RECORDER);
    const rowStart = performance.now();
    const first = await visit(page, `${url}/?backend=webgpu&model=${model}&step=unlearn`, false);
    await page.locator('main[data-opened-step="unlearn"]').waitFor({ timeout: 600_000 });
    const protocol = page.getByTestId('protocol');
    if ((await protocol.getAttribute('data-protocol')) !== 'paper') {
      await page.getByTestId('use-paper').click();
    }
    const trainStart = performance.now();
    await page.getByTestId('start').click();
    await page
      .locator('[data-testid="run-status"][data-status="done"]')
      .waitFor({ timeout: 3_600_000 });
    const trainSeconds = (performance.now() - trainStart) / 1000;
    const status = (await page.getByTestId('run-status').textContent()) ?? '';
    const steps = Number(/step (\d+) \//.exec(status)?.[1]);
    const stepsPerSecond = Number(/([\d.]+) steps\/s/.exec(status)?.[1]);
    await page.getByTestId('judge-n').fill('10000');
    await page.getByTestId('judge').click();
    await page.waitForFunction(
      `/Judged on/.test(document.querySelector('[data-testid="judge-progress"]')?.textContent ?? '')`,
      undefined,
      { timeout: 3_600_000 },
    );
    return {
      firstSamples: first.samples,
      ready: first.ready,
      stepsPerSecond,
      steps,
      trainSeconds,
      rowSeconds: (performance.now() - rowStart) / 1000,
      judgedOn: 10_000,
    };
  } finally {
    await context.close();
  }
}

export async function bench(): Promise<void> {
  if (!hasChromium) {
    console.log(`skipped: no Chromium at ${CHROMIUM_PATH}`);
    return;
  }
  const gpus = nvidiaGpus();
  console.log(`nvidia-smi: ${gpus ?? 'not found (no NVIDIA driver on this machine)'}`);
  const env = driverEnvironment();
  for (const [name, value] of Object.entries(env)) console.log(`${name}=${value}`);
  ensureBuilt();

  const server = await startStaticServer(DIST_DIR);
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [...GPU_FLAGS],
    env: { ...process.env, ...env } as Record<string, string>,
  });
  try {
    const probe = await browser.newPage();
    await probe.goto(`${server.url}/`);
    const adapter = (await probe.evaluate(ADAPTER)) as GpuAdapterSummary | null;
    await probe.close();
    const named = adapter
      ? [adapter.vendor, adapter.architecture, adapter.description].filter((w) => w).join(', ')
      : 'none';
    console.log(`WebGPU adapter in Chromium: ${named}`);
    if (adapter === null || isSoftwareAdapter(adapter)) {
      console.log(
        `\nNo GPU is present: Chromium's only WebGPU adapter here is ${adapter === null ? 'missing' : `a software one (${named})`}, ` +
          'the CPU emulating a GPU. Nothing to measure; `npm run bench -- app` measures this machine. ' +
          'Run this on a Linux machine with a GPU, its driver and its Vulkan loader.',
      );
      return;
    }

    const index = JSON.parse(
      readFileSync(join(DIST_DIR, 'models', 'index.json'), 'utf8'),
    ) as ModelIndex;
    const generators = index.models.filter((m) => m.kind === 'generator').map((m) => m.id);
    console.log(
      `\n| generator | first samples | ready | steps/s (batch 64) | train (steps) | full row, judged on 10,000 |`,
    );
    console.log('|---|---|---|---|---|---|');
    for (const model of generators) {
      try {
        const r = await row(browser, server.url, model);
        console.log(
          `| ${model} | ${seconds(r.firstSamples)} | ${seconds(r.ready)} | ${r.stepsPerSecond.toFixed(1)} | ` +
            `${r.trainSeconds.toFixed(1)} s (${r.steps}) | ${r.rowSeconds.toFixed(1)} s |`,
        );
      } catch (error) {
        console.log(`| ${model} | failed: ${(error as Error).message.split('\n')[0]} |||||`);
      }
    }
  } finally {
    await browser.close();
    await server.close();
  }
}
