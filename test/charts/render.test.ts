import { describe, expect, it } from 'vitest';
import { renderChart } from '../../src/charts/render.ts';
import { renderWeeklyLoad } from '../../src/charts/weekly-load.ts';
import { digest, pixelAt, pngSize } from './png.ts';
import { syntheticWeeks } from './synthetic.ts';

describe('renderChart', () => {
  it('draws at the size asked for, on an opaque white background', async () => {
    const png = await renderChart(
      { type: 'line', data: { datasets: [{ data: [1, 3, 2] }], labels: ['a', 'b', 'c'] }, options: {} },
      { width: 640, height: 360 },
    );
    expect(pngSize(png)).toEqual({ width: 640, height: 360 });
    expect(await pixelAt(png, 0, 0)).toEqual([255, 255, 255, 255]);
    expect(await pixelAt(png, 639, 359)).toEqual([255, 255, 255, 255]);
  });

  it('draws text: two titles give two different images (a machine without fonts would not)', async () => {
    const a = await renderWeeklyLoad({ ...syntheticWeeks(), title: 'Weekly load' });
    const b = await renderWeeklyLoad({ ...syntheticWeeks(), title: 'Weekly load, spring' });
    expect(digest(a)).not.toBe(digest(b));
  });

  it('renders the same input to the same image', async () => {
    const a = await renderWeeklyLoad(syntheticWeeks());
    const b = await renderWeeklyLoad(syntheticWeeks());
    expect(digest(a)).toBe(digest(b));
  });
});
