import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { estimateLthr, hrss, hrZoneIndex, hrZoneSet } from '../../src/domain/heart-rate.ts';
import {
  meanMaxPower, normalizedPower, intensityFactor, powerZoneBoundsW, rollingMean, trainingStressScore, zoneIndex,
} from '../../src/domain/power.ts';
import { PROFILE_DEFAULTS } from '../../src/domain/profile.ts';
import type { ResolvedProfile } from '../../src/domain/profile.ts';
import {
  computeRideMetrics, decodeStreams, encodeStreams, rideStreams, samplesFromStreams,
} from '../../src/domain/ride.ts';
import type { RideInput } from '../../src/domain/ride.ts';
import type { Sample } from '../../src/domain/samples.ts';
import { hysteresisAscent } from '../../src/domain/elevation.ts';

interface Vector {
  id: string;
  metric: string;
  input: Record<string, unknown>;
  params: Record<string, unknown>;
  expected: unknown;
  source: string;
  convention?: string;
}
const vectors: Vector[] = JSON.parse(
  readFileSync(new URL('../fixtures/metrics/published-examples.json', import.meta.url), 'utf8'),
).vectors;
const vector = (id: string): Vector => {
  const v = vectors.find((x) => x.id === id);
  if (!v) throw new Error(`no vector ${id}`);
  return v;
};
const segments = (v: Vector) => (v.input.values_segments as [number, number][]).flatMap(([w, n]) => Array<number>(n).fill(w));
const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

const T0 = Date.parse('2024-06-01T08:00:00Z');
const profile = (over: Partial<ResolvedProfile> = {}): ResolvedProfile => ({ ...PROFILE_DEFAULTS, ...over });

/** A ride of 1 s samples built from per-second values. */
function ride(n: number, at: (i: number) => Partial<Sample>, over: Partial<RideInput> = {}): RideInput {
  return {
    sport: 'cycling',
    samples: Array.from({ length: n }, (_, i) => ({ timeMs: T0 + i * 1000, ...at(i) })),
    ...over,
  };
}

describe('published vectors (test/fixtures/metrics/published-examples.json)', () => {
  // Vectors for metrics other modules own; listed so a new vector can't go unnoticed.
  const elsewhere: Record<string, string> = {
    speed_from_power: 'physics.ts (power <-> speed), not this module',
    wbal_tau_skiba2012: "W' balance is not computed by the ride metrics (not in METRICS.md)",
    wbal: "W' balance is not computed by the ride metrics (not in METRICS.md)",
    cp_2param_fit: 'critical-power model fits are not in METRICS.md',
    cp_3param_fit: 'critical-power model fits are not in METRICS.md',
    pmc: 'test/domain/load.test.ts',
  };
  const here = new Set([
    'rolling_mean', 'normalized_power', 'tss', 'intensity_factor', 'power_zone_index', 'hr_zone_index',
    'mean_max_power', 'peak_power', 'average_power_time_weighted', 'hrss', 'elevation_gain',
  ]);
  it('every vector is tested here or assigned to its owner', () => {
    const unaccounted = vectors.filter((v) => !here.has(v.metric) && !(v.metric in elsewhere)).map((v) => v.id);
    expect(unaccounted).toEqual([]);
  });

  it('rolling mean: full windows only, unlike pandas min_periods=1 (sweatpy tests/metrics/test_core.py:46-52)', () => {
    const v = vector('sweatpy.rolling_mean.basic');
    const expected = v.expected as number[];
    const ours = Array.from(rollingMean(v.input.values as number[], v.params.window as number));
    // Convention "partial-window start": sweatpy's first output (1) averages a half window; ours starts at sample 2.
    expect(ours).toEqual(expected.slice(1));
    expect(ours).toHaveLength(expected.length - 1);
  });

  it('NP of 30 x 1 W is 1 W (sweatpy tests/metrics/test_core.py:151-156)', () => {
    const v = vector('sweatpy.np.ones30');
    expect(normalizedPower(segments(v))).toBeCloseTo(v.expected as number, 12);
  });

  it('TSS of 1 h at NP = FTP = 300 W is 100 (sweatpy tests/metrics/test_power.py:25-31)', () => {
    const v = vector('sweatpy.tss.300_300_1h');
    const np = v.input.np as number;
    expect(trainingStressScore(np, v.params.ftp as number, v.input.duration_s as number)).toBeCloseTo(100, 9);
  });

  it('IF of NP 300 at FTP 300 is 1 (sweatpy tests/metrics/test_power.py:17-22)', () => {
    const v = vector('sweatpy.if.300_300');
    expect(intensityFactor(v.input.np as number, v.params.ftp as number)).toBe(v.expected);
  });

  it('power zones at FTP 1: values ON an edge go up a zone for us, down for sweatpy (test_core.py:91-97)', () => {
    const v = vector('sweatpy.zones.power_ftp1');
    const values = v.input.values as number[];
    const ours = values.map((x) => zoneIndex(x, powerZoneBoundsW(1)) + 1);
    // sweatpy's pd.cut(right=True) is upper-inclusive: 0.55 is zone 1 there.
    expect(v.expected).toEqual([1, 2, 3, 4, 5, 6, 7]);
    // METRICS.md: the highest zone whose lower bound the sample reaches, so 0.55 is zone 2.
    expect(ours).toEqual([2, 3, 4, 5, 6, 7, 7]);
  });

  it('HR zones at LTHR 1, edges 68/83/94/105 % (sweatpy tests/metrics/test_core.py:99-105)', () => {
    const v = vector('sweatpy.zones.hr_lthr1');
    const lower = [0, ...(v.params.zone_edges_pct_lthr as number[]).map((p) => p / 100)];
    const ours = (v.input.values as number[]).map((x) => zoneIndex(x, lower) + 1);
    expect(ours).toEqual(v.expected); // no value sits on an edge, so the conventions agree
  });

  it.each(['sweatpy.zones.power_explicit', 'sweatpy.zones.hr_explicit'])(
    'explicit zone edges, %s (sweatpy tests/metrics/test_core.py:107-121)',
    (id) => {
      const v = vector(id);
      const lower = (v.params.edges as number[]).slice(0, -1);
      expect((v.input.values as number[]).map((x) => zoneIndex(x, lower) + 1)).toEqual(v.expected);
    },
  );

  it('mean-max of 0..100 W (sweatpy tests/metrics/test_core.py:165-172)', () => {
    const v = vector('sweatpy.mean_max.arange101');
    const power = range(0, 101);
    for (const [d, w] of Object.entries(v.expected as Record<string, number>)) {
      expect(meanMaxPower(power, Number(d))).toBeCloseTo(w, 9);
    }
  });

  it('mean-max of interval blocks, all windows (sweatpy tests/metrics/test_core.py:174-187)', () => {
    const v = vector('sweatpy.mean_max.blocks');
    const power = segments(v);
    expect(meanMaxPower(power, 1)).toBe(300);
    // 659 s: the window starting at sample 0 (which sweatpy's energy.diff never considers) ties here.
    expect(meanMaxPower(power, 659)).toBeCloseTo((v.expected as Record<string, number>)['659']!, 6);
    expect(meanMaxPower(power, 660)).toBeCloseTo(172.727273, 6);
  });

  it('a gap is left out, not zero-padded: 1 W, unlike Sauce 0.8 W (sauce4strava test/peakpower.js:96-102)', () => {
    const v = vector('sauce.peakpower.gap_zero_pad');
    const times = v.input.times_s as number[];
    const values = v.input.values as number[];
    const m = computeRideMetrics(
      { sport: 'cycling', samples: times.map((t, i) => ({ timeMs: T0 + t * 1000, powerW: values[i] })) },
      profile(),
    );
    expect((v.expected as { avg: number }).avg).toBe(0.8);
    expect(m.powerCurve?.find((p) => p.durationS === v.params.period_s)?.powerW).toBe(1);
    expect(m.powerSampleCount).toBe(8);
  });

  it('a value holds until the next timestamp: 200 W, unlike Sauce 266.7 W (sauce4strava test/peakpower.js:110-114)', () => {
    const v = vector('sauce.correctedpower.irregular');
    const times = v.input.times_s as number[];
    const values = v.input.values as number[];
    const m = computeRideMetrics(
      { sport: 'cycling', samples: times.map((t, i) => ({ timeMs: T0 + t * 1000, powerW: values[i] })) },
      profile(),
    );
    const expected = v.expected as { avg: number; elapsed_s: number };
    // Sauce: the value at t covers (t_prev, t] -> (200 + 2 x 300) / 3. Ours: 100 @0, 200 @1-2, 300 @3.
    expect(expected.avg).toBeCloseTo(266.666667, 6);
    expect(m.avgPowerW).toBe(200);
    expect(m.elapsedS).toBe(expected.elapsed_s);
    expect(m.sampling).toBe('resampled-1hz');
  });

  it('best 5 s of 6,5,4,3,2,1,0 is 4 W; Sauce gives 3 because its first sample has no time (peakpower.js:57-62)', () => {
    const v = vector('sauce.peakpower.first_sample_has_no_time');
    const m = computeRideMetrics(
      ride(7, (i) => ({ powerW: (v.input.values as number[])[i] })),
      profile(),
    );
    expect((v.expected as { avg: number }).avg).toBe(3);
    expect(m.powerCurve?.find((p) => p.durationS === 5)?.powerW).toBe(4);
  });

  it.each(['elevate.hrss.lthr163', 'elevate.hrss.lthr170.5'])(
    'HRSS from TRIMP 333, %s (elevate activity-computer.spec.ts:35-72)',
    (id) => {
      const v = vector(id);
      const p = v.params as { hrmax: number; hrrest: number; lthr: number };
      expect(Math.floor(hrss(v.input.trimp as number, p.hrrest, p.hrmax, p.lthr))).toBe(v.expected);
    },
  );

  it('Elevate default LTHR is rest + 85 % of reserve = 170.5 (elevate activity-computer.ts:67)', () => {
    expect(estimateLthr(60, 190)).toBe(170.5);
    expect(hrss(333, 60, 190, 163)).toBeCloseTo(239.0876, 4);
  });

  it('elevation gain worked example (tnt-bike.it): raw sum is 13 m, not the published 14 m; 3 m hysteresis 10 m', () => {
    const v = vector('elevation.raw.tnt_example');
    const elevations = v.input.elevations_m as number[];
    // +5 +5 +2 +1 = 13: the page's stated 14 does not follow from its own list (flagged, not fudged).
    expect(v.expected).toBe(14);
    expect(hysteresisAscent(elevations, 0).ascentM).toBe(13);
    expect(hysteresisAscent(elevations, 3)).toEqual({ ascentM: 10, descentM: 10 });
  });
});

describe('power metrics on synthetic rides', () => {
  it('constant 250 W for an hour at FTP 200: NP 250, IF 1.25, TSS 156.25, VI 1, work 900 kJ', () => {
    const m = computeRideMetrics(ride(3600, () => ({ powerW: 250, hrBpm: 150, speedMps: 9 })), profile());
    expect(m.normalizedPowerW).toBeCloseTo(250, 9);
    expect(m.intensityFactor).toBeCloseTo(1.25, 12);
    expect(m.tss).toBeCloseTo(156.25, 9);
    expect(m.variabilityIndex).toBeCloseTo(1, 12);
    expect(m.efficiencyFactor).toBeCloseTo(250 / 150, 12);
    expect(m.workKj).toBe(900);
    expect(m.sampling).toBe('records-1hz');
    expect(m.load).toBe(m.tss);
    expect(m.loadSource).toBe('tss');
  });

  it('NP starts at the 30th sample and TSS uses n samples, not n - 29 windows', () => {
    // 30 s at 0 W then 30 s at 400 W: window k (k = 0..30) averages k x 400 / 30.
    const power = [...Array<number>(30).fill(0), ...Array<number>(30).fill(400)];
    const expectedNp = (range(0, 31).reduce((a, k) => a + ((400 * k) / 30) ** 4, 0) / 31) ** 0.25;
    const m = computeRideMetrics(ride(60, (i) => ({ powerW: power[i] })), profile({ ftpW: 300 }));
    expect(m.normalizedPowerW).toBeCloseTo(expectedNp, 9);
    expect(m.tss).toBeCloseTo(((60 * expectedNp * (expectedNp / 300)) / (300 * 3600)) * 100, 9);
    expect(m.variabilityIndex).toBeCloseTo(expectedNp / 200, 12);
  });

  it('fewer than 30 samples: no NP/IF/TSS, but average and max power', () => {
    const m = computeRideMetrics(ride(29, (i) => ({ powerW: 100 + i })), profile());
    expect(m.normalizedPowerW).toBeNull();
    expect(m.tss).toBeNull();
    expect(m.unavailable.normalizedPowerW).toMatch(/30/);
    expect(m.avgPowerW).toBe(114);
    expect(m.maxPowerW).toBe(128);
  });

  it('zeros only: power metrics unavailable, load falls back to HRSS', () => {
    const m = computeRideMetrics(ride(1200, () => ({ powerW: 0, hrBpm: 130, speedMps: 8 })), profile());
    expect(m.normalizedPowerW).toBeNull();
    expect(m.avgPowerW).toBeNull();
    expect(m.unavailable.normalizedPowerW).toMatch(/zero/);
    expect(m.powerSampleCount).toBe(1200);
    expect(m.loadSource).toBe('hrss');
    expect(m.load).toBeGreaterThan(0);
  });

  it('no power meter: every power metric null with a reason', () => {
    const m = computeRideMetrics(ride(600, () => ({ hrBpm: 140, speedMps: 7 })), profile());
    for (const k of ['avgPowerW', 'normalizedPowerW', 'tss', 'powerCurve', 'powerZones', 'eftpW'] as const) {
      expect(m[k]).toBeNull();
      expect(m.unavailable[k]).toMatch(/no power/);
    }
  });

  it('dropouts (records without power) are left out, not counted as 0 W', () => {
    const m = computeRideMetrics(
      ride(300, (i) => (i % 10 === 0 ? { hrBpm: 140 } : { powerW: 200, hrBpm: 140 })),
      profile(),
    );
    expect(m.powerSampleCount).toBe(270);
    expect(m.avgPowerW).toBe(200);
    expect(m.normalizedPowerW).toBeCloseTo(200, 9);
  });

  it('a 1 s recording with a 60 s pause: the gap is left out of power and moving time', () => {
    const samples = [
      ...ride(120, () => ({ powerW: 200, speedMps: 8 })).samples,
      ...ride(120, () => ({ powerW: 300, speedMps: 8 })).samples.map((s) => ({ ...s, timeMs: s.timeMs! + 180_000 })),
    ];
    const m = computeRideMetrics({ sport: 'cycling', samples }, profile());
    expect(m.sampling).toBe('records-1hz');
    expect(m.powerSampleCount).toBe(240);
    expect(m.avgPowerW).toBe(250);
    expect(m.movingS).toBe(240);
    expect(m.elapsedS).toBe(299);
  });

  it('a 5 s recording is resampled to 1 Hz by holding; a gap > 10 s is left out, not zero-filled', () => {
    const part = (start: number, w: number) =>
      range(0, 21).map((k) => ({ timeMs: T0 + (start + 5 * k) * 1000, powerW: w, speedMps: 8 }));
    const m = computeRideMetrics({ sport: 'cycling', samples: [...part(0, 100), ...part(160, 300)] }, profile());
    expect(m.sampling).toBe('resampled-1hz');
    // 20 samples x 5 s + the last sample's own second, twice.
    expect(m.powerSampleCount).toBe(202);
    expect(m.avgPowerW).toBe(200);
    expect(m.movingS).toBe(202);
    expect(m.elapsedS).toBe(260);
  });

  it('records inside a timer-stopped period are not ridden time', () => {
    const r = ride(300, (i) => ({ powerW: i >= 100 && i < 200 ? 50 : 250, speedMps: 8 }), {
      timerPauses: [{ fromMs: T0 + 99_000, toMs: T0 + 200_000 }],
    });
    const m = computeRideMetrics(r, profile());
    expect(m.powerSampleCount).toBe(200);
    expect(m.avgPowerW).toBe(250);
    expect(m.movingS).toBe(200);
    expect(m.elapsedS).toBe(299);
  });

  it('eFTP is 0.95 x best 20 min, only for rides of 20 min or more', () => {
    const m = computeRideMetrics(ride(1800, (i) => ({ powerW: i >= 300 && i < 1500 ? 300 : 150 })), profile());
    expect(m.eftpW).toBeCloseTo(285, 9);
    const short = computeRideMetrics(ride(1199, () => ({ powerW: 300 })), profile());
    expect(short.eftpW).toBeNull();
    expect(short.unavailable.eftpW).toMatch(/20 minutes/);
  });

  it('power curve: standard durations up to the ride length, each the best window', () => {
    const power = range(0, 700).map((i) => 150 + ((i * 37) % 101));
    const m = computeRideMetrics(ride(700, (i) => ({ powerW: power[i] })), profile());
    expect(m.powerCurve?.map((p) => p.durationS)).toEqual([1, 5, 10, 15, 30, 60, 120, 180, 300, 480, 600]);
    for (const { durationS, powerW } of m.powerCurve ?? []) {
      let best = 0;
      for (let s = 0; s + durationS <= power.length; s++) {
        best = Math.max(best, power.slice(s, s + durationS).reduce((a, b) => a + b, 0) / durationS);
      }
      expect(powerW).toBeCloseTo(best, 9);
    }
  });

  it('samples exactly on a zone boundary go to the upper zone (FTP 200)', () => {
    const watts = [109.99, 110, 150, 180, 210, 240, 300, 0];
    const m = computeRideMetrics(ride(watts.length, (i) => ({ powerW: watts[i] })), profile({ ftpW: 200 }));
    expect(m.powerZones?.map((z) => z.seconds)).toEqual([2, 1, 1, 1, 1, 1, 1]);
    expect(m.powerZones?.map((z) => z.minW)).toEqual([0, 110, 150, 180, 210, 240, 300]);
    const noFtp = computeRideMetrics(ride(60, () => ({ powerW: 200 })), profile({ ftpW: 0 }));
    expect(noFtp.powerZones).toBeNull();
    expect(noFtp.tss).toBeNull();
    expect(noFtp.unavailable.tss).toMatch(/no FTP/);
    expect(noFtp.normalizedPowerW).toBeCloseTo(200, 9);
  });

  it('Pw:HR decoupling: NP per half over average HR per half', () => {
    const m = computeRideMetrics(ride(3600, (i) => ({ powerW: 200, hrBpm: i < 1800 ? 140 : 150 })), profile());
    expect(m.decouplingPct).toBeCloseTo((1 - 140 / 150) * 100, 9);
  });

  it('no heart rate: HR metrics null, power metrics intact', () => {
    const m = computeRideMetrics(ride(600, () => ({ powerW: 200, cadenceRpm: 90 })), profile());
    expect(m.avgHrBpm).toBeNull();
    expect(m.hrss).toBeNull();
    expect(m.efficiencyFactor).toBeNull();
    expect(m.unavailable.hrZones).toMatch(/heart-rate/);
    expect(m.normalizedPowerW).toBeCloseTo(200, 9);
  });

  it('not a ride: a run with power gets no power metrics', () => {
    const samples = ride(600, () => ({ powerW: 250, hrBpm: 150, speedMps: 3 }));
    expect(computeRideMetrics(samples, profile()).avgPowerW).toBe(250);
    const run = computeRideMetrics({ ...samples, sport: 'running' }, profile());
    expect(run.normalizedPowerW).toBeNull();
    expect(run.unavailable.normalizedPowerW).toMatch(/running/);
    expect(run.loadSource).toBe('hrss');
  });
});

describe('heart rate, cadence, distance and climbing', () => {
  it('HRSS of 60 moving minutes at LTHR is 100', () => {
    const m = computeRideMetrics(ride(3600, () => ({ hrBpm: 165, speedMps: 8 })), profile({ lthrBpm: 165 }));
    expect(m.hrss).toBeCloseTo(100, 9);
    expect(m.lthrEstimated).toBe(false);
  });

  it('HRSS counts moving time only and estimates LTHR when unknown', () => {
    const m = computeRideMetrics(
      ride(3600, (i) => ({ hrBpm: 150, speedMps: i < 1800 ? 8 : 0 })),
      profile({ lthrBpm: 0, restHrBpm: 60, maxHrBpm: 185 }),
    );
    expect(m.lthrEstimated).toBe(true);
    expect(m.lthrBpm).toBe(166.25);
    expect(m.notes.join(' ')).toMatch(/LTHR unknown/);
    const full = computeRideMetrics(ride(3600, () => ({ hrBpm: 150, speedMps: 8 })), profile({ lthrBpm: 0 }));
    expect(m.hrss! * 2).toBeCloseTo(full.hrss!, 9);
  });

  it('Friel zones on LTHR: 81 % is Z2, 106 % is still Z5b, above it Z5c', () => {
    const set = hrZoneSet(150, 185);
    expect(set.model).toBe('friel-lthr');
    expect(hrZoneIndex(121.5, set)).toBe(1);
    expect(hrZoneIndex(121.4, set)).toBe(0);
    expect(hrZoneIndex(159, set)).toBe(5);
    expect(hrZoneIndex(159.01, set)).toBe(6);
    expect(hrZoneIndex(150, set)).toBe(4);
  });

  it('without LTHR: 5 zones on max HR, time under 50 % reported apart', () => {
    const hr = [99, 100, 120, 140, 160, 180, 200];
    const m = computeRideMetrics(ride(hr.length, (i) => ({ hrBpm: hr[i] })), profile({ lthrBpm: 0, maxHrBpm: 200 }));
    expect(m.hrZones?.model).toBe('max-hr');
    expect(m.hrZones?.belowZonesS).toBe(1);
    expect(m.hrZones?.zones.map((z) => z.seconds)).toEqual([1, 1, 1, 1, 2]);
  });

  it('cadence average excludes zeros (coasting), max over all', () => {
    const m = computeRideMetrics(ride(4, (i) => ({ cadenceRpm: [90, 0, 80, 0][i] })), profile());
    expect(m.avgCadenceRpm).toBe(85);
    expect(m.maxCadenceRpm).toBe(90);
    expect(m.cadenceAverage).toBe('excludes-zeros');
  });

  it('moving time: speed > 0.5 m/s or cadence > 0 or power > 0', () => {
    const m = computeRideMetrics(
      ride(5, (i) => [{ speedMps: 0.5 }, { speedMps: 0.6 }, { cadenceRpm: 1 }, { powerW: 1 }, {}][i]!),
      profile(),
    );
    expect(m.movingS).toBe(3);
    expect(m.elapsedS).toBe(4);
  });

  it('distance: the device odometer when present, else haversine (one degree of latitude = 111,195 m)', () => {
    const gps = computeRideMetrics(ride(2, (i) => ({ lat: 45 + i, lon: 14 })), profile());
    expect(gps.distanceSource).toBe('gps');
    expect(gps.distanceM).toBeCloseTo((2 * Math.PI * 6_371_008.8) / 360, 0);
    const device = computeRideMetrics(ride(2, (i) => ({ lat: 45 + i, lon: 14, distanceM: 1000 * i })), profile());
    expect(device.distanceSource).toBe('device');
    expect(device.distanceM).toBe(1000);
    const indoor = computeRideMetrics(ride(60, () => ({ powerW: 200 })), profile());
    expect(indoor.distanceM).toBeNull();
    expect(indoor.unavailable.distanceM).toMatch(/no distance/);
  });

  it('ascent ignores noise under 3 m but counts a whole climb once it passes 3 m', () => {
    const climb = [...range(0, 11), 8, 10, 8.5, 10, 9, 11, 12, 13, 14, 15, 13, 10];
    expect(hysteresisAscent(climb, 3)).toEqual({ ascentM: 15, descentM: 5 });
    const noise = [100, 102, 100, 102.5, 100, 101, 99.5];
    expect(hysteresisAscent(noise, 3)).toEqual({ ascentM: 0, descentM: 0 });
    const m = computeRideMetrics(ride(climb.length, (i) => ({ eleM: climb[i] })), profile());
    expect(m.ascentM).toBe(15);
  });
});

describe('1 Hz streams for storage', () => {
  const source = ride(400, (i) => ({
    powerW: i % 50 === 0 ? undefined : 180 + (i % 17),
    hrBpm: 130 + (i % 9),
    cadenceRpm: i % 30 === 0 ? 0 : 88,
    speedMps: 8.5,
    eleM: 300 + i / 10,
    distanceM: 8.5 * i,
  }));

  it('round-trips through the binary form, NaN for missing values', () => {
    const streams = rideStreams(source);
    const bytes = encodeStreams(streams);
    expect(bytes.length).toBe(24 + 28 * 400);
    const back = decodeStreams(bytes);
    expect(back.startTimeMs).toBe(T0);
    expect(back.sampling).toBe('records-1hz');
    expect(Array.from(back.timeOffsetMs)).toEqual(Array.from(streams.timeOffsetMs));
    expect(Array.from(back.powerW)).toEqual(Array.from(streams.powerW));
    expect(Number.isNaN(back.powerW[0])).toBe(true);
    expect(back.distanceM[399]).toBeCloseTo(8.5 * 399, 2);
  });

  it('re-analysis from the stored streams gives the same metrics as the original samples', () => {
    const original = computeRideMetrics(source, profile());
    const stored = decodeStreams(encodeStreams(rideStreams(source)));
    const again = computeRideMetrics({ sport: 'cycling', samples: samplesFromStreams(stored) }, profile());
    expect(again.normalizedPowerW).toBeCloseTo(original.normalizedPowerW!, 4);
    expect(again.tss).toBeCloseTo(original.tss!, 4);
    expect(again.powerCurve).toEqual(original.powerCurve);
    expect(again.movingS).toBe(original.movingS);
    expect(again.avgHrBpm).toBeCloseTo(original.avgHrBpm!, 9);
  });

  it('refuses bytes that are not a stream blob', () => {
    expect(() => decodeStreams(new Uint8Array(40))).toThrow(/not a stream blob/);
    const bytes = encodeStreams(rideStreams(source));
    expect(() => decodeStreams(bytes.subarray(0, bytes.length - 4))).toThrow(/length/);
  });
});
