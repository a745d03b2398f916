/**
 * chart.js (tree-shaken registration) on an @napi-rs/canvas canvas, a registered
 * font, a white background, PNG out. Loaded by render.ts when the first chart is
 * drawn: canvas and chart.js cost a bot that draws no chart some 30 MB.
 */
import { existsSync } from 'node:fs';
import { createCanvas, GlobalFonts } from '@napi-rs/canvas';
import {
  BarController,
  BarElement,
  BasicPlatform,
  CategoryScale,
  Chart,
  Filler,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  LogarithmicScale,
  PointElement,
  Title,
} from 'chart.js';
import type { ChartConfiguration, ChartType, Plugin } from 'chart.js';
import { COLORS, FONT_SIZE } from './render.ts';

Chart.register(
  BarController,
  BarElement,
  CategoryScale,
  Filler,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  LogarithmicScale,
  PointElement,
  Title,
);

// Debian/Ubuntu (fonts-dejavu-core, fonts-liberation), Fedora/Alpine, Arch.
const FONT_CANDIDATES: [regular: string, bold: string][] = [
  ['/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf', '/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf'],
  ['/usr/share/fonts/dejavu/DejaVuSans.ttf', '/usr/share/fonts/dejavu/DejaVuSans-Bold.ttf'],
  ['/usr/share/fonts/TTF/DejaVuSans.ttf', '/usr/share/fonts/TTF/DejaVuSans-Bold.ttf'],
  ['/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf', '/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf'],
  ['/usr/share/fonts/liberation-sans/LiberationSans-Regular.ttf', '/usr/share/fonts/liberation-sans/LiberationSans-Bold.ttf'],
];

/**
 * Registers the first font file found under one alias, so every machine draws
 * with the same metrics. With no file found we fall back to whatever Skia finds
 * among system fonts; on an image with no fonts at all (node:*-slim) every label,
 * title and tick is silently blank, so the Docker image must install fonts-dejavu-core.
 */
function registerFont(): string {
  const alias = 'Chart Sans';
  for (const [regular, bold] of FONT_CANDIDATES) {
    if (!existsSync(regular)) continue;
    if (!GlobalFonts.registerFromPath(regular, alias)) continue;
    if (existsSync(bold)) GlobalFonts.registerFromPath(bold, alias);
    return `'${alias}', sans-serif`;
  }
  return "'DejaVu Sans', 'Liberation Sans', Arial, sans-serif";
}

/** The font family every chart draws with (plugins that draw text use it too). */
export const FONT_FAMILY = registerFont();

Chart.defaults.font.family = FONT_FAMILY;
Chart.defaults.font.size = FONT_SIZE.tick;
Chart.defaults.color = COLORS.muted;
Chart.defaults.borderColor = COLORS.grid;
Chart.defaults.animation = false;
Chart.defaults.responsive = false;
Chart.defaults.maintainAspectRatio = false;
Chart.defaults.devicePixelRatio = 1;
Chart.defaults.elements.point.radius = 0;
Chart.defaults.elements.line.borderJoinStyle = 'round';
Chart.defaults.plugins.title.font = { size: FONT_SIZE.title, weight: 'bold' };
Chart.defaults.plugins.title.color = COLORS.ink;
Chart.defaults.plugins.title.padding = { top: 4, bottom: 10 };
Chart.defaults.plugins.legend.labels.font = { size: FONT_SIZE.legend };
Chart.defaults.plugins.legend.labels.boxWidth = 28;
Chart.defaults.plugins.legend.labels.boxHeight = 14;
// Legend in the order the chart lists its datasets, not in drawing order.
Chart.defaults.plugins.legend.labels.sort = (a, b) => (a.datasetIndex ?? 0) - (b.datasetIndex ?? 0);
Chart.defaults.layout.padding = { top: 12, right: 24, bottom: 12, left: 16 };

/** PNGs are otherwise transparent, which turns black-on-nothing in Telegram's dark mode. */
const whiteBackground: Plugin = {
  id: 'whiteBackground',
  beforeDraw(chart) {
    const { ctx, width, height } = chart;
    ctx.save();
    ctx.fillStyle = '#FFFFFF';
    ctx.fillRect(0, 0, width, height);
    ctx.restore();
  },
};

/** A chart with nothing to plot says so instead of showing bare axes. */
const noDataNotice: Plugin = {
  id: 'noDataNotice',
  afterDraw(chart) {
    const hasPoint = chart.data.datasets.some((ds) =>
      (ds.data as unknown[]).some((p) => {
        const v = typeof p === 'object' && p !== null ? (p as { y?: unknown }).y : p;
        return typeof v === 'number' && Number.isFinite(v);
      }),
    );
    if (hasPoint) return;
    const { ctx, chartArea } = chart;
    ctx.save();
    ctx.fillStyle = COLORS.muted;
    ctx.font = `${FONT_SIZE.title}px ${FONT_FAMILY}`;
    ctx.textAlign = 'center';
    ctx.textBaseline = 'middle';
    ctx.fillText('No data to show', (chartArea.left + chartArea.right) / 2, (chartArea.top + chartArea.bottom) / 2);
    ctx.restore();
  },
};

/**
 * Draws `config` at `size` and returns the PNG. The PNG is encoded off the main
 * thread (`encode`, not `encodeSync`); the chart is destroyed only after, since
 * destroying clears the canvas.
 */
export async function draw<T extends ChartType>(
  config: ChartConfiguration<T>,
  size: { width: number; height: number },
): Promise<Buffer> {
  const canvas = createCanvas(size.width, size.height);
  // chart.js's BasicPlatform needs only getContext('2d') and width/height, which
  // @napi-rs/canvas has: no shim. Naming the platform keeps it from picking the DOM
  // platform if something ever defines a global `window` in this process.
  const chart = new Chart(canvas as unknown as ConstructorParameters<typeof Chart>[0], {
    ...config,
    platform: BasicPlatform,
    plugins: [whiteBackground, ...(config.plugins ?? []), noDataNotice],
  } as ChartConfiguration<T>);
  try {
    return await canvas.encode('png');
  } finally {
    chart.destroy();
  }
}
