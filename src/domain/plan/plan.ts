/**
 * A training plan: weeks (Monday to Sunday) of dated workouts, each made of
 * steps with a duration and a target in % of FTP. Planned IF and TSS are ours,
 * computed from the steps whatever the author (the AI, our generator) wrote:
 *   IF = (Σ dᵢ·tᵢ⁴ / Σ dᵢ)^¼ with tᵢ the step target as a fraction of FTP
 *        (a range counts as its midpoint), weighted by duration;
 *   TSS = hours × IF² × 100 (Coggan, METRICS.md "Load").
 * A rest day has no workout; a day has at most one workout.
 */
import { z } from 'zod';
import { addDays, isDay, mondayOf } from '../calendar.ts';
import { HARD_IF } from './rules.ts';

export const WORKOUT_TYPES = ['recovery', 'endurance', 'tempo', 'sweet_spot', 'threshold', 'vo2max', 'anaerobic', 'race'] as const;
export type WorkoutType = (typeof WORKOUT_TYPES)[number];

const pct = z.number().min(20).max(300);
export const targetSchema = z.union([pct, z.tuple([pct, pct]).refine(([lo, hi]) => lo <= hi, 'a range is [low, high]')]);
export type Target = z.infer<typeof targetSchema>;

export const stepSchema = z.object({ durationS: z.number().int().min(10).max(8 * 3600), targetPctFtp: targetSchema }).strict();
export type Step = z.infer<typeof stepSchema>;

const daySchema = z.string().refine(isDay, 'a YYYY-MM-DD date');

export const workoutSchema = z
  .object({
    date: daySchema,
    type: z.enum(WORKOUT_TYPES),
    description: z.string().trim().min(1).max(400),
    steps: z.array(stepSchema).min(1).max(60),
  })
  .strict();
/** A workout as written by its author: no IF or TSS of its own. */
export type WorkoutInput = z.infer<typeof workoutSchema>;

export const weekSchema = z
  .object({
    weekStart: daySchema.refine((d) => isDay(d) && mondayOf(d) === d, 'weeks start on a Monday'),
    focus: z.string().trim().min(1).max(200),
    workouts: z.array(workoutSchema).max(7),
  })
  .strict();

export const goalRefSchema = z.object({ event: z.string().min(1).max(120), date: daySchema, routeId: z.number().int().positive().nullable() }).strict();
export type GoalRef = z.infer<typeof goalRefSchema>;

export const planInputSchema = z
  .object({
    overview: z.string().trim().min(1).max(1000),
    goal: goalRefSchema.nullable(),
    /** The first day a workout may be on (the plan's first week may begin before it). */
    startDate: daySchema,
    /** The last day a workout may be on, e.g. the event's day. */
    endDate: daySchema,
    weeks: z.array(weekSchema).min(1).max(52),
  })
  .strict()
  .superRefine((plan, ctx) => {
    const first = plan.weeks[0]!.weekStart;
    const last = addDays(plan.weeks[plan.weeks.length - 1]!.weekStart, 6);
    if (!(first <= plan.startDate && plan.startDate <= plan.endDate && plan.endDate <= last)) {
      ctx.addIssue({ code: 'custom', path: ['startDate'], message: `the plan's days (${plan.startDate} to ${plan.endDate}) lie within its weeks (${first} to ${last})` });
    }
    const seen = new Set<string>();
    plan.weeks.forEach((week, w) => {
      if (w > 0 && week.weekStart !== addDays(plan.weeks[w - 1]!.weekStart, 7)) {
        ctx.addIssue({ code: 'custom', path: ['weeks', w, 'weekStart'], message: 'weeks follow each other without gaps' });
      }
      week.workouts.forEach((workout, i) => {
        if (mondayOf(workout.date) !== week.weekStart) {
          ctx.addIssue({ code: 'custom', path: ['weeks', w, 'workouts', i, 'date'], message: `${workout.date} is not in the week of ${week.weekStart}` });
        }
        if (workout.date < plan.startDate || workout.date > plan.endDate) {
          ctx.addIssue({ code: 'custom', path: ['weeks', w, 'workouts', i, 'date'], message: `${workout.date} is outside the plan (${plan.startDate} to ${plan.endDate})` });
        }
        if (seen.has(workout.date)) ctx.addIssue({ code: 'custom', path: ['weeks', w, 'workouts', i, 'date'], message: `two workouts on ${workout.date}` });
        seen.add(workout.date);
      });
    });
  });
export type PlanInput = z.infer<typeof planInputSchema>;

export interface Workout extends WorkoutInput {
  /** Σ step durations / 60. */
  durationMinutes: number;
  /** Three decimals. */
  plannedIf: number;
  /** One decimal. */
  plannedTss: number;
}

export interface Week {
  weekStart: string;
  focus: string;
  workouts: Workout[];
}

/** The numbers a plan was built on, so /plan can say how they moved since. */
export interface PlanBasis {
  ftpW: number | null;
  riderKg: number | null;
  ctl: number;
  /** Predicted time on the goal's route when the plan began. */
  predictedFinishS: number | null;
}

/** A plan with our numbers on every workout, workouts in date order. */
export interface Plan {
  overview: string;
  goal: GoalRef | null;
  startDate: string;
  endDate: string;
  weeks: Week[];
  basis?: PlanBasis;
}

/** The midpoint of a range, as a fraction of FTP. */
export function targetFraction(target: Target): number {
  return (typeof target === 'number' ? target : (target[0] + target[1]) / 2) / 100;
}

/** Planned IF from steps: the duration-weighted fourth-power mean of the targets, three decimals. */
export function plannedIf(steps: readonly Step[]): number {
  const total = steps.reduce((s, x) => s + x.durationS, 0);
  if (total <= 0) return 0;
  const mean4 = steps.reduce((s, x) => s + x.durationS * targetFraction(x.targetPctFtp) ** 4, 0) / total;
  return Math.round(mean4 ** 0.25 * 1000) / 1000;
}

/** Planned TSS: hours × IF² × 100, one decimal, from the rounded IF. */
export function plannedTss(steps: readonly Step[]): number {
  const hours = steps.reduce((s, x) => s + x.durationS, 0) / 3600;
  return Math.round(hours * plannedIf(steps) ** 2 * 1000) / 10;
}

export function withNumbers(w: WorkoutInput): Workout {
  const durationS = w.steps.reduce((s, x) => s + x.durationS, 0);
  return { ...w, durationMinutes: Math.round(durationS / 6) / 10, plannedIf: plannedIf(w.steps), plannedTss: plannedTss(w.steps) };
}

/** A checked input with our numbers computed; what the author wrote as IF/TSS never gets here (the schema is strict). */
export function completePlan(input: PlanInput): Plan {
  return {
    overview: input.overview,
    goal: input.goal,
    startDate: input.startDate,
    endDate: input.endDate,
    weeks: input.weeks.map((week) => ({
      weekStart: week.weekStart,
      focus: week.focus,
      workouts: week.workouts.map(withNumbers).sort((a, b) => a.date.localeCompare(b.date)),
    })),
  };
}

/** Strips our numbers back off, e.g. before re-validating an edited plan. */
export function planInput(plan: Plan): PlanInput {
  return {
    overview: plan.overview,
    goal: plan.goal,
    startDate: plan.startDate,
    endDate: plan.endDate,
    weeks: plan.weeks.map((w) => ({
      weekStart: w.weekStart,
      focus: w.focus,
      workouts: w.workouts.map(({ date, type, description, steps }) => ({ date, type, description, steps })),
    })),
  };
}

export function isHard(w: Pick<Workout, 'plannedIf'>): boolean {
  return w.plannedIf >= HARD_IF;
}

export function allWorkouts(plan: Plan): Workout[] {
  return plan.weeks.flatMap((w) => w.workouts);
}

export function workoutOn(plan: Plan, date: string): Workout | undefined {
  return allWorkouts(plan).find((w) => w.date === date);
}
