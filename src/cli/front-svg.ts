/**
 * The TFR / FID front as an SVG scatter plot for docs/results.md: one point per setting, x the
 * unlearned TFR, y the FID change against the original generator, with the quality bar (TFR ≤ 1 %,
 * FID within +5 %) shaded. Plain SVG text: no browser or chart library is needed to draw it.
 */

/** One setting's outcome. */
export interface FrontPoint {
  name: string;
  /** Unlearned TFR in [0, 1]. */
  tfr: number;
  /** FID change against the original, as a fraction (0.05 = +5 %). */
  fidChange: number;
  /** Drawn larger and labelled in bold (the paper's setting, the preset). */
  highlight?: boolean;
}

const WIDTH = 640;
const HEIGHT = 400;
const PAD = { left: 64, right: 24, top: 24, bottom: 52 };

function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A round upper limit ≥ `value` (1, 2 or 5 × 10^k). */
function niceCeil(value: number): number {
  if (value <= 0) return 1;
  const p = 10 ** Math.floor(Math.log10(value));
  return ([1, 2, 5, 10].find((m) => m * p >= value) ?? 10) * p;
}

/** Renders the front; `bar` is the quality bar, drawn as a shaded corner. */
export function frontSvg(
  points: readonly FrontPoint[],
  bar = { tfr: 0.01, fidChange: 0.05 },
): string {
  const xMax = niceCeil(Math.max(bar.tfr * 2, ...points.map((p) => p.tfr)) * 100) / 100;
  const yLo = Math.min(0, ...points.map((p) => p.fidChange));
  const yHi = niceCeil(Math.max(bar.fidChange * 2, ...points.map((p) => p.fidChange)) * 100) / 100;
  const yMin = yLo < 0 ? -niceCeil(-yLo * 100) / 100 : 0;
  const w = WIDTH - PAD.left - PAD.right;
  const h = HEIGHT - PAD.top - PAD.bottom;
  const x = (v: number): number => PAD.left + (v / xMax) * w;
  const y = (v: number): number => PAD.top + ((yHi - v) / (yHi - yMin)) * h;
  const f = (v: number): string => v.toFixed(1);
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${WIDTH} ${HEIGHT}" width="${WIDTH}" height="${HEIGHT}" font-family="sans-serif" font-size="12">`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="white"/>`,
    `<rect x="${f(x(0))}" y="${f(y(bar.fidChange))}" width="${f(x(bar.tfr) - x(0))}" height="${f(y(yMin) - y(bar.fidChange))}" fill="#d8f0d8"/>`,
    `<text x="${f(x(0) + 4)}" y="${f(y(bar.fidChange) + 14)}" fill="#2a7a2a">bar: TFR ≤ ${bar.tfr * 100} %, FID ≤ +${bar.fidChange * 100} %</text>`,
  ];
  const ticks = 5;
  for (let i = 0; i <= ticks; i++) {
    const xv = (xMax * i) / ticks;
    const yv = yMin + ((yHi - yMin) * i) / ticks;
    out.push(
      `<line x1="${f(x(xv))}" y1="${f(y(yMin))}" x2="${f(x(xv))}" y2="${f(y(yHi))}" stroke="#eee"/>`,
      `<text x="${f(x(xv))}" y="${f(y(yMin) + 16)}" text-anchor="middle">${(xv * 100).toFixed(1)} %</text>`,
      `<line x1="${f(x(0))}" y1="${f(y(yv))}" x2="${f(x(xMax))}" y2="${f(y(yv))}" stroke="#eee"/>`,
      `<text x="${f(x(0) - 6)}" y="${f(y(yv) + 4)}" text-anchor="end">${yv >= 0 ? '+' : ''}${(yv * 100).toFixed(0)} %</text>`,
    );
  }
  out.push(
    `<line x1="${f(x(0))}" y1="${f(y(0))}" x2="${f(x(xMax))}" y2="${f(y(0))}" stroke="#999"/>`,
    `<text x="${f(PAD.left + w / 2)}" y="${HEIGHT - 12}" text-anchor="middle">TFR after unlearning</text>`,
    `<text transform="translate(16 ${f(PAD.top + h / 2)}) rotate(-90)" text-anchor="middle">FID change vs. the original</text>`,
  );
  for (const p of points) {
    const px = x(Math.min(p.tfr, xMax));
    const py = y(Math.min(Math.max(p.fidChange, yMin), yHi));
    const r = p.highlight === true ? 6 : 4;
    out.push(
      `<circle cx="${f(px)}" cy="${f(py)}" r="${r}" fill="${p.highlight === true ? '#c0392b' : '#2c6fbb'}"/>`,
      `<text x="${f(px + 8)}" y="${f(py - 6)}"${p.highlight === true ? ' font-weight="bold"' : ''}>${escapeXml(p.name)}</text>`,
    );
  }
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
