/**
 * Fitness over days: CTL (fitness) and ATL (fatigue) lines, TSB (form) on its own
 * axis around a zero line, daily load as faint bars behind.
 */
import type { ChartDataset, ScriptableScaleContext } from 'chart.js';
import { axisTitle, CHART_SIZE, COLORS, renderChart, shortDate, withAlpha } from './render.ts';

export interface FitnessChartInput {
  title: string;
  /** YYYY-MM-DD, one per day, ascending; the other arrays line up with it. */
  days: string[];
  ctl: number[];
  atl: number[];
  tsb: number[];
  /** Daily training load, TSS. */
  load: number[];
}

export async function renderFitnessChart(input: FitnessChartInput): Promise<Buffer> {
  const finite = (xs: number[]) => xs.filter((x) => Number.isFinite(x));
  const maxLoad = Math.max(1, ...finite(input.load));
  const tsbReach = Math.max(10, ...finite(input.tsb).map(Math.abs));

  const datasets: (ChartDataset<'line', number[]> | ChartDataset<'bar', number[]>)[] = [
    { type: 'line', label: 'Fitness (CTL)', data: input.ctl, yAxisID: 'load', borderColor: COLORS.blue, backgroundColor: COLORS.blue, borderWidth: 3, order: 1 },
    { type: 'line', label: 'Fatigue (ATL)', data: input.atl, yAxisID: 'load', borderColor: COLORS.purple, backgroundColor: COLORS.purple, borderWidth: 2, order: 2 },
    {
      type: 'line',
      label: 'Form (TSB)',
      data: input.tsb,
      yAxisID: 'tsb',
      borderColor: COLORS.green,
      backgroundColor: COLORS.green,
      borderWidth: 2,
      // Fresh above zero, tired below: the fill tells which at a glance.
      fill: { target: { value: 0 }, above: withAlpha(COLORS.green, 0.18), below: withAlpha(COLORS.vermillion, 0.14) },
      order: 0,
    },
    // Own hidden axis, scaled to the lower ~40 % of the chart (a 250 TSS day would flatten the lines), so the legend says "relative".
    { type: 'bar', label: 'Daily load (relative)', data: input.load, yAxisID: 'daily', backgroundColor: withAlpha(COLORS.grey, 0.3), barPercentage: 0.9, categoryPercentage: 1, order: 3 },
  ];

  return renderChart({
    type: 'bar',
    data: { labels: input.days.map(shortDate), datasets: datasets as ChartDataset<'bar', number[]>[] },
    options: {
      // A few days' lines are too short to see without their points.
      elements: { point: { radius: input.days.length <= 14 ? 4 : 0 } },
      plugins: {
        title: { display: true, text: input.title },
        legend: { position: 'top' },
      },
      scales: {
        x: { type: 'category', grid: { display: false }, ticks: { autoSkip: true, maxTicksLimit: 10, maxRotation: 0 } },
        // At least 0-10: years after the last ride CTL is ~1e-26, which must not fill the chart.
        load: { type: 'linear', position: 'left', beginAtZero: true, suggestedMax: 10, title: axisTitle('CTL / ATL (TSS/day)') },
        tsb: {
          type: 'linear',
          position: 'right',
          // Symmetric around zero, so the zero line sits in the middle and form reads as up or down.
          min: -niceCeil(tsbReach * 1.1),
          max: niceCeil(tsbReach * 1.1),
          title: axisTitle('Form (TSB)'),
          // Only the zero line: the left axis already draws the grid.
          grid: { color: (c: ScriptableScaleContext) => (c.tick.value === 0 ? COLORS.muted : 'transparent'), lineWidth: (c: ScriptableScaleContext) => (c.tick.value === 0 ? 1.5 : 0) },
        },
        daily: { type: 'linear', axis: 'y', display: false, min: 0, max: maxLoad * 2.5 },
      },
    },
  }, CHART_SIZE);
}

function niceCeil(x: number): number {
  const step = x > 50 ? 20 : 10;
  return Math.ceil(x / step) * step;
}
