/**
 * A change to a plan as operations, the way a coach says it: replace a day's
 * workout, insert one on a free day, remove one, move one to another day, or
 * scale a week's volume. The AI proposes them, the built-in coach too; code
 * applies them to a draft, recomputes IF/TSS from the steps, and keeps only
 * what breaks no rule.
 */
import { z } from 'zod';
import { isDay, mondayOf } from '../calendar.ts';
import { dateWords, percent } from '../coach/words.ts';
import type { Violation } from './checker.ts';
import { completePlan, planInput, planInputSchema, WORKOUT_TYPES, withNumbers, workoutOn, workoutSchema } from './plan.ts';
import type { Plan, Step, WorkoutInput } from './plan.ts';
import { repairPlan } from './repair.ts';
import { friendlyMessage, issueText } from './schema-words.ts';
import type { RuleSet } from './rules.ts';
import { typeWords, workoutLine } from './workout-words.ts';

/** A workout as an operation carries it: its day comes from the operation. */
export type OperationWorkout = Omit<WorkoutInput, 'date'>;

export type PlanOperation =
  | { op: 'replace'; date: string; workout: OperationWorkout; reason: string }
  | { op: 'insert'; date: string; workout: OperationWorkout; reason: string }
  | { op: 'remove'; date: string; reason: string }
  | { op: 'move'; date: string; toDate: string; reason: string }
  | { op: 'scale_week'; weekStart: string; factor: number; reason: string };

export interface Applied {
  plan: Plan;
  applied: PlanOperation[];
  dropped: { op: PlanOperation; why: string }[];
}

export interface Adapted extends Applied {
  repairs: string[];
  violations: Violation[];
}

export const OPERATION_KINDS = ['replace', 'insert', 'remove', 'move', 'scale_week'] as const;

/** The bounds of a week's scaling: half its volume to 130 %. */
export const MIN_SCALE_FACTOR = 0.5;
export const MAX_SCALE_FACTOR = 1.3;

const operationWorkoutSchema = workoutSchema.omit({ date: true });

/** What an operation does to days: a workout, or null for a rest day. */
type Changes = Map<string, WorkoutInput | null>;

type Outcome = { ok: true; plan: Plan } | { ok: false; why: string };

/**
 * `ops` applied in order to a copy of `plan`; `plan` itself is never changed.
 * Days before `from` are history: no operation touches them. An operation that
 * does not fit (no workout to replace, a day taken, a date in the past or
 * outside the plan, a workout or plan the schemas refuse) is dropped with one
 * sentence for the rider; the others still apply. The plan is re-checked with
 * `planInputSchema` after each operation and our IF/TSS/duration recomputed
 * from the steps; its basis is kept.
 */
export function applyOperations(plan: Plan, ops: readonly PlanOperation[], options: { from: string }): Applied {
  let current = plan;
  const applied: PlanOperation[] = [];
  const dropped: { op: PlanOperation; why: string }[] = [];
  for (const op of ops) {
    const outcome = applyOne(current, op, options.from);
    if (outcome.ok) {
      current = outcome.plan;
      applied.push(op);
    } else {
      dropped.push({ op, why: outcome.why });
    }
  }
  return { plan: current, applied, dropped };
}

function applyOne(plan: Plan, op: PlanOperation, from: string): Outcome {
  const day = (d: string) => dateWords(d, from);
  switch (op.op) {
    case 'replace':
    case 'insert': {
      const problem = dayProblem(op.date, plan, from);
      if (problem) return { ok: false, why: problem };
      const there = workoutOn(plan, op.date);
      if (op.op === 'replace' && !there) return { ok: false, why: `There is no workout on ${day(op.date)} to replace.` };
      if (op.op === 'insert' && there) return { ok: false, why: `${day(op.date)} already has a workout.` };
      const parsed = workoutSchema.safeParse({ ...op.workout, date: op.date }, { error: friendlyMessage });
      if (!parsed.success) return { ok: false, why: `The new workout for ${day(op.date)} is not valid (${issueText(parsed.error.issues[0]!)}).` };
      return rebuilt(plan, new Map([[op.date, parsed.data]]));
    }
    case 'remove': {
      const problem = dayProblem(op.date, plan, from);
      if (problem) return { ok: false, why: problem };
      if (!workoutOn(plan, op.date)) return { ok: false, why: `There is no workout on ${day(op.date)} to remove.` };
      return rebuilt(plan, new Map([[op.date, null]]));
    }
    case 'move': {
      const problem = dayProblem(op.date, plan, from) ?? dayProblem(op.toDate, plan, from);
      if (problem) return { ok: false, why: problem };
      const w = workoutOn(plan, op.date);
      if (!w) return { ok: false, why: `There is no workout on ${day(op.date)} to move.` };
      if (op.toDate === op.date) return { ok: false, why: `Moving ${day(op.date)}'s workout to the same day changes nothing.` };
      if (workoutOn(plan, op.toDate)) return { ok: false, why: `${day(op.toDate)} already has a workout.` };
      return rebuilt(plan, new Map([[op.date, null], [op.toDate, { date: op.toDate, type: w.type, description: w.description, steps: w.steps }]]));
    }
    case 'scale_week':
      return scaleWeek(plan, op, from);
  }
}

function scaleWeek(plan: Plan, op: Extract<PlanOperation, { op: 'scale_week' }>, from: string): Outcome {
  if (!isDay(op.weekStart)) return { ok: false, why: `"${op.weekStart}" is not a date.` };
  const weekOf = `the week of ${shortDate(op.weekStart, from)}`;
  if (mondayOf(op.weekStart) !== op.weekStart) return { ok: false, why: `${dateWords(op.weekStart, from)} is not a Monday: a week starts on a Monday.` };
  const week = plan.weeks.find((w) => w.weekStart === op.weekStart);
  if (!week) return { ok: false, why: `There is no week of ${shortDate(op.weekStart, from)} in the plan.` };
  if (!Number.isFinite(op.factor) || op.factor < MIN_SCALE_FACTOR || op.factor > MAX_SCALE_FACTOR) {
    const asked = Number.isFinite(op.factor) ? `, not ${percent(op.factor * 100)}` : '';
    return { ok: false, why: `A week can be scaled to between ${percent(MIN_SCALE_FACTOR * 100)} and ${percent(MAX_SCALE_FACTOR * 100)}${asked}.` };
  }
  const left = week.workouts.filter((w) => w.date >= from);
  if (left.length === 0) return { ok: false, why: `${capitalized(weekOf)} has no workouts left to scale.` };
  const changes: Changes = new Map();
  for (const w of left) {
    const steps = w.steps.map((s) => ({ ...s, durationS: scaledDuration(s.durationS, op.factor) }));
    if (steps.some((s, i) => s.durationS !== w.steps[i]!.durationS)) changes.set(w.date, { date: w.date, type: w.type, description: w.description, steps });
  }
  if (changes.size === 0) return { ok: false, why: `Scaling ${weekOf} to ${percent(op.factor * 100)} changes no workout.` };
  return rebuilt(plan, changes);
}

/**
 * A step's duration scaled and rounded to the nearest whole minute, never below
 * a minute. A step shorter than a minute is an effort, not volume: it stays as
 * it is (rounding would make a 30-s sprint a minute long, or leave it as it was).
 */
export function scaledDuration(durationS: number, factor: number): number {
  if (durationS < 60) return durationS;
  return Math.max(60, Math.round((durationS * factor) / 60) * 60);
}

/** Why a day cannot be touched, or null: not a date, history, or outside the plan. */
function dayProblem(day: string, plan: Plan, from: string): string | null {
  if (typeof day !== 'string' || !isDay(day)) return `"${String(day)}" is not a date.`;
  if (day < from) return `${dateWords(day, from)} is in the past.`;
  if (day < plan.startDate || day > plan.endDate) {
    return `${dateWords(day, from)} is outside the plan (${shortDate(plan.startDate, from)} to ${shortDate(plan.endDate, from)}).`;
  }
  return null;
}

/** `plan` with `changes` made, re-checked by the schema and completed with our numbers; its basis kept. */
function rebuilt(plan: Plan, changes: Changes): Outcome {
  const input = planInput(plan);
  input.weeks = input.weeks.map((week) => ({
    ...week,
    workouts: [
      ...week.workouts.filter((w) => !changes.has(w.date)),
      ...[...changes.values()].filter((w): w is WorkoutInput => w !== null && mondayOf(w.date) === week.weekStart),
    ],
  }));
  const parsed = planInputSchema.safeParse(input, { error: friendlyMessage });
  if (!parsed.success) return { ok: false, why: `The plan would not hold together (${issueText(parsed.error.issues[0]!)}).` };
  const complete = completePlan(parsed.data);
  return { ok: true, plan: plan.basis ? { ...complete, basis: plan.basis } : complete };
}

/** "2 Dec", "6 Jan 2025": a date without its weekday. */
function shortDate(day: string, today: string): string {
  return dateWords(day, today).replace(/^\S+ /, '');
}

function capitalized(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/**
 * The operations under the rider's rules: all applied, then the result
 * repaired. Kept whole when that breaks no rule the base plan (repaired) does
 * not already break; else each operation in order is kept only if it, with the
 * ones kept before, breaks none once repaired. Violations are compared by kind,
 * date and message, so making a broken rule worse (a fourth hard day where
 * three were already too many) counts as breaking it. The plan returned is the
 * repaired one; `violations` is what it still breaks, which are only ever the
 * base plan's own.
 */
export function adaptPlan(plan: Plan, ops: readonly PlanOperation[], rules: RuleSet, options: { from: string; eventDate: string | null }): Adapted {
  const checkOptions = { eventDate: options.eventDate, from: options.from };
  const base = new Set(repairPlan(plan, rules, checkOptions).violations.map(violationKey));
  const attempt = (chosen: readonly PlanOperation[]) => {
    const applied = applyOperations(plan, chosen, { from: options.from });
    const repaired = repairPlan(applied.plan, rules, checkOptions);
    return { applied, repaired, fresh: repaired.violations.filter((v) => !base.has(violationKey(v))) };
  };
  const adapted = (a: ReturnType<typeof attempt>, dropped: Applied['dropped']): Adapted => ({
    plan: a.repaired.plan,
    applied: a.applied.applied,
    dropped,
    repairs: a.repaired.repairs,
    violations: a.repaired.violations,
  });

  const all = attempt(ops);
  if (all.fresh.length === 0) return adapted(all, all.applied.dropped);

  const kept: PlanOperation[] = [];
  const dropped: Applied['dropped'] = [];
  let last = attempt([]);
  for (const op of ops) {
    const next = attempt([...kept, op]);
    // the kept operations applied before and apply the same way again: a drop is this one's
    const own = next.applied.dropped[0];
    if (own) dropped.push({ op, why: own.why });
    else if (next.fresh.length > 0) dropped.push({ op, why: `It would break your rules: ${next.fresh[0]!.message}` });
    else {
      kept.push(op);
      last = next;
    }
  }
  return adapted(last, dropped);
}

function violationKey(v: Violation): string {
  return `${v.kind}|${v.date}|${v.message}`;
}

/**
 * One short phrase naming an operation for the rider: "replace Thu 14 Nov with
 * endurance 60 min", "insert 2x20' sweet spot 75 min on Sat 16 Nov", "remove
 * Thu 14 Nov's workout", "move Thu 14 Nov to Sat 16 Nov", "scale the week of
 * 11 Nov to 80 %".
 */
export function operationWords(op: PlanOperation, today: string): string {
  const day = (d: string) => (isDay(d) ? dateWords(d, today) : `"${d}"`);
  switch (op.op) {
    case 'replace':
      return `replace ${day(op.date)} with ${workoutWords(op.workout, op.date)}`;
    case 'insert':
      return `insert ${workoutWords(op.workout, op.date)} on ${day(op.date)}`;
    case 'remove':
      return `remove ${day(op.date)}'s workout`;
    case 'move':
      return `move ${day(op.date)} to ${day(op.toDate)}`;
    case 'scale_week': {
      const week = isDay(op.weekStart) ? shortDate(op.weekStart, today) : `"${op.weekStart}"`;
      return `scale the week of ${week} to ${Number.isFinite(op.factor) ? percent(op.factor * 100) : 'an unknown share'}`;
    }
  }
}

/** "2x20' sweet spot 75 min"; the type alone when the workout does not hold together. */
function workoutWords(workout: OperationWorkout, date: string): string {
  const parsed = operationWorkoutSchema.safeParse(workout);
  return parsed.success ? workoutLine(withNumbers({ ...parsed.data, date })) : typeWords(workout.type);
}

const modelStepSchema = z.object({
  duration_s: z.number().describe('Seconds.'),
  low_pct_ftp: z.number().describe('Target, low end, in % of FTP.'),
  high_pct_ftp: z.number().describe('Target, high end, in % of FTP; the same as low_pct_ftp for a steady target.'),
});

/**
 * One operation as the model answers it: flat, snake_case, every key present
 * and null where the operation has no use for it (OpenAI's strict structured
 * outputs want every key required, and no oneOf). Unknown keys are stripped,
 * so a model that adds e.g. "tss" does no harm: our numbers come from the steps.
 */
export const modelOperationSchema = z.object({
  op: z
    .enum(OPERATION_KINDS)
    .describe(
      'replace: a new workout on a day that has one; insert: a workout on a free day; remove: a day\'s workout; move: a workout to a free day; scale_week: every workout of a week shorter or longer.',
    ),
  date: z.string().describe("YYYY-MM-DD: the workout's day; for scale_week any day of that week."),
  to_date: z.string().nullable().describe('move: YYYY-MM-DD, the free day to move the workout to; null otherwise.'),
  factor: z.number().nullable().describe('scale_week: the share of the week\'s durations to keep, 0.5 to 1.3 (0.8 = 20 % shorter); null otherwise.'),
  workout: z
    .object({
      type: z.enum(WORKOUT_TYPES),
      description: z.string().describe('What the rider does, in a sentence or two.'),
      steps: z.array(modelStepSchema).describe('In order, warm-up to cool-down.'),
    })
    .nullable()
    .describe('replace and insert: the workout; null otherwise.'),
  reason: z.string().describe('One sentence: why this change.'),
});
export type ModelOperation = z.infer<typeof modelOperationSchema>;

/** The model's operation as ours, or why it cannot be one: a field its kind needs is null, or the day is not a date. */
export function readModelOperation(raw: ModelOperation): { ok: true; op: PlanOperation } | { ok: false; why: string } {
  const reason = raw.reason;
  switch (raw.op) {
    case 'replace':
    case 'insert': {
      if (!raw.workout) return { ok: false, why: `${raw.op === 'replace' ? 'A replace' : 'An insert'} needs the workout.` };
      const steps: Step[] = raw.workout.steps.map((s) => ({
        durationS: Math.round(s.duration_s),
        targetPctFtp: s.low_pct_ftp === s.high_pct_ftp ? s.low_pct_ftp : [s.low_pct_ftp, s.high_pct_ftp],
      }));
      const workout: OperationWorkout = { type: raw.workout.type, description: raw.workout.description, steps };
      return { ok: true, op: { op: raw.op, date: raw.date, workout, reason } };
    }
    case 'remove':
      return { ok: true, op: { op: 'remove', date: raw.date, reason } };
    case 'move':
      if (raw.to_date === null) return { ok: false, why: 'A move needs the day to move the workout to.' };
      return { ok: true, op: { op: 'move', date: raw.date, toDate: raw.to_date, reason } };
    case 'scale_week':
      if (raw.factor === null) return { ok: false, why: 'Scaling a week needs a factor.' };
      if (!isDay(raw.date)) return { ok: false, why: `"${raw.date}" is not a date.` };
      return { ok: true, op: { op: 'scale_week', weekStart: mondayOf(raw.date), factor: raw.factor, reason } };
  }
}

/** An operation as we store it: `PlanOperation` exactly, camelCase, read back and checked. */
export const planOperationSchema = z.discriminatedUnion('op', [
  z.object({ op: z.literal('replace'), date: z.string(), workout: operationWorkoutSchema, reason: z.string() }).strict(),
  z.object({ op: z.literal('insert'), date: z.string(), workout: operationWorkoutSchema, reason: z.string() }).strict(),
  z.object({ op: z.literal('remove'), date: z.string(), reason: z.string() }).strict(),
  z.object({ op: z.literal('move'), date: z.string(), toDate: z.string(), reason: z.string() }).strict(),
  z.object({ op: z.literal('scale_week'), weekStart: z.string(), factor: z.number(), reason: z.string() }).strict(),
]);

// The stored shape and the type stay one: each must be assignable to the other.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const _sameShape: Same<z.infer<typeof planOperationSchema>, PlanOperation> = true;
void _sameShape;
