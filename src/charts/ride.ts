/**
 * One ride over time: power (30 s mean) on the left axis, heart rate on the right,
 * cadence faint behind them. Any series may be missing; gaps break the lines.
 */
import type { ChartDataset } from 'chart.js';
import { lttb } from '../domain/lttb.ts';
import { axisTitle, CHART_SIZE, COLORS, renderChart, withAlpha } from './render.ts';

export interface RideChartInput {
  title: string;
  /** Seconds, one per sample (1 Hz), ascending; the x axis counts from the first. */
  timeS: number[];
  powerW?: (number | null)[];
  hrBpm?: (number | null)[];
  cadenceRpm?: (number | null)[];
}

const MAX_POINTS = 1200;
/** Presentation smoothing only (not a metric): raw 1 Hz power and cadence are too jagged to read at a glance. */
const SMOOTHING_S = 30;

interface XY {
  x: number;
  y: number;
}

export async function renderRideChart(input: RideChartInput): Promise<Buffer> {
  const t0 = input.timeS[0] ?? 0;
  const elapsed = input.timeS.map((t) => t - t0);
  const durationS = Math.max(elapsed[elapsed.length - 1] ?? 0, 60);
  // After decimation neighbouring points sit up to ~2 buckets apart: only a longer
  // jump in time (a pause with no samples) breaks the line.
  const maxJoinS = Math.max(60, (4 * durationS) / MAX_POINTS);

  const series = (values: (number | null)[] | undefined): XY[] | null => {
    if (!values || !values.some((v) => v !== null && Number.isFinite(v))) return null;
    const d = lttb(elapsed, values, MAX_POINTS);
    return d.xs.map((x, i) => ({ x, y: d.ys[i]! }));
  };
  const power = series(input.powerW && rollingMean(input.timeS, input.powerW, SMOOTHING_S));
  const hr = series(input.hrBpm);
  // Cadence too: raw, every coasting second is a spike to 0 that LTTB faithfully keeps.
  const cadence = series(input.cadenceRpm && rollingMean(input.timeS, input.cadenceRpm, SMOOTHING_S));

  const datasets: ChartDataset<'line', XY[]>[] = [];
  if (power) {
    datasets.push({ label: 'Power, 30 s mean (W)', data: power, yAxisID: 'power', borderColor: COLORS.blue, backgroundColor: withAlpha(COLORS.blue, 0.12), fill: 'origin', borderWidth: 2, order: 1 });
  }
  if (hr) {
    datasets.push({ label: 'Heart rate (bpm)', data: hr, yAxisID: 'hr', borderColor: COLORS.vermillion, backgroundColor: COLORS.vermillion, borderWidth: 2, order: 0 });
  }
  if (cadence) {
    datasets.push({ label: 'Cadence, 30 s mean (rpm)', data: cadence, yAxisID: 'cadence', borderColor: withAlpha(COLORS.green, 0.35), backgroundColor: withAlpha(COLORS.green, 0.35), borderWidth: 1.2, order: 2 });
  }

  const valueAxis = (title: string, position: 'left' | 'right', grid: boolean) => ({
    type: 'linear' as const,
    position,
    beginAtZero: false,
    title: axisTitle(title),
    grid: { display: grid },
  });
  return renderChart({
    type: 'line',
    data: { datasets },
    options: {
      parsing: false,
      normalized: true,
      spanGaps: maxJoinS,
      // A single sample would otherwise be an invisible zero-length line.
      elements: { point: { radius: input.timeS.length === 1 ? 5 : 0 } },
      plugins: {
        title: { display: true, text: input.title },
        legend: { display: datasets.length > 0, position: 'top' },
      },
      scales: {
        x: {
          type: 'linear',
          min: 0,
          max: durationS,
          title: axisTitle('Time (h:mm)'),
          grid: { display: false },
          // chart.js spreads ticks evenly between min and max (0:15, 0:31, 0:46...): put them on round times.
          afterBuildTicks: (axis) => {
            axis.ticks = timeTicksS(durationS).map((value) => ({ value }));
          },
          ticks: { autoSkip: false, callback: (v) => hMm(Number(v)) },
        },
        power: { ...valueAxis('Power (W)', 'left', true), display: power !== null, min: 0 },
        // Without power, heart rate takes the left side so the chart is not lopsided.
        hr: { ...valueAxis('Heart rate (bpm)', power ? 'right' : 'left', !power), display: hr !== null },
        // Cadence sits in the lower part of the chart, behind the others; its unit is in the legend.
        cadence: { type: 'linear', axis: 'y', display: false, min: 0, max: 300 },
      },
    },
  }, CHART_SIZE);
}

/**
 * Trailing mean over the last `windowS` seconds of valid samples, by timestamp, so a
 * pause in recording does not stretch the window. A missing sample stays missing.
 */
export function rollingMean(timeS: number[], values: (number | null)[], windowS: number): (number | null)[] {
  const out: (number | null)[] = new Array(values.length).fill(null);
  let from = 0;
  let sum = 0;
  let count = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v !== null && v !== undefined && Number.isFinite(v)) {
      sum += v;
      count++;
    }
    while (from < i && timeS[from]! <= timeS[i]! - windowS) {
      const old = values[from];
      if (old !== null && old !== undefined && Number.isFinite(old)) {
        sum -= old;
        count--;
      }
      from++;
    }
    if (v !== null && v !== undefined && Number.isFinite(v) && count > 0) out[i] = sum / count;
  }
  return out;
}

/** Ticks every 1/2/5/10/15/30 min or 1/2/4/8 h, the finest that gives at most 10 steps. */
export function timeTicksS(durationS: number): number[] {
  const steps = [60, 120, 300, 600, 900, 1800, 3600, 7200, 14_400];
  const step = steps.find((s) => durationS / s <= 10) ?? 28_800;
  const ticks: number[] = [];
  for (let t = 0; t <= durationS; t += step) ticks.push(t);
  return ticks;
}

function hMm(seconds: number): string {
  const m = Math.round(seconds / 60);
  return `${Math.floor(m / 60)}:${String(m % 60).padStart(2, '0')}`;
}
