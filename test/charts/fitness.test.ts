import { describe, expect, it } from 'vitest';
import { renderFitnessChart } from '../../src/charts/fitness.ts';
import { CHART_SIZE } from '../../src/charts/render.ts';
import { countPixels, digest, pixelAt, pngSize } from './png.ts';
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

  it('renders a single day and no days', async () => {
    const one = await renderFitnessChart({ title: 'Day one', days: ['2024-05-01'], ctl: [40], atl: [45], tsb: [-5], load: [80] });
    const none = await renderFitnessChart({ title: 'Nothing yet', days: [], ctl: [], atl: [], tsb: [], load: [] });
    expect(pngSize(one)).toEqual(CHART_SIZE);
    expect(pngSize(none)).toEqual(CHART_SIZE);
  });
});
