/**
 * A plan's week: planned against completed load per day, side by side, so a
 * missed or overdone day shows at a glance. Planned is an outline (what was
 * meant), completed a solid bar (what was ridden), in the same blue.
 */
import type { ScriptableScaleContext } from 'chart.js';
import { axisTitle, CHART_SIZE, COLORS, FONT_SIZE, renderChart, withAlpha } from './render.ts';

export interface PlanWeekInput {
  title: string;
  /** Monday to Sunday. */
  days: {
    /** As shown under the bars, e.g. "Mon 2". */
    label: string;
    plannedTss: number;
    completedTss: number;
    today: boolean;
  }[];
}

export async function renderPlanWeek(input: PlanWeekInput): Promise<Buffer> {
  const today = input.days.findIndex((d) => d.today);
  // Today gets a second line under its label, in bold: words, not a glyph, so no font can draw it as a box.
  const labels = input.days.map((d, i) => (i === today ? [d.label, 'today'] : d.label));
  const isToday = (c: ScriptableScaleContext) => c.index === today;
  return renderChart({
    type: 'bar',
    data: {
      labels,
      datasets: [
        {
          label: 'Planned',
          data: input.days.map((d) => d.plannedTss),
          backgroundColor: withAlpha(COLORS.blue, 0.15),
          borderColor: COLORS.blue,
          borderWidth: 2,
          borderRadius: 4,
        },
        { label: 'Completed', data: input.days.map((d) => d.completedTss), backgroundColor: withAlpha(COLORS.blue, 0.85), borderRadius: 4 },
      ],
    },
    options: {
      plugins: {
        title: { display: true, text: input.title },
        legend: { position: 'top' },
      },
      scales: {
        x: {
          type: 'category',
          grid: { display: false },
          ticks: {
            maxRotation: 0,
            autoSkip: false,
            color: (c: ScriptableScaleContext) => (isToday(c) ? COLORS.ink : COLORS.muted),
            font: (c: ScriptableScaleContext) => ({ size: FONT_SIZE.tick, weight: isToday(c) ? 'bold' : 'normal' }),
          },
        },
        // At least 0-50: a rest week's zeros must not stretch a 0-1 axis over the chart.
        y: { type: 'linear', beginAtZero: true, suggestedMax: 50, title: axisTitle('Load (TSS)') },
      },
    },
  }, CHART_SIZE);
}
