import { describe, expect, it } from 'vitest';
import { addDays } from '../../../src/domain/calendar.ts';
import { diffPlans } from '../../../src/domain/plan/diff.ts';
import { completePlan } from '../../../src/domain/plan/plan.ts';
import type { Plan, Target, WorkoutInput, WorkoutType } from '../../../src/domain/plan/plan.ts';

const TODAY = '2024-11-11'; // a Monday

function workout(date: string, type: WorkoutType, steps: [minutes: number, target: Target][], description = 'as planned'): WorkoutInput {
  return { date, type, description, steps: steps.map(([m, t]) => ({ durationS: m * 60, targetPctFtp: t })) };
}

function repeats(n: number, on: number, at: Target, off: number): [number, Target][] {
  return Array.from({ length: n }, (_, i) => (i === 0 ? [[on, at]] : [[off, 50], [on, at]]) as [number, Target][]).flat();
}

const sweetSpot = (date: string, at: Target = [88, 94]) => workout(date, 'sweet_spot', [[10, 60], ...repeats(2, 20, at, 5), [20, 50]]); // 75 min
const vo2 = (date: string) => workout(date, 'vo2max', [[15, 60], ...repeats(5, 4, 115, 4), [9, 50]]); // 60 min
const threshold = (date: string) => workout(date, 'threshold', [[10, 60], ...repeats(3, 12, 100, 5), [14, 50]]); // 70 min
const endurance = (date: string, minutes = 60) => workout(date, 'endurance', [[minutes, 65]]);

/** A plan of the weeks from 11 Nov 2024, one focus and list of workouts each, over all their days. */
function plan(...weeks: { focus: string; workouts: WorkoutInput[] }[]): Plan {
  return completePlan({
    overview: 'Build to the gran fondo',
    goal: null,
    startDate: '2024-11-11',
    endDate: addDays('2024-11-11', weeks.length * 7 - 1),
    weeks: weeks.map((w, i) => ({ weekStart: addDays('2024-11-11', i * 7), focus: w.focus, workouts: w.workouts })),
  });
}

const base = plan({ focus: 'Base', workouts: [threshold('2024-11-12'), sweetSpot('2024-11-14'), vo2('2024-11-17')] });

describe('diffPlans', () => {
  it('has nothing to say about the same plan', () => {
    expect(diffPlans(base, base, TODAY)).toEqual([]);
    expect(diffPlans(base, structuredClone(base), TODAY)).toEqual([]);
  });

  it('says a workout changed in place, one added and one removed', () => {
    const after = plan({ focus: 'Base', workouts: [threshold('2024-11-12'), endurance('2024-11-14'), endurance('2024-11-16', 90)] });
    expect(diffPlans(base, after, TODAY)).toEqual([
      "Thu 14 Nov: 2x20' sweet spot 75 min → endurance 60 min",
      'Sat 16 Nov: + endurance 90 min',
      "Sun 17 Nov: − 5x4' VO2max 60 min (now rest)",
    ]);
  });

  it('says a workout moved when the same workout is on another day', () => {
    const after = plan({ focus: 'Base', workouts: [threshold('2024-11-13'), sweetSpot('2024-11-14'), vo2('2024-11-17')] });
    expect(diffPlans(base, after, TODAY)).toEqual(["Tue 12 Nov → Wed 13 Nov: 3x12' threshold 70 min"]);
  });

  it('reads two days swapped as two moves', () => {
    const after = plan({ focus: 'Base', workouts: [sweetSpot('2024-11-12'), threshold('2024-11-14'), vo2('2024-11-17')] });
    expect(diffPlans(base, after, TODAY)).toEqual([
      "Tue 12 Nov → Thu 14 Nov: 3x12' threshold 70 min",
      "Thu 14 Nov → Tue 12 Nov: 2x20' sweet spot 75 min",
    ]);
  });

  it('does not take the same workout in another week for a move: plans repeat workouts week after week', () => {
    const after = plan(
      { focus: 'Base', workouts: [threshold('2024-11-12'), vo2('2024-11-17')] },
      { focus: 'Build', workouts: [sweetSpot('2024-11-19')] },
    );
    expect(diffPlans(base, after, TODAY)).toEqual([
      'Plan dates: Mon 11 Nov – Sun 17 Nov → Mon 11 Nov – Sun 24 Nov (extended by 7 days)',
      "Thu 14 Nov: − 2x20' sweet spot 75 min (now rest)",
      'Week of 18 Nov: new week, focus Build',
      "Tue 19 Nov: + 2x20' sweet spot 75 min",
    ]);
  });

  it('does not call a day rest when a moved workout took it', () => {
    const after = plan({ focus: 'Base', workouts: [threshold('2024-11-14'), vo2('2024-11-17')] });
    expect(diffPlans(base, after, TODAY)).toEqual([
      "Tue 12 Nov → Thu 14 Nov: 3x12' threshold 70 min",
      "Thu 14 Nov: − 2x20' sweet spot 75 min",
    ]);
  });

  it('moves the nearest of two identical workouts', () => {
    const before = plan({ focus: 'Base', workouts: [endurance('2024-11-12'), endurance('2024-11-16')] });
    const after = plan({ focus: 'Base', workouts: [endurance('2024-11-12'), endurance('2024-11-17')] });
    expect(diffPlans(before, after, TODAY)).toEqual(['Sat 16 Nov → Sun 17 Nov: endurance 60 min']);
  });

  it('says what differs when the two read the same', () => {
    const harder = plan({ focus: 'Base', workouts: [threshold('2024-11-12'), sweetSpot('2024-11-14', [90, 96]), vo2('2024-11-17')] });
    expect(diffPlans(base, harder, TODAY)).toEqual(["Thu 14 Nov: 2x20' sweet spot 75 min, IF 0.80 → 0.81"]);
    const reworded = plan({ focus: 'Base', workouts: [threshold('2024-11-12'), { ...sweetSpot('2024-11-14'), description: 'seated, high cadence' }, vo2('2024-11-17')] });
    expect(diffPlans(base, reworded, TODAY)).toEqual(["Thu 14 Nov: 2x20' sweet spot 75 min, description changed"]);
  });

  it('says a week focus changed', () => {
    const after = plan({ focus: 'Recovery week', workouts: base.weeks[0]!.workouts });
    expect(diffPlans(base, after, TODAY)).toEqual(['Week of 11 Nov: focus Base → Recovery week']);
  });

  it('puts a longer plan in one line first, then the changes in date order', () => {
    const after = plan(
      { focus: 'Base', workouts: [threshold('2024-11-12'), endurance('2024-11-14'), vo2('2024-11-17')] },
      { focus: 'Build', workouts: [sweetSpot('2024-11-19'), endurance('2024-11-23', 150)] },
    );
    expect(diffPlans(base, after, TODAY)).toEqual([
      'Plan dates: Mon 11 Nov – Sun 17 Nov → Mon 11 Nov – Sun 24 Nov (extended by 7 days)',
      "Thu 14 Nov: 2x20' sweet spot 75 min → endurance 60 min",
      'Week of 18 Nov: new week, focus Build',
      "Tue 19 Nov: + 2x20' sweet spot 75 min",
      'Sat 23 Nov: + endurance 2 h 30 min',
    ]);
  });

  it('says what a shorter plan leaves out', () => {
    const longer = plan({ focus: 'Base', workouts: base.weeks[0]!.workouts }, { focus: 'Build', workouts: [endurance('2024-11-23')] });
    expect(diffPlans(longer, base, TODAY)).toEqual([
      'Plan dates: Mon 11 Nov – Sun 24 Nov → Mon 11 Nov – Sun 17 Nov (shortened by 7 days)',
      'Week of 18 Nov: week dropped (focus was Build)',
      'Sat 23 Nov: − endurance 60 min (no longer in the plan)',
    ]);
  });

  it('writes the year of dates outside the current one', () => {
    const after = plan({ focus: 'Base', workouts: [threshold('2024-11-12'), sweetSpot('2024-11-14')] });
    expect(diffPlans(base, after, '2025-01-02')).toEqual(["Sun 17 Nov 2024: − 5x4' VO2max 60 min (now rest)"]);
  });
});
