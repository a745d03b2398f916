import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CAPTION_LIMIT, visibleLength } from '../../src/bot/messages.ts';
import { chartClimbs, climbsOf, routeCaption } from '../../src/bot/route-view.ts';
import { parseGpx } from '../../src/domain/gpx.ts';
import { PROFILE_DEFAULTS } from '../../src/domain/profile.ts';
import { analyseRoute, type ClimbCategory } from '../../src/domain/route.ts';
import type { StoredRoute } from '../../src/services/routes.ts';

const route = (name: string) => analyseRoute(parseGpx(readFileSync(new URL(`../fixtures/gpx/${name}`, import.meta.url))), PROFILE_DEFAULTS);

describe('chartClimbs', () => {
  it('shades every climb of the table on the chart, uncategorised ones too', () => {
    const korita = route('gpxpy__korita-zbevnica.gpx');
    const climbs = chartClimbs(korita);
    expect(climbs).toHaveLength(climbsOf(korita).length);
    expect(climbs.map((c) => c.label)).toEqual(['Cat 3 · 12.7 %', 'Cat 3 · 8.0 %', 'uncat. · 10.4 %']);
    expect(chartClimbs(route('gpxstudio__with_power_1.gpx')).map((c) => c.label)).toEqual(['uncat. · 4.4 %']);
  });
});

describe('routeCaption', () => {
  it('a hilly route lists each category once, hardest first, and stays within a photo caption', () => {
    const korita = route('gpxpy__korita-zbevnica.gpx');
    const climb = climbsOf(korita)[0]!;
    const category = (i: number): ClimbCategory | null => (i % 10 === 0 ? '2' : i % 3 === 0 ? '3' : null);
    const hilly = { ...korita, sections: Array.from({ length: 110 }, (_, i) => ({ ...climb, category: category(i) })) };
    const { caption } = routeCaption({ route: { id: 7, name: 'A very long route name '.repeat(8).slice(0, 200) }, analysis: hilly } as StoredRoute);
    expect(caption.value).toContain('Climbs: 110 (11× Cat 2, 33× Cat 3, 66× uncat.)');
    expect(visibleLength(caption.value)).toBeLessThanOrEqual(CAPTION_LIMIT);
  });
});
