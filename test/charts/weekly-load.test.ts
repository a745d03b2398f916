import { describe, expect, it } from 'vitest';
import { CHART_SIZE, shortDate } from '../../src/charts/render.ts';
import { renderWeeklyLoad } from '../../src/charts/weekly-load.ts';
import { digest, pixelAt, pngSize } from './png.ts';
import { syntheticWeeks } from './synthetic.ts';

describe('renderWeeklyLoad', () => {
  it('renders 12 weeks to a phone-sized PNG on white', async () => {
    const png = await renderWeeklyLoad(syntheticWeeks(12));
    expect(pngSize(png)).toEqual(CHART_SIZE);
    expect(await pixelAt(png, 0, 0)).toEqual([255, 255, 255, 255]);
  });

  it('draws a different picture for different hours', async () => {
    const weeks = syntheticWeeks(12);
    const longer = { ...weeks, hours: weeks.hours.map((h) => h + 3) };
    expect(digest(await renderWeeklyLoad(weeks))).not.toBe(digest(await renderWeeklyLoad(longer)));
  });

  it('renders one week and no weeks', async () => {
    expect(pngSize(await renderWeeklyLoad({ title: 'First week', weeks: ['2024-W18'], tss: [420], hours: [7.5] }))).toEqual(CHART_SIZE);
    expect(pngSize(await renderWeeklyLoad({ title: 'Nothing yet', weeks: [], tss: [], hours: [] }))).toEqual(CHART_SIZE);
  });
});

describe('shortDate', () => {
  it('shortens ISO days and leaves other labels alone', () => {
    expect(shortDate('2024-03-04')).toBe('4 Mar');
    expect(shortDate('2024-12-25')).toBe('25 Dec');
    expect(shortDate('2024-W18')).toBe('2024-W18');
  });
});
