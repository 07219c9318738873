/** A one-line training progress display on stderr: epoch, step, losses, rate, elapsed and ETA. */
import type { TrainProgress } from '../lib/train/loop';

/** `1h02m`, `3m07s`, `12s`. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/**
 * Returns an `onProgress` callback that redraws one stderr line (a plain line per report when
 * stderr is not a terminal, e.g. a log file, at most every `logEverySeconds`). A run capped at
 * `totalSteps` (fewer than its epochs hold) fills the bar and counts the ETA to that step.
 */
export function progressBar(
  label: string,
  logEverySeconds = 30,
  totalSteps?: number,
): (p: TrainProgress) => void {
  const tty = process.stderr.isTTY === true;
  let first: { step: number; elapsed: number } | null = null;
  let lastLog = -Infinity;
  return (p) => {
    first ??= { step: p.globalStep, elapsed: p.elapsed };
    const total = Math.min(p.epochs * p.stepsPerEpoch, totalSteps ?? Infinity);
    const rate = (p.globalStep - first.step) / Math.max(1e-9, p.elapsed - first.elapsed);
    const eta = rate > 0 ? (total - p.globalStep) / rate : Number.NaN;
    const width = 20;
    const filled = Math.round((width * p.globalStep) / total);
    const losses = Object.entries(p.losses)
      .map(([k, v]) => `${k} ${v.toFixed(4)}`)
      .join(' ');
    const line =
      `[${label}] ${'#'.repeat(filled)}${'.'.repeat(width - filled)} ` +
      `epoch ${p.epoch + 1}/${p.epochs} step ${p.step}/${p.stepsPerEpoch} ${losses} ` +
      `| ${rate > 0 ? rate.toFixed(2) : '?'} step/s | ${formatDuration(p.elapsed)} ETA ${formatDuration(eta)}`;
    if (tty) {
      process.stderr.write(`\r${line}\x1b[K`);
      if (p.globalStep === total) process.stderr.write('\n');
    } else if (p.elapsed - lastLog >= logEverySeconds || p.globalStep === total) {
      lastLog = p.elapsed;
      process.stderr.write(`${line}\n`);
    }
  };
}

/**
 * Returns an `onProgress(done, total)` callback for counted work (images, faces) that redraws
 * one stderr line: bar, count, rate, elapsed and ETA (a plain line at most every
 * `logEverySeconds` when stderr is not a terminal).
 */
export function countBar(
  label: string,
  unit: string,
  logEverySeconds = 30,
): (done: number, total: number) => void {
  const tty = process.stderr.isTTY === true;
  const start = performance.now();
  let lastLog = -Infinity;
  return (done, total) => {
    const elapsed = (performance.now() - start) / 1000;
    const rate = done / Math.max(1e-9, elapsed);
    const eta = rate > 0 ? (total - done) / rate : Number.NaN;
    const width = 20;
    const filled = Math.round((width * done) / Math.max(1, total));
    const line =
      `[${label}] ${'#'.repeat(filled)}${'.'.repeat(width - filled)} ` +
      `${done.toLocaleString('en')}/${total.toLocaleString('en')} ${unit} ` +
      `| ${rate.toFixed(0)} ${unit}/s | ${formatDuration(elapsed)} ETA ${formatDuration(eta)}`;
    if (tty) {
      process.stderr.write(`\r${line}\x1b[K`);
      if (done === total) process.stderr.write('\n');
    } else if (elapsed - lastLog >= logEverySeconds || done === total) {
      lastLog = elapsed;
      process.stderr.write(`${line}\n`);
    }
  };
}
