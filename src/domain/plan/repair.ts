/**
 * Repairs by code the violations whose fix is obvious, each said in one
 * sentence; what is left goes back to the caller, which refuses the plan.
 * Repairs run in a fixed order (rest days, minutes per day, the long-ride day,
 * back-to-back hard days, weekly hours), each a single pass, and only touch
 * days from `from` on. A move or a cut is kept only when it breaks no rule the
 * plan kept before and fixes what it was for (a weekly cut may fix it only in
 * part); a workout on a rest day that no other day takes is removed. Workouts
 * stay in their week, so a week's count of hard days is left as it is, and so
 * is the taper.
 */
import { addDays, mondayOf, weekdayOf } from '../calendar.ts';
import { dateWords } from '../coach/words.ts';
import { checkPlan, type CheckOptions, type Violation } from './checker.ts';
import { dayName, hoursInWords } from './rule-words.ts';
import { typeWords, workoutLine } from './workout-words.ts';
import { isHard, targetFraction, withNumbers, workoutOn, type Plan, type Step, type Workout } from './plan.ts';
import type { RuleKind, RuleOf, RuleSet } from './rules.ts';

export interface RepairResult {
  plan: Plan;
  /** One sentence per repair, in the order made. */
  repairs: string[];
  /** What `checkPlan` still finds in `plan`. */
  violations: Violation[];
}

/** Steps below this fraction of FTP (recovery, endurance) are cut first. */
const LOW_INTENSITY = 0.76;
/** A low-intensity step is not cut below this. */
const MIN_LOW_STEP_S = 300;
/** The shortest step the plan schema allows. */
const MIN_STEP_S = 10;

/** The workouts to put on days: a workout, or null for a rest day. */
type Changes = Map<string, Workout | null>;

/** `plan` with as many violations repaired as is obvious; never changes `plan` itself. */
export function repairPlan(plan: Plan, rules: RuleSet, options: CheckOptions): RepairResult {
  const r = new Repairer(plan, rules, options);
  r.restDays();
  r.minutesOnDays();
  r.longRideDays();
  r.backToBackHardDays();
  r.weeklyHours();
  return { plan: r.plan, repairs: r.repairs, violations: checkPlan(r.plan, rules, options) };
}

class Repairer {
  readonly repairs: string[] = [];
  private violations: Violation[];
  private readonly from: string;

  constructor(
    public plan: Plan,
    private readonly rules: RuleSet,
    private readonly options: CheckOptions,
  ) {
    this.violations = checkPlan(plan, rules, options);
    this.from = options.from ?? '';
  }

  /** Moves a workout off a rest day to the nearest day of its week that takes it, else removes it. */
  restDays(): void {
    for (const v of this.pending('rest_day')) {
      const w = workoutOn(this.plan, v.date)!;
      const moved = this.freeDays(v.date).some((day) =>
        this.tryChange(move(w, day), `Moved ${workoutLine(w)} from ${dateWords(v.date)} (rest day) to ${dateWords(day)}.`, v),
      );
      if (!moved) this.change(new Map([[v.date, null]]), `Removed ${workoutLine(w)} from ${dateWords(v.date)} (rest day): no other day that week could take it.`);
    }
  }

  /** Shortens a workout to the day's limit. */
  minutesOnDays(): void {
    for (const v of this.pending('max_minutes_on_day')) {
      const w = workoutOn(this.plan, v.date)!;
      const day = weekdayOf(v.date);
      const limit = Math.min(...this.rulesOf('max_minutes_on_day').filter((rule) => rule.day === day).map((rule) => rule.minutes));
      const steps = shortenSteps(w.steps, limit * 60);
      if (!steps) continue;
      const short = withNumbers({ date: w.date, type: w.type, description: w.description, steps });
      this.tryChange(new Map([[w.date, short]]), `${shortened(w, short)} (your limit on ${`${dayName(day)}s`}).`, v);
    }
  }

  /** Puts the week's longest workout on the long-ride day: swapped with what is there, or moved there. */
  longRideDays(): void {
    for (const v of this.pending('long_ride_day')) {
      const week = this.plan.weeks.find((wk) => wk.weekStart === mondayOf(v.date))!;
      const longest = Math.max(...week.workouts.map((w) => w.durationMinutes));
      const there = workoutOn(this.plan, v.date);
      week.workouts
        .filter((w) => w.durationMinutes === longest && w.date >= this.from)
        .some((long) =>
          there
            ? this.tryChange(
                new Map([[v.date, { ...long, date: v.date }], [long.date, { ...there, date: long.date }]]),
                `Swapped ${workoutLine(long)} on ${dateWords(long.date)} with ${workoutLine(there)} on ${dateWords(v.date)} (your long-ride day).`,
                v,
              )
            : this.tryChange(move(long, v.date), `Moved ${workoutLine(long)} from ${dateWords(long.date)} to ${dateWords(v.date)} (your long-ride day).`, v),
        );
    }
  }

  /** Moves the later of two hard days, else the earlier, to a free day of its week. */
  backToBackHardDays(): void {
    for (const v of this.pending('no_back_to_back_hard_days')) {
      [v.date, addDays(v.date, -1)]
        .filter((day) => day >= this.from)
        .some((day) => {
          const w = workoutOn(this.plan, day)!;
          return this.freeDays(day).some((to) =>
            this.tryChange(move(w, to), `Moved ${workoutLine(w)} from ${dateWords(day)} to ${dateWords(to)} (no hard days back to back).`, v),
          );
        });
    }
  }

  /**
   * Shortens the week's workouts, easy ones first, longest first, each by what
   * the week is over but to no less than half its length.
   */
  weeklyHours(): void {
    const hours = Math.min(...this.rulesOf('max_weekly_hours').map((rule) => rule.hours));
    for (const v of this.pending('max_weekly_hours')) {
      const week = () => this.plan.weeks.find((wk) => wk.weekStart === v.date)!;
      const candidates = week()
        .workouts.filter((w) => w.date >= this.from)
        .sort((a, b) => Number(isHard(a)) - Number(isHard(b)) || b.durationMinutes - a.durationMinutes);
      for (const w of candidates) {
        const overS = week().workouts.reduce((s, x) => s + seconds(x), 0) - hours * 3600;
        if (overS <= 0) break;
        const steps = shortenSteps(w.steps, Math.max(seconds(w) - overS, Math.ceil(seconds(w) / 2)));
        if (!steps) continue;
        const short = withNumbers({ date: w.date, type: w.type, description: w.description, steps });
        this.tryChange(new Map([[w.date, short]]), `${shortened(w, short)} (your limit of ${hoursInWords(hours)} a week).`);
      }
    }
  }

  /** The violations of a kind found so far, one per day, each skipped once an earlier repair has fixed it. */
  private *pending(kind: RuleKind): Generator<Violation> {
    const found = new Map(this.violations.filter((v) => v.kind === kind).map((v) => [key(v), v]));
    for (const v of found.values()) {
      if (this.violations.some((x) => key(x) === key(v))) yield v;
    }
  }

  private rulesOf<K extends RuleKind>(kind: K): RuleOf<K>[] {
    return this.rules.rules.filter((rule): rule is RuleOf<K> => rule.kind === kind);
  }

  /** The days of `day`'s week a workout could move to, nearest first (the later of two as near): free, in the plan, not history. */
  private freeDays(day: string): string[] {
    return Array.from({ length: 12 }, (_, i) => addDays(day, (i % 2 ? -1 : 1) * (Math.floor(i / 2) + 1))).filter(
      (d) => mondayOf(d) === mondayOf(day) && d >= this.plan.startDate && d <= this.plan.endDate && d >= this.from && !workoutOn(this.plan, d),
    );
  }

  /** Makes the change if it breaks no rule kept so far and fixes `fixed`; says so. */
  private tryChange(changes: Changes, sentence: string, fixed?: Violation): boolean {
    const before = new Set(this.violations.map(key));
    const after = checkPlan(withDays(this.plan, changes), this.rules, this.options);
    if (after.some((x) => !before.has(key(x)) || (fixed && key(x) === key(fixed)))) return false;
    this.change(changes, sentence);
    return true;
  }

  private change(changes: Changes, sentence: string): void {
    this.plan = withDays(this.plan, changes);
    this.violations = checkPlan(this.plan, this.rules, this.options);
    this.repairs.push(sentence);
  }
}

/** A violation's identity across changes: its numbers, and so its message, may change. */
function key(v: Violation): string {
  return `${v.kind} ${v.date}`;
}

function seconds(w: Workout): number {
  return w.steps.reduce((s, x) => s + x.durationS, 0);
}

function move(w: Workout, to: string): Changes {
  return new Map([[w.date, null], [to, { ...w, date: to }]]);
}

/** "Shortened Wed 4 Dec endurance from 120 to 60 min". */
function shortened(w: Workout, short: Workout): string {
  return `Shortened ${dateWords(w.date)} ${typeWords(w.type)} from ${Math.round(w.durationMinutes)} to ${Math.round(short.durationMinutes)} min`;
}

/** A new plan with `changes` made; the weeks they do not touch are shared with `plan`. */
function withDays(plan: Plan, changes: Changes): Plan {
  return {
    ...plan,
    weeks: plan.weeks.map((week) => {
      const days = [...changes.keys()].filter((d) => mondayOf(d) === week.weekStart);
      if (days.length === 0) return week;
      const added = days.map((d) => changes.get(d)).filter((w): w is Workout => w != null);
      const workouts = [...week.workouts.filter((w) => !changes.has(w.date)), ...added].sort((a, b) => a.date.localeCompare(b.date));
      return { ...week, workouts };
    }),
  };
}

/**
 * Steps cut to at most `maxS` seconds, or null when they cannot be: the
 * low-intensity steps first, lowest first, down to 5 min each; then the other
 * steps in proportion, down to 10 s each.
 */
function shortenSteps(steps: readonly Step[], maxS: number): Step[] | null {
  const d = steps.map((s) => s.durationS);
  const fraction = (i: number) => targetFraction(steps[i]!.targetPctFtp);
  const byIntensity = steps.map((_, i) => i).sort((a, b) => fraction(a) - fraction(b));
  const low = byIntensity.filter((i) => fraction(i) < LOW_INTENSITY);
  const rest = byIntensity.filter((i) => fraction(i) >= LOW_INTENSITY);
  let over = sum(d) - Math.floor(maxS);
  for (const i of low) {
    const cut = Math.max(0, Math.min(over, d[i]! - MIN_LOW_STEP_S));
    d[i] = d[i]! - cut;
    over -= cut;
  }
  if (over > 0) {
    const restS = sum(rest.map((i) => d[i]!));
    const factor = Math.max(0, (restS - over) / restS);
    for (const i of rest) d[i] = Math.max(MIN_STEP_S, Math.floor(d[i]! * factor));
  }
  return sum(d) <= maxS ? steps.map((s, i) => ({ ...s, durationS: d[i]! })) : null;
}

function sum(xs: readonly number[]): number {
  return xs.reduce((s, x) => s + x, 0);
}
