import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { chartClimbs, climbsOf } from '../../src/bot/route-view.ts';
import { parseGpx } from '../../src/domain/gpx.ts';
import { PROFILE_DEFAULTS } from '../../src/domain/profile.ts';
import { analyseRoute } from '../../src/domain/route.ts';

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
