import { escapeHtml } from '../../common/text/escape-html';

/** One bar of a chart: its label and value (null: not known, drawn as no bar and shown as `empty`). */
export interface Bar {
  label: string;
  value: number | null;
}

export interface BarChart {
  /** the id of the <svg> (its <title> and <desc> take `${id}-title`, `${id}-desc`) */
  id: string;
  title: string;
  /** one sentence for screen readers: what the chart shows */
  desc: string;
  bars: Bar[];
  /** how a value is written beside its bar (default: as it is) */
  format?: (value: number) => string;
  /** the value of a full-width bar (default: the largest value, at least 1) */
  max?: number;
  /** written where a value is null */
  empty?: string;
}

/** The drawing's own units: the page scales it to the width it has (a phone's or a column's). */
const WIDTH = 400;
const VALUE_WIDTH = 64;
const LABEL_HEIGHT = 20;
const BAR_HEIGHT = 18;
const GAP = 12;
const PAD = 4;
const ROW = LABEL_HEIGHT + BAR_HEIGHT + GAP;
/** The portal's accent and ink (portal.css): 7:1 and more against white. */
const BAR_FILL = '#0b5394';
const INK = '#1b1f24';
const TRACK = '#e4e8ee';

/** Text for XML content and attribute values: the same five characters as in HTML. */
export const escapeXml = (text: string): string => escapeHtml(text);

/**
 * A horizontal bar chart as an inline SVG element, drawn on the server: no script, no style
 * attribute (the page's CSP forbids inline style; SVG presentation attributes are not style). It is
 * an image to assistive technology (role="img", aria-labelledby its <title> and <desc>); the page
 * puts a table of the same figures beside it. Every text is escaped here, so the result may be
 * written raw into a template.
 */
export function barChart(chart: BarChart): string {
  const format = chart.format ?? ((v: number) => String(v));
  const values = chart.bars.map((b) => b.value).filter((v): v is number => v !== null && Number.isFinite(v));
  const max = chart.max ?? Math.max(1, ...values);
  const track = WIDTH - VALUE_WIDTH - 2 * PAD;
  const height = PAD * 2 + Math.max(1, chart.bars.length) * ROW - GAP;
  const id = escapeXml(chart.id);
  // Each row: the label on a line of its own (long Chinese names fit a phone), the bar below it, the value after the bar.
  const rows = chart.bars.map((bar, i) => {
    const y = PAD + i * ROW;
    const barY = y + LABEL_HEIGHT;
    const known = bar.value !== null && Number.isFinite(bar.value);
    const share = known ? Math.min(1, Math.max(0, (bar.value as number) / max)) : 0;
    const w = Math.round(track * share * 10) / 10;
    const text = known ? format(bar.value as number) : (chart.empty ?? '—');
    return (
      `<g>` +
      `<text x="${PAD}" y="${y + 15}" font-size="14" fill="${INK}">${escapeXml(bar.label)}</text>` +
      `<rect x="${PAD}" y="${barY}" width="${track}" height="${BAR_HEIGHT}" fill="${TRACK}"/>` +
      (w > 0 ? `<rect class="bar" x="${PAD}" y="${barY}" width="${w}" height="${BAR_HEIGHT}" fill="${BAR_FILL}"/>` : '') +
      `<text x="${PAD + track + 6}" y="${barY + 14}" font-size="14" fill="${INK}">${escapeXml(text)}</text>` +
      `</g>`
    );
  });
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" id="${id}" class="chart" role="img" aria-labelledby="${id}-title ${id}-desc" ` +
    `aria-label="${escapeXml(chart.title)}" viewBox="0 0 ${WIDTH} ${height}" width="100%" preserveAspectRatio="xMinYMin meet" focusable="false">` +
    `<title id="${id}-title">${escapeXml(chart.title)}</title>` +
    `<desc id="${id}-desc">${escapeXml(chart.desc)}</desc>` +
    rows.join('') +
    `</svg>`
  );
}
