import type { TopLevelSpec } from 'vega-lite';

export interface Bar {
  system: string;
  value: number | undefined;
}

export interface BarGroup {
  label: string;
  bars: Bar[];
}

export interface Panel {
  title: string;
  unit: string;
  groups: BarGroup[];
}

const SYSTEM_COLORS: Record<string, string> = {
  ours: '#2563eb',
  unbatched: '#93c5fd',
  sqs_consumer: '#f59e0b',
  benthos: '#10b981',
  node_http: '#a855f7',
  ceiling: '#6b7280',
  'lag p50': '#93c5fd',
  'lag p99': '#2563eb',
  'lag max': '#1e3a8a',
  publisher: '#8b5cf6',
  subscriber: '#f97316',
  emulator: '#6b7280',
  Postgres: '#14b8a6',
};

function formatValue(value: number): string {
  if (value >= 100) return Math.round(value).toLocaleString('en-US');
  return value.toFixed(value >= 10 ? 1 : 2);
}

/**
 * One panel: a bar per system, grouped, the value beside each bar. Every bar has a row of its own
 * (`<n>|<group label on its first bar>`), with an empty row between groups, so groups with
 * different systems leave no gaps.
 */
function panelSpec(panel: Panel, colors: { domain: string[]; range: string[] }) {
  const rows: string[] = [];
  const values = panel.groups.flatMap((group, g) => {
    if (g > 0) rows.push(`${rows.length}|`);
    return group.bars.map((bar, b) => {
      const row = `${rows.length}|${b === 0 ? group.label : ''}`;
      rows.push(row);
      return { row, system: bar.system, value: bar.value ?? null, at: bar.value ?? 0, label: bar.value === undefined ? `${bar.system}: not measured` : formatValue(bar.value) };
    });
  });
  const x = { type: 'quantitative' as const, axis: null };
  return {
    title: { text: panel.title, subtitle: panel.unit },
    width: 290,
    height: { step: 15 },
    data: { values },
    encoding: { y: { field: 'row', type: 'nominal' as const, scale: { domain: rows }, axis: { title: null, labelExpr: "split(datum.label, '|')[1]" } } },
    layer: [
      { mark: { type: 'bar' as const, cornerRadiusEnd: 2 }, encoding: { x: { ...x, field: 'value' }, color: { field: 'system', scale: colors, title: null } } },
      {
        mark: { type: 'text' as const, align: 'left' as const, dx: 4 },
        encoding: {
          x: { ...x, field: 'at' },
          text: { field: 'label' },
          color: { condition: { test: 'datum.value === null', value: '#b91c1c' }, value: '#111827' },
        },
      },
    ],
  };
}

/** A grid of bar charts, one colour per system, as standalone SVG (vega-lite, rendered headless by vega). */
export async function renderChart(title: string, subtitle: string, panels: Panel[]): Promise<string> {
  const domain = [...new Set(panels.flatMap((p) => p.groups.flatMap((g) => g.bars.map((b) => b.system))))];
  const colors = { domain, range: domain.map((system) => SYSTEM_COLORS[system] ?? '#9ca3af') };
  const spec: TopLevelSpec = {
    title: { text: title, subtitle, anchor: 'start', fontSize: 17 },
    background: '#ffffff',
    padding: 20,
    columns: 2,
    concat: panels.map((panel) => panelSpec(panel, colors)),
    resolve: { scale: { x: 'independent', y: 'independent' } },
    config: {
      font: "system-ui, -apple-system, 'Segoe UI', sans-serif",
      view: { stroke: null },
      legend: { orient: 'top' },
      title: { anchor: 'start', fontSize: 13, subtitleColor: '#6b7280' },
      axis: { domain: false, ticks: false, labelFontSize: 11, labelColor: '#374151' },
      scale: { bandPaddingInner: 0.2 },
      text: { fontSize: 11 },
    },
  };
  // Both are ES modules with top-level await, which require() cannot load.
  const [vega, vegaLite] = await Promise.all([import('vega'), import('vega-lite')]);
  const view = new vega.View(vega.parse(vegaLite.compile(spec).spec), { renderer: 'none' });
  return `${await view.toSVG()}\n`;
}
