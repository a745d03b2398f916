/**
 * The rule checker: every way a plan breaks the rider's rules, each said in one
 * plain sentence for the rider. Days before `from` are history and are not
 * checked; a week is checked while any of its days is not history, with all its
 * days counted. Durations may run 0.5 min over a limit: planned durations are
 * rounded to 0.1 min.
 */
import { addDays, daysBetween, WEEKDAYS, weekdayOf, type Weekday } from '../calendar.ts';
import { dateWords, duration } from '../coach/words.ts';
import { allWorkouts, isHard, type Plan, type Week, type Workout } from './plan.ts';
import { dayName, hoursInWords } from './rule-words.ts';
import type { Rule, RuleKind, RuleOf, RuleSet } from './rules.ts';
import { workoutLine } from './workout-words.ts';

/** A broken rule: `date` is the day for a day rule, the week's Monday for a weekly rule. */
export interface Violation {
  kind: RuleKind;
  date: string;
  message: string;
}

export interface CheckOptions {
  /** The event the taper leads to, if any. */
  eventDate: string | null;
  /** YYYY-MM-DD: days before it are history, not checked. */
  from?: string;
}

/** Minutes a duration may exceed a limit by before it counts. */
const TOLERANCE_MIN = 0.5;
/** Days before the taper whose volume it is compared with. */
const LEAD_IN_DAYS = 21;

interface Context {
  plan: Plan;
  /** '' when everything is checked: every date is >= ''. */
  from: string;
  eventDate: string | null;
  workouts: Workout[];
  byDate: Map<string, Workout>;
  /** The weeks not wholly history. */
  weeks: Week[];
}

/**
 * Every violation of `rules` in `plan`, sorted by date then kind.
 *
 * long_ride_day is dated on the week's long-ride day; taper_before_event on the
 * hard day, or on the window's first day for its volume.
 */
export function checkPlan(plan: Plan, rules: RuleSet, options: CheckOptions): Violation[] {
  const from = options.from ?? '';
  const workouts = allWorkouts(plan);
  const c: Context = {
    plan,
    from,
    eventDate: options.eventDate,
    workouts,
    byDate: new Map(workouts.map((w) => [w.date, w])),
    weeks: plan.weeks.filter((week) => addDays(week.weekStart, 6) >= from),
  };
  return rules.rules.flatMap((rule) => check(rule, c)).sort((a, b) => a.date.localeCompare(b.date) || a.kind.localeCompare(b.kind));
}

function check(rule: Rule, c: Context): Violation[] {
  switch (rule.kind) {
    case 'rest_day':
      return restDay(rule, c);
    case 'max_weekly_hours':
      return maxWeeklyHours(rule, c);
    case 'max_hard_days_per_week':
      return maxHardDays(rule, c);
    case 'no_back_to_back_hard_days':
      return backToBackHardDays(c);
    case 'long_ride_day':
      return longRideDay(rule, c);
    case 'max_minutes_on_day':
      return maxMinutesOnDay(rule, c);
    case 'taper_before_event':
      return taper(rule, c);
  }
}

/** The workouts on a weekday, history left out. */
function workoutsOn(c: Context, day: Weekday): Workout[] {
  return c.workouts.filter((w) => w.date >= c.from && weekdayOf(w.date) === day);
}

function restDay(rule: RuleOf<'rest_day'>, c: Context): Violation[] {
  return workoutsOn(c, rule.day).map((w) => ({
    kind: rule.kind,
    date: w.date,
    message: `${dateWords(w.date)} is a rest day, but the plan has ${workoutLine(w)} on it.`,
  }));
}

function maxMinutesOnDay(rule: RuleOf<'max_minutes_on_day'>, c: Context): Violation[] {
  return workoutsOn(c, rule.day)
    .filter((w) => w.durationMinutes > rule.minutes + TOLERANCE_MIN)
    .map((w) => ({
      kind: rule.kind,
      date: w.date,
      message: `${dateWords(w.date)} has ${workoutLine(w)}, over your limit of ${rule.minutes} min on ${`${dayName(rule.day)}s`}.`,
    }));
}

function maxWeeklyHours(rule: RuleOf<'max_weekly_hours'>, c: Context): Violation[] {
  return c.weeks.flatMap((week) => {
    const total = minutesOf(week.workouts);
    if (total <= rule.hours * 60 + TOLERANCE_MIN) return [];
    return [{
      kind: rule.kind,
      date: week.weekStart,
      message: `The week of ${dateWords(week.weekStart)} has ${duration(total * 60)} of riding, over your limit of ${hoursInWords(rule.hours)} a week.`,
    }];
  });
}

function maxHardDays(rule: RuleOf<'max_hard_days_per_week'>, c: Context): Violation[] {
  return c.weeks.flatMap((week) => {
    const hard = week.workouts.filter(isHard);
    if (hard.length <= rule.count) return [];
    return [{
      kind: rule.kind,
      date: week.weekStart,
      message: `The week of ${dateWords(week.weekStart)} has ${hard.length} hard days (${hard.map((w) => dateWords(w.date)).join(', ')}), over your limit of ${rule.count}.`,
    }];
  });
}

function backToBackHardDays(c: Context): Violation[] {
  return c.workouts.flatMap((w) => {
    const before = c.byDate.get(addDays(w.date, -1));
    if (w.date < c.from || !isHard(w) || !before || !isHard(before)) return [];
    return [{
      kind: 'no_back_to_back_hard_days' as const,
      date: w.date,
      message: `${dateWords(before.date)} (${hardWords(before)}) and ${dateWords(w.date)} (${hardWords(w)}) are hard days back to back.`,
    }];
  });
}

function longRideDay(rule: RuleOf<'long_ride_day'>, c: Context): Violation[] {
  return c.weeks.flatMap((week) => {
    const day = addDays(week.weekStart, WEEKDAYS.indexOf(rule.day));
    if (day < c.plan.startDate || day > c.plan.endDate || day < c.from || week.workouts.length === 0) return [];
    const longest = Math.max(...week.workouts.map((w) => w.durationMinutes));
    if (c.byDate.get(day)?.durationMinutes === longest) return [];
    const long = week.workouts.find((w) => w.durationMinutes === longest)!;
    return [{
      kind: rule.kind,
      date: day,
      message: `${dateWords(day)} is your long-ride day, but that week's longest ride is ${workoutLine(long)} on ${dateWords(long.date)}.`,
    }];
  });
}

/**
 * No hard workout in the `days` before the event, and less riding a week in
 * that window than on average in the 21 days before it (those inside the plan,
 * at least 7 of them).
 */
function taper(rule: RuleOf<'taper_before_event'>, c: Context): Violation[] {
  if (!c.eventDate) return [];
  const first = addDays(c.eventDate, -rule.days);
  const last = addDays(c.eventDate, -1);
  if (last < c.plan.startDate || first > c.plan.endDate) return [];
  const window = c.workouts.filter((w) => w.date >= first && w.date <= last);
  const event = dateWords(c.eventDate);
  const hard: Violation[] = window
    .filter((w) => w.date >= c.from && isHard(w))
    .map((w) => ({
      kind: rule.kind,
      date: w.date,
      message: `${dateWords(w.date)} is in your ${rule.days}-day taper before the event on ${event}, but the plan has ${hardWords(w)} on it.`,
    }));

  const leadFirst = [addDays(first, -LEAD_IN_DAYS), c.plan.startDate].reduce((a, b) => (a > b ? a : b));
  const leadDays = daysBetween(leadFirst, first);
  if (last < c.from || leadDays < 7) return hard;
  const leadWeekly = (minutesOf(c.workouts.filter((w) => w.date >= leadFirst && w.date < first)) * 7) / leadDays;
  const taperWeekly = (minutesOf(window) * 7) / rule.days;
  // no riding at all in the taper is as light as it gets, even after weeks without riding
  if (taperWeekly < leadWeekly || taperWeekly === 0) return hard;
  return [...hard, {
    kind: rule.kind,
    date: first,
    message: `Your ${rule.days}-day taper before the event on ${event} (from ${dateWords(first)}) has ${duration(taperWeekly * 60)} of riding a week, not less than the ${duration(leadWeekly * 60)} a week before it.`,
  }];
}

function minutesOf(workouts: readonly Workout[]): number {
  return workouts.reduce((s, w) => s + w.durationMinutes, 0);
}

/** "threshold 60 min at IF 0.95". */
function hardWords(w: Workout): string {
  return `${workoutLine(w)} at IF ${w.plannedIf.toFixed(2)}`;
}

