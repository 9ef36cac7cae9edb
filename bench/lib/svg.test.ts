import { describe, expect, it } from 'vitest';
import type { VariantSummary } from './results';
import { escapeXml, ratioChart } from './svg';

function summary(id: string, label: string, vsBare?: number, vsNative?: number): VariantSummary {
  const [stack, kind] = id.split(':') as [VariantSummary['stack'], VariantSummary['kind']];
  return {
    id,
    label,
    stack,
    kind,
    rounds: 1,
    samples: [1],
    non2xx: 0,
    socketErrors: 0,
    problems: [],
    vsBare,
    vsNative,
  };
}

describe('ratioChart', () => {
  const svg = ratioChart(
    [
      summary('express:bare', 'Express 5 bare'),
      summary('express:native', 'Express <native>', 0.6),
      summary('express:bouncer', 'Express & Bouncer', 0.95, 1.5),
    ],
    { title: 'T', subtitle: 'Xeon, 2 cores, Node v20' },
  );

  it('draws one row per variant that has a ratio, none for the bare baseline', () => {
    expect(svg).not.toContain('Express 5 bare');
    expect(svg.match(/<title>/g)).toHaveLength(3);
  });

  it('escapes labels so the document stays well-formed', () => {
    expect(svg).toContain('Express &#60;native&#62;');
    expect(svg).toContain('Express &#38; Bouncer');
    expect(svg).not.toMatch(/<native>/);
  });

  it('scales bar widths in proportion to the ratio', () => {
    const widths = [
      ...svg.matchAll(/<rect x="\d+" y="\d+" width="([\d.]+)" height="11" fill="#[0-9a-f]+"><title>/g),
    ].map((m) => Number(m[1]));
    expect(widths).toHaveLength(3);
    expect(widths[1] / widths[0]).toBeCloseTo(0.95 / 0.6, 2);
    expect(widths[2] / widths[0]).toBeCloseTo(1.5 / 0.6, 2);
  });

  it('marks the 0.85×, 0.90× and 1.00× target lines and names the machine', () => {
    for (const mark of ['0.85×', '0.90×', '1.00×']) expect(svg).toContain(`>${mark}</text>`);
    expect(svg).toContain('Xeon, 2 cores, Node v20');
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.trim().endsWith('</svg>')).toBe(true);
  });
});

describe('ratioChart target labels', () => {
  it('never prints two target labels over each other, however the scale falls', () => {
    for (const largest of [1.2, 1.6, 2, 3, 5]) {
      const svg = ratioChart([summary('raw:bouncer', 'raw', largest)], { title: 'T', subtitle: 's' });
      const labels = [
        ...svg.matchAll(/<text x="([\d.]+)" y="([\d.]+)" text-anchor="middle" fill="#c0392b"[^>]*>([^<]+)</g),
      ].map((m) => ({ x: Number(m[1]), y: Number(m[2]), text: m[3] }));
      expect(labels.map((l) => l.text)).toEqual(['0.85×', '0.90×', '1.00×']);
      for (const [i, a] of labels.entries())
        for (const b of labels.slice(i + 1)) {
          const apart = Math.abs(a.x - b.x) >= 34 || Math.abs(a.y - b.y) >= 10;
          expect(apart, `${a.text} and ${b.text} overlap at scale ${largest}`).toBe(true);
        }
    }
  });
});

describe('escapeXml', () => {
  it('escapes the five XML special characters', () => {
    expect(escapeXml(`<a href="x" title='y'>&</a>`)).toBe(
      '&#60;a href=&#34;x&#34; title=&#39;y&#39;&#62;&#38;&#60;/a&#62;',
    );
  });
});
