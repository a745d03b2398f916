// Small plans for the checker and repair tests: steady one-step rides in whole weeks.
import { addDays, mondayOf } from '../../src/domain/calendar.ts';
import { completePlan, planInputSchema, type Plan, type Step, type WorkoutInput } from '../../src/domain/plan/plan.ts';

export const step = (minutes: number, targetPctFtp: number): Step => ({ durationS: Math.round(minutes * 60), targetPctFtp });

/** One steady step: endurance below 85 %, threshold from it. */
export const ride = (date: string, minutes: number, pct = 65): WorkoutInput => ({
  date,
  type: pct >= 85 ? 'threshold' : 'endurance',
  description: `${minutes} min at ${pct} %`,
  steps: [step(minutes, pct)],
});

export const hard = (date: string, minutes = 60): WorkoutInput => ride(date, minutes, 100);

/** A checked plan of whole weeks around the workouts. */
export function plan(workouts: WorkoutInput[], startDate = '2024-12-02', endDate = '2024-12-15'): Plan {
  const weeks = [];
  for (let monday = mondayOf(startDate); monday <= endDate; monday = addDays(monday, 7)) {
    weeks.push({ weekStart: monday, focus: 'build', workouts: workouts.filter((w) => mondayOf(w.date) === monday) });
  }
  return completePlan(planInputSchema.parse({ overview: 'test', goal: null, startDate, endDate, weeks }));
}
