import { describe, expect, it } from 'vitest';
import type { Form } from '../../../src/domain/coach/context.ts';
import { builtInChange } from '../../../src/domain/coach/plan-adaptation.ts';
import type { AdaptationInput } from '../../../src/domain/coach/plan-adaptation.ts';
import { compareRideToPlan } from '../../../src/domain/coach/ride-vs-plan.ts';
import type { RideMetrics } from '../../../src/domain/ride.ts';
import { workoutOn } from '../../../src/domain/plan/plan.ts';
import type { Plan, WorkoutInput } from '../../../src/domain/plan/plan.ts';
import { rideMetrics } from '../../support/metrics.ts';
import { hard, plan, ride } from '../../support/plans.ts';

const FTP = 250;

/** A ride's metrics with only what the coach reads set; `zoneS` seconds per Coggan zone, null without power. */
function metrics(load: number | null, opts: { loadSource?: 'tss' | 'hrss'; zoneS?: number[] | null } = {}): RideMetrics {
  return rideMetrics({
    ftpW: FTP,
    load,
    loadSource: load === null ? null : (opts.loadSource ?? 'tss'),
    zoneS: opts.zoneS === undefined ? [0, 3600, 0, 0, 0, 0, 0] : opts.zoneS,
  });
}

const form = (tsb: number): Form => ({ ctl: 60, atl: 60 - tsb, tsb });

// Week of Mon 2 Dec 2024; the ride is on Tuesday, changes from Wednesday.
const TUE = '2024-12-03';
const WED = '2024-12-04';
const THU = '2024-12-05';
const FRI = '2024-12-06';
const SAT = '2024-12-07';
const SUN = '2024-12-08';

/** 2x20' at 88-94 % with warm-up and cool-down: planned TSS 80.4, IF 0.802 (not hard). */
const sweetSpot = (date: string): WorkoutInput => ({
  date,
  type: 'sweet_spot',
  description: '2 x 20 min sweet spot',
  steps: [
    { durationS: 900, targetPctFtp: 60 },
    { durationS: 1200, targetPctFtp: [88, 94] },
    { durationS: 300, targetPctFtp: 50 },
    { durationS: 1200, targetPctFtp: [88, 94] },
    { durationS: 900, targetPctFtp: 55 },
  ],
});

function input(p: Plan, m: RideMetrics, over: Partial<AdaptationInput> = {}): AdaptationInput {
  const rideDay = over.rideDay ?? TUE;
  const planned = 'planned' in over ? over.planned : workoutOn(p, rideDay);
  return {
    plan: p,
    rideDay,
    from: WED,
    metrics: m,
    planned,
    comparison: planned ? compareRideToPlan(m, planned) : null,
    kind: 'endurance',
    formAfter: null,
    ...over,
  };
}

describe('builtInChange: overreached', () => {
  const p = plan([sweetSpot(TUE), hard(WED, 90), hard(FRI)]);

  it('a ride at 1.3 x the planned TSS + 20 turns the next hard day into an hour of easy endurance', () => {
    expect(workoutOn(p, TUE)!.plannedTss).toBe(80.4); // 1.3 x 80.4 + 20 = 124.52
    const change = builtInChange(input(p, metrics(124.6)));
    expect(change).toEqual({
      operations: [
        {
          op: 'replace',
          date: WED,
          workout: {
            type: 'endurance',
            description: "Easy endurance instead of threshold 90' 90 min: absorb Tue 3 Dec's hard ride.",
            steps: [{ durationS: 3600, targetPctFtp: [60, 65] }],
          },
          reason: "Ease off after Tue 3 Dec's ride: TSS 125 against 80 planned.",
        },
      ],
      why: "After Tue 3 Dec's ride (TSS 125 against 80 planned), Wed 4 Dec's threshold 90' 90 min becomes an easy endurance ride to absorb it.",
    });
  });

  it('just under the line, the plan stands', () => {
    expect(builtInChange(input(p, metrics(124.5, { zoneS: [600, 600, 1200, 1200, 0, 0, 0] })))).toBeNull();
  });

  it('says HRSS when the load is heart-rate based', () => {
    const change = builtInChange(input(p, metrics(130, { loadSource: 'hrss', zoneS: null })));
    expect(change?.operations[0]).toMatchObject({ op: 'replace', date: WED, reason: "Ease off after Tue 3 Dec's ride: HRSS 130 against 80 planned." });
  });

  it('looks at two days from `from`: a hard day on the second is eased, keeping a shorter length', () => {
    const q = plan([sweetSpot(TUE), ride(WED, 60), hard(THU, 45)]);
    const change = builtInChange(input(q, metrics(140)));
    expect(change?.operations).toHaveLength(1);
    expect(change?.operations[0]).toMatchObject({
      op: 'replace',
      date: THU,
      workout: { type: 'endurance', steps: [{ durationS: 45 * 60, targetPctFtp: [60, 65] }] },
    });
  });

  it('no hard day on `from` or the day after: the plan stands, even when the ride is huge', () => {
    const q = plan([sweetSpot(TUE), ride(WED, 60), ride(THU, 90, 80), hard(FRI)]);
    expect(builtInChange(input(q, metrics(200)))).toBeNull();
  });

  it('`from` later than the day after the ride moves the window', () => {
    expect(builtInChange(input(p, metrics(200), { from: THU }))?.operations[0]).toMatchObject({ date: FRI });
    expect(builtInChange(input(p, metrics(200), { from: SAT }))).toBeNull();
  });

  it('never eases a race', () => {
    const race: WorkoutInput = { date: WED, type: 'race', description: 'Crit', steps: [{ durationS: 3600, targetPctFtp: 100 }] };
    expect(builtInChange(input(plan([sweetSpot(TUE), race]), metrics(200)))).toBeNull();
    expect(builtInChange(input(plan([sweetSpot(TUE), race, hard(THU)]), metrics(200)))?.operations[0]).toMatchObject({ date: THU });
  });

  describe('an unplanned ride on a rest day', () => {
    const q = plan([hard(WED, 90)]);

    it('a hard kind counts whatever its load', () => {
      const change = builtInChange(input(q, metrics(50), { kind: 'threshold' }));
      expect(change?.operations[0]).toMatchObject({ op: 'replace', date: WED, reason: "Ease off after Tue 3 Dec's ride: a hard ride on a rest day, TSS 50." });
      expect(builtInChange(input(q, metrics(50), { kind: 'intervals' }))).not.toBeNull();
    });

    it('an easy kind counts from a load of 80', () => {
      expect(builtInChange(input(q, metrics(80), { kind: 'long_endurance' }))?.operations[0]).toMatchObject({ date: WED });
      expect(builtInChange(input(q, metrics(79.9), { kind: 'long_endurance' }))).toBeNull();
      expect(builtInChange(input(q, metrics(null), { kind: 'no_data' }))).toBeNull();
    });

    it('a hard kind on a planned easy day is judged by the load rule only', () => {
      const r = plan([ride(TUE, 60), hard(WED, 90)]); // TSS 42.3: the line is 75
      expect(builtInChange(input(r, metrics(74), { kind: 'threshold' }))).toBeNull();
      expect(builtInChange(input(r, metrics(76), { kind: 'threshold' }))).not.toBeNull();
    });
  });

  describe('deep fatigue', () => {
    it('TSB -30 at the end of the day: a recovery spin, 45 min at 50-55 %, whatever the load', () => {
      const change = builtInChange(input(p, metrics(60), { formAfter: form(-30) }));
      expect(change).toEqual({
        operations: [
          {
            op: 'replace',
            date: WED,
            workout: {
              type: 'recovery',
              description: "Recovery spin instead of threshold 90' 90 min: absorb Tue 3 Dec's hard ride.",
              steps: [{ durationS: 45 * 60, targetPctFtp: [50, 55] }],
            },
            reason: "Ease off after Tue 3 Dec's ride: TSB -30 at the end of the day.",
          },
        ],
        why: "After Tue 3 Dec's ride (TSB -30 at the end of the day), Wed 4 Dec's threshold 90' 90 min becomes a recovery spin to absorb it.",
      });
    });

    it('TSB -29 is not enough on its own', () => {
      expect(builtInChange(input(p, metrics(60, { zoneS: [600, 600, 1200, 1200, 0, 0, 0] }), { formAfter: form(-29) }))).toBeNull();
    });

    it('a big ride with deep fatigue still gets recovery, never longer than the original', () => {
      const q = plan([sweetSpot(TUE), hard(WED, 30)]);
      const change = builtInChange(input(q, metrics(200), { formAfter: form(-35) }));
      expect(change?.operations[0]).toMatchObject({ workout: { type: 'recovery', steps: [{ durationS: 30 * 60, targetPctFtp: [50, 55] }] } });
    });

    it('wins over a missed session: a tired rider is not given a hard day back', () => {
      const q = plan([hard(TUE), ride(WED, 60)]);
      expect(builtInChange(input(q, metrics(30)))?.operations[0]).toMatchObject({ op: 'insert' });
      expect(builtInChange(input(q, metrics(30), { formAfter: form(-31) }))).toBeNull();
    });
  });
});

describe('builtInChange: missed key session', () => {
  // Tue hard (the ride day), Fri hard: Wed follows Tue and Thu and Sat touch Fri, so Sunday is the first fit.
  const p = plan([hard(TUE), hard(FRI)]);

  it('load under 0.6 x the planned TSS: the session is repeated on the first free day with easy days either side', () => {
    expect(workoutOn(p, TUE)!.plannedTss).toBe(100);
    const change = builtInChange(input(p, metrics(59.9)));
    expect(change).toEqual({
      operations: [
        {
          op: 'insert',
          date: SUN,
          workout: { type: 'threshold', description: '60 min at 100 %', steps: [{ durationS: 3600, targetPctFtp: 100 }] },
          reason: "Repeat Tue 3 Dec's threshold session, cut short (TSS 60 of 100 planned).",
        },
      ],
      why: "Tue 3 Dec's ride fell short of the planned threshold 60' 60 min (TSS 60 of 100 planned), so it is repeated on Sun 8 Dec, with no hard day either side.",
    });
  });

  it('a load of 0.6 x the planned TSS, with the zones ridden, is not a miss', () => {
    expect(builtInChange(input(p, metrics(60, { zoneS: [0, 0, 0, 3600, 0, 0, 0] })))).toBeNull();
  });

  it('under half the planned time in the zones is a miss, even with the load there', () => {
    const short = metrics(80, { zoneS: [0, 1000, 801, 1799, 0, 0, 0] });
    const change = builtInChange(input(p, short));
    expect(change?.operations[0]).toMatchObject({ op: 'insert', date: SUN, reason: "Repeat Tue 3 Dec's threshold session, cut short (30 of 60 min in Z4)." });
    expect(builtInChange(input(p, metrics(80, { zoneS: [0, 1000, 800, 1800, 0, 0, 0] })))).toBeNull();
  });

  it('without power, only the load is judged', () => {
    expect(builtInChange(input(p, metrics(70, { loadSource: 'hrss', zoneS: null })))).toBeNull();
    expect(builtInChange(input(p, metrics(50, { loadSource: 'hrss', zoneS: null })))?.operations[0]).toMatchObject({ date: SUN });
  });

  it('takes the first fitting day: Thursday when nothing hard is around it', () => {
    const q = plan([hard(TUE), ride(WED, 60), ride(FRI, 60)]);
    expect(builtInChange(input(q, metrics(20)))?.operations[0]).toMatchObject({ op: 'insert', date: THU });
  });

  it('no free day left in the week: the plan stands', () => {
    const full = plan([hard(TUE), ride(WED, 60), ride(THU, 60), ride(FRI, 60), ride(SAT, 60), ride(SUN, 60)]);
    expect(builtInChange(input(full, metrics(20)))).toBeNull();
  });

  it('free days only next to hard ones: the plan stands', () => {
    const q = plan([hard(TUE), hard(THU), hard(SAT)]);
    expect(builtInChange(input(q, metrics(20)))).toBeNull();
  });

  it('never past the end of the week or of the plan', () => {
    const sunday = plan([hard(SUN), ride('2024-12-10', 60)]);
    expect(builtInChange(input(sunday, metrics(20), { rideDay: SUN, from: '2024-12-09' }))).toBeNull();
    const ending = plan([hard(TUE)], '2024-12-02', SAT);
    expect(builtInChange(input(ending, metrics(20)))?.operations[0]).toMatchObject({ date: THU });
    const endsEarly = plan([hard(TUE), hard(THU)], '2024-12-02', THU);
    expect(builtInChange(input(endsEarly, metrics(20)))).toBeNull();
  });

  it('a sweet-spot session is a key one though it plans under IF 0.85: ridden short, it comes back', () => {
    const q = plan([sweetSpot(TUE)]); // IF 0.802
    expect(builtInChange(input(q, metrics(40, { zoneS: [3600, 0, 0, 0, 0, 0, 0] })))?.operations[0]).toMatchObject({ op: 'insert', date: WED, workout: { type: 'sweet_spot' } });
  });

  it('an easy planned workout ridden short is no miss', () => {
    const q = plan([ride(TUE, 120)]);
    expect(builtInChange(input(q, metrics(10, { zoneS: [3600, 0, 0, 0, 0, 0, 0] })))).toBeNull();
  });

  it('a ride as planned changes nothing', () => {
    expect(builtInChange(input(p, metrics(98, { zoneS: [600, 0, 0, 3000, 0, 0, 0] })))).toBeNull();
  });
});
