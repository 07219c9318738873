import type { BackendChoice, GpuAdapterSummary } from '../../lib/engine/backend-request';

/** Names software rasterisers give their WebGPU adapters: SwiftShader, Mesa's, Windows' WARP. */
const SOFTWARE_ADAPTER = /swiftshader|llvmpipe|lavapipe|softpipe|microsoft basic render|\bwarp\b/i;

/** Whether a WebGPU adapter is a CPU emulating a GPU rather than a GPU. */
export function isSoftwareAdapter(adapter: GpuAdapterSummary): boolean {
  const words = [adapter.vendor, adapter.architecture, adapter.device, adapter.description];
  return adapter.isFallbackAdapter || SOFTWARE_ADAPTER.test(words.join(' '));
}

/** What the engine runs on, as far as the run's defaults are concerned. */
export interface MachineFit {
  /** True only for WebGPU on an adapter that is not a software fallback. */
  gpu: boolean;
  /** In words, for the page: "an NVIDIA GPU (hopper)", "SwiftShader, a software adapter". */
  what: string;
}

/** Whether the chosen backend runs on a real GPU, and what it is, in words. */
export function describeMachine(choice: BackendChoice): MachineFit {
  const adapter = choice.adapter;
  if (choice.name === 'webgpu' && adapter !== null) {
    const named = [adapter.vendor, adapter.architecture].filter((w) => w !== '').join(' ');
    if (isSoftwareAdapter(adapter)) {
      return {
        gpu: false,
        what: `WebGPU on ${named || 'a fallback adapter'}, a software adapter (the CPU emulates a GPU)`,
      };
    }
    return {
      gpu: true,
      what: `WebGPU on a GPU (${named || adapter.description || 'unnamed adapter'})`,
    };
  }
  if (choice.name === 'webgl') {
    return { gpu: false, what: 'WebGL, whose adapter the page cannot tell from a software one' };
  }
  return {
    gpu: false,
    what: choice.name === 'wasm' ? 'WASM on the CPU' : 'plain JavaScript on the CPU',
  };
}

/** Steps of the paper's MNIST protocol: 200 epochs over 500 tagged latents at batch 64. */
export function protocolSteps(epochs: number, pool: number, batchSize: number): number {
  return epochs * Math.ceil(pool / batchSize);
}

/**
 * Seconds a run of `steps` steps at batch `batchSize` takes, from `stepsPerSecond` measured at
 * batch `measuredBatch` on this machine. A step's cost is taken as proportional to its batch, as
 * it is where the CPU does the work (a software adapter, WASM, CPU); on a GPU a larger batch costs
 * less than that, so the estimate is then an upper bound.
 */
export function estimateSeconds(
  steps: number,
  batchSize: number,
  measured: { batchSize: number; stepsPerSecond: number },
): number {
  const perStep = (1 / measured.stepsPerSecond) * (batchSize / measured.batchSize);
  return steps * perStep;
}

/** "45 s", "12 min", "1.5 h". */
export function durationText(seconds: number): string {
  if (seconds < 90) return `${Math.round(seconds)} s`;
  if (seconds < 90 * 60) return `${Math.round(seconds / 60)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}
