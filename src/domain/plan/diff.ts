/**
 * What changed between two versions of a plan, as lines a rider reads before
 * approving a change: the plan's dates, week focus, and workouts changed, added,
 * removed or moved to another day. Every day of both plans is compared, past
 * days included: a change to the past is still a change the rider should see.
 */
import { daysBetween, mondayOf } from '../calendar.ts';
import { dateWords, ratio } from '../coach/words.ts';
import { allWorkouts } from './plan.ts';
import type { Plan, Step, Target, Week, Workout } from './plan.ts';
import { workoutLine } from './workout-words.ts';

/** A line and where it goes: by date, a week's line before its Monday's workout. */
interface Change {
  date: string;
  order: number;
  text: string;
}

const WEEK_LINE = 0;
const DAY_LINE = 1;

/**
 * The changes from `before` to `after` in date order, the plan's dates first;
 * empty when the plans are the same. Dates read like "Thu 14 Nov" (`dateWords`
 * with `today`). A workout is the same when its type, description and steps are;
 * our numbers follow from those.
 */
export function diffPlans(before: Plan, after: Plan, today: string): string[] {
  const day = (d: string) => dateWords(d, today);
  const changes = [...weekChanges(before.weeks, after.weeks, today), ...workoutChanges(before, after, day)];
  changes.sort((a, b) => a.date.localeCompare(b.date) || a.order - b.order);
  const dates = planDatesChange(before, after, day);
  return [...(dates ? [dates] : []), ...changes.map((c) => c.text)];
}

/** The days whose workout differs between two plans (added, removed or changed), in date order. */
export function changedDays(before: Plan, after: Plan): string[] {
  const was = new Map(allWorkouts(before).map((w) => [w.date, w]));
  const now = new Map(allWorkouts(after).map((w) => [w.date, w]));
  return [...new Set([...was.keys(), ...now.keys()])].sort().filter((d) => {
    const a = was.get(d);
    const b = now.get(d);
    return !(a && b && sameWorkout(a, b)) && (a !== undefined || b !== undefined);
  });
}

function sameWorkout(a: Workout, b: Workout): boolean {
  return a.type === b.type && a.description === b.description && sameSteps(a.steps, b.steps);
}

/** Field by field, not by JSON text: a plan read back from jsonb has its keys in another order. */
function sameSteps(a: readonly Step[], b: readonly Step[]): boolean {
  const sameTarget = (x: Target, y: Target) => (typeof x === 'number' || typeof y === 'number' ? x === y : x[0] === y[0] && x[1] === y[1]);
  return a.length === b.length && a.every((s, i) => s.durationS === b[i]!.durationS && sameTarget(s.targetPctFtp, b[i]!.targetPctFtp));
}

/** "Plan dates: Mon 4 Nov – Sun 1 Dec → Mon 4 Nov – Sun 8 Dec (extended by 7 days)". */
function planDatesChange(before: Plan, after: Plan, day: (d: string) => string): string | null {
  if (before.startDate === after.startDate && before.endDate === after.endDate) return null;
  const range = (p: Plan) => `${day(p.startDate)} – ${day(p.endDate)}`;
  const longer = daysBetween(after.startDate, after.endDate) - daysBetween(before.startDate, before.endDate);
  const days = (n: number) => `${n} day${n === 1 ? '' : 's'}`;
  const how = longer > 0 ? `extended by ${days(longer)}` : longer < 0 ? `shortened by ${days(-longer)}` : 'moved';
  return `Plan dates: ${range(before)} → ${range(after)} (${how})`;
}

/** "Week of 11 Nov: focus Base → Recovery week", and weeks one plan has and the other has not. */
function weekChanges(before: readonly Week[], after: readonly Week[], today: string): Change[] {
  // The weekday is always Monday, so it says nothing: "Week of 11 Nov".
  const weekOf = (d: string) => `Week of ${dateWords(d, today).replace(/^\S+ /, '')}`;
  const was = new Map(before.map((w) => [w.weekStart, w]));
  const now = new Map(after.map((w) => [w.weekStart, w]));
  const changes: Change[] = [];
  for (const w of after) {
    const old = was.get(w.weekStart);
    if (!old) changes.push({ date: w.weekStart, order: WEEK_LINE, text: `${weekOf(w.weekStart)}: new week, focus ${w.focus}` });
    else if (old.focus !== w.focus) changes.push({ date: w.weekStart, order: WEEK_LINE, text: `${weekOf(w.weekStart)}: focus ${old.focus} → ${w.focus}` });
  }
  for (const w of before) {
    if (!now.has(w.weekStart)) changes.push({ date: w.weekStart, order: WEEK_LINE, text: `${weekOf(w.weekStart)}: week dropped (focus was ${w.focus})` });
  }
  return changes;
}

/**
 * Workouts whose day now holds something else. A workout that left its day and
 * arrived unchanged on another day of the same week is one move, not a removal
 * and an addition, so a swap of two days reads as two moves; with several
 * identical candidates the nearest day is taken. Not across weeks: plans repeat
 * a workout week after week, so the same workout in another week is most likely
 * another session, not this one moved. What is left is changed in place, added
 * or removed.
 */
function workoutChanges(before: Plan, after: Plan, day: (d: string) => string): Change[] {
  const was = new Map(allWorkouts(before).map((w) => [w.date, w]));
  const now = new Map(allWorkouts(after).map((w) => [w.date, w]));
  const dates = [...new Set([...was.keys(), ...now.keys()])].sort();
  const departed: Workout[] = [];
  const arrived: Workout[] = [];
  for (const d of dates) {
    const old = was.get(d);
    const cur = now.get(d);
    if (old && cur && sameWorkout(old, cur)) continue;
    if (old) departed.push(old);
    if (cur) arrived.push(cur);
  }

  const changes: Change[] = [];
  const moved = new Set<Workout>();
  for (const old of departed) {
    const distance = (w: Workout) => Math.abs(daysBetween(old.date, w.date));
    const target = arrived
      .filter((w) => !moved.has(w) && mondayOf(w.date) === mondayOf(old.date) && sameWorkout(w, old))
      .reduce<Workout | undefined>((best, w) => (best === undefined || distance(w) < distance(best) ? w : best), undefined);
    if (!target) continue;
    moved.add(old).add(target);
    changes.push({ date: old.date, order: DAY_LINE, text: `${day(old.date)} → ${day(target.date)}: ${workoutLine(old)}` });
  }

  for (const d of dates) {
    const old = departed.find((w) => w.date === d && !moved.has(w));
    const cur = arrived.find((w) => w.date === d && !moved.has(w));
    if (old && cur) changes.push({ date: d, order: DAY_LINE, text: `${day(d)}: ${changedWords(old, cur)}` });
    else if (cur) changes.push({ date: d, order: DAY_LINE, text: `${day(d)}: + ${workoutLine(cur)}` });
    else if (old) changes.push({ date: d, order: DAY_LINE, text: `${day(d)}: − ${workoutLine(old)}${afterRemoval(after, now, d)}` });
  }
  return changes;
}

/** What a removal leaves: nothing said when a moved workout took the day. */
function afterRemoval(after: Plan, now: ReadonlyMap<string, Workout>, d: string): string {
  if (d < after.startDate || d > after.endDate) return ' (no longer in the plan)';
  return now.has(d) ? '' : ' (now rest)';
}

/**
 * "2x20' sweet spot 75 min → endurance 60 min"; when both read the same, what
 * differs: the intensity, else the steps, else the description.
 */
function changedWords(old: Workout, cur: Workout): string {
  const was = workoutLine(old);
  const now = workoutLine(cur);
  if (was !== now) return `${was} → ${now}`;
  if (ratio(old.plannedIf) !== ratio(cur.plannedIf)) return `${now}, IF ${ratio(old.plannedIf)} → ${ratio(cur.plannedIf)}`;
  if (!sameSteps(old.steps, cur.steps)) return `${now}, steps changed`;
  return `${now}, description changed`;
}
