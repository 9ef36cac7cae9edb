// The ratio chart, written by hand: one row per variant, its throughput as a multiple of the
// bare framework (and, for Bouncer rows, of the native stack), with the target lines drawn in.
import type { VariantSummary } from './results';

export interface ChartMeta {
  title: string;
  subtitle: string;
}

const ROW = 34;
const LEFT = 330;
const PLOT = 440;
const TOP = 82;
/** Room one target label needs (five characters at font-size 10), centred on its line. */
const LABEL_WIDTH = 34;
const BARE = '#3b6fb6';
const NATIVE = '#4f9d5b';

/** Escapes text for XML content and attribute values. */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function fmt(n: number): string {
  return n.toFixed(2);
}

/** An SVG document charting `vsBare` (and `vsNative`) of every variant that has one. */
export function ratioChart(summaries: readonly VariantSummary[], meta: ChartMeta): string {
  const rows = summaries.filter((s) => s.vsBare !== undefined || s.vsNative !== undefined);
  const largest = Math.max(1.2, ...rows.flatMap((s) => [s.vsBare ?? 0, s.vsNative ?? 0]));
  const scaleMax = Math.ceil(largest * 10) / 10;
  const x = (ratio: number) => LEFT + (ratio / scaleMax) * PLOT;
  const height = TOP + rows.length * ROW + 60;
  const width = LEFT + PLOT + 80;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="16" y="24" font-size="16" font-weight="bold">${escapeXml(meta.title)}</text>`,
    `<text x="16" y="44" fill="#555">${escapeXml(meta.subtitle)}</text>`,
  ];
  const bottom = TOP + rows.length * ROW;
  // Target lines sit close together (0.85× and 0.90× are 20 px apart on a 2× scale): a label too
  // close to the previous one moves up a line instead of printing over it.
  let previousX = Number.NEGATIVE_INFINITY;
  let tier = 0;
  for (const [ratio, label] of [
    [0.85, '0.85×'],
    [0.9, '0.90×'],
    [1, '1.00×'],
  ] as const) {
    if (ratio > scaleMax) continue;
    const lineX = x(ratio);
    tier = lineX - previousX < LABEL_WIDTH ? tier + 1 : 0;
    previousX = lineX;
    out.push(
      `<line x1="${fmt(lineX)}" y1="${TOP - 8 - tier * 12}" x2="${fmt(lineX)}" y2="${bottom}" stroke="#c0392b" stroke-dasharray="4 3" stroke-width="1"/>`,
      `<text x="${fmt(lineX)}" y="${TOP - 12 - tier * 12}" text-anchor="middle" fill="#c0392b" font-size="10">${label}</text>`,
    );
  }
  rows.forEach((s, i) => {
    const y = TOP + i * ROW;
    out.push(`<text x="${LEFT - 8}" y="${y + 17}" text-anchor="end">${escapeXml(s.label)}</text>`);
    const bars: [number | undefined, string, string][] = [
      [s.vsBare, BARE, 'bare'],
      [s.vsNative, NATIVE, 'native'],
    ];
    bars.forEach(([ratio, colour, name], j) => {
      if (ratio === undefined) return;
      const top = y + 4 + j * 13;
      out.push(
        `<rect x="${LEFT}" y="${top}" width="${fmt(x(ratio) - LEFT)}" height="11" fill="${colour}"><title>${escapeXml(`${s.label}: ${fmt(ratio)}× ${name}`)}</title></rect>`,
        `<text x="${fmt(x(ratio) + 4)}" y="${top + 9}" font-size="10">${fmt(ratio)}×</text>`,
      );
    });
  });
  out.push(
    `<line x1="${LEFT}" y1="${TOP - 8}" x2="${LEFT}" y2="${bottom}" stroke="#333"/>`,
    `<rect x="${LEFT}" y="${bottom + 20}" width="11" height="11" fill="${BARE}"/>`,
    `<text x="${LEFT + 16}" y="${bottom + 30}">÷ bare framework (raw: ÷ bare node:http)</text>`,
    `<rect x="${LEFT}" y="${bottom + 38}" width="11" height="11" fill="${NATIVE}"/>`,
    `<text x="${LEFT + 16}" y="${bottom + 48}">÷ the framework's native security stack</text>`,
    '</svg>',
  );
  return `${out.join('\n')}\n`;
}
