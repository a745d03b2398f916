import { describe, expect, it } from 'vitest';
import { checkPlan, type CheckOptions } from '../../../src/domain/plan/checker.ts';
import { completePlan, planInput, planInputSchema, plannedIf, workoutOn, type Plan, type WorkoutInput } from '../../../src/domain/plan/plan.ts';
import { repairPlan } from '../../../src/domain/plan/repair.ts';
import type { Rule } from '../../../src/domain/plan/rules.ts';
import { hard, plan, ride, step } from '../../support/plans.ts';

// December 2024: Mon 2, Mon 9, Mon 16.

/** Repairs, checking what holds for every repair: the input untouched, a valid plan out, `violations` exactly what the checker finds. */
function repair(p: Plan, rules: Rule[], options: CheckOptions = { eventDate: null }) {
  const before = structuredClone(p);
  const result = repairPlan(p, { rules, notes: [] }, options);
  expect(p).toEqual(before);
  const { basis: _basis, ...checked } = result.plan; // the basis is ours, not part of the input schema
  expect(completePlan(planInputSchema.parse(planInput(result.plan)))).toEqual(checked);
  expect(result.violations).toEqual(checkPlan(result.plan, { rules, notes: [] }, options));
  return result;
}

/** date → minutes of each workout. */
const days = (p: Plan) => Object.fromEntries(p.weeks.flatMap((w) => w.workouts).map((w) => [w.date, w.durationMinutes]));

describe('rest days', () => {
  it('keeps what the plan was built on (its basis) through a repair', () => {
    const basis = { ftpW: 250, riderKg: 70, ctl: 40, predictedFinishS: 7200 };
    const r = repair({ ...plan([ride('2024-12-02', 60), ride('2024-12-03', 60)]), basis }, [{ kind: 'rest_day', day: 'monday' }]);
    expect(r.repairs).toHaveLength(1);
    expect(r.plan.basis).toEqual(basis);
  });

  it('moves the workout to the nearest free day of the week', () => {
    const r = repair(plan([hard('2024-12-02'), ride('2024-12-04', 60)]), [{ kind: 'rest_day', day: 'monday' }]);
    expect(r.repairs).toEqual(["Moved threshold 60' 60 min from Mon 2 Dec (rest day) to Tue 3 Dec."]);
    expect(r.violations).toEqual([]);
    expect(workoutOn(r.plan, '2024-12-02')).toBeUndefined();
    expect(workoutOn(r.plan, '2024-12-03')).toMatchObject({ type: 'threshold', durationMinutes: 60 });
  });

  it('takes the later of two days as near', () => {
    const r = repair(plan([ride('2024-12-04', 60)]), [{ kind: 'rest_day', day: 'wednesday' }]);
    expect(r.repairs).toEqual(['Moved endurance 60 min from Wed 4 Dec (rest day) to Thu 5 Dec.']);
  });

  it('skips days that would put hard days back to back', () => {
    const r = repair(plan([hard('2024-12-02'), hard('2024-12-04')]), [{ kind: 'rest_day', day: 'monday' }, { kind: 'no_back_to_back_hard_days' }]);
    expect(r.repairs).toEqual(["Moved threshold 60' 60 min from Mon 2 Dec (rest day) to Fri 6 Dec."]);
    expect(r.violations).toEqual([]);
  });

  it('skips days whose limit the workout is over, and other rest days', () => {
    const rules: Rule[] = [
      { kind: 'rest_day', day: 'monday' },
      { kind: 'rest_day', day: 'wednesday' },
      { kind: 'max_minutes_on_day', day: 'tuesday', minutes: 60 },
    ];
    const r = repair(plan([ride('2024-12-02', 120)]), rules);
    expect(r.repairs).toEqual(['Moved endurance 2 h 00 min from Mon 2 Dec (rest day) to Thu 5 Dec.']);
  });

  it('removes the workout when no day of the week can take it, and says so', () => {
    const full = ['2024-12-03', '2024-12-04', '2024-12-05', '2024-12-06', '2024-12-07', '2024-12-08'].map((d) => ride(d, 45));
    const r = repair(plan([ride('2024-12-02', 60), ...full]), [{ kind: 'rest_day', day: 'monday' }]);
    expect(r.repairs).toEqual(['Removed endurance 60 min from Mon 2 Dec (rest day): no other day that week could take it.']);
    expect(r.violations).toEqual([]);
    expect(r.plan.weeks[0]!.workouts).toHaveLength(6);
  });

  it('moves nothing onto days before the plan starts or before `from`, and leaves history alone', () => {
    const rest: Rule[] = [{ kind: 'rest_day', day: 'thursday' }];
    const rest3 = ['2024-12-04', '2024-12-06', '2024-12-07', '2024-12-08'].map((d) => ride(d, 45));
    // Mon and Tue are free, but before `from`: nowhere to go.
    const r = repair(plan([ride('2024-12-05', 60), ...rest3]), rest, { eventDate: null, from: '2024-12-04' });
    expect(r.repairs).toEqual(['Removed endurance 60 min from Thu 5 Dec (rest day): no other day that week could take it.']);
    // The same when the plan starts on Wednesday.
    expect(repair(plan([ride('2024-12-05', 60), ...rest3], '2024-12-04'), rest).repairs).toEqual(r.repairs);
    // A rest-day workout in history stays.
    const past = repair(plan([ride('2024-12-05', 60)]), rest, { eventDate: null, from: '2024-12-06' });
    expect(past.repairs).toEqual([]);
    expect(days(past.plan)).toEqual({ '2024-12-05': 60 });
  });
});

describe('minutes on a day', () => {
  const wednesday = (minutes: number): Rule[] => [{ kind: 'max_minutes_on_day', day: 'wednesday', minutes }];

  it('shortens a steady ride to the limit', () => {
    const r = repair(plan([ride('2024-12-04', 120)]), wednesday(60));
    expect(r.repairs).toEqual(['Shortened Wed 4 Dec endurance from 120 to 60 min (your limit on Wednesdays).']);
    expect(r.violations).toEqual([]);
    expect(workoutOn(r.plan, '2024-12-04')!.steps).toEqual([step(60, 65)]);
  });

  it('cuts the easy steps first, lowest first, down to 5 min each', () => {
    // Warm-up 15' at 55 %, 2 × 20' at 100 % with 5' at 50 % between, cool-down 10' at 50 %: 70 min.
    const intervals: WorkoutInput = {
      date: '2024-12-04',
      type: 'threshold',
      description: '2x20',
      steps: [step(15, 55), step(20, 100), step(5, 50), step(20, 100), step(10, 50)],
    };
    const r = repair(plan([intervals]), wednesday(60));
    expect(r.repairs).toEqual(['Shortened Wed 4 Dec threshold from 70 to 60 min (your limit on Wednesdays).']);
    const w = workoutOn(r.plan, '2024-12-04')!;
    expect(w.steps).toEqual([step(10, 55), step(20, 100), step(5, 50), step(20, 100), step(5, 50)]);
    expect(w.plannedIf).toBe(plannedIf(w.steps));
    expect(w.plannedIf).toBeGreaterThan(plan([intervals]).weeks[0]!.workouts[0]!.plannedIf); // less easy riding in it
  });

  it('then scales the harder steps in proportion', () => {
    const intervals: WorkoutInput = {
      date: '2024-12-04',
      type: 'threshold',
      description: '2x20',
      steps: [step(15, 55), step(20, 100), step(5, 50), step(20, 100), step(10, 50)],
    };
    const r = repair(plan([intervals]), wednesday(45));
    expect(workoutOn(r.plan, '2024-12-04')!.steps).toEqual([step(5, 55), step(15, 100), step(5, 50), step(15, 100), step(5, 50)]);
    expect(r.violations).toEqual([]);
  });

  it('leaves a workout that cannot fit: easy steps are not cut below 5 min', () => {
    const blocks: WorkoutInput = { date: '2024-12-04', type: 'endurance', description: 'blocks', steps: Array.from({ length: 10 }, () => step(10, 65)) };
    const r = repair(plan([blocks]), wednesday(30));
    expect(r.repairs).toEqual([]);
    expect(r.violations.map((v) => v.kind)).toEqual(['max_minutes_on_day']);
  });

  it('leaves a cut that would break another rule', () => {
    // Saturday is the long-ride day: cutting it to 60 min would make Sunday's ride the longest.
    const rules: Rule[] = [{ kind: 'long_ride_day', day: 'saturday' }, { kind: 'max_minutes_on_day', day: 'saturday', minutes: 60 }];
    const r = repair(plan([ride('2024-12-07', 180), ride('2024-12-08', 120)]), rules);
    expect(r.repairs).toEqual([]);
    expect(r.violations.map((v) => [v.kind, v.date])).toEqual([['max_minutes_on_day', '2024-12-07']]);
  });
});

describe('the long-ride day', () => {
  const saturday: Rule[] = [{ kind: 'long_ride_day', day: 'saturday' }];

  it('swaps the longest ride with what is on the long-ride day', () => {
    const r = repair(plan([ride('2024-12-07', 90), ride('2024-12-08', 180)]), saturday);
    expect(r.repairs).toEqual(['Swapped endurance 3 h 00 min on Sun 8 Dec with endurance 90 min on Sat 7 Dec (your long-ride day).']);
    expect(days(r.plan)).toEqual({ '2024-12-07': 180, '2024-12-08': 90 });
    expect(r.violations).toEqual([]);
  });

  it('moves it when the long-ride day is free', () => {
    const r = repair(plan([ride('2024-12-04', 150), ride('2024-12-08', 60)]), saturday);
    expect(r.repairs).toEqual(['Moved endurance 2 h 30 min from Wed 4 Dec to Sat 7 Dec (your long-ride day).']);
    expect(days(r.plan)).toEqual({ '2024-12-07': 150, '2024-12-08': 60 });
  });

  it('leaves it when the swap would break another rule', () => {
    const rules: Rule[] = [...saturday, { kind: 'max_minutes_on_day', day: 'saturday', minutes: 120 }];
    const r = repair(plan([ride('2024-12-07', 90), ride('2024-12-08', 180)]), rules);
    expect(r.repairs).toEqual([]);
    expect(r.violations.map((v) => [v.kind, v.date])).toEqual([['long_ride_day', '2024-12-07']]);
  });

  it('leaves a longest ride that is history', () => {
    const r = repair(plan([ride('2024-12-06', 180), ride('2024-12-08', 60)]), saturday, { eventDate: null, from: '2024-12-07' });
    expect(r.repairs).toEqual([]);
    expect(r.violations.map((v) => [v.kind, v.date])).toEqual([['long_ride_day', '2024-12-07']]);
  });
});

describe('hard days', () => {
  const noBackToBack: Rule[] = [{ kind: 'no_back_to_back_hard_days' }];

  it('moves the second of two hard days to a free day', () => {
    const r = repair(plan([hard('2024-12-03'), hard('2024-12-04'), ride('2024-12-07', 120)]), noBackToBack);
    expect(r.repairs).toEqual(["Moved threshold 60' 60 min from Wed 4 Dec to Thu 5 Dec (no hard days back to back)."]);
    expect(r.violations).toEqual([]);
  });

  it('across the week boundary, within the second day\'s week', () => {
    const r = repair(plan([hard('2024-12-08'), hard('2024-12-09')]), noBackToBack);
    expect(r.repairs).toEqual(["Moved threshold 60' 60 min from Mon 9 Dec to Tue 10 Dec (no hard days back to back)."]);
  });

  it('moves the first when the second cannot move', () => {
    const busy = ['2024-12-05', '2024-12-06', '2024-12-07', '2024-12-08'].map((d) => ride(d, 45));
    const r = repair(plan([hard('2024-12-03'), hard('2024-12-04'), ...busy]), noBackToBack);
    expect(r.repairs).toEqual(["Moved threshold 60' 60 min from Tue 3 Dec to Mon 2 Dec (no hard days back to back)."]);
    expect(r.violations).toEqual([]);
  });

  it('one move can fix two violations', () => {
    const r = repair(plan([hard('2024-12-03'), hard('2024-12-04'), hard('2024-12-05')]), noBackToBack);
    expect(r.repairs).toEqual(["Moved threshold 60' 60 min from Wed 4 Dec to Sat 7 Dec (no hard days back to back)."]);
    expect(r.violations).toEqual([]);
  });

  it('leaves them when no free day helps, or the other day is history', () => {
    const busy = ['2024-12-02', '2024-12-05', '2024-12-06', '2024-12-07', '2024-12-08'].map((d) => ride(d, 45));
    const full = repair(plan([hard('2024-12-03'), hard('2024-12-04'), ...busy]), noBackToBack);
    expect(full.repairs).toEqual([]);
    expect(full.violations.map((v) => v.date)).toEqual(['2024-12-04']);

    const past = repair(plan([hard('2024-12-03'), hard('2024-12-04'), ...busy.slice(1)]), noBackToBack, { eventDate: null, from: '2024-12-04' });
    expect(past.repairs).toEqual([]); // Mon is free but history; Tue is history
    expect(past.violations.map((v) => v.date)).toEqual(['2024-12-04']);
  });

  it('leaves too many hard days in a week: moving within the week does not change the count', () => {
    const r = repair(plan([hard('2024-12-03'), hard('2024-12-05'), hard('2024-12-07')]), [{ kind: 'max_hard_days_per_week', count: 2 }]);
    expect(r.repairs).toEqual([]);
    expect(r.violations.map((v) => [v.kind, v.date])).toEqual([['max_hard_days_per_week', '2024-12-02']]);
  });
});

describe('weekly hours', () => {
  it('shortens the longest easy ride first, to no less than half', () => {
    const r = repair(plan([hard('2024-12-03'), ride('2024-12-05', 120), ride('2024-12-07', 180)]), [{ kind: 'max_weekly_hours', hours: 5 }]);
    expect(r.repairs).toEqual(['Shortened Sat 7 Dec endurance from 180 to 120 min (your limit of 5 hours a week).']);
    expect(r.violations).toEqual([]);
  });

  it('skips a cut that would break another rule, and shortens hard workouts last', () => {
    // 390 min against 300: Sat down to 90 would no longer be the long ride; Thu goes to half, then Tue takes the rest.
    const rules: Rule[] = [{ kind: 'max_weekly_hours', hours: 5 }, { kind: 'long_ride_day', day: 'saturday' }];
    const r = repair(plan([hard('2024-12-03'), ride('2024-12-05', 150), ride('2024-12-07', 180)]), rules);
    expect(r.repairs).toEqual([
      'Shortened Thu 5 Dec endurance from 150 to 75 min (your limit of 5 hours a week).',
      'Shortened Tue 3 Dec threshold from 60 to 45 min (your limit of 5 hours a week).',
    ]);
    expect(days(r.plan)).toEqual({ '2024-12-03': 45, '2024-12-05': 75, '2024-12-07': 180 });
    expect(r.violations).toEqual([]);
  });

  it('counts history in the week but cuts only what is not history', () => {
    const r = repair(plan([ride('2024-12-03', 180), ride('2024-12-06', 120)]), [{ kind: 'max_weekly_hours', hours: 4 }], { eventDate: null, from: '2024-12-05' });
    expect(r.repairs).toEqual(['Shortened Fri 6 Dec endurance from 120 to 60 min (your limit of 4 hours a week).']);
    expect(days(r.plan)['2024-12-03']).toBe(180);
    expect(r.violations).toEqual([]);
  });

  it('leaves what is still over when halving is not enough', () => {
    const r = repair(plan([hard('2024-12-03'), hard('2024-12-05'), hard('2024-12-07')]), [{ kind: 'max_weekly_hours', hours: 1 }]);
    expect(r.repairs).toHaveLength(3);
    expect(days(r.plan)).toEqual({ '2024-12-03': 30, '2024-12-05': 30, '2024-12-07': 30 });
    expect(r.violations.map((v) => [v.kind, v.date])).toEqual([['max_weekly_hours', '2024-12-02']]);
  });
});

describe('repairPlan', () => {
  it('leaves the taper to the author', () => {
    const p = plan([ride('2024-12-10', 60), hard('2024-12-12')], '2024-12-02', '2024-12-15');
    const r = repair(p, [{ kind: 'taper_before_event', days: 7 }], { eventDate: '2024-12-15' });
    expect(r.repairs).toEqual([]);
    expect(r.violations.map((v) => [v.kind, v.date])).toEqual([['taper_before_event', '2024-12-12']]);
    expect(r.plan).toEqual(p);
  });

  it('a plan that keeps the rules comes back as it was', () => {
    const p = plan([hard('2024-12-03'), ride('2024-12-07', 180), hard('2024-12-10'), ride('2024-12-14', 200)]);
    const rules: Rule[] = [
      { kind: 'rest_day', day: 'monday' },
      { kind: 'long_ride_day', day: 'saturday' },
      { kind: 'no_back_to_back_hard_days' },
      { kind: 'max_weekly_hours', hours: 10 },
    ];
    const r = repair(p, rules);
    expect(r).toEqual({ plan: p, repairs: [], violations: [] });
  });

  it('a rule given twice is repaired once', () => {
    const rules: Rule[] = [
      { kind: 'rest_day', day: 'monday' },
      { kind: 'rest_day', day: 'monday' },
      { kind: 'max_minutes_on_day', day: 'wednesday', minutes: 90 },
      { kind: 'max_minutes_on_day', day: 'wednesday', minutes: 60 },
      { kind: 'max_weekly_hours', hours: 4 },
      { kind: 'max_weekly_hours', hours: 3 },
    ];
    const r = repair(plan([ride('2024-12-02', 30), ride('2024-12-04', 120), ride('2024-12-07', 150)]), rules);
    expect(r.repairs).toEqual([
      'Moved endurance 30 min from Mon 2 Dec (rest day) to Tue 3 Dec.',
      'Shortened Wed 4 Dec endurance from 120 to 60 min (your limit on Wednesdays).',
      'Shortened Sat 7 Dec endurance from 150 to 90 min (your limit of 3 hours a week).',
    ]);
    expect(r.violations).toEqual([]);
  });

  it('repairs in order: a rest-day move first, then the long ride onto its day', () => {
    const rules: Rule[] = [{ kind: 'rest_day', day: 'monday' }, { kind: 'long_ride_day', day: 'saturday' }];
    const r = repair(plan([ride('2024-12-02', 180), ride('2024-12-07', 60), ride('2024-12-03', 45)]), rules);
    expect(r.repairs).toEqual([
      'Moved endurance 3 h 00 min from Mon 2 Dec (rest day) to Wed 4 Dec.',
      'Swapped endurance 3 h 00 min on Wed 4 Dec with endurance 60 min on Sat 7 Dec (your long-ride day).',
    ]);
    expect(days(r.plan)).toEqual({ '2024-12-03': 45, '2024-12-04': 60, '2024-12-07': 180 });
    expect(r.violations).toEqual([]);
  });
});
