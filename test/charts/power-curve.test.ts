import { describe, expect, it } from 'vitest';
import { durationLabel, renderPowerCurve } from '../../src/charts/power-curve.ts';
import { CHART_SIZE } from '../../src/charts/render.ts';
import { digest, pixelAt, pngSize } from './png.ts';
import { syntheticPowerCurve } from './synthetic.ts';

describe('renderPowerCurve', () => {
  it('renders recent over best to a phone-sized PNG on white', async () => {
    const png = await renderPowerCurve(syntheticPowerCurve());
    expect(pngSize(png)).toEqual(CHART_SIZE);
    expect(await pixelAt(png, 0, CHART_SIZE.height - 1)).toEqual([255, 255, 255, 255]);
  });

  it('draws a different picture for a different curve', async () => {
    const curve = syntheticPowerCurve();
    const stronger = { ...curve, recentW: curve.recentW.map((w) => (w === null ? null : w + 30)) };
    expect(digest(await renderPowerCurve(curve))).not.toBe(digest(await renderPowerCurve(stronger)));
  });

  it('renders a single duration, all-null curves, and no durations', async () => {
    const pngs = [
      await renderPowerCurve({ title: 'One', durationsS: [60], recentW: [400], bestW: [420], recentLabel: 'Recent', bestLabel: 'Best' }),
      await renderPowerCurve({ title: 'None yet', durationsS: [1, 60, 1200], recentW: [null, null, null], bestW: [null, null, null], recentLabel: 'Recent', bestLabel: 'Best' }),
      await renderPowerCurve({ title: 'Empty', durationsS: [], recentW: [], bestW: [], recentLabel: 'Recent', bestLabel: 'Best' }),
    ];
    for (const png of pngs) expect(pngSize(png)).toEqual(CHART_SIZE);
  });
});

describe('durationLabel', () => {
  it('names durations the way riders do', () => {
    expect([1, 5, 30, 60, 300, 1200, 3600, 5400, 18_000].map(durationLabel)).toEqual([
      '1 s', '5 s', '30 s', '1 min', '5 min', '20 min', '1 h', '1.5 h', '5 h',
    ]);
  });
});
