/**
 * Workouts the way a coach writes them in a list: "2x20' sweet spot 75 min",
 * "endurance 60 min", and a step as "20 min at 88-94 % (220-235 W)". Shared by
 * the plan messages, the plan diff and the CLI, so a workout reads the same
 * wherever the rider meets it.
 */
import { duration, oneDecimal, wattRange, watts } from '../coach/words.ts';
import { targetFraction } from './plan.ts';
import type { Step, Target, Workout, WorkoutType } from './plan.ts';

const TYPE_WORDS: Record<WorkoutType, string> = {
  recovery: 'recovery spin',
  endurance: 'endurance',
  tempo: 'tempo',
  sweet_spot: 'sweet spot',
  threshold: 'threshold',
  vo2max: 'VO2max',
  anaerobic: 'anaerobic',
  race: 'race',
};

/** "sweet spot", "VO2max", "recovery spin". */
export function typeWords(type: WorkoutType): string {
  return TYPE_WORDS[type];
}

/**
 * Types named by their type alone. An endurance ride with a tempo block is still
 * an endurance ride, and "endurance 20'" would read as a 20-minute ride; the
 * efforts are in the description.
 */
const NAMED_BY_TYPE: ReadonlySet<WorkoutType> = new Set(['recovery', 'endurance', 'race']);

/** Work starts at tempo: Coggan's zone 3 begins at 76 % of FTP. */
const WORK_FLOOR = 0.76;

/** More groups than this make a name nobody reads ("1' + 2' + 3' + 4' + …"); we count instead. */
const MAX_GROUPS = 3;

/**
 * "2x20' sweet spot", "5x4' VO2max", "3x5' + 2x3' VO2max", "tempo 40'",
 * "endurance", "recovery spin", "race".
 *
 * An interval is a run of consecutive work steps (an over-under is one effort,
 * not many): a step is work at ≥ 76 % of FTP and above the warm-up, the first
 * step when it is easier than the hardest one. Intervals of equal length in a
 * row are grouped as "NxD'". A single effort is named type first, as riders say
 * it: "tempo 40'". With no effort at all, the type alone.
 */
export function workoutName(w: Pick<Workout, 'type' | 'steps'>): string {
  const type = TYPE_WORDS[w.type];
  if (NAMED_BY_TYPE.has(w.type)) return type;
  const intervals = workIntervals(w.steps);
  if (intervals.length === 0) return type;
  if (intervals.length === 1) return `${type} ${intervalLength(intervals[0]!)}`;
  const groups = runsOfEqual(intervals);
  if (groups.length > MAX_GROUPS) return `${intervals.length} ${type} intervals`;
  return `${groups.map(({ value, count }) => (count > 1 ? `${count}x` : '') + intervalLength(value)).join(' + ')} ${type}`;
}

/** "2x20' sweet spot 75 min", "endurance 2 h 30 min". */
export function workoutLine(w: Pick<Workout, 'type' | 'steps' | 'durationMinutes'>): string {
  return `${workoutName(w)} ${minutesOrHours(Math.round(w.durationMinutes) * 60)}`;
}

/** "20 min at 88-94 % (220-235 W)", "30 s at 120 %": the watts only when FTP is known. */
export function stepWords(step: Step, ftpW: number | null): string {
  const power = ftpW === null ? '' : ` (${targetWatts(step.targetPctFtp, ftpW)})`;
  return `${minutesOrHours(step.durationS)} at ${targetWords(step.targetPctFtp)}${power}`;
}

/** "88-94 %", "65 %". */
function targetWords(target: Target): string {
  return typeof target === 'number' ? `${oneDecimal(target)} %` : `${oneDecimal(target[0])}-${oneDecimal(target[1])} %`;
}

function targetWatts(target: Target, ftpW: number): string {
  return typeof target === 'number' ? watts((ftpW * target) / 100) : wattRange(ftpW, target[0], target[1]);
}

/**
 * Up to 90 minutes in minutes, as riders say "a 75-minute session"; longer in
 * hours and minutes, the way the rest of the coach writes durations, since
 * "240 min" has to be worked out. Seconds only where a step has them: "45 s",
 * "1 min 30 s", "20 min", "2 h 30 min".
 */
function minutesOrHours(seconds: number): string {
  if (seconds < 60) return `${seconds} s`;
  if (seconds > 90 * 60) return duration(seconds);
  const rest = seconds % 60;
  return rest === 0 ? `${seconds / 60} min` : `${Math.floor(seconds / 60)} min ${rest} s`;
}

/** Interval lengths in the coach's shorthand: 20' for minutes, 30" for seconds, 1'30". */
function intervalLength(seconds: number): string {
  const m = Math.floor(seconds / 60);
  const s = seconds % 60;
  if (m === 0) return `${s}"`;
  return s === 0 ? `${m}'` : `${m}'${String(s).padStart(2, '0')}"`;
}

/** Seconds of each effort, in order: consecutive work steps summed. */
function workIntervals(steps: readonly Step[]): number[] {
  const levels = steps.map((s) => targetFraction(s.targetPctFtp));
  const hardest = Math.max(...levels);
  const warmUp = levels[0]! < hardest ? levels[0]! : 0;
  const intervals: number[] = [];
  let current = 0;
  steps.forEach((step, i) => {
    const level = levels[i]!;
    if (level >= WORK_FLOOR && level > warmUp) {
      current += step.durationS;
    } else if (current > 0) {
      intervals.push(current);
      current = 0;
    }
  });
  if (current > 0) intervals.push(current);
  return intervals;
}

function runsOfEqual(values: readonly number[]): { value: number; count: number }[] {
  const runs: { value: number; count: number }[] = [];
  for (const value of values) {
    const last = runs[runs.length - 1];
    if (last?.value === value) last.count++;
    else runs.push({ value, count: 1 });
  }
  return runs;
}
