import { describe, expect, it } from 'vitest';
import {
  adaptPlan,
  applyOperations,
  modelOperationSchema,
  operationWords,
  planOperationSchema,
  readModelOperation,
  scaledDuration,
  type ModelOperation,
  type OperationWorkout,
  type PlanOperation,
} from '../../../src/domain/plan/operations.ts';
import { completePlan, planInput, planInputSchema, withNumbers, workoutOn, type Plan, type WorkoutInput } from '../../../src/domain/plan/plan.ts';
import type { Rule } from '../../../src/domain/plan/rules.ts';
import { hard, plan, ride, step } from '../../support/plans.ts';

// December 2024: Mon 2, Mon 9, Mon 16; the default plan runs Mon 2 to Sun 15 Dec.
const FROM = '2024-12-04'; // a Wednesday: Mon 2 and Tue 3 are history

/** Warm-up, 2 × 20' at 88-94 %, cool-down: 75 min, IF 0.803, TSS 80.6. */
const sweetSpot: OperationWorkout = {
  type: 'sweet_spot',
  description: '2x20 at sweet spot',
  steps: [step(15, 60), step(20, 88), step(5, 55), step(20, 88), step(15, 55)].map((s, i) => (i === 1 || i === 3 ? { ...s, targetPctFtp: [88, 94] } : s)),
};
const endurance = (minutes: number): OperationWorkout => ({ type: 'endurance', description: 'steady', steps: [step(minutes, 65)] });

const without = ({ date: _date, ...w }: WorkoutInput): OperationWorkout => w;

/** Applies, checking what holds for every application: the input untouched, a valid plan out. */
function apply(p: Plan, ops: PlanOperation[], from = FROM) {
  const before = structuredClone(p);
  const result = applyOperations(p, ops, { from });
  expect(p).toEqual(before);
  const { basis: _basis, ...checked } = result.plan;
  expect(completePlan(planInputSchema.parse(planInput(result.plan)))).toEqual(checked);
  expect(result.applied.length + result.dropped.length).toBe(ops.length);
  return result;
}

/** date → minutes of each workout. */
const days = (p: Plan) => Object.fromEntries(p.weeks.flatMap((w) => w.workouts).map((w) => [w.date, w.durationMinutes]));
const whys = (r: { dropped: { why: string }[] }) => r.dropped.map((d) => d.why);

describe('applyOperations: each operation', () => {
  it('replace: the new workout with our numbers, never the author\'s', () => {
    const r = apply(plan([ride('2024-12-05', 60)]), [{ op: 'replace', date: '2024-12-05', workout: sweetSpot, reason: 'more quality' }]);
    expect(whys(r)).toEqual([]);
    const w = workoutOn(r.plan, '2024-12-05')!;
    expect(w).toEqual(withNumbers({ ...sweetSpot, date: '2024-12-05' }));
    expect([w.type, w.durationMinutes, w.plannedIf, w.plannedTss]).toEqual(['sweet_spot', 75, 0.803, 80.6]);
  });

  it('insert: on a free day, in date order within its week', () => {
    const r = apply(plan([ride('2024-12-04', 60), ride('2024-12-08', 120)]), [{ op: 'insert', date: '2024-12-06', workout: endurance(45), reason: '' }]);
    expect(r.plan.weeks[0]!.workouts.map((w) => w.date)).toEqual(['2024-12-04', '2024-12-06', '2024-12-08']);
    expect(workoutOn(r.plan, '2024-12-06')).toMatchObject({ type: 'endurance', durationMinutes: 45, plannedIf: 0.65, plannedTss: 31.7 });
  });

  it('remove: the day becomes a rest day', () => {
    const r = apply(plan([ride('2024-12-05', 60), ride('2024-12-07', 90)]), [{ op: 'remove', date: '2024-12-05', reason: 'tired' }]);
    expect(days(r.plan)).toEqual({ '2024-12-07': 90 });
  });

  it('move: within a week, the workout unchanged', () => {
    const r = apply(plan([hard('2024-12-05'), ride('2024-12-07', 90)]), [{ op: 'move', date: '2024-12-05', toDate: '2024-12-06', reason: '' }]);
    expect(days(r.plan)).toEqual({ '2024-12-06': 60, '2024-12-07': 90 });
    expect(workoutOn(r.plan, '2024-12-06')).toEqual(withNumbers(hard('2024-12-06')));
  });

  it('move: across weeks, into the new week\'s list in date order', () => {
    const r = apply(plan([ride('2024-12-06', 90), ride('2024-12-11', 60), ride('2024-12-13', 45)]), [
      { op: 'move', date: '2024-12-06', toDate: '2024-12-12', reason: '' },
    ]);
    expect(r.plan.weeks[0]!.workouts).toEqual([]);
    expect(r.plan.weeks[1]!.workouts.map((w) => [w.date, w.durationMinutes])).toEqual([['2024-12-11', 60], ['2024-12-12', 90], ['2024-12-13', 45]]);
  });

  it('scale_week: every step from `from` on, to the nearest whole minute; history and other weeks untouched', () => {
    const mixed: WorkoutInput = {
      date: '2024-12-05',
      type: 'vo2max',
      description: 'mixed',
      // 10' → 8', a 30-s sprint stays, 25' → 20', 7' → 5.6' → 6', 90 s → 72 s → 1'
      steps: [step(10, 55), { durationS: 30, targetPctFtp: 150 }, step(25, 65), step(7, 50), { durationS: 90, targetPctFtp: 120 }],
    };
    const r = apply(plan([ride('2024-12-03', 60), mixed, ride('2024-12-07', 100), ride('2024-12-10', 60)]), [
      { op: 'scale_week', weekStart: '2024-12-02', factor: 0.8, reason: 'recovery week' },
    ]);
    expect(whys(r)).toEqual([]);
    expect(workoutOn(r.plan, '2024-12-05')!.steps.map((s) => s.durationS)).toEqual([480, 30, 1200, 360, 60]);
    expect(workoutOn(r.plan, '2024-12-05')!.durationMinutes).toBe(35.5);
    expect(days(r.plan)).toEqual({ '2024-12-03': 60, '2024-12-05': 35.5, '2024-12-07': 80, '2024-12-10': 60 });
    // our numbers follow the new steps
    expect(workoutOn(r.plan, '2024-12-07')).toEqual(withNumbers({ ...ride('2024-12-07', 100), steps: [step(80, 65)] }));
  });

  it('scale_week: a longer week too, rounded to whole minutes', () => {
    const r = apply(plan([ride('2024-12-05', 45), ride('2024-12-07', 100)]), [{ op: 'scale_week', weekStart: '2024-12-02', factor: 1.25, reason: '' }]);
    expect(days(r.plan)).toEqual({ '2024-12-05': 56, '2024-12-07': 125 }); // 56.25 → 56
  });

  it('scaledDuration: whole minutes, never under a minute, sub-minute efforts left alone', () => {
    expect(scaledDuration(420, 0.8)).toBe(360);
    expect(scaledDuration(60, 0.5)).toBe(60);
    expect(scaledDuration(90, 0.6)).toBe(60);
    expect(scaledDuration(30, 1.3)).toBe(30);
    expect(scaledDuration(45, 0.5)).toBe(45);
  });

  it('applies operations in sequence: a move frees a day the next insert takes', () => {
    const r = apply(plan([hard('2024-12-05'), ride('2024-12-08', 120)]), [
      { op: 'move', date: '2024-12-05', toDate: '2024-12-06', reason: '' },
      { op: 'insert', date: '2024-12-05', workout: endurance(60), reason: '' },
    ]);
    expect(whys(r)).toEqual([]);
    expect(r.applied.map((o) => o.op)).toEqual(['move', 'insert']);
    expect(workoutOn(r.plan, '2024-12-05')).toMatchObject({ type: 'endurance', durationMinutes: 60 });
    expect(workoutOn(r.plan, '2024-12-06')).toMatchObject({ type: 'threshold', durationMinutes: 60 });
  });

  it('keeps the plan\'s basis, and leaves the input as it was', () => {
    const basis = { ftpW: 250, riderKg: 70, ctl: 40, predictedFinishS: 7200 };
    const p: Plan = { ...plan([ride('2024-12-05', 60), ride('2024-12-07', 90)]), basis };
    const r = apply(p, [
      { op: 'replace', date: '2024-12-05', workout: sweetSpot, reason: '' },
      { op: 'insert', date: '2024-12-10', workout: endurance(30), reason: '' },
      { op: 'move', date: '2024-12-07', toDate: '2024-12-08', reason: '' },
      { op: 'scale_week', weekStart: '2024-12-02', factor: 0.9, reason: '' },
      { op: 'remove', date: '2024-12-10', reason: '' },
    ]);
    expect(r.applied).toHaveLength(5);
    expect(r.plan.basis).toEqual(basis);
    expect(days(p)).toEqual({ '2024-12-05': 60, '2024-12-07': 90 });
    expect(days(r.plan)).toEqual({ '2024-12-05': 69, '2024-12-08': 81 }); // 15, 20, 5, 20, 15 → 14, 18, 5, 18, 14
  });

  it('no operations: the plan as it was', () => {
    const p = plan([ride('2024-12-05', 60)]);
    expect(apply(p, [])).toEqual({ plan: p, applied: [], dropped: [] });
  });
});

describe('applyOperations: what is dropped, and why', () => {
  const p = plan([ride('2024-12-03', 60), ride('2024-12-05', 60), ride('2024-12-07', 120), ride('2024-12-11', 60)]);

  it('says why in one sentence per dropped operation, and applies the rest', () => {
    const ops: PlanOperation[] = [
      { op: 'replace', date: '2024-12-06', workout: sweetSpot, reason: '' },
      { op: 'insert', date: '2024-12-07', workout: endurance(60), reason: '' },
      { op: 'remove', date: '2024-12-06', reason: '' },
      { op: 'move', date: '2024-12-06', toDate: '2024-12-08', reason: '' },
      { op: 'move', date: '2024-12-05', toDate: '2024-12-07', reason: '' },
      { op: 'move', date: '2024-12-05', toDate: '2024-12-05', reason: '' },
      { op: 'insert', date: '2024-12-08', workout: endurance(30), reason: 'kept' },
    ];
    const r = apply(p, ops);
    expect(whys(r)).toEqual([
      'There is no workout on Fri 6 Dec to replace.',
      'Sat 7 Dec already has a workout.',
      'There is no workout on Fri 6 Dec to remove.',
      'There is no workout on Fri 6 Dec to move.',
      'Sat 7 Dec already has a workout.',
      "Moving Thu 5 Dec's workout to the same day changes nothing.",
    ]);
    expect(r.dropped.map((d) => d.op)).toEqual(ops.slice(0, 6));
    expect(r.applied).toEqual([ops[6]]);
    expect(days(r.plan)).toEqual({ ...days(p), '2024-12-08': 30 });
  });

  it('touches no day in the past, outside the plan, or that is not a date', () => {
    const r = apply(p, [
      { op: 'remove', date: '2024-12-03', reason: '' },
      { op: 'move', date: '2024-12-05', toDate: '2024-12-02', reason: '' },
      { op: 'insert', date: '2024-12-16', workout: endurance(60), reason: '' },
      { op: 'move', date: '2024-12-05', toDate: '2025-01-06', reason: '' },
      { op: 'insert', date: '2024-02-30', workout: endurance(60), reason: '' },
      { op: 'replace', date: 'Thursday', workout: endurance(60), reason: '' },
    ]);
    expect(whys(r)).toEqual([
      'Tue 3 Dec is in the past.',
      'Mon 2 Dec is in the past.',
      'Mon 16 Dec is outside the plan (2 Dec to 15 Dec).',
      'Mon 6 Jan 2025 is outside the plan (2 Dec to 15 Dec).',
      '"2024-02-30" is not a date.',
      '"Thursday" is not a date.',
    ]);
    expect(r.plan).toEqual(p);
  });

  it('a day before the plan starts is outside it even when it is not history', () => {
    const late = plan([ride('2024-12-06', 60)], '2024-12-05', '2024-12-15');
    expect(whys(apply(late, [{ op: 'insert', date: '2024-12-04', workout: endurance(60), reason: '' }]))).toEqual([
      'Wed 4 Dec is outside the plan (5 Dec to 15 Dec).',
    ]);
  });

  it('refuses a workout the schema refuses, saying what is wrong', () => {
    const extra = { ...endurance(60), plannedTss: 5 } as OperationWorkout;
    const r = apply(p, [
      { op: 'replace', date: '2024-12-05', workout: { ...sweetSpot, steps: [] }, reason: '' },
      { op: 'insert', date: '2024-12-06', workout: { ...sweetSpot, steps: [{ durationS: 5, targetPctFtp: 100 }] }, reason: '' },
      { op: 'insert', date: '2024-12-06', workout: { ...sweetSpot, description: '  ' }, reason: '' },
      { op: 'insert', date: '2024-12-06', workout: extra, reason: '' },
    ]);
    expect(whys(r)).toEqual([
      'The new workout for Thu 5 Dec is not valid (steps: at least 1 item).',
      'The new workout for Fri 6 Dec is not valid (steps[0].durationS: at least 10).',
      'The new workout for Fri 6 Dec is not valid (description: at least 1 character).',
      'The new workout for Fri 6 Dec is not valid (unknown field plannedTss).',
    ]);
    expect(r.plan).toEqual(p);
  });

  it('scale_week: a Monday of the plan, a factor from 0.5 to 1.3, something to change', () => {
    const r = apply(p, [
      { op: 'scale_week', weekStart: '2024-12-04', factor: 0.8, reason: '' },
      { op: 'scale_week', weekStart: '2024-12-16', factor: 0.8, reason: '' },
      { op: 'scale_week', weekStart: '2024-12-02', factor: 1.5, reason: '' },
      { op: 'scale_week', weekStart: '2024-12-02', factor: 0.4, reason: '' },
      { op: 'scale_week', weekStart: '2024-12-02', factor: Number.NaN, reason: '' },
      { op: 'scale_week', weekStart: '2024-12-02', factor: 1, reason: '' },
      { op: 'scale_week', weekStart: '2024-13-02', factor: 0.8, reason: '' },
    ]);
    expect(whys(r)).toEqual([
      'Wed 4 Dec is not a Monday: a week starts on a Monday.',
      'There is no week of 16 Dec in the plan.',
      'A week can be scaled to between 50 % and 130 %, not 150 %.',
      'A week can be scaled to between 50 % and 130 %, not 40 %.',
      'A week can be scaled to between 50 % and 130 %.',
      'Scaling the week of 2 Dec to 100 % changes no workout.',
      '"2024-13-02" is not a date.',
    ]);
  });

  it('scale_week: nothing left to scale in a week that is all history', () => {
    const r = apply(p, [{ op: 'scale_week', weekStart: '2024-12-02', factor: 0.8, reason: '' }], '2024-12-08');
    expect(whys(r)).toEqual(['The week of 2 Dec has no workouts left to scale.']);
  });

  it('drops an operation that leaves a plan the schema refuses, with its first problem, and keeps the others', () => {
    const r = apply(plan([ride('2024-12-05', 480)]), [
      { op: 'scale_week', weekStart: '2024-12-02', factor: 1.1, reason: '' },
      { op: 'insert', date: '2024-12-06', workout: endurance(30), reason: '' },
    ]);
    expect(whys(r)).toEqual(['The plan would not hold together (weeks[0].workouts[0].steps[0].durationS: at most 28800).']);
    expect(days(r.plan)).toEqual({ '2024-12-05': 480, '2024-12-06': 30 });
  });
});

describe('adaptPlan', () => {
  const rules = (...list: Rule[]) => ({ rules: list, notes: [] });
  const maxHard2 = rules({ kind: 'max_hard_days_per_week', count: 2 });

  it('keeps clean operations as they are: nothing to repair, nothing broken', () => {
    const p = plan([ride('2024-12-05', 60)]);
    const ops: PlanOperation[] = [
      { op: 'insert', date: '2024-12-07', workout: endurance(120), reason: '' },
      { op: 'remove', date: '2024-12-06', reason: '' },
    ];
    const r = adaptPlan(p, ops, rules({ kind: 'rest_day', day: 'monday' }), { from: FROM, eventDate: null });
    expect(r.applied).toEqual([ops[0]]);
    expect(whys(r)).toEqual(['There is no workout on Fri 6 Dec to remove.']);
    expect(r.repairs).toEqual([]);
    expect(r.violations).toEqual([]);
    expect(days(r.plan)).toEqual({ '2024-12-05': 60, '2024-12-07': 120 });
  });

  it('returns the repaired plan: a workout inserted on a rest day is moved, and the move said', () => {
    const p = plan([ride('2024-12-05', 60)]);
    const ops: PlanOperation[] = [{ op: 'insert', date: '2024-12-09', workout: endurance(60), reason: '' }];
    const r = adaptPlan(p, ops, rules({ kind: 'rest_day', day: 'monday' }), { from: FROM, eventDate: null });
    expect(r.applied).toEqual(ops);
    expect(r.dropped).toEqual([]);
    expect(r.repairs).toEqual(['Moved endurance 60 min from Mon 9 Dec (rest day) to Tue 10 Dec.']);
    expect(r.violations).toEqual([]);
    expect(days(r.plan)).toEqual({ '2024-12-05': 60, '2024-12-10': 60 });
  });

  it('drops an operation that would break a rule repair cannot fix, and keeps the others', () => {
    const p = plan([hard('2024-12-05'), hard('2024-12-07')]);
    const ops: PlanOperation[] = [
      { op: 'insert', date: '2024-12-06', workout: endurance(60), reason: '' },
      { op: 'insert', date: '2024-12-04', workout: without(hard('2024-12-04')), reason: '' },
      { op: 'insert', date: '2024-12-08', workout: endurance(120), reason: '' },
    ];
    const r = adaptPlan(p, ops, maxHard2, { from: FROM, eventDate: null });
    expect(r.applied).toEqual([ops[0], ops[2]]);
    expect(r.dropped).toEqual([
      { op: ops[1], why: 'It would break your rules: The week of Mon 2 Dec has 3 hard days (Wed 4 Dec, Thu 5 Dec, Sat 7 Dec), over your limit of 2.' },
    ]);
    expect(r.violations).toEqual([]);
    expect(days(r.plan)).toEqual({ '2024-12-05': 60, '2024-12-06': 60, '2024-12-07': 60, '2024-12-08': 120 });
  });

  it('goes in order: an operation that needs a dropped one is dropped too, with its own reason', () => {
    // Moving Tue 3's hard day into the next week makes three there; the insert on Tue 3 then finds it taken.
    const p = plan([hard('2024-12-03'), hard('2024-12-12'), hard('2024-12-14')]);
    const ops: PlanOperation[] = [
      { op: 'move', date: '2024-12-03', toDate: '2024-12-10', reason: '' },
      { op: 'insert', date: '2024-12-03', workout: endurance(60), reason: '' },
      { op: 'insert', date: '2024-12-08', workout: endurance(90), reason: '' },
    ];
    const r = adaptPlan(p, ops, maxHard2, { from: '2024-12-02', eventDate: null });
    expect(whys(r)).toEqual([
      'It would break your rules: The week of Mon 9 Dec has 3 hard days (Tue 10 Dec, Thu 12 Dec, Sat 14 Dec), over your limit of 2.',
      'Tue 3 Dec already has a workout.',
    ]);
    expect(r.applied).toEqual([ops[2]]);
    expect(days(r.plan)).toEqual({ '2024-12-03': 60, '2024-12-08': 90, '2024-12-12': 60, '2024-12-14': 60 });
  });

  it('a base plan that already breaks a rule beyond repair: the same breach is no reason to drop, a worse one is', () => {
    const p = plan([hard('2024-12-03'), hard('2024-12-05'), hard('2024-12-07')]);
    const ops: PlanOperation[] = [
      { op: 'insert', date: '2024-12-11', workout: endurance(60), reason: '' },
      { op: 'insert', date: '2024-12-02', workout: without(hard('2024-12-02')), reason: '' },
    ];
    const r = adaptPlan(p, ops, maxHard2, { from: '2024-12-02', eventDate: null });
    expect(r.applied).toEqual([ops[0]]);
    expect(whys(r)).toEqual([
      'It would break your rules: The week of Mon 2 Dec has 4 hard days (Mon 2 Dec, Tue 3 Dec, Thu 5 Dec, Sat 7 Dec), over your limit of 2.',
    ]);
    expect(r.violations).toEqual([
      { kind: 'max_hard_days_per_week', date: '2024-12-02', message: 'The week of Mon 2 Dec has 3 hard days (Tue 3 Dec, Thu 5 Dec, Sat 7 Dec), over your limit of 2.' },
    ]);
    expect(days(r.plan)).toEqual({ '2024-12-03': 60, '2024-12-05': 60, '2024-12-07': 60, '2024-12-11': 60 });
  });

  it('no operations: the base plan repaired, its basis kept', () => {
    const basis = { ftpW: 250, riderKg: 70, ctl: 40, predictedFinishS: null };
    const p: Plan = { ...plan([ride('2024-12-09', 60)]), basis };
    const r = adaptPlan(p, [], rules({ kind: 'rest_day', day: 'monday' }), { from: FROM, eventDate: null });
    expect(r.applied).toEqual([]);
    expect(r.dropped).toEqual([]);
    expect(r.repairs).toEqual(['Moved endurance 60 min from Mon 9 Dec (rest day) to Tue 10 Dec.']);
    expect(days(r.plan)).toEqual({ '2024-12-10': 60 });
    expect(r.plan.basis).toEqual(basis);
    expect(days(p)).toEqual({ '2024-12-09': 60 });
  });
});

describe('operationWords', () => {
  const TODAY = '2024-11-12';

  it('names each operation in a short phrase', () => {
    expect(operationWords({ op: 'replace', date: '2024-11-14', workout: endurance(60), reason: '' }, TODAY)).toBe('replace Thu 14 Nov with endurance 60 min');
    expect(operationWords({ op: 'insert', date: '2024-11-16', workout: sweetSpot, reason: '' }, TODAY)).toBe("insert 2x20' sweet spot 75 min on Sat 16 Nov");
    expect(operationWords({ op: 'remove', date: '2024-11-14', reason: '' }, TODAY)).toBe("remove Thu 14 Nov's workout");
    expect(operationWords({ op: 'move', date: '2024-11-14', toDate: '2024-11-16', reason: '' }, TODAY)).toBe('move Thu 14 Nov to Sat 16 Nov');
    expect(operationWords({ op: 'scale_week', weekStart: '2024-11-11', factor: 0.8, reason: '' }, TODAY)).toBe('scale the week of 11 Nov to 80 %');
  });

  it('says the year of another year, and the type alone for a workout that does not hold together', () => {
    expect(operationWords({ op: 'scale_week', weekStart: '2025-01-06', factor: 1.15, reason: '' }, TODAY)).toBe('scale the week of 6 Jan 2025 to 115 %');
    expect(operationWords({ op: 'insert', date: '2024-11-16', workout: { ...sweetSpot, steps: [] }, reason: '' }, TODAY)).toBe('insert sweet spot on Sat 16 Nov');
    expect(operationWords({ op: 'remove', date: '2024-11-31', reason: '' }, TODAY)).toBe('remove "2024-11-31"\'s workout');
  });
});

describe('the model\'s operations', () => {
  const raw = (fields: Partial<ModelOperation>): ModelOperation => ({ op: 'remove', date: '2024-12-05', to_date: null, factor: null, workout: null, reason: 'Why.', ...fields });

  it('converts steps: whole seconds, a steady target as one number, a range as [low, high]', () => {
    const read = readModelOperation(
      raw({
        op: 'replace',
        workout: {
          type: 'sweet_spot',
          description: 'one block',
          steps: [{ duration_s: 599.6, low_pct_ftp: 60, high_pct_ftp: 60 }, { duration_s: 1200, low_pct_ftp: 88, high_pct_ftp: 94 }],
        },
      }),
    );
    expect(read).toEqual({
      ok: true,
      op: {
        op: 'replace',
        date: '2024-12-05',
        workout: { type: 'sweet_spot', description: 'one block', steps: [{ durationS: 600, targetPctFtp: 60 }, { durationS: 1200, targetPctFtp: [88, 94] }] },
        reason: 'Why.',
      },
    });
  });

  it('converts the other kinds; scale_week from any day of its week to its Monday', () => {
    expect(readModelOperation(raw({ op: 'remove' }))).toEqual({ ok: true, op: { op: 'remove', date: '2024-12-05', reason: 'Why.' } });
    expect(readModelOperation(raw({ op: 'move', to_date: '2024-12-07' }))).toEqual({ ok: true, op: { op: 'move', date: '2024-12-05', toDate: '2024-12-07', reason: 'Why.' } });
    expect(readModelOperation(raw({ op: 'scale_week', date: '2024-12-08', factor: 0.8 }))).toEqual({
      ok: true,
      op: { op: 'scale_week', weekStart: '2024-12-02', factor: 0.8, reason: 'Why.' },
    });
    // fields the kind has no use for are ignored
    expect(readModelOperation(raw({ op: 'remove', to_date: '2024-12-07', factor: 2 }))).toEqual({ ok: true, op: { op: 'remove', date: '2024-12-05', reason: 'Why.' } });
  });

  it('says what is missing', () => {
    expect(readModelOperation(raw({ op: 'move' }))).toEqual({ ok: false, why: 'A move needs the day to move the workout to.' });
    expect(readModelOperation(raw({ op: 'scale_week' }))).toEqual({ ok: false, why: 'Scaling a week needs a factor.' });
    expect(readModelOperation(raw({ op: 'scale_week', date: 'next week', factor: 0.8 }))).toEqual({ ok: false, why: '"next week" is not a date.' });
    expect(readModelOperation(raw({ op: 'insert' }))).toEqual({ ok: false, why: 'An insert needs the workout.' });
    expect(readModelOperation(raw({ op: 'replace' }))).toEqual({ ok: false, why: 'A replace needs the workout.' });
  });

  it('the schema wants every key, strips unknown ones, and our numbers come from the steps', () => {
    const answer = {
      op: 'insert',
      date: '2024-12-06',
      to_date: null,
      factor: null,
      workout: { type: 'endurance', description: 'easy', tss: 500, steps: [{ duration_s: 2700, low_pct_ftp: 65, high_pct_ftp: 65, watts: 160 }] },
      reason: 'Easy day.',
      planned_tss: 500,
    };
    const parsed = modelOperationSchema.parse(answer);
    expect(parsed).toEqual({ ...answer, planned_tss: undefined, workout: { type: 'endurance', description: 'easy', steps: [{ duration_s: 2700, low_pct_ftp: 65, high_pct_ftp: 65 }] } });
    expect(Object.keys(parsed)).not.toContain('planned_tss');
    const read = readModelOperation(parsed);
    if (!read.ok) throw new Error(read.why);
    const r = apply(plan([ride('2024-12-05', 60)]), [read.op]);
    expect(workoutOn(r.plan, '2024-12-06')).toMatchObject({ durationMinutes: 45, plannedIf: 0.65, plannedTss: 31.7 });

    const { to_date: _toDate, ...missing } = answer;
    expect(modelOperationSchema.safeParse(missing).success).toBe(false);
    expect(modelOperationSchema.safeParse({ ...answer, op: 'swap' }).success).toBe(false);
  });
});

describe('planOperationSchema', () => {
  const ops: PlanOperation[] = [
    { op: 'replace', date: '2024-12-05', workout: sweetSpot, reason: 'a' },
    { op: 'insert', date: '2024-12-06', workout: endurance(45), reason: 'b' },
    { op: 'remove', date: '2024-12-07', reason: 'c' },
    { op: 'move', date: '2024-12-08', toDate: '2024-12-10', reason: 'd' },
    { op: 'scale_week', weekStart: '2024-12-09', factor: 0.85, reason: 'e' },
  ];

  it('reads back what was stored as JSON', () => {
    expect(JSON.parse(JSON.stringify(ops)).map((o: unknown) => planOperationSchema.parse(o))).toEqual(ops);
  });

  it('refuses what is not an operation', () => {
    expect(planOperationSchema.safeParse({ op: 'swap', date: '2024-12-05', reason: '' }).success).toBe(false);
    expect(planOperationSchema.safeParse({ op: 'move', date: '2024-12-05', reason: '' }).success).toBe(false);
    expect(planOperationSchema.safeParse({ ...ops[0], workout: { ...sweetSpot, plannedTss: 80 } }).success).toBe(false);
    expect(planOperationSchema.safeParse({ ...ops[1], workout: { ...endurance(45), date: '2024-12-06' } }).success).toBe(false);
    expect(planOperationSchema.safeParse({ ...ops[2], to_date: '2024-12-08' }).success).toBe(false);
  });
});
