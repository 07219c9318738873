import { describe, expect, it } from 'vitest';
import {
  describeMachine,
  durationText,
  estimateSeconds,
  isSoftwareAdapter,
  protocolSteps,
} from '../../src/ui/logic/machine';
import type { BackendChoice, GpuAdapterSummary } from '../../src/lib/engine/backend-request';

const adapter = (fields: Partial<GpuAdapterSummary>): GpuAdapterSummary => ({
  vendor: '',
  architecture: '',
  device: '',
  description: '',
  isFallbackAdapter: false,
  ...fields,
});
const choice = (name: BackendChoice['name'], a: GpuAdapterSummary | null): BackendChoice => ({
  name,
  reasons: [],
  detail: '',
  adapter: a,
  ms: 0,
});

describe('the machine the defaults fit', () => {
  it('tells software adapters from GPUs', () => {
    // What headless Chromium reports on this machine (shared/design/platform-notes.md).
    expect(isSoftwareAdapter(adapter({ vendor: 'google', architecture: 'swiftshader' }))).toBe(
      true,
    );
    expect(isSoftwareAdapter(adapter({ description: 'llvmpipe (LLVM 15.0.6, 256 bits)' }))).toBe(
      true,
    );
    expect(isSoftwareAdapter(adapter({ vendor: 'nvidia', isFallbackAdapter: true }))).toBe(true);
    expect(isSoftwareAdapter(adapter({ vendor: 'nvidia', architecture: 'hopper' }))).toBe(false);
    expect(isSoftwareAdapter(adapter({ vendor: 'apple', architecture: 'metal-3' }))).toBe(false);
  });

  it('gives the paper protocol only to WebGPU on a real adapter', () => {
    const gpu = adapter({ vendor: 'nvidia', architecture: 'hopper' });
    expect(describeMachine(choice('webgpu', gpu)).gpu).toBe(true);
    expect(describeMachine(choice('webgpu', gpu)).what).toContain('nvidia hopper');
    expect(describeMachine(choice('webgpu', adapter({ architecture: 'swiftshader' }))).gpu).toBe(
      false,
    );
    expect(describeMachine(choice('webgl', null)).gpu).toBe(false);
    expect(describeMachine(choice('wasm', null)).gpu).toBe(false);
    expect(describeMachine(choice('cpu', null)).gpu).toBe(false);
  });
});

describe('the time estimate of the paper protocol', () => {
  it('counts 1,600 steps for 200 epochs over 500 latents at batch 64 (the paper, Table 4)', () => {
    expect(protocolSteps(200, 500, 64)).toBe(1600);
    expect(protocolSteps(1, 100, 64)).toBe(2);
  });

  it('scales a measured speed by the batch, as the cost of a step on a CPU does', () => {
    // 2 steps/s at batch 8: 0.5 s a step, 4 s at batch 64, 6,400 s for 1,600 steps.
    expect(estimateSeconds(1600, 64, { batchSize: 8, stepsPerSecond: 2 })).toBeCloseTo(6400);
    expect(estimateSeconds(1600, 64, { batchSize: 64, stepsPerSecond: 160 })).toBeCloseTo(10);
    expect(durationText(6400)).toBe('1.8 h');
    expect(durationText(600)).toBe('10 min');
    expect(durationText(10)).toBe('10 s');
  });
});
