import { barChart, escapeXml } from './svg-chart';

const widths = (svg: string): number[] => [...svg.matchAll(/<rect class="bar" [^>]*width="([\d.]+)"/g)].map((m) => Number(m[1]));

describe('barChart', () => {
  it('draws one bar per value, proportional to the largest, with its label and value', () => {
    const svg = barChart({
      id: 'c',
      title: 'Open',
      desc: 'Open requests by type',
      bars: [
        { label: 'access', value: 4 },
        { label: 'correction', value: 2 },
        { label: 'explanation', value: 0 },
      ],
    });
    const [a, b] = widths(svg);
    expect(widths(svg)).toHaveLength(2); // a zero draws no bar
    expect(a / b).toBeCloseTo(2, 5);
    expect(svg).toContain('>access</text>');
    expect(svg).toContain('>4</text>');
    expect(svg).toContain('>0</text>');
  });

  it('is an image named by its title and description, with no style attribute or script', () => {
    const svg = barChart({ id: 'open', title: 'Open requests', desc: 'One bar per type', bars: [{ label: 'x', value: 1 }] });
    expect(svg).toMatch(/^<svg [^>]*role="img"/);
    expect(svg).toContain('aria-labelledby="open-title open-desc"');
    expect(svg).toContain('<title id="open-title">Open requests</title>');
    expect(svg).toContain('<desc id="open-desc">One bar per type</desc>');
    expect(svg).not.toMatch(/style=|<script/i);
  });

  it('escapes every text it is given', () => {
    const svg = barChart({ id: 'x"y', title: '<b>&', desc: '"q"', bars: [{ label: '<script>alert(1)</script>', value: 1 }] });
    expect(svg).not.toContain('<script>');
    expect(svg).not.toContain('<b>');
    expect(svg).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(svg).toContain('id="x&quot;y"');
    expect(escapeXml(`a&b<c>"d"'e'`)).toBe('a&amp;b&lt;c&gt;&quot;d&quot;&#39;e&#39;');
  });

  it('uses the given maximum and format, caps a bar at full width, and writes the empty text for an unknown value', () => {
    const svg = barChart({
      id: 's',
      title: 'Share',
      desc: 'd',
      max: 1,
      format: (v) => `${Math.round(v * 100)}%`,
      empty: 'n/a',
      bars: [
        { label: 'half', value: 0.5 },
        { label: 'all', value: 1 },
        { label: 'too much', value: 3 },
        { label: 'unknown', value: null },
      ],
    });
    const [half, all, capped] = widths(svg);
    expect(all).toBeCloseTo(2 * half, 5);
    expect(capped).toBe(all);
    expect(widths(svg)).toHaveLength(3);
    expect(svg).toContain('>50%</text>');
    expect(svg).toContain('>n/a</text>');
  });

  it('draws an empty chart without failing', () => {
    const svg = barChart({ id: 'e', title: 'None', desc: 'nothing', bars: [] });
    expect(svg).toMatch(/viewBox="0 0 400 \d+"/);
    expect(widths(svg)).toEqual([]);
  });
});
