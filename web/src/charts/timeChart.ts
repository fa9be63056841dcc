/**
 * A per-minute time-series chart (uPlot, bundled): one x axis of minute start times and a few named
 * series. Colours come from the page's CSS variables, so light and dark schemes both read well;
 * the chart follows its container's width and redraws when the colour scheme changes.
 *
 * @example
 *   const chart = timeChart('Latency (ms)', [{ label: 'p50', color: '--chart-1' }], 'ms');
 *   panel.append(chart.element);
 *   chart.update(times, [p50s]);
 */
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { h } from '../ui/dom';
import { formatNumber, formatTime } from '../ui/format';

export interface SeriesDef {
  label: string;
  /** A CSS custom property holding the colour, e.g. `--chart-1`. */
  color: string;
}

export interface TimeChart {
  element: HTMLElement;
  /** `times` in ms since the epoch; one array of values per series (null = no data that minute). */
  update(times: number[], values: (number | null)[][]): void;
  destroy(): void;
}

const HEIGHT = 180;

/** Indices of values with no value on either side: a line cannot show them, so only they get a dot. */
function isolated(u: uPlot, seriesIdx: number): number[] | null {
  const ys = u.data[seriesIdx] ?? [];
  const out: number[] = [];
  for (let i = 0; i < ys.length; i++) {
    if (
      ys[i] !== null &&
      ys[i] !== undefined &&
      (ys[i - 1] === null || ys[i - 1] === undefined) &&
      (ys[i + 1] === null || ys[i + 1] === undefined)
    )
      out.push(i);
  }
  return out.length ? out : null;
}

function cssVar(name: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || '#888';
}

export function timeChart(title: string, series: readonly SeriesDef[], unit: string): TimeChart {
  const plotArea = h('div', { class: 'chart-plot', role: 'img', 'aria-label': `${title}: no data yet` });
  const element = h('figure', { class: 'chart' }, h('figcaption', { class: 'chart-title' }, title), plotArea);
  let data: uPlot.AlignedData = [[], ...series.map(() => [])];
  let plot: uPlot | undefined;

  const build = () => {
    plot?.destroy();
    const text = cssVar('--text-muted');
    const grid = cssVar('--border');
    const axis: uPlot.Axis = {
      stroke: text,
      grid: { stroke: grid, width: 1 },
      ticks: { stroke: grid, width: 1 },
      font: '11px system-ui, sans-serif',
    };
    plot = new uPlot(
      {
        width: Math.max(200, plotArea.clientWidth || 480),
        height: HEIGHT,
        scales: { x: { time: true }, y: { range: (_u, min, max) => [0, Math.max(max, min, 1) * 1.1] } },
        axes: [axis, { ...axis, size: 48, values: (_u, ticks) => ticks.map((t) => formatNumber(t, 1)) }],
        legend: { live: true },
        cursor: { drag: { x: false, y: false } },
        series: [
          {
            label: 'minute',
            value: (_u: uPlot, v: number | null) => (v === null ? '—' : formatTime(new Date(v * 1000))),
          },
          ...series.map((s) => ({
            label: s.label,
            stroke: cssVar(s.color),
            width: 2,
            points: { show: false, size: 7, fill: cssVar(s.color), filter: isolated },
            spanGaps: false,
            value: (_u: uPlot, v: number | null) => (v === null ? '—' : `${formatNumber(v)} ${unit}`),
          })),
        ],
      },
      data,
      plotArea,
    );
  };

  // Created once the element is in the document, so its width is known.
  const resize = new ResizeObserver(() => {
    if (!plotArea.isConnected) return;
    if (!plot) build();
    else plot.setSize({ width: Math.max(200, plotArea.clientWidth), height: HEIGHT });
  });
  resize.observe(plotArea);
  const scheme = window.matchMedia('(prefers-color-scheme: dark)');
  const onScheme = () => plot && build();
  scheme.addEventListener('change', onScheme);

  return {
    element,
    update(times, values) {
      data = [times.map((t) => t / 1000), ...values];
      plot?.setData(data);
      const last = values.map((v) => v[v.length - 1]);
      const lastOf = (i: number): string =>
        last[i] === null || last[i] === undefined ? 'no data' : `${formatNumber(last[i])} ${unit}`;
      plotArea.setAttribute(
        'aria-label',
        `${title}, last minute: ${series.map((s, i) => `${s.label} ${lastOf(i)}`).join(', ')}`,
      );
    },
    destroy() {
      resize.disconnect();
      scheme.removeEventListener('change', onScheme);
      plot?.destroy();
    },
  };
}
