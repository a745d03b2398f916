/**
 * The built-in coach's proposed change to the plan after a ride, as plan
 * operations (the AI proposes its own; both go through the same checks before
 * the rider sees them). Pure: the same ride and plan always give the same
 * proposal, and the clock is never read: `from` says which days may change.
 *
 * The rules, in order; the first that applies decides, and most rides change
 * nothing:
 *
 * 1. Overreached. Any of:
 *    - the ride's load (TSS, else HRSS) is at least 1.3 × the planned TSS + 20
 *      (a 60-TSS plan ridden at 98 or more);
 *    - there was nothing planned that day and the ride was hard (sweet spot,
 *      threshold, intervals or race-like) or its load was 80 or more;
 *    - form at the end of the day is TSB -30 or below.
 *    Then the first hard workout (planned IF 0.85 or more; never a race) on
 *    `from` or the day after becomes an easy endurance ride: as long as it
 *    was, at most 60 min, at 60-65 % FTP. When TSB is -30 or below it becomes
 *    a recovery spin instead: 45 min (or the original's length, if shorter) at
 *    50-55 %. No hard workout on those two days: the plan stands.
 *    A ride this big never also brings a missed session back (rule 2).
 * 2. Missed key session. The workout planned for the ride's day was a key
 *    one (sweet spot, threshold, VO2max or anaerobic by type, or any workout
 *    of planned IF 0.85 or more: a 2x20' sweet spot with its warm-up plans
 *    near IF 0.80, yet it is the week's key session) and the ride fell short of it: load under 0.6 × the planned TSS, or under half
 *    the planned time in the workout's zones (see ride-vs-plan.ts). Then the
 *    workout is repeated on the first free day from `from` to the Sunday of
 *    the ride's week (and the plan's end) with no hard workout the day before
 *    or after. No such day: the plan stands (the week is not rebuilt around it).
 * 3. Otherwise the plan stands.
 */
import { addDays, mondayOf } from '../calendar.ts';
import type { RideMetrics } from '../ride.ts';
import type { OperationWorkout, PlanOperation } from '../plan/operations.ts';
import { isHard, workoutOn } from '../plan/plan.ts';
import type { Plan, Target, Workout } from '../plan/plan.ts';
import { typeWords, workoutLine } from '../plan/workout-words.ts';
import type { Form } from './context.ts';
import { HARD_KINDS } from './ride-kind.ts';
import type { RideKind } from './ride-kind.ts';
import type { PlanComparison } from './ride-vs-plan.ts';
import { dateWords, signed, whole } from './words.ts';

/** Overreached when the load is at least OVERREACH_FACTOR × planned TSS + OVERREACH_MARGIN. */
export const OVERREACH_FACTOR = 1.3;
export const OVERREACH_MARGIN = 20;
/** An unplanned ride with at least this load counts as hard whatever its kind. */
export const UNPLANNED_HARD_LOAD = 80;
/** TSB at the end of the ride's day at or below which the next hard day becomes recovery. */
export const DEEP_FATIGUE_TSB = -30;
/** How many days from `from` rule 1 looks at for a hard workout to ease. */
export const ABSORB_DAYS = 2;
/** The easy replacement: at most this long, at this % FTP. */
export const EASY_MAX_S = 60 * 60;
export const EASY_TARGET: [number, number] = [60, 65];
/** The recovery replacement: at most this long, at this % FTP. */
export const RECOVERY_MAX_S = 45 * 60;
export const RECOVERY_TARGET: [number, number] = [50, 55];
/** A hard session is missed when the load is under this share of the planned TSS... */
export const MISSED_LOAD_SHARE = 0.6;
/** ...or the time in its zones under this share of the planned time there. */
export const MISSED_ZONE_SHARE = 0.5;

export interface AdaptationInput {
  plan: Plan;
  /** The ride's local day. */
  rideDay: string;
  /** First day a change may touch (the day after the ride, or today if later). */
  from: string;
  metrics: RideMetrics;
  /** The workout planned on rideDay, if any. */
  planned: Workout | undefined;
  comparison: PlanComparison | null;
  kind: RideKind;
  /** Form at the end of the ride's day. */
  formAfter: Form | null;
}

export interface BuiltInChange {
  operations: PlanOperation[];
  /** One sentence for the rider. */
  why: string;
}

export function builtInChange(input: AdaptationInput): BuiltInChange | null {
  const overreach = overreached(input);
  if (overreach !== null) return absorb(input, overreach);
  const shortfall = missed(input);
  if (shortfall !== null) return makeUp(input, shortfall);
  return null;
}

/** Why the ride counts as overreaching, in words ("TSS 140 against 62 planned"); null when it does not. */
function overreached({ metrics, planned, kind, formAfter }: AdaptationInput): string | null {
  const load = metrics.load;
  if (formAfter !== null && formAfter.tsb <= DEEP_FATIGUE_TSB) return `TSB ${signed(formAfter.tsb)} at the end of the day`;
  if (planned !== undefined) {
    if (load !== null && load >= OVERREACH_FACTOR * planned.plannedTss + OVERREACH_MARGIN) {
      return `${loadWords(metrics)} against ${whole(planned.plannedTss)} planned`;
    }
    return null;
  }
  if (HARD_KINDS.has(kind) || (load !== null && load >= UNPLANNED_HARD_LOAD)) {
    return load !== null ? `a hard ride on a rest day, ${loadWords(metrics)}` : 'a hard ride on a rest day';
  }
  return null;
}

function absorb(input: AdaptationInput, because: string): BuiltInChange | null {
  const target = Array.from({ length: ABSORB_DAYS }, (_, i) => workoutOn(input.plan, addDays(input.from, i))).find(
    (w): w is Workout => w !== undefined && isHard(w) && w.type !== 'race',
  );
  if (target === undefined) return null;
  const recovery = input.formAfter !== null && input.formAfter.tsb <= DEEP_FATIGUE_TSB;
  const originalS = target.steps.reduce((sum, s) => sum + s.durationS, 0);
  const line = workoutLine(target);
  const rideDate = dateWords(input.rideDay);
  const workout: OperationWorkout = recovery
    ? {
        type: 'recovery',
        description: `Recovery spin instead of ${line}: absorb ${rideDate}'s hard ride.`,
        steps: [{ durationS: Math.min(originalS, RECOVERY_MAX_S), targetPctFtp: RECOVERY_TARGET }],
      }
    : {
        type: 'endurance',
        description: `Easy endurance instead of ${line}: absorb ${rideDate}'s hard ride.`,
        steps: [{ durationS: Math.min(originalS, EASY_MAX_S), targetPctFtp: EASY_TARGET }],
      };
  const easier = recovery ? 'a recovery spin' : 'an easy endurance ride';
  return {
    operations: [
      { op: 'replace', date: target.date, workout, reason: `Ease off after ${rideDate}'s ride: ${because}.` },
    ],
    why: `After ${rideDate}'s ride (${because}), ${dateWords(target.date)}'s ${line} becomes ${easier} to absorb it.`,
  };
}

/** Types that make a session a week's key one, whatever its planned IF. */
const KEY_TYPES: ReadonlySet<Workout['type']> = new Set(['sweet_spot', 'threshold', 'vo2max', 'anaerobic']);

/** How the ride fell short of a key planned workout ("TSS 30 of 62"); null when it did not. */
function missed({ metrics, planned, comparison }: AdaptationInput): string | null {
  if (planned === undefined || !(isHard(planned) || KEY_TYPES.has(planned.type))) return null;
  const load = metrics.load;
  if (load !== null && load < MISSED_LOAD_SHARE * planned.plannedTss) {
    return `${loadWords(metrics)} of ${whole(planned.plannedTss)} planned`;
  }
  const zones = comparison?.zones ?? null;
  if (zones !== null && zones.plannedS > 0 && zones.riddenS < MISSED_ZONE_SHARE * zones.plannedS) {
    const code = zones.label.split(' ')[0];
    return `${whole(zones.riddenS / 60)} of ${whole(zones.plannedS / 60)} min in ${code}`;
  }
  return null;
}

function makeUp(input: AdaptationInput, shortfall: string): BuiltInChange | null {
  const { plan, planned } = input;
  if (planned === undefined) return null;
  const sunday = addDays(mondayOf(input.rideDay), 6);
  const last = sunday < plan.endDate ? sunday : plan.endDate;
  const hardOn = (day: string) => {
    const w = workoutOn(plan, day);
    return w !== undefined && isHard(w);
  };
  let day: string | undefined;
  for (let d = input.from < plan.startDate ? plan.startDate : input.from; d <= last; d = addDays(d, 1)) {
    if (workoutOn(plan, d) === undefined && !hardOn(addDays(d, -1)) && !hardOn(addDays(d, 1))) {
      day = d;
      break;
    }
  }
  if (day === undefined) return null;
  const line = workoutLine(planned);
  const rideDate = dateWords(input.rideDay);
  return {
    operations: [
      {
        op: 'insert',
        date: day,
        workout: { type: planned.type, description: planned.description, steps: planned.steps.map((s) => ({ durationS: s.durationS, targetPctFtp: copyTarget(s.targetPctFtp) })) },
        reason: `Repeat ${rideDate}'s ${typeWords(planned.type)} session, cut short (${shortfall}).`,
      },
    ],
    why: `${rideDate}'s ride fell short of the planned ${line} (${shortfall}), so it is repeated on ${dateWords(day)}, with no hard day either side.`,
  };
}

/** "TSS 140", "HRSS 95". */
function loadWords(metrics: RideMetrics): string {
  return `${metrics.loadSource === 'hrss' ? 'HRSS' : 'TSS'} ${whole(metrics.load ?? 0)}`;
}

function copyTarget(t: Target): Target {
  return typeof t === 'number' ? t : [t[0], t[1]];
}
