import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseGpx, type ParsedGpx } from '../../src/domain/gpx.ts';
import { speedForPowerMps } from '../../src/domain/physics.ts';
import { PROFILE_DEFAULTS, resolveProfile, type ResolvedProfile } from '../../src/domain/profile.ts';
import { hysteresisAscent } from '../../src/domain/elevation.ts';
import { EARTH_RADIUS_M } from '../../src/domain/geo.ts';
import { analyseRoute, climbCategory, type RouteAnalysis } from '../../src/domain/route.ts';
import type { Sample } from '../../src/domain/samples.ts';

const fixture = (name: string): ParsedGpx => parseGpx(readFileSync(new URL(`../fixtures/gpx/${name}`, import.meta.url)));
const profile = (over: Partial<ResolvedProfile> = {}): ResolvedProfile => ({ ...PROFILE_DEFAULTS, ...over });

/** Metres per degree of latitude: along a meridian, haversine distance is exactly R·Δφ. */
const M_PER_DEG = (EARTH_RADIUS_M * Math.PI) / 180;

/** A straight road due north, a point every `stepM`, elevation from `eleAt(distance)`. */
function road(lengthM: number, eleAt: (d: number) => number | undefined, stepM = 10, startLat = 45): Sample[] {
  const points: Sample[] = [];
  for (let i = 0; i * stepM <= lengthM + 1e-9; i++) {
    const d = i * stepM;
    const p: Sample = { lat: startLat + d / M_PER_DEG, lon: 6 };
    const e = eleAt(d);
    if (e !== undefined) p.eleM = e;
    points.push(p);
  }
  return points;
}

/** Piecewise-constant grades: [[length m, grade], ...] -> elevation at a distance. */
function grades(legs: [number, number][], base = 100): (d: number) => number {
  return (d) => {
    let e = base;
    let at = 0;
    for (const [len, g] of legs) {
      const run = Math.min(Math.max(d - at, 0), len);
      e += run * g;
      at += len;
    }
    return e;
  };
}

const gpxOf = (...segments: Sample[][]): ParsedGpx => ({
  tracks: [{ segments }],
  routes: [],
  waypoints: [],
  pointCount: segments.reduce((n, s) => n + s.length, 0),
});

const analyse = (legs: [number, number][], p = profile()): RouteAnalysis =>
  analyseRoute(gpxOf(road(legs.reduce((n, [len]) => n + len, 0), grades(legs))), p);

/** Deterministic noise in [-1, 1] m (2 m band). */
const noise = (i: number): number => Math.sin(i * 12.9898) * 43758.5453 % 1;

function expectContiguous(r: RouteAnalysis): void {
  expect(r.sections[0]?.startM).toBe(0);
  r.sections.forEach((s, i) => {
    if (i > 0) expect(s.startM).toBe(r.sections[i - 1]?.endM);
    expect(s.endM - s.startM).toBeCloseTo(s.distanceM, 6);
  });
  expect(r.sections[r.sections.length - 1]?.endM).toBeCloseTo(r.distanceM, 6);
  expect(r.sections.reduce((t, s) => t + s.estTimeS, 0)).toBeCloseTo(r.estTimeS, 6);
}

describe('distance and points vs test/fixtures/gpx/SOURCES.md', () => {
  it.each([
    ['gpxpy__korita-zbevnica.gpx', 871, 14.897],
    ['gpxpy__cerknicko-jezero.gpx', 296, 4.575],
    ['gpxpy__cerknicko-jezero-without-elevations.gpx', 296, 4.575],
    ['georust-gpx__ecology-trail-and-lovers-lane-loop.gpx', 139, 3.21],
    ['georust-gpx__strava_route_example.gpx', 113, 4.53],
    ['georust-gpx__garmin-activity.gpx', 988, 12.821],
    ['georust-gpx__garmin_with_extensions.gpx', 3540, 18.188],
    ['gpxstudio__with_power_1.gpx', 80, 2.226],
    ['gpxstudio__with_tracks_and_segments.gpx', 79, 2.123],
    ['sweatpy__4078723797_strava.gpx', 8357, 57.571],
    ['ticofab__garminBaseCampExport.gpx', 10, 105.692], // the track is preferred over the route
  ])('%s: %i points, %f km within 0.5 %', (file, points, km) => {
    const r = analyseRoute(fixture(file), profile());
    expect(r.points).toBe(points);
    expect(Math.abs(r.distanceM / 1000 - km) / km).toBeLessThan(0.005);
    expectContiguous(r);
  });

  it('does not bridge the gap between segments', () => {
    const a = road(1000, () => 100);
    const b = road(1000, () => 100, 10, 46); // starts ~110 km further north
    expect(analyseRoute(gpxOf(a, b), profile()).distanceM).toBeCloseTo(2000, 3);
  });

  it('counts less ascent than the raw sum on a recorded ride, never more', () => {
    const r = analyseRoute(fixture('sweatpy__4078723797_strava.gpx'), profile());
    expect(r.ascentM).toBeLessThan(1341.4); // raw, unthresholded reference
    expect(r.ascentM).toBeGreaterThan(1150);
    expect(r.minElevationM).toBeCloseTo(229, 0);
    expect(r.maxElevationM).toBeCloseTo(568, 0);
  });
});

describe('ascent with 3 m hysteresis', () => {
  it('gives no ascent for 2 m of noise on the flat (the raw sum would be large)', () => {
    const flat = Array.from({ length: 2000 }, (_, i) => 200 + noise(i));
    let raw = 0;
    for (let i = 1; i < flat.length; i++) raw += Math.max(0, (flat[i] as number) - (flat[i - 1] as number));
    expect(raw).toBeGreaterThan(300);
    expect(hysteresisAscent(flat)).toEqual({ ascentM: 0, descentM: 0 });
    expect(analyseRoute(gpxOf(road(20_000, (d) => 200 + noise(d))), profile()).ascentM).toBe(0);
  });

  it('gives 100 m for a clean 100 m climb, and about 100 m with noise on it', () => {
    expect(hysteresisAscent(Array.from({ length: 101 }, (_, i) => 500 + i))).toEqual({ ascentM: 100, descentM: 0 });
    const noisy = Array.from({ length: 1001 }, (_, i) => 500 + i / 10 + noise(i));
    expect(hysteresisAscent(noisy).ascentM).toBeGreaterThan(98);
    expect(hysteresisAscent(noisy).ascentM).toBeLessThan(102);
  });

  it('counts a rise only once it exceeds 3 m, then from the low', () => {
    expect(hysteresisAscent([0, 3, 0, 3, 0, 3, 0]).ascentM).toBe(0);
    expect(hysteresisAscent([0, 4, 0, 4, 0]).ascentM).toBe(8);
    expect(hysteresisAscent([10, 8, 12, NaN, 15, 11]).ascentM).toBe(7); // from the low of 8 to 15
  });
});

describe('climbs', () => {
  it('finds 5 km at 6 % between flats: one Cat 3 climb (score 30,000)', () => {
    const r = analyse([[2000, 0], [5000, 0.06], [2000, 0]]);
    expectContiguous(r);
    expect(r.sections.map((s) => s.kind)).toEqual(['flat', 'climb', 'flat']);
    const climb = r.sections[1]!;
    expect(climb.distanceM).toBeGreaterThan(4900);
    expect(climb.distanceM).toBeLessThan(5100);
    expect(climb.gradeAvgPct).toBeCloseTo(6, 0);
    expect(climb.score).toBeGreaterThan(29_000);
    expect(climb.score).toBeLessThan(31_000);
    expect(climb.category).toBe('3');
    expect(climb.ascentM).toBeCloseTo(300, -1);
    expect(climb.gradeMaxPct).toBeCloseTo(6, 1);
    expect(climb.endEleM! - climb.startEleM!).toBeCloseTo(climb.distanceM * 0.06, -1);
    expect(r.ascentM).toBeCloseTo(300, 6);
  });

  it('categorises by score: > 8,000 Cat 4 ... > 80,000 HC', () => {
    expect([8000, 8001, 16_001, 32_001, 64_001, 80_000, 80_001].map(climbCategory)).toEqual([null, '4', '3', '2', '1', '1', 'HC']);
    expect(analyse([[10_000, 0.09]]).sections.find((s) => s.kind === 'climb')?.category).toBe('HC');
    expect(analyse([[1000, 0], [2000, 0.035], [1000, 0]]).sections.find((s) => s.kind === 'climb')?.category).toBeNull(); // 7,000
  });

  it('needs 300 m at 3 % on average', () => {
    expect(analyse([[1000, 0], [250, 0.1], [1000, 0]]).sections.some((s) => s.kind === 'climb')).toBe(false);
    expect(analyse([[10_000, 0.01]]).sections.some((s) => s.kind === 'climb')).toBe(false);
    expect(analyse([[1000, 0], [500, 0.05], [1000, 0]]).sections.filter((s) => s.kind === 'climb')).toHaveLength(1);
  });

  it('merges dips under 10 m into the climb, splits at bigger ones', () => {
    const small = analyse([[1000, 0], [2000, 0.06], [100, -0.05], [2000, 0.06], [1000, 0]]);
    expect(small.sections.filter((s) => s.kind === 'climb')).toHaveLength(1);
    const big = analyse([[1000, 0], [2000, 0.06], [400, -0.05], [2000, 0.06], [1000, 0]]);
    expect(big.sections.filter((s) => s.kind === 'climb')).toHaveLength(2);
  });

  it('leaves a long false flat before a climb out of the climb', () => {
    const r = analyse([[10_000, 0.005], [3000, 0.06], [1000, 0]]);
    const climb = r.sections.find((s) => s.kind === 'climb')!;
    expect(climb.startM).toBeGreaterThan(9800);
    expect(climb.gradeAvgPct).toBeCloseTo(6, 0);
  });

  it('gives the minimum gear on the steepest 200 m', () => {
    // FTP 300 W, 70 + 9 kg, 2 km at 10 %: 264 W (88 %) -> ≈ 3.1 m/s; at 70 rpm that needs a
    // ratio <= 3.1·60/(70·2.105) ≈ 1.26: 34/28 (1.214) on 11-32, not 34/25 (1.36).
    const r = analyse([[1000, 0], [2000, 0.1], [1000, 0]], profile({ ftpW: 300, riderKg: 70 }));
    const climb = r.sections.find((s) => s.kind === 'climb')!;
    expect(climb.steepest200mPct).toBeCloseTo(10, 1);
    expect(climb.targetPowerW).toBeCloseTo(264, 6);
    expect(climb.minGear?.kind).toBe('ok');
    if (climb.minGear?.kind !== 'ok') return;
    expect([climb.minGear.gear.chainring, climb.minGear.gear.cog]).toEqual([34, 28]);
    expect(climb.minGear.speedMps).toBeCloseTo(3.1, 1);
    expect(climb.minGear.cadenceRpm).toBeGreaterThanOrEqual(70);
  });

  it('says "beyond your gears" for a 25 % wall on 50/34 and 11-28', () => {
    const r = analyse([[1000, 0], [500, 0.25], [1000, 0]], profile({ cogs: [11, 12, 13, 14, 15, 17, 19, 21, 23, 25, 28] }));
    const wall = r.sections.find((s) => s.kind === 'climb')!;
    expect(wall.steepest200mPct).toBeGreaterThan(24);
    expect(wall.minGear).toMatchObject({ kind: 'beyond_gears', easiest: { chainring: 34, cog: 28 } });
  });
});

describe('segment joins: the step between two track segments is not ridden', () => {
  /** A road starting `startM` north of the usual start: a segment that carries on where another ended. */
  const roadFrom = (startM: number, lengthM: number, eleAt: (d: number) => number): Sample[] =>
    road(lengthM, eleAt, 10, 45 + startM / M_PER_DEG);

  it.each([
    ['right where segment 1 ended', 2000],
    ['somewhere else', 100_000],
  ])('sees no climb and no grade in two flat segments 40 m apart, segment 2 starting %s', (_, startM) => {
    const r = analyseRoute(gpxOf(road(2000, () => 500), roadFrom(startM, 2000, () => 540)), profile());
    expectContiguous(r);
    expect(r.distanceM).toBeCloseTo(4000, 3);
    expect(r.ascentM).toBe(0);
    expect(r.descentM).toBe(0);
    expect(r.sections.some((s) => s.kind === 'climb' || s.kind === 'descent')).toBe(false);
    for (const s of r.sections) {
      expect(Math.abs(s.gradeMaxPct)).toBeLessThan(0.5);
      expect(Math.abs(s.gradeAvgPct)).toBeLessThan(0.5);
      expect(s.ascentM).toBe(0);
      expect(s.descentM).toBe(0);
    }
    // the time is that of 4 km on the flat
    const flat = analyseRoute(gpxOf(road(4000, () => 500)), profile());
    expect(r.estTimeS).toBeCloseTo(flat.estTimeS, 0);
  });

  it('keeps a 30 m step out of a 5 % climb that carries on in the next segment', () => {
    // segment 1: 1 km flat, 1 km at 5 % (100 -> 150 m); segment 2 starts 30 m higher: 1 km at 5 %, 1 km flat
    const r = analyseRoute(
      gpxOf(road(2000, grades([[1000, 0], [1000, 0.05]])), roadFrom(2000, 2000, grades([[1000, 0.05], [1000, 0]], 180))),
      profile(),
    );
    expectContiguous(r);
    expect(r.ascentM).toBeCloseTo(100, 6);
    for (const s of r.sections) {
      expect(s.gradeMaxPct).toBeLessThan(6);
      if (s.steepest200mPct !== null) expect(s.steepest200mPct).toBeLessThan(6);
    }
    const climbs = r.sections.filter((s) => s.kind === 'climb');
    expect(climbs.length).toBeGreaterThan(0);
    for (const c of climbs) {
      // a climb is on one side of the join, ridden at 5 %, at most the 50 m of its own segment
      expect(c.endM <= 2000 + 1e-6 || c.startM >= 2000 - 1e-6).toBe(true);
      expect(c.gradeAvgPct).toBeCloseTo(5, 0);
      expect(c.ascentM).toBeLessThanOrEqual(50.5);
      expect(c.endEleM! - c.startEleM!).toBeLessThanOrEqual(50.5);
    }
    expect(climbs.reduce((t, c) => t + c.ascentM, 0)).toBeLessThanOrEqual(100.5);
  });

  it('takes the same climbs from a segment whether or not another segment comes before it', () => {
    const segments = (start: number): Sample[] => roadFrom(start, 3000, grades([[1000, 0], [1000, 0.07], [1000, 0]], 300));
    const alone = analyseRoute(gpxOf(segments(0)), profile()).sections.filter((s) => s.kind === 'climb');
    const after = analyseRoute(gpxOf(road(2000, () => 150), segments(2000)), profile()).sections.filter((s) => s.kind === 'climb');
    expect(after).toHaveLength(alone.length);
    after.forEach((c, i) => {
      const a = alone[i]!;
      expect(c.startM - 2000).toBeCloseTo(a.startM, 3);
      expect(c.gradeAvgPct).toBeCloseTo(a.gradeAvgPct, 6);
      expect(c.gradeMaxPct).toBeCloseTo(a.gradeMaxPct, 6);
      expect(c.ascentM).toBeCloseTo(a.ascentM, 6);
    });
  });

  describe('gpxpy__korita-zbevnica.gpx: segment 1 ends at 722 m, segment 2 starts at 753 m, both at 8.64 km', () => {
    const gpx = fixture('gpxpy__korita-zbevnica.gpx');
    const r = analyseRoute(gpx, profile());
    const JOIN_M = 8636; // cumulative distance of the join (to the metre)
    const climb = r.sections.find((s) => s.kind === 'climb' && s.endM > JOIN_M + 500)!;

    it('starts the second climb at the join, not before it', () => {
      expectContiguous(r);
      expect(climb.startM).toBeGreaterThanOrEqual(JOIN_M - 1);
      expect(climb.startM).toBeLessThan(JOIN_M + 100);
      // the 31 m step is not in its average: 9.7 % with it
      expect(climb.gradeAvgPct).toBeLessThan(9);
      for (const s of r.sections) expect(s.startM < JOIN_M - 1 && s.endM > JOIN_M + 1 && s.kind === 'climb').toBe(false);
    });

    it('takes its steepest 100 m from the ridden road, as segment 2 on its own has it', () => {
      // 29.4 % with the window across the join; what is left is the road at 10.6 km (877 -> 911 m in 97 m)
      expect(climb.gradeMaxPct).toBeLessThan(29.2);
      const segs = gpx.tracks.flatMap((t) => t.segments).filter((s) => s.length > 0);
      const own = analyseRoute(gpxOf(segs[1]!), profile()).sections.find((s) => s.kind === 'climb' && s.distanceM > 500)!;
      expect(climb.startM - JOIN_M).toBeCloseTo(own.startM, 0);
      expect(climb.gradeMaxPct).toBeCloseTo(own.gradeMaxPct, 3);
      expect(climb.steepest200mPct!).toBeCloseTo(own.steepest200mPct!, 3);
      expect(climb.ascentM).toBeCloseTo(own.ascentM, 3);
    });
  });
});

describe('power and time', () => {
  it('rides flats at 68 % FTP and short climbs at 88 %', () => {
    const r = analyse([[2000, 0], [3000, 0.06], [2000, 0]], profile({ ftpW: 300 }));
    const [flat, climb] = r.sections;
    expect(flat?.targetPowerW).toBeCloseTo(204, 6);
    expect(climb?.targetPowerW).toBeCloseTo(264, 6);
    expect(climb!.estTimeS).toBeLessThan(20 * 60);
    // Flat road at 100 m: time = distance / speed at 204 W.
    const v = speedForPowerMps(204, 0, { massKg: 84, altitudeM: 100 });
    expect(flat!.estTimeS).toBeCloseTo(flat!.distanceM / v, -1);
  });

  it('steps climb power down for long climbs', () => {
    const r = analyse([[20_000, 0.07]]); // > 1 h at 200 W FTP
    const climb = r.sections.find((s) => s.kind === 'climb')!;
    expect(climb.estTimeS).toBeGreaterThan(60 * 60);
    expect(climb.targetPowerW).toBeCloseTo(150, 6); // 75 %
  });

  it('rides descents at 40 % FTP and caps them at 60 km/h', () => {
    const r = analyse([[1000, 0], [3000, -0.1], [1000, 0]]);
    const down = r.sections.find((s) => s.kind === 'descent')!;
    expect(down.targetPowerW).toBeCloseTo(80, 6);
    expect(down.gradeMaxPct).toBeCloseTo(-10, 0);
    expect(down.category).toBeNull();
    expect(down.minGear).toBeNull();
    expect(down.estTimeS).toBeGreaterThanOrEqual(down.distanceM / (60 / 3.6) - 1e-6);
    expect(down.estTimeS).toBeLessThan((down.distanceM / (60 / 3.6)) * 1.03);
    expect(r.estTimeS).toBeGreaterThan(0);
  });

  it('calls bumpy parts rolling and smooth ones flat', () => {
    // 8 m bumps every 200 m: ~40 m of ups and downs per km, none a climb (< 10 m, < 300 m).
    const bumps = analyse(Array.from({ length: 20 }, (_, i): [number, number] => [200, i % 2 ? -0.04 : 0.04]));
    expect(bumps.sections.map((s) => s.kind)).toEqual(['rolling']);
    expect(analyse([[3000, 0]]).sections.map((s) => s.kind)).toEqual(['flat']);
  });
});

describe('files without elevation or time', () => {
  it('still analyses a route without elevation, assuming flat', () => {
    const { profile: p, defaultsUsed } = resolveProfile({});
    const r = analyseRoute(fixture('gpxpy__cerknicko-jezero-without-elevations.gpx'), p, defaultsUsed);
    expect(r.hasElevation).toBe(false);
    expect([r.ascentM, r.descentM, r.minElevationM, r.maxElevationM]).toEqual([0, 0, null, null]);
    expect(r.sections).toHaveLength(1);
    expect(r.sections[0]).toMatchObject({ kind: 'flat', startEleM: null, minGear: null, category: null });
    expect(r.profileSeries).toEqual({ distanceM: [], eleM: [] });
    expect(r.assumptions).toContain("no elevation in this file: climbs and gears can't be computed, time assumes flat");
    expect(r.estTimeS).toBeCloseTo(r.distanceM / speedForPowerMps(136, 0, { massKg: 84 }), 3);
  });

  it('analyses a planned route (rte, no timestamps)', () => {
    const r = analyseRoute(fixture('georust-gpx__ecology-trail-and-lovers-lane-loop.gpx'), profile());
    expect(r.name).toBe('Trail Planner Map');
    expect(r.hasTime).toBe(false);
    expect(r.hasElevation).toBe(true);
    expect(r.sections.some((s) => s.kind === 'climb')).toBe(true);
    expect(r.assumptions).toContain('no timestamps in this file: times are estimates only');
  });

  it('handles a single point', () => {
    const r = analyseRoute(gpxOf([{ lat: 45, lon: 6, eleM: 300 }]), profile());
    expect([r.distanceM, r.estTimeS, r.sections.length]).toEqual([0, 0, 0]);
  });
});

describe('what the reply shows', () => {
  it('lists powers used and the profile defaults it fell back on', () => {
    const { profile: p, defaultsUsed } = resolveProfile({ ftpW: 250 });
    const r = analyseRoute(fixture('gpxstudio__with_power_1.gpx'), p, defaultsUsed);
    const text = r.assumptions.join('\n');
    expect(text).toContain('endurance pace 170 W (68 % of FTP 250 W)');
    expect(text).toContain('climbs at 88 % FTP under 20 min');
    expect(text).toContain('rider 75 kg');
    expect(text).not.toMatch(/default[^\n]*FTP/);
  });

  it('decimates the chart series to at most 1,000 points, keeping the ends and the top', () => {
    const r = analyseRoute(fixture('sweatpy__4078723797_strava.gpx'), profile());
    const { distanceM, eleM } = r.profileSeries;
    expect(distanceM.length).toBeLessThanOrEqual(1000);
    expect(distanceM.length).toBeGreaterThan(900);
    expect(eleM).toHaveLength(distanceM.length);
    expect(distanceM[0]).toBe(0);
    expect(distanceM[distanceM.length - 1]).toBeCloseTo(r.distanceM, 6);
    expect(Math.max(...eleM)).toBeGreaterThan(r.maxElevationM! - 15); // smoothed, but the summit stays
  });
});
