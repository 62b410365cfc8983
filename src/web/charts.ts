import { html, type Html } from './html.ts';

/** One bar of a chart: a label (a day) and its stacked parts, in series order. */
export interface BarDatum {
  label: string;
  values: number[];
}

/** A series of a chart: its name and colour (contrast of at least 3:1 against white). */
export interface Series {
  name: string;
  colour: string;
}

const WIDTH = 640;
const HEIGHT = 180;
const PAD = { left: 44, right: 8, top: 10, bottom: 26 };

/** A round axis maximum at or above `max` (1, 2 or 5 times a power of ten). */
export function niceMax(max: number): number {
  if (max <= 0) return 1;
  const power = 10 ** Math.floor(Math.log10(max));
  for (const step of [1, 2, 5, 10]) if (step * power >= max) return step * power;
  return 10 * power;
}

/**
 * A stacked bar chart as inline SVG (server-rendered, no script), with a title for screen readers and the
 * same numbers as a table under a disclosure, so nothing is only in the picture.
 */
export function barChart(options: { id: string; title: string; series: Series[]; data: BarDatum[] }): Html {
  const { data, series } = options;
  const max = niceMax(Math.max(0, ...data.map((d) => d.values.reduce((a, b) => a + b, 0))));
  const plotW = WIDTH - PAD.left - PAD.right;
  const plotH = HEIGHT - PAD.top - PAD.bottom;
  const slot = data.length > 0 ? plotW / data.length : plotW;
  const barW = Math.max(1, slot * 0.75);
  const y = (v: number) => PAD.top + plotH - (v / max) * plotH;
  const bars = data.map((d, i) => {
    let base = 0;
    const x = PAD.left + i * slot + (slot - barW) / 2;
    const total = d.values.reduce((a, b) => a + b, 0);
    const parts = d.values.map((v, s) => {
      if (v <= 0) return '';
      const top = y(base + v);
      const rect = html`<rect x="${x.toFixed(1)}" y="${top.toFixed(1)}" width="${barW.toFixed(1)}" height="${(y(base) - top).toFixed(1)}" fill="${series[s]!.colour}"></rect>`;
      base += v;
      return rect;
    });
    const tip = `${d.label}: ${series.map((s, k) => `${s.name} ${d.values[k] ?? 0}`).join(', ')}`;
    return html`<g><title>${series.length === 1 ? `${d.label}: ${total}` : tip}</title>${parts}</g>`;
  });
  const every = Math.max(1, Math.ceil(data.length / 6));
  const ticks = data.map((d, i) =>
    i % every === 0 ? html`<text x="${(PAD.left + i * slot + slot / 2).toFixed(1)}" y="${HEIGHT - 8}" text-anchor="middle">${d.label.slice(5)}</text>` : '',
  );
  const grid = [0, 0.5, 1].map(
    (f) => html`<line x1="${PAD.left}" x2="${WIDTH - PAD.right}" y1="${y(max * f).toFixed(1)}" y2="${y(max * f).toFixed(1)}" stroke="#d0d7de"></line><text x="${PAD.left - 6}" y="${(y(max * f) + 4).toFixed(1)}" text-anchor="end">${Math.round(max * f)}</text>`,
  );
  const legend = series.length > 1 ? html`<p class="legend">${series.map((s) => html`<span><svg width="10" height="10" aria-hidden="true"><rect width="10" height="10" fill="${s.colour}"></rect></svg> ${s.name}</span>`)}</p>` : '';
  return html`<figure id="${options.id}"><figcaption id="${options.id}-title">${options.title}</figcaption>
<svg viewBox="0 0 ${WIDTH} ${HEIGHT}" width="100%" role="img" aria-labelledby="${options.id}-title">${grid}${bars}${ticks}</svg>${legend}
<details><summary>The numbers</summary><table><thead><tr><th scope="col">Day</th>${series.map((s) => html`<th scope="col">${s.name}</th>`)}</tr></thead>
<tbody>${data.map((d) => html`<tr><th scope="row">${d.label}</th>${d.values.map((v) => html`<td>${v}</td>`)}</tr>`)}</tbody></table></details></figure>`;
}
