/** How docs/results.md writes numbers and tables (MNIST and faces alike). */

/**
 * A number that was not measured: undefined, or NaN, which a cached result's JSON holds as null
 * (e.g. the ROC-AUC of an evaluation in which no sample showed the feature).
 */
const missing = (x: number | null | undefined): x is null | undefined =>
  x === undefined || x === null || Number.isNaN(x);

/** A share in [0, 1] as a percentage with two decimals; '–' when not measured. */
export const pct = (x: number | null | undefined): string =>
  missing(x) ? '–' : `${(100 * x).toFixed(2)} %`;
export const f2 = (x: number | null | undefined): string => (missing(x) ? '–' : x.toFixed(2));
export const f3 = (x: number | null | undefined): string => (missing(x) ? '–' : x.toFixed(3));
/** A change as a signed percentage with one decimal: +7.0 %. */
export const signedPct = (x: number | null | undefined): string =>
  missing(x) ? '–' : `${x >= 0 ? '+' : ''}${(100 * x).toFixed(1)} %`;
export const check = (ok: boolean): string => (ok ? '✅' : '❌');

/** A Markdown table. */
export function table(header: string[], rows: string[][]): string {
  return [
    `| ${header.join(' | ')} |`,
    `|${header.map(() => '---').join('|')}|`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n');
}

/** A run's train s, step/s (to `rateDigits` decimals) and total s, for a table of runs. */
export function runCells(
  r: { trainSeconds: number; stepsPerSecond: number; seconds: number },
  rateDigits: number,
): string[] {
  return [r.trainSeconds.toFixed(0), r.stepsPerSecond.toFixed(rateDigits), r.seconds.toFixed(0)];
}
