import { describe, expect, it } from 'vitest';
import { frontSvg } from '../../src/cli/front-svg';

describe('frontSvg', () => {
  const points = [
    { name: 'paper', tfr: 0.002, fidChange: 0.15, highlight: true },
    { name: 'a<b>&"c', tfr: 0.013, fidChange: 0.04 },
    { name: 'better', tfr: 0.005, fidChange: -0.02 },
  ];
  const svg = frontSvg(points);

  it('draws one circle per setting, highlighted ones larger', () => {
    expect(svg.match(/<circle /g)).toHaveLength(3);
    expect(svg.match(/r="6"/g)).toHaveLength(1);
  });

  it('escapes the names', () => {
    expect(svg).not.toContain('a<b>');
    expect(svg).toContain('a&#60;b&#62;&#38;&#34;c');
  });

  it('puts a lower TFR further left and a lower FID change further down', () => {
    const cx = (name: string): number[] => {
      const i = svg.indexOf(`>${name}</text>`);
      const circle = svg.lastIndexOf('<circle', i);
      const m = /cx="([\d.]+)" cy="([\d.]+)"/.exec(svg.slice(circle));
      return [Number(m?.[1]), Number(m?.[2])];
    };
    const [paperX, paperY] = cx('paper');
    const [betterX, betterY] = cx('better');
    expect(paperX).toBeLessThan(betterX);
    expect(betterY).toBeGreaterThan(paperY);
  });

  it('shades the bar and labels it', () => {
    expect(svg).toContain('fill="#d8f0d8"');
    expect(svg).toContain('TFR ≤ 1 %, FID ≤ +5 %');
  });
});
