import { describe, expect, it } from 'vitest';
import { renderFitnessChart } from '../../src/charts/fitness.ts';
import { CHART_SIZE } from '../../src/charts/render.ts';
import { countPixels, digest, pixelAt, pixels, pngSize } from './png.ts';
import { syntheticFitness } from './synthetic.ts';

// Fitness (CTL) is drawn in blue (#0072B2).
const isCtlLine = (r: number, g: number, b: number) => r < 60 && g > 90 && g < 140 && b > 150;

describe('renderFitnessChart', () => {
  it('renders 90 days to a phone-sized PNG on white, with the fitness line drawn', async () => {
    const png = await renderFitnessChart(syntheticFitness(90));
    expect(pngSize(png)).toEqual(CHART_SIZE);
    expect(await pixelAt(png, CHART_SIZE.width - 1, 0)).toEqual([255, 255, 255, 255]);
    expect(await countPixels(png, isCtlLine)).toBeGreaterThan(1_000);
  });

  it('draws a different picture for a different load history', async () => {
    const a = syntheticFitness(90);
    const b = { ...a, tsb: a.tsb.map((t) => t - 15) };
    expect(digest(await renderFitnessChart(a))).not.toBe(digest(await renderFitnessChart(b)));
  });

  it('draws a long-faded fitness (CTL ~1e-26, years after the last ride) along the bottom, not across the chart', async () => {
    const days = Array.from({ length: 90 }, (_, i) => new Date(Date.UTC(2026, 8, 3 + i)).toISOString().slice(0, 10));
    const ctl = days.map((_, i) => 5e-26 * Math.exp(-i / 42));
    const png = await renderFitnessChart({ title: 'Faded', days, ctl, atl: days.map(() => 0), tsb: days.map(() => 0), load: days.map(() => 0) });
    const { width, height, data } = await pixels(png);
    let upper = 0; // CTL-blue pixels in the upper three quarters
    for (let y = 0; y < height * 0.75; y++) {
      for (let x = 0; x < width; x++) {
        const i = (y * width + x) * 4;
        if (isCtlLine(data[i]!, data[i + 1]!, data[i + 2]!)) upper++;
      }
    }
    expect(upper).toBeLessThan(800); // the legend swatch only
    expect(await countPixels(png, isCtlLine)).toBeGreaterThan(1_000);
  });

  it('renders a single day and no days', async () => {
    const one = await renderFitnessChart({ title: 'Day one', days: ['2024-05-01'], ctl: [40], atl: [45], tsb: [-5], load: [80] });
    const none = await renderFitnessChart({ title: 'Nothing yet', days: [], ctl: [], atl: [], tsb: [], load: [] });
    expect(pngSize(one)).toEqual(CHART_SIZE);
    expect(pngSize(none)).toEqual(CHART_SIZE);
  });
});
