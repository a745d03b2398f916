/**
 * Mean-maximal power against duration, on a log duration axis (1 s ... hours),
 * recent efforts over the rider's best.
 */
import type { ChartDataset } from 'chart.js';
import { axisTitle, CHART_SIZE, COLORS, renderChart, withAlpha } from './render.ts';

export interface PowerCurveInput {
  title: string;
  /** Durations, s, ascending; the power arrays line up with it (null: no effort that long). */
  durationsS: number[];
  recentW: (number | null)[];
  bestW: (number | null)[];
  recentLabel: string;
  bestLabel: string;
}

/** The durations riders talk about; only these are labelled. */
const TICKS_S = [1, 5, 15, 30, 60, 120, 300, 600, 1200, 3600, 7200, 18_000, 36_000];

interface XY {
  x: number;
  y: number;
}

export async function renderPowerCurve(input: PowerCurveInput): Promise<Buffer> {
  const points = (watts: (number | null)[]): XY[] =>
    input.durationsS.map((x, i) => ({ x, y: watts[i] ?? Number.NaN })).filter((p) => p.x > 0);
  const durations = input.durationsS.filter((d) => d > 0);
  const min = Math.min(...durations, 1);
  // End the axis on a labelled duration, so its right end says how long it reaches.
  const longest = Math.max(...durations, 60);
  const max = TICKS_S.find((t) => t >= longest) ?? longest;

  const datasets: ChartDataset<'line', XY[]>[] = [
    { label: input.bestLabel, data: points(input.bestW), borderColor: COLORS.grey, backgroundColor: withAlpha(COLORS.grey, 0.15), fill: 'origin', borderWidth: 2.5, borderDash: [8, 5], order: 1 },
    { label: input.recentLabel, data: points(input.recentW), borderColor: COLORS.blue, backgroundColor: COLORS.blue, borderWidth: 3.5, pointRadius: 3, order: 0 },
  ];

  return renderChart({
    type: 'line',
    data: { datasets },
    options: {
      parsing: false,
      spanGaps: false,
      plugins: {
        title: { display: true, text: input.title },
        legend: { position: 'top' },
      },
      scales: {
        x: {
          type: 'logarithmic',
          min,
          max,
          title: axisTitle('Duration (log scale)'),
          // Replace chart.js's 1-2-5 log ticks with durations riders recognise.
          afterBuildTicks: (axis) => {
            axis.ticks = TICKS_S.filter((t) => t >= min && t <= max).map((value) => ({ value }));
          },
          ticks: { autoSkip: false, maxRotation: 0, callback: (v) => durationLabel(Number(v)) },
        },
        y: { type: 'linear', beginAtZero: true, title: axisTitle('Power (W)') },
      },
    },
  }, CHART_SIZE);
}

/** 1 s, 30 s, 1 min, 20 min, 1 h, 5 h. */
export function durationLabel(seconds: number): string {
  if (seconds < 60) return `${seconds} s`;
  if (seconds < 3600) return `${Math.round(seconds / 60)} min`;
  const h = seconds / 3600;
  return `${Number.isInteger(h) ? h : h.toFixed(1)} h`;
}
