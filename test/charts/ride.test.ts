import { describe, expect, it } from 'vitest';
import { CHART_SIZE } from '../../src/charts/render.ts';
import { renderRideChart, rollingMean, timeTicksS } from '../../src/charts/ride.ts';
import { countPixels, digest, pixelAt, pngSize } from './png.ts';
import { syntheticRide } from './synthetic.ts';

// Heart rate is drawn in vermillion (#D55E00), power in blue (#0072B2).
const isHrLine = (r: number, g: number, b: number) => r > 180 && g > 60 && g < 130 && b < 60;
const isPowerLine = (r: number, g: number, b: number) => r < 60 && g > 90 && g < 140 && b > 150;

describe('renderRideChart', () => {
  it('renders a 5-hour, 18,000-point ride to a phone-sized PNG on white', async () => {
    const png = await renderRideChart(syntheticRide(18_000));
    expect(pngSize(png)).toEqual(CHART_SIZE);
    expect(await pixelAt(png, 1, 1)).toEqual([255, 255, 255, 255]);
    expect(await countPixels(png, isHrLine)).toBeGreaterThan(1_000);
    expect(await countPixels(png, isPowerLine)).toBeGreaterThan(1_000);
  });

  it('draws only the series a ride has: heart rate only, power only', async () => {
    const { title, timeS, hrBpm, powerW } = syntheticRide(3_600);
    const hrOnly = await renderRideChart({ title, timeS, hrBpm });
    expect(await countPixels(hrOnly, isHrLine)).toBeGreaterThan(1_000);
    expect(await countPixels(hrOnly, isPowerLine)).toBe(0);
    const indoor = await renderRideChart({ title, timeS, powerW });
    expect(await countPixels(indoor, isPowerLine)).toBeGreaterThan(1_000);
    expect(await countPixels(indoor, isHrLine)).toBe(0);
  });

  it('draws a different picture for different power', async () => {
    const ride = syntheticRide(3_600);
    const harder = { ...ride, powerW: ride.powerW!.map((w) => (w === null ? null : w + 40)) };
    expect(digest(await renderRideChart(ride))).not.toBe(digest(await renderRideChart(harder)));
  });

  it('renders a single sample, an all-null series, no series at all, and no samples', async () => {
    const pngs = [
      await renderRideChart({ title: 'One second', timeS: [0], powerW: [250], hrBpm: [120] }),
      await renderRideChart({ title: 'Dead sensor', timeS: [0, 1, 2, 3], powerW: [null, null, null, null] }),
      await renderRideChart({ title: 'Nothing recorded', timeS: [0, 1, 2] }),
      await renderRideChart({ title: 'Empty', timeS: [] }),
    ];
    for (const png of pngs) expect(pngSize(png)).toEqual(CHART_SIZE);
  });
});

describe('rollingMean', () => {
  it('averages the trailing window by time', () => {
    const timeS = [0, 1, 2, 3, 4, 5];
    expect(rollingMean(timeS, [10, 20, 30, 40, 50, 60], 3)).toEqual([10, 15, 20, 30, 40, 50]);
  });

  it('keeps missing samples missing and leaves them out of the mean', () => {
    expect(rollingMean([0, 1, 2, 3], [100, null, 200, 300], 30)).toEqual([100, null, 150, 200]);
  });

  it('does not reach back across a pause longer than the window', () => {
    // Recording paused for 10 minutes: the first sample after it averages only itself.
    expect(rollingMean([0, 1, 601], [400, 400, 100], 30)).toEqual([400, 400, 100]);
  });
});

describe('timeTicksS', () => {
  it('puts the time axis ticks on round times, at most 10 steps', () => {
    expect(timeTicksS(8_356)).toEqual([0, 900, 1800, 2700, 3600, 4500, 5400, 6300, 7200, 8100]); // 2:19 -> every 15 min
    expect(timeTicksS(18_000)).toEqual([0, 1800, 3600, 5400, 7200, 9000, 10_800, 12_600, 14_400, 16_200, 18_000]);
    expect(timeTicksS(130)).toEqual([0, 60, 120]);
    expect(timeTicksS(100_000).every((t) => t % 14_400 === 0)).toBe(true);
  });
});
