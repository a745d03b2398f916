import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Form, RideReviewInput } from '../../../src/domain/coach/context.ts';
import { rideFeedbackSchema } from '../../../src/domain/coach/feedback.ts';
import { classifyRide, reviewRide } from '../../../src/domain/coach/ride-review.ts';
import type { RideKind } from '../../../src/domain/coach/ride-review.ts';
import { resolveProfile } from '../../../src/domain/profile.ts';
import { decodeFit } from '../../../src/domain/fit.ts';
import { computeRideMetrics } from '../../../src/domain/ride.ts';
import type { RideInput, RideMetrics } from '../../../src/domain/ride.ts';
import type { Sample } from '../../../src/domain/samples.ts';
import { random } from '../../support/random.ts';

const profileAt = (ftpW: number) => resolveProfile({ ftpW }).profile;

function fixture(name: string): RideInput {
  return decodeFit(readFileSync(new URL(`../../fixtures/fit/${name}`, import.meta.url)));
}


/**
 * A 1 Hz ride from blocks of [seconds, watts] with ±noise W; heart rate follows
 * power with a 30 s lag and rises `driftBpmPerHour` over the ride (cardiac drift).
 */
function synthetic(
  blocks: [number, number][],
  opts: { noiseW?: number; hr?: boolean; driftBpmPerHour?: number; cadenceRpm?: number; power?: boolean } = {},
): RideInput {
  const rand = random(1);
  const t0 = Date.parse('2024-11-12T08:00:00Z');
  const samples: Sample[] = [];
  let hr = 100;
  let t = 0;
  for (const [seconds, watts] of blocks) {
    for (let i = 0; i < seconds; i++, t++) {
      const powerW = Math.max(0, Math.round(watts + (opts.noiseW ?? 15) * (rand() * 2 - 1)));
      hr += (60 + powerW * 0.4 + ((opts.driftBpmPerHour ?? 0) * t) / 3600 - hr) / 30;
      samples.push({
        timeMs: t0 + t * 1000,
        speedMps: 8,
        cadenceRpm: opts.cadenceRpm ?? 88,
        ...(opts.power === false ? {} : { powerW }),
        ...(opts.hr === false ? {} : { hrBpm: Math.round(hr) }),
      });
    }
  }
  return { sport: 'cycling', samples };
}

const FTP = 250;
const metricsOf = (ride: RideInput, ftpW = FTP) => computeRideMetrics(ride, profileAt(ftpW));

/** Each ride computed once, on first use. */
function once<T>(make: () => T): () => T {
  let value: T | undefined;
  return () => (value ??= make());
}

const rides = {
  recovery: once(() => metricsOf(synthetic([[2700, 120]]))),
  endurance: once(() => metricsOf(synthetic([[7200, 160]]))),
  longEndurance: once(() => metricsOf(synthetic([[4 * 3600, 165]], { noiseW: 60 }))),
  tempo: once(() => metricsOf(synthetic([[600, 160], [3000, 205], [600, 150]]))),
  // 2 × 20 min at 90 % FTP: warm-up and recoveries pull the whole-ride IF down to 0.80.
  sweetSpot: once(() => metricsOf(synthetic([[900, 160], [1200, 225], [300, 150], [1200, 225], [900, 150]]))),
  threshold: once(() => metricsOf(synthetic([[900, 170], [1200, 245], [300, 150], [1200, 245], [600, 150]]))),
  timeTrial: once(() => metricsOf(synthetic([[3000, 245]], { noiseW: 5 }))),
  intervals: once(() => metricsOf(fixture('fitparse__sample-activity-indoor-trainer.fit'))),
  raceLike: once(() => metricsOf(fixture('sweatpy__4078723797.fit'), 300)),
  short: once(() => metricsOf(synthetic([[600, 200]]))),
  hrOnly: once(() => metricsOf(fixture('fitparse__coros-pace-2-cycling-misaligned-fields.fit'))),
  run: once(() => metricsOf(fixture('fitparse__activity-small-fenix2-run.fit'))),
  noData: once(() => metricsOf(synthetic([[3600, 0]], { power: false, hr: false }))),
};

function input(metrics: RideMetrics, over: Partial<RideReviewInput> = {}): RideReviewInput {
  return {
    metrics,
    profile: profileAt(metrics.ftpW),
    formBefore: null,
    formAfter: null,
    ctlWeekBefore: null,
    load7d: metrics.load ?? 0,
    avgLoad7dBefore: null,
    previousBestsW: [],
    ...over,
  };
}

const form = (ctl: number, atl: number): Form => ({ ctl, atl, tsb: ctl - atl });

const allText = (fb: ReturnType<typeof reviewRide>) =>
  [fb.performance_summary, ...fb.strengths, ...fb.areas_for_improvement, ...fb.training_suggestions, ...fb.next_workout_recommendations].join('\n');

/** The schema parses and no missing value leaked into the words. */
function review(i: RideReviewInput): ReturnType<typeof reviewRide> {
  const fb = reviewRide(i);
  expect(rideFeedbackSchema.parse(fb)).toBeTruthy();
  expect(allText(fb)).not.toMatch(/null|NaN|undefined|Infinity/);
  return fb;
}

const round = (x: number | null) => Math.round(x!);

describe('classifyRide', () => {
  it.each<[keyof typeof rides, RideKind]>([
    ['recovery', 'recovery'],
    ['endurance', 'endurance'],
    ['longEndurance', 'long_endurance'],
    ['tempo', 'tempo'],
    ['sweetSpot', 'sweet_spot'],
    ['threshold', 'threshold'],
    ['timeTrial', 'threshold'],
    ['intervals', 'intervals'],
    ['raceLike', 'race_like'],
    ['short', 'short'],
    ['hrOnly', 'hr_only'],
    ['run', 'not_cycling'],
    ['noData', 'no_data'],
  ])('%s -> %s', (ride, kind) => {
    const m = rides[ride]();
    expect(classifyRide(m, m.ftpW)).toBe(kind);
    expect(reviewRide(input(m)).kind).toBe(kind);
  });

  it('a 78-min ride at IF 1.00 with surges reads race-like; the same ride on a higher FTP reads as intervals', () => {
    const m = metricsOf(fixture('fitparse__Edge810-Vector-2013-08-16-15-35-10.fit'), 300);
    expect(m.intensityFactor).toBeCloseTo(1.0, 1);
    expect(classifyRide(m, 300)).toBe('race_like');
    expect(classifyRide(m, 360)).toBe('intervals');
  });
});

describe('reviewRide', () => {
  it('gives every kind its own words, the schema always parses', () => {
    const texts = Object.values(rides).map((ride) => review(input(ride())).performance_summary);
    expect(new Set(texts).size).toBe(texts.length);
  });

  it('an endurance ride: its duration, NP and IF in the summary, steady pacing and good durability named', () => {
    const m = rides.endurance();
    const fb = review(input(m));
    expect(fb.performance_summary).toContain('A 2 h 00 min endurance ride');
    expect(fb.performance_summary).toContain(`${round(m.normalizedPowerW)} W normalized (IF ${m.intensityFactor!.toFixed(2)})`);
    expect(fb.performance_summary).toContain(`${round(m.tss)} TSS`);
    expect(fb.strengths.join(' ')).toContain(`VI ${m.variabilityIndex!.toFixed(2)}`);
    expect(fb.strengths.join(' ')).toMatch(/Pw:HR|aerobic drift/);
    expect(fb.areas_for_improvement).toEqual([]);
  });

  it('an interval session (real file): time above threshold and the ride\'s NP and IF', () => {
    const m = rides.intervals();
    const fb = review(input(m));
    const aboveS = m.powerZones!.slice(4).reduce((s, z) => s + z.seconds, 0);
    expect(fb.performance_summary).toContain(`interval session: ${Math.round(aboveS / 60)} min above threshold`);
    expect(fb.performance_summary).toContain(`${round(m.normalizedPowerW)} W normalized (IF ${m.intensityFactor!.toFixed(2)})`);
  });

  it('a threshold session: the best 20 min in watts and % FTP', () => {
    const m = rides.threshold();
    const best20 = m.powerCurve!.find((p) => p.durationS === 1200)!.powerW;
    const fb = review(input(m));
    expect(fb.performance_summary).toContain(`best 20 min at ${Math.round(best20)} W (${Math.round((best20 / FTP) * 100)} % FTP)`);
  });

  it('a steady 50 min at IF 0.98 reads as a time trial', () => {
    const m = rides.timeTrial();
    expect(review(input(m)).performance_summary).toMatch(
      new RegExp(`^A 50 min time-trial effort right at threshold: ${round(m.normalizedPowerW)} W normalized \\(IF 0\\.98\\)`),
    );
  });

  it('a recovery spin on deep fatigue: the easy call is praised and the score is high', () => {
    const m = rides.recovery();
    const fb = review(input(m, { formBefore: form(50, 75), formAfter: form(50, 70) }));
    expect(fb.performance_summary).toContain('recovery spin');
    expect(fb.performance_summary).toContain('deeply fatigued (TSB -25), so keeping it easy was the right call');
    expect(fb.strengths.join(' ')).toContain('Right call');
    expect(fb.performance_score).toBeGreaterThanOrEqual(7);
  });

  it('a heart-rate-only ride: average HR, HRSS and the HR-zone picture, no power words', () => {
    const m = rides.hrOnly();
    const fb = review(input(m));
    expect(fb.performance_summary).toContain(`${round(m.avgHrBpm)} bpm on average`);
    expect(fb.performance_summary).toContain(`${round(m.hrss)} HRSS`);
    expect(fb.performance_summary).toMatch(/effort/);
    expect(fb.performance_summary).not.toMatch(/normalized|VI /);
    expect(fb.training_suggestions.join(' ')).toContain('/profile lthr');
  });

  it('a run: short and honest, its load counted, no power coaching', () => {
    const m = rides.run();
    const fb = review(input(m, { formBefore: form(50, 52), formAfter: form(50, 55) }));
    expect(fb.performance_summary).toContain(`${round(m.hrss)} HRSS`);
    expect(fb.performance_summary).toContain('run');
    expect(fb.performance_summary).not.toMatch(/normalized|FTP|VI /);
    expect(fb.strengths).toEqual([]);
    expect(fb.areas_for_improvement).toEqual([]);
    expect(fb.training_suggestions).toEqual([]);
  });

  it('names a new 20-min best with old and new watts; not one it did not beat, nor anything under 5 s', () => {
    const m = rides.endurance();
    const best20 = m.powerCurve!.find((p) => p.durationS === 1200)!.powerW;
    const best1 = m.powerCurve!.find((p) => p.durationS === 1)!.powerW;
    const beaten = review(input(m, { previousBestsW: [{ durationS: 1200, powerW: 150 }, { durationS: 1, powerW: best1 - 50 }] }));
    expect(beaten.strengths[0]).toBe(`New 20-min best: ${Math.round(best20)} W (was 150 W).`);
    expect(beaten.performance_summary).toContain(`new 20-min best: ${Math.round(best20)} W`);
    expect(allText(beaten)).not.toContain('1-s');

    const held = review(input(m, { previousBestsW: [{ durationS: 1200, powerW: best20 + 20 }] }));
    expect(allText(held)).not.toContain('best:');
  });

  it('eFTP above the profile FTP: named with the watts and how to update', () => {
    const m = metricsOf(fixture('fitparse__Edge810-Vector-2013-08-16-15-35-10.fit'), FTP);
    const eftp = Math.round(m.eftpW!);
    expect(eftp).toBeGreaterThan(FTP * 1.03);
    const fb = review(input(m));
    expect(fb.strengths.join(' ')).toContain(`eFTP at ${eftp} W, above the ${FTP} W FTP`);
    expect(fb.training_suggestions[0]).toContain(`/profile ftp ${eftp}`);

    const atFtp = review(input(metricsOf(fixture('fitparse__Edge810-Vector-2013-08-16-15-35-10.fit'), 300)));
    expect(allText(atFtp)).not.toContain('eFTP');
  });

  it('a hard ride into deep fatigue: named, scored lower, and the next day is rest or a recovery spin', () => {
    const m = rides.intervals();
    const tired = review(input(m, { formBefore: form(50, 75), formAfter: form(50, 80) }));
    const fresh = review(input(m, { formBefore: form(50, 35), formAfter: form(50, 40) }));
    expect(tired.performance_summary).toContain('deeply fatigued (TSB -25)');
    expect(tired.areas_for_improvement.join(' ')).toContain('deep fatigue (TSB -25)');
    expect(tired.next_workout_recommendations[0]).toMatch(/^Tomorrow: rest, or a 30-45 min recovery spin under 55 % FTP \(under 138 W\)/);
    expect(tired.performance_score).toBeLessThan(fresh.performance_score);
  });

  it('fresh the next morning: a quality session in watts from the rider\'s FTP now', () => {
    const m = rides.endurance();
    const fb = review(input(m, { profile: profileAt(300), formBefore: form(60, 40), formAfter: form(60, 45) }));
    // VO2max 106-115 % of 300 W.
    expect(fb.next_workout_recommendations[0]).toBe(
      'Tomorrow: VO2max, 5 × 4 min at 106-115 % FTP (318-345 W), 4 min easy between. You are fresh (TSB +15): use it.',
    );
  });

  it('after a hard day on balanced form: endurance first, the quality session the day after', () => {
    const fb = review(input(rides.threshold(), { formAfter: form(50, 52) }));
    expect(fb.next_workout_recommendations[0]).toMatch(/^Tomorrow: 60-90 min endurance at 56-75 % FTP \(140-188 W\)/);
    expect(fb.next_workout_recommendations[1]).toContain('2 × 20 min at 88-92 % FTP (220-230 W)');
  });

  it('pacing: surges on an endurance ride are named with the VI', () => {
    // 30 s at 240 W, 30 s coasting: never above threshold, but VI far above 1.15.
    const m = metricsOf(synthetic(Array.from({ length: 90 }, (_, i): [number, number] => [30, i % 2 ? 0 : 240]), { noiseW: 0 }));
    expect(classifyRide(m, FTP)).toBe('endurance');
    const fb = review(input(m));
    expect(fb.areas_for_improvement[0]).toContain(`Surgy for an endurance ride: VI ${m.variabilityIndex!.toFixed(2)}`);
  });

  it('aerobic drift on a long steady ride is named with its Pw:HR; on a 45-min ride it is not judged', () => {
    const drifting = metricsOf(synthetic([[7200, 160]], { driftBpmPerHour: 12 }));
    expect(drifting.decouplingPct!).toBeGreaterThan(5);
    const fb = review(input(drifting));
    const pct = (Math.round(drifting.decouplingPct! * 10) / 10).toFixed(1).replace(/\.0$/, '');
    expect(fb.areas_for_improvement.join(' ')).toContain(`Pw:HR ${pct} %`);

    const short = metricsOf(synthetic([[2700, 160]], { driftBpmPerHour: 30 }));
    expect(short.decouplingPct!).toBeGreaterThan(5);
    expect(allText(review(input(short)))).not.toContain('Pw:HR');
  });

  it('low cadence, a steep ramp and a jump in weekly load are each named with their numbers', () => {
    const m = metricsOf(synthetic([[5400, 160]], { cadenceRpm: 68 }));
    const fb = review(input(m, { formAfter: form(60, 70), ctlWeekBefore: 50, load7d: 600, avgLoad7dBefore: 350 }));
    const work = fb.areas_for_improvement.join(' ');
    expect(work).toContain('Cadence averaged 68 rpm');
    expect(work).toContain('CTL +10 in 7 days');
    expect(work).toContain('600 over 7 days, is 1.7× your usual 350');
    expect(fb.training_suggestions.join(' ')).toContain('near 420 TSS');
  });

  it('a safe build is a strength', () => {
    const fb = review(input(rides.endurance(), { formAfter: form(54, 60), ctlWeekBefore: 50 }));
    expect(fb.strengths.join(' ')).toContain('CTL +4 in 7 days');
  });

  it('says less, never "null", whatever is missing; the score is an integer 1-10 and repeatable', () => {
    const untimed = computeRideMetrics(
      { sport: 'cycling', samples: Array.from({ length: 1800 }, () => ({ powerW: 180 })) },
      profileAt(FTP),
    );
    const forms = [
      {},
      { formBefore: form(40, 70), formAfter: form(40, 75), ctlWeekBefore: 30, load7d: 900, avgLoad7dBefore: 300 },
      { formBefore: form(60, 30), formAfter: form(60, 32), ctlWeekBefore: 61, avgLoad7dBefore: 0 },
    ];
    for (const m of [...Object.values(rides).map((r) => r()), untimed]) {
      for (const over of forms) {
        const fb = review(input(m, over));
        expect(Number.isInteger(fb.performance_score)).toBe(true);
        expect(reviewRide(input(m, over))).toEqual(fb);
      }
    }
  });
});
