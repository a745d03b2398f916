import { describe, expect, it } from 'vitest';
import { renderPlanWeek } from '../../src/charts/plan-week.ts';
import type { PlanWeekInput } from '../../src/charts/plan-week.ts';
import { CHART_SIZE } from '../../src/charts/render.ts';
import { countPixels, digest, pixelAt, pngSize } from './png.ts';

/** A week of 2 Dec with Wednesday today: Tuesday ridden a little over plan. */
function week(today = 2): PlanWeekInput {
  const planned = [0, 80, 60, 95, 0, 180, 120];
  const completed = [0, 86, 0, 0, 0, 0, 0];
  return {
    title: 'Week of 2 Dec: Build',
    days: ['Mon 2', 'Tue 3', 'Wed 4', 'Thu 5', 'Fri 6', 'Sat 7', 'Sun 8'].map((label, i) => ({ label, plannedTss: planned[i]!, completedTss: completed[i]!, today: i === today })),
  };
}

// Completed bars are solid blue (#0072B2 at 85 %); planned ones a pale fill of it.
const isCompleted = (r: number, g: number, b: number) => r < 60 && g > 110 && g < 150 && b > 170;
const isPlannedFill = (r: number, g: number, b: number) => r > 200 && r < 225 && g > 220 && g < 240 && b > 235;

describe('renderPlanWeek', () => {
  it('renders a week to a phone-sized PNG on white, planned and completed bars both drawn', async () => {
    const png = await renderPlanWeek(week());
    expect(pngSize(png)).toEqual(CHART_SIZE);
    expect(await pixelAt(png, 0, 0)).toEqual([255, 255, 255, 255]);
    expect(await countPixels(png, isCompleted)).toBeGreaterThan(5_000);
    expect(await countPixels(png, isPlannedFill)).toBeGreaterThan(50_000);
  });

  it('marks today: another day today is another picture', async () => {
    expect(digest(await renderPlanWeek(week(2)))).not.toBe(digest(await renderPlanWeek(week(3))));
  });

  it('renders a week with no load and a week with no today', async () => {
    const rest = week(-1);
    rest.days = rest.days.map((d) => ({ ...d, plannedTss: 0, completedTss: 0 }));
    expect(pngSize(await renderPlanWeek(rest))).toEqual(CHART_SIZE);
  });
});
