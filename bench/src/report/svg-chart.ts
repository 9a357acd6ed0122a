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

export const SYSTEM_COLORS: Record<string, string> = {
  ours: '#2563eb',
  unbatched: '#93c5fd',
  sqs_consumer: '#f59e0b',
  benthos: '#10b981',
  ceiling: '#6b7280',
};

const PANEL_WIDTH = 470;
const LABEL_WIDTH = 70;
const BAR_AREA = 290;
const BAR_HEIGHT = 14;
const BAR_GAP = 3;
const GROUP_GAP = 10;
const PANEL_HEADER = 30;
const PANEL_PADDING = 16;
const COLUMNS = 2;

function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function formatValue(value: number): string {
  if (value >= 100) return Math.round(value).toLocaleString('en-US');
  if (value >= 10) return value.toFixed(1);
  return value.toFixed(2);
}

function panelHeight(panel: Panel): number {
  const bars = panel.groups.reduce((n, g) => n + g.bars.length, 0);
  return PANEL_HEADER + bars * (BAR_HEIGHT + BAR_GAP) + panel.groups.length * GROUP_GAP + PANEL_PADDING;
}

function renderPanel(panel: Panel, x: number, y: number): string {
  const max = Math.max(1e-9, ...panel.groups.flatMap((g) => g.bars.map((b) => b.value ?? 0)));
  const parts = [`<text x="${x}" y="${y + 16}" class="title">${escape(panel.title)} <tspan class="unit">(${escape(panel.unit)})</tspan></text>`];
  let cursor = y + PANEL_HEADER;
  for (const group of panel.groups) {
    const groupHeight = group.bars.length * (BAR_HEIGHT + BAR_GAP);
    parts.push(`<text x="${x}" y="${cursor + groupHeight / 2 + 4}" class="group">${escape(group.label)}</text>`);
    for (const bar of group.bars) {
      const color = SYSTEM_COLORS[bar.system] ?? '#9ca3af';
      const barX = x + LABEL_WIDTH;
      if (bar.value === undefined) {
        parts.push(`<text x="${barX}" y="${cursor + BAR_HEIGHT - 3}" class="missing">${escape(bar.system)}: not measured</text>`);
      } else {
        const width = Math.max(1, (bar.value / max) * BAR_AREA);
        parts.push(
          `<rect x="${barX}" y="${cursor}" width="${width.toFixed(1)}" height="${BAR_HEIGHT}" rx="2" fill="${color}"><title>${escape(`${bar.system}: ${bar.value} ${panel.unit}`)}</title></rect>`,
          `<text x="${(barX + width + 4).toFixed(1)}" y="${cursor + BAR_HEIGHT - 3}" class="value">${formatValue(bar.value)}</text>`,
        );
      }
      cursor += BAR_HEIGHT + BAR_GAP;
    }
    cursor += GROUP_GAP;
  }
  return parts.join('\n');
}

/** A grid of horizontal bar charts, one per panel, with a legend of the systems; plain SVG, no scripts. */
export function renderSvgChart(title: string, subtitle: string, panels: Panel[]): string {
  const systems = [...new Set(panels.flatMap((p) => p.groups.flatMap((g) => g.bars.map((b) => b.system))))];
  const rows: Panel[][] = [];
  for (let i = 0; i < panels.length; i += COLUMNS) rows.push(panels.slice(i, i + COLUMNS));
  const top = 74;
  let y = top;
  const body: string[] = [];
  for (const row of rows) {
    row.forEach((panel, column) => body.push(renderPanel(panel, 20 + column * PANEL_WIDTH, y)));
    y += Math.max(...row.map(panelHeight));
  }
  const width = 20 + COLUMNS * PANEL_WIDTH;
  const legend = systems
    .map((system, i) => {
      const lx = 20 + i * 130;
      return `<rect x="${lx}" y="50" width="12" height="12" rx="2" fill="${SYSTEM_COLORS[system] ?? '#9ca3af'}"/><text x="${lx + 17}" y="60" class="legend">${escape(system)}</text>`;
    })
    .join('\n');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${y + 10}" viewBox="0 0 ${width} ${y + 10}" font-family="system-ui, -apple-system, 'Segoe UI', sans-serif">
<style>
  .heading { font-size: 17px; font-weight: 600; fill: #111827; }
  .sub { font-size: 12px; fill: #4b5563; }
  .title { font-size: 13px; font-weight: 600; fill: #111827; }
  .unit { font-weight: 400; fill: #6b7280; }
  .group { font-size: 11px; fill: #374151; }
  .value { font-size: 11px; fill: #111827; }
  .missing { font-size: 11px; fill: #b91c1c; font-style: italic; }
  .legend { font-size: 12px; fill: #374151; }
</style>
<rect width="100%" height="100%" fill="#ffffff"/>
<text x="20" y="24" class="heading">${escape(title)}</text>
<text x="20" y="41" class="sub">${escape(subtitle)}</text>
${legend}
${body.join('\n')}
</svg>
`;
}
