import { describe, expect, it } from 'vitest';
import { withNumbers } from '../../../src/domain/plan/plan.ts';
import type { Target, Workout, WorkoutType } from '../../../src/domain/plan/plan.ts';
import { stepWords, workoutLine, workoutName } from '../../../src/domain/plan/workout-words.ts';

/** A workout from [minutes, % FTP] steps. */
function workout(type: WorkoutType, steps: [minutes: number, target: Target][]): Workout {
  return withNumbers({ date: '2024-11-12', type, description: 'as planned', steps: steps.map(([m, t]) => ({ durationS: Math.round(m * 60), targetPctFtp: t })) });
}

/** `n` efforts of `on` minutes at `at`, `off` minutes at 50 % between them. */
function repeats(n: number, on: number, at: Target, off: number): [number, Target][] {
  return Array.from({ length: n }, (_, i) => (i === 0 ? [[on, at]] : [[off, 50], [on, at]]) as [number, Target][]).flat();
}

const sweetSpot = workout('sweet_spot', [[10, 60], ...repeats(2, 20, [88, 94], 5), [20, 50]]);
const vo2 = workout('vo2max', [[15, 60], ...repeats(5, 4, 115, 4), [9, 50]]);
const threshold = workout('threshold', [[10, 60], ...repeats(3, 12, 100, 5), [14, 50]]);

describe('workoutName', () => {
  it('names the work intervals and the type, as a coach writes them', () => {
    expect(workoutName(sweetSpot)).toBe("2x20' sweet spot");
    expect(workoutName(vo2)).toBe("5x4' VO2max");
    expect(workoutName(threshold)).toBe("3x12' threshold");
  });

  it('names a single effort type first', () => {
    expect(workoutName(workout('tempo', [[10, 60], [40, 80], [10, 50]]))).toBe("tempo 40'");
    expect(workoutName(workout('threshold', [[20, 100]]))).toBe("threshold 20'");
  });

  it('names endurance, recovery and races by their type whatever their steps', () => {
    expect(workoutName(workout('endurance', [[60, 65]]))).toBe('endurance');
    expect(workoutName(workout('endurance', [[60, 65], [20, 80], [60, 65]]))).toBe('endurance');
    expect(workoutName(workout('recovery', [[45, 50]]))).toBe('recovery spin');
    expect(workoutName(workout('race', [[15, 60], [90, [85, 105]]]))).toBe('race');
  });

  it('counts as work only what is above the warm-up', () => {
    expect(workoutName(workout('threshold', [[10, 78], ...repeats(3, 12, 100, 5), [10, 50]]))).toBe("3x12' threshold");
    // No warm-up: the first step is an effort too.
    expect(workoutName(workout('vo2max', [...repeats(3, 4, 115, 4), [10, 50]]))).toBe("3x4' VO2max");
  });

  it('takes efforts back to back as one interval: an over-under is one effort', () => {
    const overUnder: [number, Target][] = [[2, 95], [1, 105], [2, 95], [1, 105], [2, 95], [1, 105]];
    expect(workoutName(workout('threshold', [[10, 60], ...overUnder, [5, 50], ...overUnder, [5, 50], ...overUnder, [10, 50]]))).toBe("3x9' threshold");
  });

  it('groups equal lengths in a row, and counts when the groups are too many to read', () => {
    expect(workoutName(workout('vo2max', [[15, 60], ...repeats(3, 5, 110, 5), [5, 50], ...repeats(2, 3, 120, 3), [10, 50]]))).toBe("3x5' + 2x3' VO2max");
    const pyramid = [1, 2, 3, 4, 3, 2, 1].flatMap((m): [number, Target][] => [[m, 115], [m, 50]]);
    expect(workoutName(workout('vo2max', [[15, 60], ...pyramid]))).toBe('7 VO2max intervals');
  });

  it('writes seconds as seconds', () => {
    expect(workoutName(workout('anaerobic', [[15, 60], ...repeats(10, 0.5, 150, 0.5), [10, 50]]))).toBe('10x30" anaerobic');
    expect(workoutName(workout('vo2max', [[15, 60], ...repeats(6, 1.5, 120, 1.5), [10, 50]]))).toBe(`6x1'30" VO2max`);
  });

  it('says the type alone when nothing reaches tempo', () => {
    expect(workoutName(workout('sweet_spot', [[10, 55], [40, 70], [10, 50]]))).toBe('sweet spot');
  });
});

describe('workoutLine', () => {
  it('adds the duration: minutes up to 90, hours and minutes beyond', () => {
    expect(workoutLine(sweetSpot)).toBe("2x20' sweet spot 75 min");
    expect(workoutLine(workout('endurance', [[60, 65]]))).toBe('endurance 60 min');
    expect(workoutLine(workout('endurance', [[90, 65]]))).toBe('endurance 90 min');
    expect(workoutLine(workout('endurance', [[150, 65]]))).toBe('endurance 2 h 30 min');
  });
});

describe('stepWords', () => {
  it('says the length and the target, with watts when FTP is known', () => {
    expect(stepWords({ durationS: 1200, targetPctFtp: [88, 94] }, 250)).toBe('20 min at 88-94 % (220-235 W)');
    expect(stepWords({ durationS: 1200, targetPctFtp: [88, 94] }, null)).toBe('20 min at 88-94 %');
    expect(stepWords({ durationS: 90, targetPctFtp: 120 }, 250)).toBe('1 min 30 s at 120 % (300 W)');
    expect(stepWords({ durationS: 45, targetPctFtp: 150 }, null)).toBe('45 s at 150 %');
    expect(stepWords({ durationS: 3 * 3600, targetPctFtp: 62.5 }, 240)).toBe('3 h 00 min at 62.5 % (150 W)');
  });
});
