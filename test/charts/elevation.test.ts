import { describe, expect, it } from 'vitest';
import { renderElevationProfile } from '../../src/charts/elevation.ts';
import { CHART_SIZE } from '../../src/charts/render.ts';
import { countPixels, digest, pixelAt, pngSize } from './png.ts';
import { syntheticRoute } from './synthetic.ts';

// The climb shading: orange/vermillion blended over the ground colour.
const isClimbShade = (r: number, g: number, b: number) => r > 200 && g > 130 && g < 200 && b < 120;

describe('renderElevationProfile', () => {
  it('renders an 8,000-point route with climbs to a phone-sized PNG on white', async () => {
    const png = await renderElevationProfile(syntheticRoute());
    expect(pngSize(png)).toEqual(CHART_SIZE);
    expect(await pixelAt(png, 2, 2)).toEqual([255, 255, 255, 255]);
  });

  it('shades the climbs, and only when there are climbs', async () => {
    const route = syntheticRoute();
    const withClimbs = await renderElevationProfile(route);
    const withoutClimbs = await renderElevationProfile({ ...route, climbs: [] });
    expect(await countPixels(withClimbs, isClimbShade)).toBeGreaterThan(5_000);
    expect(await countPixels(withoutClimbs, isClimbShade)).toBe(0);
  });

  it('draws a different picture for a different route', async () => {
    const route = syntheticRoute();
    const higher = { ...route, eleM: route.eleM.map((e, i) => e + (i > 4000 ? 150 : 0)) };
    expect(digest(await renderElevationProfile(route))).not.toBe(digest(await renderElevationProfile(higher)));
  });

  it('renders a flat route, a single point, and an empty route', async () => {
    const flat = await renderElevationProfile({ title: 'Flat', distanceM: [0, 25_000, 50_000], eleM: [12, 12, 12], climbs: [] });
    const single = await renderElevationProfile({ title: 'One point', distanceM: [0], eleM: [640], climbs: [] });
    const empty = await renderElevationProfile({ title: 'Empty', distanceM: [], eleM: [], climbs: [] });
    for (const png of [flat, single, empty]) expect(pngSize(png)).toEqual(CHART_SIZE);
  });

  it('renders many climbs close together, and climbs past the end of the profile', async () => {
    const route = syntheticRoute(2_000, 40_000);
    const climbs = Array.from({ length: 25 }, (_, k) => ({ startM: k * 1_600, endM: k * 1_600 + 900, label: `Cat 4 · ${k} %` }));
    climbs.push({ startM: 39_000, endM: 60_000, label: 'beyond the end' }, { startM: 5_000, endM: 5_000, label: 'empty' });
    expect(pngSize(await renderElevationProfile({ ...route, climbs }))).toEqual(CHART_SIZE);
  });
});
