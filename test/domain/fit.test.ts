import { readFileSync } from 'node:fs';
import { Encoder, Profile } from '@garmin/fitsdk';
import { describe, expect, it } from 'vitest';
import { InvalidFit } from '../../src/domain/errors.ts';
import { decodeFit, sportFromFit } from '../../src/domain/fit.ts';
import { normalizedPower } from '../../src/domain/power.ts';
import { PROFILE_DEFAULTS } from '../../src/domain/profile.ts';
import { computeRideMetrics } from '../../src/domain/ride.ts';
import { refusalOf } from '../support/refusal.ts';
const thrown = (f: () => unknown) => refusalOf(f, InvalidFit);

const fixture = (name: string) => new Uint8Array(readFileSync(new URL(`../fixtures/fit/${name}`, import.meta.url)));
const decode = (name: string) => decodeFit(fixture(name));
/** Metrics at the head unit's own FTP, so TSS/IF compare like for like. */
const metricsAtDeviceFtp = (name: string) => {
  const ride = decode(name);
  const ftpW = ride.deviceSummary?.thresholdPowerW ?? 200;
  return { ride, m: computeRideMetrics(ride, { ...PROFILE_DEFAULTS, ftpW }) };
};

/** A small FIT file written with the SDK's Encoder. */
function fitFile(...mesgs: [string, Record<string, unknown>][]): Uint8Array {
  const enc = new Encoder();
  for (const [name, fields] of mesgs) {
    enc.writeMesg({ mesgNum: Profile.MesgNum[name]!, ...fields } as Parameters<Encoder['writeMesg']>[0]);
  }
  return enc.close();
}

describe('decodeFit on the real fixtures (counts from test/fixtures/fit/SOURCES.md)', () => {
  it.each([
    ['sweatpy__4078723797.fit', 8357, 'cycling', 'generic', false],
    ['fitparse__Edge810-Vector-2013-08-16-15-35-10.fit', 4700, 'cycling', 'generic', false],
    // sub_sport generic, but no GPS and no speed: an indoor trainer, inferred.
    ['fitparse__sample-activity-indoor-trainer.fit', 2263, 'cycling', 'generic', true],
    ['fitparse__garmin-edge-500-activity.fit', 10686, 'cycling', undefined, false],
    ['fitparse__coros-pace-2-cycling-misaligned-fields.fit', 11272, 'cycling', undefined, false],
    ['fitparse__elemnt-bolt-no-application-id-inside-developer-data-id.fit', 132, 'cycling', undefined, false],
    ['fitparse__developer-types-sample.fit', 3424, 'running', 'generic', false],
    ['fitparse__activity-small-fenix2-run.fit', 2809, 'running', undefined, false],
    ['sweatpy__6449921903_ACTIVITY.fit', 199, 'cycling', 'indoorCycling', true],
    ['sweatpy__2020-06-01-16-52-40.fit', 96, 'cycling', 'generic', false],
  ] as const)('%s: %i records, %s/%s, indoor %s', (name, records, sport, subSport, indoor) => {
    const ride = decode(name);
    expect(ride.format).toBe('fit');
    expect(ride.samples).toHaveLength(records);
    expect(ride.sport).toBe(sport);
    expect(ride.subSport).toBe(subSport);
    expect(ride.indoor).toBe(indoor);
    expect(ride.truncated).toBe(false);
    expect(ride.decodedWith).toBe('@garmin/fitsdk');
    // The session start (timer start) can be a second before the first record.
    expect(ride.samples[0]!.timeMs! - ride.startTimeMs).toBeGreaterThanOrEqual(0);
    expect(ride.samples[0]!.timeMs! - ride.startTimeMs).toBeLessThanOrEqual(1000);
    for (let i = 1; i < ride.samples.length; i++) {
      expect(ride.samples[i]!.timeMs!).toBeGreaterThanOrEqual(ride.samples[i - 1]!.timeMs!);
    }
  });

  it('reads positions in degrees, and power/HR/cadence where the file has them (Edge 810 + Vector)', () => {
    const ride = decode('fitparse__Edge810-Vector-2013-08-16-15-35-10.fit');
    const first = ride.samples[0]!;
    expect(first.lat).toBeGreaterThan(-90);
    expect(first.lat).toBeLessThan(90);
    expect(ride.samples.filter((s) => s.powerW !== undefined)).toHaveLength(4700);
    expect(ride.samples.filter((s) => s.hrBpm !== undefined)).toHaveLength(4671);
    expect(ride.device).toMatchObject({ manufacturer: 'garmin', product: 'edge810' });
  });

  it('the head unit summary is kept for sanity checks', () => {
    expect(decode('sweatpy__4078723797.fit').deviceSummary).toEqual({
      normalizedPowerW: 267,
      trainingStressScore: 413.7,
      intensityFactor: 1.337,
      thresholdPowerW: 200,
      avgPowerW: 219,
      maxPowerW: 1022,
      avgHrBpm: 165,
      maxHrBpm: 190,
      avgCadenceRpm: 91,
      totalTimerS: 8355.6,
      totalElapsedS: 8355.6,
      distanceM: 57567.24,
      ascentM: 1254,
    });
  });

  it('timer stop/start events become pauses (Edge 1000 ride with a 32 s stop)', () => {
    const ride = decode('sweatpy__2020-06-01-16-52-40.fit');
    expect(ride.timerPauses).toEqual([
      { fromMs: Date.parse('2020-06-01T14:53:33Z'), toMs: Date.parse('2020-06-01T14:54:05Z') },
    ]);
  });

  it('records written while the timer was stopped are not moving time (Edge 500 keeps recording for 31 s after a stop)', () => {
    const ride = decode('fitparse__garmin-edge-500-activity.fit');
    expect(ride.timerPauses.length).toBeGreaterThan(20);
    const m = computeRideMetrics(ride, PROFILE_DEFAULTS);
    // Head unit: 2 h 57 m 21 s of timer time; ours counts moving seconds inside it.
    expect(m.movingS!).toBeLessThanOrEqual(ride.deviceSummary!.totalTimerS!);
    expect(m.movingS!).toBeGreaterThan(ride.deviceSummary!.totalTimerS! * 0.97);
  });
});

describe('our numbers against the head unit session summary', () => {
  it('Edge 1000 + power pedals, 2 h 19 m (sweatpy 4078723797): NP, avg power within 1 W, TSS within 1 %', () => {
    const { ride, m } = metricsAtDeviceFtp('sweatpy__4078723797.fit');
    const d = ride.deviceSummary!;
    expect(Math.abs(m.normalizedPowerW! - d.normalizedPowerW!)).toBeLessThanOrEqual(1);
    expect(Math.abs(m.avgPowerW! - d.avgPowerW!)).toBeLessThanOrEqual(1);
    expect(m.maxPowerW).toBe(d.maxPowerW);
    expect(m.intensityFactor!).toBeCloseTo(d.intensityFactor!, 2);
    // The unit's TSS follows from its NP rounded to whole watts (267 vs our 267.4).
    expect(Math.abs(m.tss! / d.trainingStressScore! - 1)).toBeLessThan(0.01);
    expect(Math.abs(m.avgHrBpm! - d.avgHrBpm!)).toBeLessThanOrEqual(1);
    expect(Math.abs(m.distanceM! / d.distanceM! - 1)).toBeLessThan(0.001);
    // Our 3 m hysteresis on the recorded altitude vs the unit's own filter: within 5 %.
    expect(Math.abs(m.ascentM! / d.ascentM! - 1)).toBeLessThan(0.05);
  });

  it('Edge 810 + Vector (DC Rainmaker): NP, avg power within 1 W, TSS within 1 %', () => {
    const { ride, m } = metricsAtDeviceFtp('fitparse__Edge810-Vector-2013-08-16-15-35-10.fit');
    const d = ride.deviceSummary!;
    expect(Math.abs(m.normalizedPowerW! - d.normalizedPowerW!)).toBeLessThanOrEqual(1);
    expect(Math.abs(m.avgPowerW! - d.avgPowerW!)).toBeLessThanOrEqual(1);
    expect(Math.abs(m.tss! / d.trainingStressScore! - 1)).toBeLessThan(0.01);
    expect(Math.abs(m.avgHrBpm! - d.avgHrBpm!)).toBeLessThanOrEqual(1);
  });

  it('indoor trainer (Edge 800): full power metrics without GPS; the unit counts TSS over moving seconds', () => {
    const { ride, m } = metricsAtDeviceFtp('fitparse__sample-activity-indoor-trainer.fit');
    const d = ride.deviceSummary!;
    expect(ride.samples.some((s) => s.lat !== undefined)).toBe(false);
    expect(Math.abs(m.normalizedPowerW! - d.normalizedPowerW!)).toBeLessThanOrEqual(1);
    expect(Math.abs(m.avgPowerW! - d.avgPowerW!)).toBeLessThanOrEqual(1);
    expect(m.powerCurve!.length).toBeGreaterThan(10);
    expect(m.eftpW).not.toBeNull();
    // Ours: n = 2222 power samples -> 51.5. The unit's 50.8 is the same formula over
    // the 2198 moving seconds with its whole-watt NP.
    expect(Math.abs(m.tss! / d.trainingStressScore! - 1)).toBeLessThan(0.02);
    const overMoving = (m.movingS! * (d.normalizedPowerW! / d.thresholdPowerW!) ** 2) / 36;
    expect(overMoving).toBeCloseTo(d.trainingStressScore!, 0);
    expect(m.distanceM).toBeNull();
  });

  it('Wahoo ELEMNT BOLT: the unit counts power dropouts as 0 W, we leave them out (METRICS.md)', () => {
    const { ride, m } = metricsAtDeviceFtp('fitparse__elemnt-bolt-no-application-id-inside-developer-data-id.fit');
    const d = ride.deviceSummary!;
    expect(m.powerSampleCount).toBe(115); // of 132 records
    expect(Math.abs(m.normalizedPowerW! / d.normalizedPowerW! - 1)).toBeLessThan(0.025);
    // The gap, explained: zero-fill the 17 dropouts and NP lands on the unit's 243 W.
    const zeroFilled = normalizedPower(ride.samples.map((s) => s.powerW ?? 0))!;
    expect(Math.abs(zeroFilled - d.normalizedPowerW!)).toBeLessThanOrEqual(1);
    expect(m.avgHrBpm).toBeNull();
  });

  it('Forerunner 935 indoor cycling: the watch averages non-zero power; we include zeros', () => {
    const { ride, m } = metricsAtDeviceFtp('sweatpy__6449921903_ACTIVITY.fit');
    const d = ride.deviceSummary!;
    expect(Math.abs(m.normalizedPowerW! / d.normalizedPowerW! - 1)).toBeLessThan(0.015);
    const nonZero = ride.samples.map((s) => s.powerW ?? 0).filter((w) => w > 0);
    const nonZeroMean = nonZero.reduce((a, b) => a + b, 0) / nonZero.length;
    expect(Math.abs(nonZeroMean - d.avgPowerW!)).toBeLessThanOrEqual(1.5);
    expect(m.avgPowerW!).toBeLessThan(d.avgPowerW!);
    expect(Math.abs(m.tss! - d.trainingStressScore!)).toBeLessThan(0.2);
  });

  it('Edge 1000 short ride with a pause: NP and avg power within ~1 W; the unit TSS (1.1) is not its own formula', () => {
    const { ride, m } = metricsAtDeviceFtp('sweatpy__2020-06-01-16-52-40.fit');
    const d = ride.deviceSummary!;
    expect(Math.abs(m.normalizedPowerW! - d.normalizedPowerW!)).toBeLessThanOrEqual(1.5);
    expect(Math.abs(m.avgPowerW! - d.avgPowerW!)).toBeLessThanOrEqual(1);
    // timer x (NP/FTP)^2 / 36 from the unit's own numbers is 1.46, as ours; its stored 1.1 is not.
    const unitFormula = (d.totalTimerS! * (d.normalizedPowerW! / d.thresholdPowerW!) ** 2) / 36;
    expect(Math.abs(m.tss! - unitFormula)).toBeLessThan(0.05);
  });

  it('files without power get null power metrics and HR load instead (Edge 500, Coros)', () => {
    for (const name of ['fitparse__garmin-edge-500-activity.fit', 'fitparse__coros-pace-2-cycling-misaligned-fields.fit']) {
      const { ride, m } = metricsAtDeviceFtp(name);
      expect(m.normalizedPowerW).toBeNull();
      expect(m.unavailable.normalizedPowerW).toMatch(/no power/);
      expect(m.loadSource).toBe('hrss');
      expect(Math.abs(m.distanceM! / ride.deviceSummary!.distanceM! - 1)).toBeLessThan(0.001);
    }
  });
});

describe('awkward FIT files', () => {
  it('truncated file (activity-unexpected-eof): keeps the 14 records and says so', () => {
    const ride = decode('fitparse__activity-unexpected-eof.fit');
    expect(ride.truncated).toBe(true);
    expect(ride.samples).toHaveLength(14);
    expect(ride.notes.join(' ')).toMatch(/cut short/);
    expect(ride.sport).toBe('running');
  });

  it('compressed timestamps: the SDK reads none, the fallback reads all 755 records', () => {
    const ride = decode('fitparse__compressed-speed-distance.fit');
    expect(ride.decodedWith).toBe('fit-file-parser');
    expect(ride.samples).toHaveLength(755);
    expect(ride.sport).toBe('running');
    expect(ride.samples.filter((s) => s.hrBpm !== undefined)).toHaveLength(754);
    // compressed_speed_distance expanded: the odometer ends at the session's 10,248.67 m.
    expect(ride.samples.at(-1)!.distanceM!).toBeCloseTo(10248.67, 0);
    expect(ride.clockSet).toBe(false);
    expect(decode('fitparse__Edge810-Vector-2013-08-16-15-35-10.fit').clockSet).toBe(true);
    const spanS = (ride.samples.at(-1)!.timeMs! - ride.samples[0]!.timeMs!) / 1000;
    expect(spanS).toBe(3880); // 1 h 04 m 40 s, as the independent walker found
  });

  it('a run gets no power metrics, even with a running power meter (Stryd)', () => {
    for (const name of ['fitparse__activity-small-fenix2-run.fit', 'fitparse__developer-types-sample.fit']) {
      const ride = decode(name);
      expect(ride.sport).toBe('running');
      const m = computeRideMetrics(ride, PROFILE_DEFAULTS);
      expect(m.normalizedPowerW).toBeNull();
      expect(m.powerCurve).toBeNull();
      expect(m.unavailable.normalizedPowerW).toMatch(/running/);
      expect(m.hrss).not.toBeNull();
    }
  });

  it('not a FIT file', () => {
    const e = thrown(() => decodeFit(new TextEncoder().encode('<gpx>this is not a fit file at all</gpx>')));
    expect(e.code).toBe('fit_not_fit');
    expect(e.riderMessage).toMatch(/isn't a FIT file/);
  });

  it('a FIT file with no records', () => {
    const bytes = fitFile(['FILE_ID', { type: 'activity', manufacturer: 'development', product: 0 }]);
    expect(thrown(() => decodeFit(bytes)).code).toBe('fit_no_records');
  });

  it('a course file is not a ride', () => {
    const bytes = fitFile(
      ['FILE_ID', { type: 'course', manufacturer: 'development', product: 0 }],
      ['RECORD', { timestamp: new Date('2024-05-01T10:00:00Z'), positionLat: 1, positionLong: 1 }],
    );
    const e = thrown(() => decodeFit(bytes));
    expect(e.code).toBe('fit_not_activity');
    expect(e.riderMessage).toMatch(/course/);
  });

  it('a FIT file damaged right after its header is unreadable, with its own code', () => {
    const bytes = fixture('sweatpy__2020-06-01-16-52-40.fit');
    bytes.fill(0, 14, 40);
    const e = thrown(() => decodeFit(bytes));
    expect(e.code).toBe('fit_unreadable');
    expect(e.riderMessage).toMatch(/damaged/);
  });

  it('without a session (a file cut before its end), the sport message says the sport; without either, a ride', () => {
    const at = (s: number) => new Date(Date.parse('2024-05-01T10:00:00Z') + s * 1000);
    const records = [0, 1, 2].map((s): [string, Record<string, unknown>] => ['RECORD', { timestamp: at(s), power: 200 }]);
    const withSport = decodeFit(
      fitFile(['FILE_ID', { type: 'activity', manufacturer: 'development', product: 0 }], ['SPORT', { sport: 'cycling', subSport: 'virtualActivity' }], ...records),
    );
    expect(withSport).toMatchObject({ sport: 'cycling', subSport: 'virtualActivity', indoor: true });
    const bare = decodeFit(fitFile(['FILE_ID', { type: 'activity', manufacturer: 'development', product: 0 }], ...records));
    expect(bare.sport).toBe('cycling');
    expect(bare.notes.join(' ')).toMatch(/doesn't say which sport/);
    expect(bare.deviceSummary).toBeUndefined();
  });

  it('maps FIT sports: indoor cycling is cycling with indoor = true', () => {
    expect(sportFromFit('cycling', 'indoorCycling')).toEqual({ sport: 'cycling', indoorSport: true });
    expect(sportFromFit('fitnessEquipment', 'indoorCycling')).toEqual({ sport: 'cycling', indoorSport: true });
    expect(sportFromFit('cycling', 'virtualActivity')).toEqual({ sport: 'cycling', indoorSport: true });
    expect(sportFromFit('running', 'treadmill')).toEqual({ sport: 'running', indoorSport: true });
    expect(sportFromFit('walking', undefined)).toEqual({ sport: 'walking', indoorSport: false });
    expect(sportFromFit('swimming', 'lapSwimming')).toEqual({ sport: 'swimming', indoorSport: true });
    expect(sportFromFit('tennis', undefined)).toEqual({ sport: 'other', indoorSport: false });
    expect(sportFromFit('generic', undefined).sport).toBeUndefined();
  });
});
