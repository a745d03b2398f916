/**
 * Training per week: TSS as bars (left axis), hours as a line (right axis).
 */
import type { ChartDataset } from 'chart.js';
import { axisTitle, CHART_SIZE, COLORS, renderChart, shortDate, withAlpha } from './render.ts';

export interface WeeklyLoadInput {
  title: string;
  /** One label per week: a YYYY-MM-DD week start is shown as "4 Mar", anything else as given. */
  weeks: string[];
  tss: number[];
  hours: number[];
}

export async function renderWeeklyLoad(input: WeeklyLoadInput): Promise<Buffer> {
  const datasets: (ChartDataset<'bar', number[]> | ChartDataset<'line', number[]>)[] = [
    { type: 'bar', label: 'TSS', data: input.tss, yAxisID: 'tss', backgroundColor: withAlpha(COLORS.blue, 0.75), borderRadius: 4, order: 1 },
    { type: 'line', label: 'Hours', data: input.hours, yAxisID: 'hours', borderColor: COLORS.orange, backgroundColor: COLORS.orange, borderWidth: 3, pointRadius: 5, order: 0 }, // drawn over the bars
  ];
  return renderChart({
    type: 'bar',
    data: { labels: input.weeks.map(shortDate), datasets: datasets as ChartDataset<'bar', number[]>[] },
    options: {
      plugins: {
        title: { display: true, text: input.title },
        legend: { position: 'top' },
      },
      scales: {
        x: { type: 'category', grid: { display: false }, title: axisTitle('Week'), ticks: { maxRotation: 0, autoSkip: true } },
        tss: { type: 'linear', position: 'left', beginAtZero: true, title: axisTitle('Load (TSS)') },
        // Hours get no grid of their own: two grids over one plot are unreadable.
        hours: { type: 'linear', position: 'right', beginAtZero: true, title: axisTitle('Time (h)'), grid: { display: false } },
      },
    },
  }, CHART_SIZE);
}
