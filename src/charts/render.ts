/**
 * The one place charts are drawn, and the house style they share. Chart modules
 * build a chart.js config and call `renderChart`; nothing here knows about rides
 * or routes. The drawing engine (canvas + chart.js, engine.ts) is loaded on the
 * first chart, not at start-up.
 */
import type { ChartConfiguration, ChartType } from 'chart.js';

/** Telegram shows photos about a phone's width: 1280x720 keeps 20 px text legible there. */
export const CHART_SIZE = { width: 1280, height: 720 } as const;

/** Okabe-Ito colours: distinguishable with colour-blindness and on a white background. */
export const COLORS = {
  blue: '#0072B2',
  vermillion: '#D55E00',
  orange: '#E69F00',
  sky: '#56B4E9',
  green: '#009E73',
  purple: '#CC79A7',
  grey: '#8C8C8C',
  ink: '#222222',
  muted: '#555555',
  grid: '#E6E6E6',
} as const;

/** `#RRGGBB` + opacity -> `rgba(...)`, for fills under lines and faint bars. */
export function withAlpha(hex: string, alpha: number): string {
  const n = Number.parseInt(hex.slice(1), 16);
  return `rgba(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255}, ${alpha})`;
}

export const FONT_SIZE = { tick: 18, axisTitle: 19, legend: 19, title: 26, label: 17 } as const;

/** Axis title in the house style: units in brackets, e.g. "Power (W)". */
export function axisTitle(text: string) {
  return { display: true, text, font: { size: FONT_SIZE.axisTitle }, color: COLORS.ink } as const;
}

let engine: Promise<typeof import('./engine.ts')> | undefined;

/** Draws `config` at `size` and returns the PNG. */
export async function renderChart<T extends ChartType>(
  config: ChartConfiguration<T>,
  size: { width: number; height: number } = CHART_SIZE,
): Promise<Buffer> {
  engine ??= import('./engine.ts');
  return (await engine).draw(config, size);
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** "2024-03-04" -> "4 Mar" (short, unambiguous in any locale); anything else unchanged. */
export function shortDate(day: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  const month = m ? MONTHS[Number(m[2]) - 1] : undefined;
  return m && month ? `${Number(m[3])} ${month}` : day;
}
