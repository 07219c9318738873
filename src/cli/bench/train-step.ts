/**
 * `npm run bench -- train-step`: one batch-64 Adam step of the DCGAN generator (forward, a
 * simple loss, backward, update) on wasm (with our training kernels) and on the pure-JS cpu
 * backend, side by side; a whole GAN step (G step through D, then D step, as trainGan does) and
 * forward passes on wasm; and the kernels that dominate the wasm step. Peer: PyTorch 1.13 on one
 * thread of this machine, 70 ms per generator step, 21 ms forward (platform-notes.md).
 */
import { loadavg } from 'node:os';
import * as tf from '@tensorflow/tfjs';
import { getThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import {
  buildDcganDiscriminator,
  buildDcganGenerator,
  DCGAN_LATENT_DIM,
} from '../../lib/models/dcgan';
import { discriminatorLoss, generatorLoss } from '../../lib/train/gan';
import { initNodeBackend } from '../tf-backend';

export const title =
  'DCGAN training step, batch 64: wasm (+ our kernels) vs cpu, ms per step (median)';

const BATCH = 64;
const WASM = { warmup: 2, runs: 7 };
/** A cpu generator step takes about 26 s unloaded (platform-notes.md): no warm-up, two runs. */
const CPU = { warmup: 0, runs: 2 };
const PYTORCH_G_STEP_MS = 70;
const PYTORCH_G_FORWARD_MS = 21;

/** Wall and process CPU time of one step, in ms (on this shared machine CPU time is steadier). */
interface Timing {
  wall: number;
  cpu: number;
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/** Medians over `runs` calls of `step` after `warmup` unmeasured ones. */
async function medianMs(
  step: () => void,
  { warmup, runs }: { warmup: number; runs: number },
): Promise<Timing> {
  for (let i = 0; i < warmup; i++) step();
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    const used = process.cpuUsage();
    step();
    const spent = process.cpuUsage(used);
    wall.push(performance.now() - start);
    cpu.push((spent.user + spent.system) / 1000);
  }
  await tf.nextFrame();
  return { wall: median(wall), cpu: median(cpu) };
}

/** The models, optimizers and inputs of one backend; `dispose` frees them all. */
function setup(): {
  generatorStep: () => void;
  ganStep: () => void;
  generatorForward: () => void;
  discriminatorForward: () => void;
  profileStep: () => tf.Tensor;
  dispose: () => void;
} {
  const generator = buildDcganGenerator();
  const discriminator = buildDcganDiscriminator();
  const gVars = generator.trainableWeights.map((w) => w.read() as tf.Variable);
  const dVars = discriminator.trainableWeights.map((w) => w.read() as tf.Variable);
  const gOpt = tf.train.adam(2e-4, 0.5);
  const dOpt = tf.train.adam(2e-4, 0.5);
  const soloOpt = tf.train.adam(2e-4, 0.5);
  const z = tf.randomNormal([BATCH, DCGAN_LATENT_DIM]); // [64, 100]
  const real = tf.randomUniform([BATCH, 28, 28, 1], -1, 1); // tanhImages
  const simpleLoss = (): tf.Scalar =>
    tf.mean(tf.square(generator.apply(z, { training: true }) as tf.Tensor)) as tf.Scalar;
  const generatorStep = (): void =>
    tf.tidy(() => {
      soloOpt.minimize(simpleLoss, false, gVars);
    });
  const ganStep = (): void =>
    tf.tidy(() => {
      let fake: tf.Tensor | undefined;
      gOpt.minimize(
        () => {
          const images = generator.apply(z, { training: true }) as tf.Tensor;
          fake = tf.keep(images);
          return generatorLoss(discriminator.apply(images, { training: true }) as tf.Tensor);
        },
        false,
        gVars,
      );
      const fixedFake = fake as tf.Tensor;
      dOpt.minimize(
        () =>
          discriminatorLoss(
            discriminator.apply(real, { training: true }) as tf.Tensor,
            discriminator.apply(fixedFake, { training: true }) as tf.Tensor,
          ),
        false,
        dVars,
      );
      fixedFake.dispose();
    });
  return {
    generatorStep,
    ganStep,
    generatorForward: () => tf.tidy(() => void generator.apply(z, { training: true })),
    discriminatorForward: () => tf.tidy(() => void discriminator.apply(real, { training: true })),
    profileStep: () => tf.tidy(() => soloOpt.minimize(simpleLoss, true, gVars) as tf.Scalar),
    dispose: () => {
      tf.dispose([z, real]);
      [gOpt, dOpt, soloOpt].forEach((o) => o.dispose());
      generator.dispose();
      discriminator.dispose();
    },
  };
}

/** Time per kernel over one profiled generator step, largest first (ours include their parts). */
async function kernelShares(step: () => tf.Tensor): Promise<[string, number][]> {
  const info = await tf.profile(() => step());
  const byKernel = new Map<string, number>();
  for (const k of info.kernels) {
    if (typeof k.kernelTimeMs !== 'number' || k.name.endsWith('__op')) continue;
    byKernel.set(k.name, (byKernel.get(k.name) ?? 0) + k.kernelTimeMs);
  }
  return [...byKernel].sort((a, b) => b[1] - a[1]);
}

const fmt = (t: Timing | null): string =>
  t === null ? '—' : `${t.wall.toFixed(0)} (${t.cpu.toFixed(0)})`;

export async function bench(): Promise<void> {
  const loadBefore = loadavg()
    .map((v) => v.toFixed(2))
    .join(' ');

  await initNodeBackend('wasm');
  const simd = (await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) === true;
  const wasm = setup();
  const wasmGStep = await medianMs(wasm.generatorStep, WASM);
  const wasmGan = await medianMs(wasm.ganStep, { warmup: 1, runs: 5 });
  const wasmGForward = await medianMs(wasm.generatorForward, WASM);
  const wasmDForward = await medianMs(wasm.discriminatorForward, WASM);
  const shares = await kernelShares(wasm.profileStep);
  wasm.dispose();

  await initNodeBackend('cpu');
  const cpu = setup();
  const cpuGStep = await medianMs(cpu.generatorStep, CPU);
  const cpuGForward = await medianMs(cpu.generatorForward, { warmup: 1, runs: 2 });
  const cpuDForward = await medianMs(cpu.discriminatorForward, { warmup: 1, runs: 2 });
  cpu.dispose();
  await initNodeBackend('wasm');

  const loadAfter = loadavg()
    .map((v) => v.toFixed(2))
    .join(' ');
  console.log(
    `wasm: ${simd ? 'SIMD' : 'no SIMD'}, ${getThreadsCount()} thread(s); ` +
      `load average before ${loadBefore}, after ${loadAfter} (2 cores, shared)`,
  );
  console.log('ms per step: wall (process CPU), medians');
  console.log('');
  console.log(
    '| batch 64                                 | wasm        | cpu             | cpu/wasm |',
  );
  console.log(
    '|------------------------------------------|------------:|----------------:|---------:|',
  );
  const row = (name: string, w: Timing, c: Timing | null): void =>
    console.log(
      `| ${name.padEnd(40)} | ${fmt(w).padStart(11)} | ${fmt(c).padStart(15)} | ` +
        `${(c === null ? '—' : `${(c.cpu / w.cpu).toFixed(0)}×`).padStart(8)} |`,
    );
  row('G step: forward, loss, backward, Adam', wasmGStep, cpuGStep);
  row('G forward (training mode)', wasmGForward, cpuGForward);
  row('D forward (training mode)', wasmDForward, cpuDForward);
  row('GAN step: G step through D, then D step', wasmGan, null);
  console.log('');
  const stepRatio = (wasmGStep.cpu / PYTORCH_G_STEP_MS).toFixed(1);
  const forwardRatio = (wasmGForward.cpu / PYTORCH_G_FORWARD_MS).toFixed(1);
  console.log(
    `PyTorch, 1 thread, same CPU, unloaded: G step ${PYTORCH_G_STEP_MS} ms, forward ` +
      `${PYTORCH_G_FORWARD_MS} ms; wasm (CPU time) is ${stepRatio}× and ${forwardRatio}× that.`,
  );
  const total = shares.reduce((s, [, ms]) => s + ms, 0);
  console.log('');
  console.log('Kernels of one wasm G step (profiled; ours include the kernels they call):');
  for (const [name, ms] of shares.slice(0, 8)) {
    const share = ((100 * ms) / total).toFixed(0).padStart(3);
    console.log(`  ${name.padEnd(24)} ${ms.toFixed(1).padStart(7)} ms  ${share} %`);
  }
}
