/**
 * Our own periodised plan, made by code: what the rider gets without an AI, or
 * when the AI's plan breaks a rule. It keeps every rule by construction, so the
 * checker passes it as it is. Pure: no I/O.
 *
 * The coaching, with its numbers (the README quotes them):
 * - Phases. With an event, counted back from it: the taper is the event's week
 *   plus each week whose Thursday is in the taper window (taper_before_event's
 *   days, else 7 days, 10 for a plan of 8 weeks or more); before it 2 peak weeks
 *   when 6 or more weeks are left, 1 when 3 or more; of the rest, 3 weeks or
 *   fewer are all build, more are half build (rounded up, at most 8), base first.
 *   Without an event: the first half (rounded up) base, then build.
 * - 3:1. After three loading weeks (weeks of at least 4 plan days) the next base
 *   or build week is a recovery week: 65 % of the TSS and at most 85 % of the
 *   hours of the last full loading week, no quality session. Peak weeks load
 *   but are never made lighter.
 * - Load. A week's TSS is 7 × the CTL it aims for: the plan's CTL (the rider's,
 *   at least 15) plus a ramp of 3 a week at 4 h or less, rising to 6 at 12 h or
 *   more; after each full loading week the plan's CTL is what that week
 *   planned ÷ 7, so a week never asks more than 7 × ramp above the last. Taper
 *   weeks carry 50 % of 7 × CTL in the event's week, 65 % the week before, then
 *   +15 % a week (at most 85 %). No week goes over the hours available or
 *   max_weekly_hours, whichever is lower, and a taper_before_event rule's
 *   volume test is met by shrinking the weeks the window touches by 20 % at a
 *   time.
 * - Week. Up to 6 rides (1 + minutes ÷ 90, rounded), the long ride twice an
 *   average other ride and the week's longest, on long_ride_day, else the
 *   weekend day that allows the most, else the last day. Quality sessions
 *   (45-90 min, at most 15' of it endurance after the efforts): base 1 (sweet
 *   spot), build 2 (threshold, sweet spot; with a key climb, intervals at its
 *   length, then VO2max), peak 2 (VO2max, threshold or the climb), none in
 *   recovery and taper weeks; never on adjacent days (across weeks too) nor in
 *   the taper window, at most max_hard_days_per_week. Build and peak long rides
 *   carry 15' tempo blocks; taper rides carry 3x1' openers and last at most
 *   2 h 30 min, 60 min in the event's week.
 */
import { addDays, daysBetween, mondayOf, WEEKDAYS, weekdayOf, type Weekday } from '../calendar.ts';
import { duration, oneDecimal } from '../coach/words.ts';
import { checkPlan } from './checker.ts';
import { completePlan, planInputSchema, plannedTss, type Plan, type PlanInput, type Target, type WorkoutInput, type WorkoutType } from './plan.ts';
import { HARD_IF, type RuleKind, type RuleOf, type RuleSet } from './rules.ts';

export interface GeneratorInput {
  /** YYYY-MM-DD; the plan starts tomorrow. */
  today: string;
  /** Calendar weeks (the first may be partial) when there is no event; 4 by default. */
  weeks?: number;
  /** The plan runs to the event's day; that day holds the race when its duration is known. */
  event: { name: string; date: string; routeId: number | null } | null;
  eventDurationMinutes?: number | null;
  /** Current fitness; 0 for a new rider. */
  ctl: number;
  hoursPerWeek: number;
  /** The days the rider can ride. */
  days: Weekday[];
  rules: RuleSet;
  /** The goal route's longest climb: build and peak weeks hold intervals that long. */
  keyClimbMinutes?: number | null;
}

type Phase = 'base' | 'build' | 'peak' | 'recovery' | 'taper';
type Quality = 'sweet_spot' | 'threshold' | 'vo2max' | 'climb';

/** The plan schema's limit. */
const MAX_WEEKS = 52;
const DEFAULT_WEEKS = 4;
/** A new rider's starting CTL: about 2-3 h of easy riding a week. */
const CTL_FLOOR = 15;
/** CTL a week: a time-crunched rider absorbs less ramp than one with many hours. */
const RAMP = { min: 3, max: 6, fromHours: 4, toHours: 12 };
/** Loading weeks before a lighter one (3:1). */
const LOADING_WEEKS = 3;
const RECOVERY_LOAD = 0.65;
/** A recovery week's hours: fewer, but mostly endurance, so its TSS lands near RECOVERY_LOAD. */
const RECOVERY_HOURS = 0.85;
/** Rides this short in a recovery week are recovery spins. */
const RECOVERY_SPIN_MINUTES = 45;
const TAPER_LOAD = { eventWeek: 0.5, perWeekBefore: 0.15, max: 0.85 };
const TAPER_DAYS = { short: 7, long: 10, longFromWeeks: 8 };
/** The longest taper ride, and in the event's week: the legs come to the start fresh, not tired from a long one. */
const TAPER_RIDE = { max: 150, eventWeek: 60 };
/** How far the weeks in the taper window shrink per try until the taper rule's volume test passes. */
const TAPER_SHRINK = 0.8;
const MAX_TAPER_TRIES = 20;
const MAX_BUILD_WEEKS = 8;
/** Shorter is not worth getting changed for. */
const MIN_RIDE = 20;
/** The longest training ride (the race may be longer). */
const MAX_RIDE = 360;
/** At least one day off a week. */
const MAX_RIDES = 6;
/** Each 90 minutes of the week adds a ride. */
const MINUTES_PER_RIDE = 90;
/** The time a quality session is given, warm-up and cool-down included. */
const QUALITY_MINUTES = { min: 45, max: 90 };
/** Endurance after the intervals, at most: more would water the session down; the week's volume is the other rides' job. */
const MAX_QUALITY_EXTRA = 15;
const WARM_UP = 10;
const COOL_DOWN = 5;

// Targets in % of FTP: recovery < 55, endurance 56-75, tempo 76-90, sweet spot
// 88-94, threshold 95-105, VO2max 106-120 (the coach's session vocabulary).
const T = {
  easy: 50,
  warmUp: [55, 65],
  recovery: [45, 55],
  endurance: [65, 70],
  tempo: [80, 85],
  sweetSpot: [88, 94],
  threshold: [95, 100],
  vo2max: [106, 115],
  openers: [110, 120],
} satisfies Record<string, Target>;

/** Quality sessions a week, in order of importance; their count is the phase's hard days. */
function qualitiesOf(phase: Phase, climb: boolean): Quality[] {
  switch (phase) {
    case 'base':
      return ['sweet_spot'];
    case 'build':
      return climb ? ['climb', 'vo2max'] : ['threshold', 'sweet_spot'];
    case 'peak':
      return climb ? ['vo2max', 'climb'] : ['vo2max', 'threshold'];
    case 'recovery':
    case 'taper':
      return [];
  }
}

/** The types of quality sessions; the other rides stay below hard. */
const QUALITY_TYPES: ReadonlySet<WorkoutType> = new Set(['sweet_spot', 'threshold', 'vo2max']);

/** Midweek first and two days apart, away from the weekend's long ride. */
const HARD_DAY_ORDER: Weekday[] = ['tuesday', 'thursday', 'wednesday', 'friday', 'saturday', 'monday', 'sunday'];
/** The weekend first (a second long-ish day), then the days between quality sessions. */
const FILL_DAY_ORDER: Weekday[] = ['sunday', 'saturday', 'wednesday', 'friday', 'monday', 'thursday', 'tuesday'];

interface Setup {
  input: GeneratorInput;
  startDate: string;
  endDate: string;
  mondays: string[];
  phases: Phase[];
  /** The event when its day is in the plan. */
  event: { name: string; date: string } | null;
  /** The taper window's first and last days (the day before the event), when the event is in the plan. */
  taper: { first: string; last: string } | null;
  weeklyMinutes: number;
  ramp: number;
  race: Race | null;
  /** The day the rules put the long ride on. */
  longRideDay: Weekday | null;
  climbMinutes: number | null;
}

interface Race {
  minutes: number;
  pct: number;
  hard: boolean;
}

/** A day a training ride fits on, with the most minutes it may take. */
interface Slot {
  date: string;
  cap: number;
}

/** What a week's rides are built from; only the minutes vary while its load is fitted. */
interface Frame {
  phase: Phase;
  slots: Slot[];
  /** The long ride's day; null when the rules leave it none (then nothing fits). */
  longDate: string | null;
  qualities: Quality[];
  /** Whether a quality session may go on a day: not in the taper window, not next to another. */
  qualityAllowed: (date: string) => boolean;
  climbMinutes: number | null;
}

/** What carries from week to week. */
interface Progress {
  /** The CTL the plan has reached. */
  ctl: number;
  /** The minutes of the last full loading week. */
  minutes: number;
  /** Days of quality sessions (and a hard race): the days next to them stay easy, across weeks too. */
  qualityDates: Set<string>;
}

/**
 * A periodised plan from tomorrow to the event (or for `weeks`), within the
 * rider's days, hours and rules; never throws for valid input: when nothing
 * fits, weeks simply hold no ride.
 */
export function generatePlan(input: GeneratorInput): Plan {
  const setup = setUp(input);
  let plan = assemble(setup, 1);
  for (let tries = 1, factor = TAPER_SHRINK; tries <= MAX_TAPER_TRIES && taperTooBig(plan, setup); tries++, factor *= TAPER_SHRINK) {
    plan = assemble(setup, factor);
  }
  return plan;
}

/** The days a plan covers: from tomorrow to the event's day (when it is ahead), else `weeks` calendar weeks. */
export function planWindow(today: string, eventDate: string | null, weeks = DEFAULT_WEEKS): { startDate: string; horizon: string; weekStarts: string[] } {
  const startDate = addDays(today, 1);
  const horizon = eventDate !== null && eventDate >= startDate ? eventDate : addDays(mondayOf(startDate), 7 * Math.max(1, Math.round(weeks)) - 1);
  return { startDate, horizon, weekStarts: mondaysOf(startDate, horizon) };
}

function setUp(input: GeneratorInput): Setup {
  const { startDate, horizon, weekStarts: allMondays } = planWindow(input.today, input.event?.date ?? null, input.weeks);
  const event = input.event && input.event.date >= startDate ? input.event : null;
  const taperDays = Math.max(0, ...rulesOf(input.rules, 'taper_before_event').map((r) => r.days)) ||
    (allMondays.length >= TAPER_DAYS.longFromWeeks ? TAPER_DAYS.long : TAPER_DAYS.short);
  const mondays = allMondays.slice(0, MAX_WEEKS);
  const endDate = [horizon, addDays(mondays[mondays.length - 1]!, 6)].reduce((a, b) => (a < b ? a : b));
  const inPlan = event && event.date <= endDate ? event : null;
  const weeklyMinutes = Math.floor(Math.min(input.hoursPerWeek, ...rulesOf(input.rules, 'max_weekly_hours').map((r) => r.hours)) * 60);
  return {
    input,
    startDate,
    endDate,
    mondays,
    phases: phasesOf(allMondays, startDate, event ? { date: event.date, taperDays } : null).slice(0, MAX_WEEKS),
    event: inPlan,
    taper: inPlan ? { first: addDays(inPlan.date, -taperDays), last: addDays(inPlan.date, -1) } : null,
    weeklyMinutes,
    ramp: rampOf(weeklyMinutes / 60),
    race: inPlan ? raceOf(input, inPlan.date, weeklyMinutes) : null,
    longRideDay: rulesOf(input.rules, 'long_ride_day')[0]?.day ?? null,
    climbMinutes: input.keyClimbMinutes ? clamp(Math.round(input.keyClimbMinutes), 8, 40) : null,
  };
}

function rulesOf<K extends RuleKind>(rules: RuleSet, kind: K): RuleOf<K>[] {
  return rules.rules.filter((r): r is RuleOf<K> => r.kind === kind);
}

function mondaysOf(startDate: string, endDate: string): string[] {
  const mondays: string[] = [];
  for (let monday = mondayOf(startDate); monday <= endDate; monday = addDays(monday, 7)) mondays.push(monday);
  return mondays;
}

function rampOf(hours: number): number {
  const share = clamp((hours - RAMP.fromHours) / (RAMP.toHours - RAMP.fromHours), 0, 1);
  return Math.round(RAMP.min + share * (RAMP.max - RAMP.min));
}

/** The phase of each week (see the file's comment). */
function phasesOf(mondays: string[], startDate: string, event: { date: string; taperDays: number } | null): Phase[] {
  const taper = event ? taperWeeks(mondays, event.date, event.taperDays) : 0;
  const before = mondays.length - taper;
  const peak = !event ? 0 : before >= 6 ? 2 : before >= 3 ? 1 : 0;
  const blocks = before - peak;
  const build = !event ? Math.floor(blocks / 2) : blocks <= 3 ? blocks : Math.min(MAX_BUILD_WEEKS, Math.ceil(blocks / 2));
  const phases: Phase[] = [
    ...Array<Phase>(blocks - build).fill('base'),
    ...Array<Phase>(build).fill('build'),
    ...Array<Phase>(peak).fill('peak'),
    ...Array<Phase>(taper).fill('taper'),
  ];
  return withRecoveryWeeks(phases, mondays, startDate);
}

/** The event's week, and the weeks before it whose Thursday the taper window reaches (most of the week is taper). */
function taperWeeks(mondays: string[], eventDate: string, taperDays: number): number {
  const first = addDays(eventDate, -taperDays);
  return mondays.filter((monday) => monday === mondayOf(eventDate) || addDays(monday, 3) >= first).length;
}

/** 3:1: the base or build week after three loading weeks is lighter. A first week of 3 days or fewer does not count. */
function withRecoveryWeeks(phases: Phase[], mondays: string[], startDate: string): Phase[] {
  let loaded = 0;
  return phases.map((phase, i) => {
    if ((phase === 'base' || phase === 'build') && loaded === LOADING_WEEKS) {
      loaded = 0;
      return 'recovery';
    }
    if (phase !== 'taper' && daysBetween(startDate, addDays(mondays[i]!, 7)) >= 4) loaded++;
    return phase;
  });
}

/**
 * The race on the event's day, paced for its length, when the rules let it be
 * in the plan: not on a rest day, within the day's and the week's limits, and
 * not hard when the rules allow no hard day.
 */
function raceOf(input: GeneratorInput, eventDate: string, weeklyMinutes: number): Race | null {
  const minutes = Math.round(input.eventDurationMinutes ?? 0);
  const day = weekdayOf(eventDate);
  const dayLimit = Math.min(...rulesOf(input.rules, 'max_minutes_on_day').filter((r) => r.day === day).map((r) => r.minutes));
  if (minutes < 1 || minutes > dayLimit || minutes > weeklyMinutes) return null;
  if (rulesOf(input.rules, 'rest_day').some((r) => r.day === day)) return null;
  const noHardDays = rulesOf(input.rules, 'max_hard_days_per_week').some((r) => r.count === 0);
  const pct = noHardDays ? Math.min(racePace(minutes), Math.ceil(HARD_IF * 100) - 1) : racePace(minutes);
  return { minutes, pct, hard: pct / 100 >= HARD_IF };
}

/** The % of FTP a well-paced event of that length is ridden at (an IF of about 0.92 for an hour down to 0.70 beyond 5 h). */
function racePace(minutes: number): number {
  const paces: [upTo: number, pct: number][] = [[60, 92], [120, 85], [180, 80], [300, 75]];
  return paces.find(([upTo]) => minutes <= upTo)?.[1] ?? 70;
}

/** The whole plan, the weeks the taper window touches at `taperFactor` of their load. */
function assemble(setup: Setup, taperFactor: number): Plan {
  const progress: Progress = { ctl: Math.max(setup.input.ctl, CTL_FLOOR), minutes: setup.weeklyMinutes, qualityDates: new Set() };
  if (setup.event && setup.race?.hard) progress.qualityDates.add(setup.event.date);
  const weeks = setup.mondays.map((monday, i) => planWeek(setup, progress, monday, setup.phases[i]!, taperFactor));
  const event = setup.input.event;
  const input: PlanInput = {
    overview: overviewOf(setup),
    goal: event ? { event: event.name, date: event.date, routeId: event.routeId } : null,
    startDate: setup.startDate,
    endDate: setup.endDate,
    weeks,
  };
  return completePlan(planInputSchema.parse(input));
}

function planWeek(setup: Setup, progress: Progress, monday: string, phase: Phase, taperFactor: number): PlanInput['weeks'][number] {
  const trainingDays = weekDates(monday).filter((d) => d >= setup.startDate && d <= setup.endDate && d !== setup.event?.date);
  const race = setup.event && setup.race && mondayOf(setup.event.date) === monday ? setup.race : null;
  const frame = frameOf(setup, progress, monday, phase, trainingDays, race);
  const inTaper = setup.taper !== null && monday <= setup.taper.last && addDays(monday, 6) >= setup.taper.first;
  const target = targetTss(setup, progress, monday, phase) * (trainingDays.length / 7) * (inTaper ? taperFactor : 1);
  const maxMinutes = phase === 'recovery'
    ? Math.min(setup.weeklyMinutes, Math.max(MIN_RIDE, Math.floor(progress.minutes * RECOVERY_HOURS)))
    : setup.weeklyMinutes - (race?.minutes ?? 0);
  const rides = fitLoad(frame, target, maxMinutes);
  const workouts = race && raceFits(setup, monday, rides, race) ? [...rides, raceWorkout(setup.event!, race)] : rides;

  for (const w of rides) if (QUALITY_TYPES.has(w.type)) progress.qualityDates.add(w.date);
  if (trainingDays.length === 7 && (phase === 'base' || phase === 'build' || phase === 'peak')) {
    progress.ctl = tssOf(rides) / 7;
    progress.minutes = rides.reduce((s, w) => s + minutesOf(w), 0);
  }
  return { weekStart: monday, focus: focusOf(setup, phase, workouts), workouts };
}

function weekDates(monday: string): string[] {
  return WEEKDAYS.map((_, i) => addDays(monday, i));
}

/** The week's TSS for 7 days: 7 × the CTL it aims for. */
function targetTss(setup: Setup, progress: Progress, monday: string, phase: Phase): number {
  switch (phase) {
    case 'base':
    case 'build':
    case 'peak':
      return 7 * (progress.ctl + setup.ramp);
    case 'recovery':
      return 7 * progress.ctl * RECOVERY_LOAD;
    case 'taper': {
      const weeksBefore = setup.event ? daysBetween(monday, mondayOf(setup.event.date)) / 7 : 0;
      return 7 * progress.ctl * Math.min(TAPER_LOAD.max, TAPER_LOAD.eventWeek + TAPER_LOAD.perWeekBefore * weeksBefore);
    }
  }
}

/**
 * The days the week's rides may take. With a long_ride_day rule on a plan day,
 * the long ride must be there and be the longest: on the event's day the race
 * is, so every ride stays within it (none without a race); on a day the rider
 * cannot ride, no ride fits that week.
 */
function frameOf(setup: Setup, progress: Progress, monday: string, phase: Phase, trainingDays: string[], race: Race | null): Frame {
  const ruleDate = setup.longRideDay ? addDays(monday, WEEKDAYS.indexOf(setup.longRideDay)) : null;
  const bound = ruleDate !== null && ruleDate >= setup.startDate && ruleDate <= setup.endDate;
  const eventWeek = setup.event !== null && mondayOf(setup.event.date) === monday;
  const taperCap = phase !== 'taper' ? Infinity : eventWeek ? TAPER_RIDE.eventWeek : TAPER_RIDE.max;
  const onEventDay = bound && ruleDate === setup.event?.date;
  const ceiling = Math.min(taperCap, onEventDay ? (race?.minutes ?? 0) : Infinity);
  const slots = trainingDays
    .map((date) => ({ date, cap: Math.min(dayCap(setup.input, weekdayOf(date)), ceiling) }))
    .filter((s) => s.cap >= MIN_RIDE);
  const ruleCount = Math.min(...rulesOf(setup.input.rules, 'max_hard_days_per_week').map((r) => r.count));
  const hardLeft = Math.max(0, ruleCount - (race?.hard ? 1 : 0));
  const taper = setup.taper;
  return {
    phase,
    slots,
    longDate: !bound || onEventDay ? chooseLongDate(slots, setup.event?.date ?? null) : slots.some((s) => s.date === ruleDate) ? ruleDate : null,
    qualities: qualitiesOf(phase, setup.climbMinutes !== null).slice(0, hardLeft),
    qualityAllowed: (date) =>
      !(taper && date >= taper.first && date <= taper.last) &&
      !progress.qualityDates.has(addDays(date, -1)) &&
      !progress.qualityDates.has(addDays(date, 1)),
    climbMinutes: setup.climbMinutes,
  };
}

/** The most minutes a ride may take on a weekday: 0 when the rider cannot ride or the rules make it a rest day. */
function dayCap(input: GeneratorInput, day: Weekday): number {
  if (!input.days.includes(day) || rulesOf(input.rules, 'rest_day').some((r) => r.day === day)) return 0;
  return Math.min(MAX_RIDE, ...rulesOf(input.rules, 'max_minutes_on_day').filter((r) => r.day === day).map((r) => r.minutes));
}

/** Saturday or Sunday, whichever allows more, else the last day; never the day before the event when another will do. */
function chooseLongDate(slots: Slot[], eventDate: string | null): string | null {
  const eve = eventDate ? addDays(eventDate, -1) : null;
  const candidates = slots.some((s) => s.date !== eve) ? slots.filter((s) => s.date !== eve) : slots;
  const weekend = candidates.filter((s) => ['saturday', 'sunday'].includes(weekdayOf(s.date)));
  const pool = weekend.length > 0 ? weekend : [...candidates].reverse();
  return pool.reduce<Slot | null>((best, s) => (best && best.cap >= s.cap ? best : s), null)?.date ?? null;
}

/** When the long-ride rule's day comes before the event in its week, the race may not outlast that day's ride. */
function raceFits(setup: Setup, monday: string, rides: WorkoutInput[], race: Race): boolean {
  if (!setup.longRideDay) return true;
  const ruleDate = addDays(monday, WEEKDAYS.indexOf(setup.longRideDay));
  if (ruleDate < setup.startDate || ruleDate >= setup.event!.date) return true;
  const long = rides.find((w) => w.date === ruleDate);
  return long !== undefined && minutesOf(long) >= race.minutes;
}

/** The week's rides with the most minutes (up to `maxMinutes`) whose TSS stays within `targetTss`. */
function fitLoad(frame: Frame, targetTss: number, maxMinutes: number): WorkoutInput[] {
  const fits = (minutes: number) => tssOf(weekRides(frame, minutes)) <= targetTss;
  if (fits(maxMinutes)) return weekRides(frame, maxMinutes);
  let [lo, hi] = [0, maxMinutes]; // lo fits, hi does not
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (fits(mid)) lo = mid;
    else hi = mid;
  }
  return weekRides(frame, lo);
}

/**
 * `budget` minutes as a week of rides: the long ride first (twice an average
 * other ride, and the longest), then the quality sessions, then endurance.
 * What the days cannot take goes to the long ride, up to its day's limit.
 */
function weekRides(frame: Frame, budget: number): WorkoutInput[] {
  const long = frame.slots.find((s) => s.date === frame.longDate);
  if (!long || budget < MIN_RIDE) return [];
  const count = Math.min(frame.slots.length, MAX_RIDES, Math.round(1 + budget / MINUTES_PER_RIDE));
  const longMinutes = Math.min(long.cap, Math.max(MIN_RIDE, floor5((2 * budget) / (count + 1))));
  const others = frame.slots
    .filter((s) => s !== long)
    .map((s) => ({ date: s.date, cap: Math.min(s.cap, longMinutes) }))
    .filter((s) => s.cap >= MIN_RIDE);
  const share = count > 1 ? (budget - longMinutes) / (count - 1) : 0;
  const quality = qualityRides(frame, others, frame.qualities.slice(0, count - 1), share, budget - longMinutes);
  let left = budget - longMinutes - quality.reduce((s, w) => s + minutesOf(w), 0);
  const free = others.filter((s) => !quality.some((w) => w.date === s.date));
  const fill = byPreference(free, FILL_DAY_ORDER).slice(0, count - 1 - quality.length);
  const easy: WorkoutInput[] = [];
  fill.forEach((slot, i) => {
    const minutes = Math.min(slot.cap, floor5(left / (fill.length - i)));
    if (minutes < MIN_RIDE) return;
    easy.push(easyRide(frame.phase, slot.date, minutes));
    left -= minutes;
  });
  const longRide = longRideOf(frame.phase, long.date, longMinutes + Math.min(floor5(left), long.cap - longMinutes));
  return [longRide, ...quality, ...easy].sort((a, b) => a.date.localeCompare(b.date));
}

/** Quality sessions on the preferred days that may be hard, none next to another. */
function qualityRides(frame: Frame, slots: Slot[], qualities: Quality[], share: number, minutesLeft: number): WorkoutInput[] {
  const rides: WorkoutInput[] = [];
  let left = minutesLeft;
  for (const slot of byPreference(slots, HARD_DAY_ORDER)) {
    const quality = qualities[rides.length];
    if (!quality) break;
    if (!frame.qualityAllowed(slot.date) || rides.some((w) => Math.abs(daysBetween(w.date, slot.date)) <= 1)) continue;
    const ride = qualityRide(quality, slot.date, Math.min(slot.cap, clamp(share, QUALITY_MINUTES.min, QUALITY_MINUTES.max), left), frame.climbMinutes);
    if (!ride) continue;
    rides.push(ride);
    left -= minutesOf(ride);
  }
  return rides;
}

function byPreference(slots: Slot[], order: Weekday[]): Slot[] {
  return [...slots].sort((a, b) => order.indexOf(weekdayOf(a.date)) - order.indexOf(weekdayOf(b.date)));
}

function tssOf(rides: WorkoutInput[]): number {
  return rides.reduce((s, w) => s + plannedTss(w.steps), 0);
}

function minutesOf(w: WorkoutInput): number {
  return w.steps.reduce((s, x) => s + x.durationS, 0) / 60;
}

// Sessions

type Block = [minutes: number, target: Target];

function workout(date: string, type: WorkoutType, description: string, blocks: Block[]): WorkoutInput {
  return {
    date,
    type,
    description,
    steps: blocks.filter(([m]) => m > 0).map(([m, target]) => ({ durationS: Math.round(m * 60), targetPctFtp: target })),
  };
}

/** Warm-up, endurance either side of the efforts, cool-down: `minutes` in all. */
function aroundEfforts(minutes: number, efforts: Block[]): Block[] {
  const warmUp = minutes >= 40 ? WARM_UP : 5;
  const steady = minutes - warmUp - COOL_DOWN - efforts.reduce((s, [m]) => s + m, 0);
  const before = floor5(steady / 2);
  return [[warmUp, T.warmUp], [before, T.endurance], ...efforts, [steady - before, T.endurance], [COOL_DOWN, T.easy]];
}

/** Efforts of `work` minutes with `rest` minutes between. */
function repeats(reps: number, work: number, rest: number, target: Target, between: Target = T.easy): Block[] {
  return Array.from({ length: reps }, (_, i): Block[] => (i === 0 ? [[work, target]] : [[rest, between], [work, target]])).flat();
}

function enduranceRide(date: string, minutes: number): WorkoutInput {
  return workout(date, 'endurance', `${lengthWords(minutes)} endurance at 65-70 %, steady`, aroundEfforts(minutes, []));
}

/** Build and peak long rides carry 15' tempo blocks (one per 45 minutes beyond the first 45, at most 3) and stay below hard. */
function longRideOf(phase: Phase, date: string, minutes: number): WorkoutInput {
  if (phase === 'taper') return taperRide(date, minutes);
  const blocks = phase === 'build' || phase === 'peak' ? clamp(Math.floor((minutes - 45) / 45), 0, 3) : 0;
  if (blocks === 0) return enduranceRide(date, minutes);
  const tempo = repeats(blocks, 15, 15, T.tempo, T.endurance);
  const efforts = blocks === 1 ? "15' tempo" : `${blocks}x15' tempo`;
  return workout(date, 'endurance', `${lengthWords(minutes)} endurance at 65-70 % with ${efforts} at 80-85 %`, aroundEfforts(minutes, tempo));
}

/** Endurance, a recovery spin in a recovery week's short rides, openers in the taper. */
function easyRide(phase: Phase, date: string, minutes: number): WorkoutInput {
  if (phase === 'taper') return taperRide(date, minutes);
  if (phase === 'recovery' && minutes <= RECOVERY_SPIN_MINUTES) {
    return workout(date, 'recovery', `${lengthWords(minutes)} recovery spin under 55 %`, [[minutes, T.recovery]]);
  }
  return enduranceRide(date, minutes);
}

/** Short, easy rides that keep the legs sharp: 3x1' openers, far too short to make the ride hard. */
function taperRide(date: string, minutes: number): WorkoutInput {
  if (minutes < 30) return enduranceRide(date, minutes);
  const description = `${lengthWords(minutes)} endurance with 3x1' openers at 110-120 %`;
  return workout(date, 'endurance', description, aroundEfforts(minutes, repeats(3, 1, 2, T.openers)));
}

interface IntervalSet {
  type: WorkoutType;
  words: string;
  target: [number, number];
  reps: number;
  work: number;
  rest: number;
  note?: string;
}

function sets(type: WorkoutType, words: string, target: [number, number], list: [reps: number, work: number, rest: number][]): IntervalSet[] {
  return list.map(([reps, work, rest]) => ({ type, words, target, reps, work, rest }));
}

/** Each quality's sessions, the biggest first: the first that fits the day is ridden. */
const INTERVALS: Record<Exclude<Quality, 'climb'>, IntervalSet[]> = {
  sweet_spot: sets('sweet_spot', 'sweet spot', T.sweetSpot, [[3, 20, 5], [3, 15, 5], [2, 20, 5], [2, 15, 5], [2, 10, 5]]),
  threshold: sets('threshold', 'threshold', T.threshold, [[4, 10, 5], [3, 10, 5], [3, 8, 4], [2, 8, 4]]),
  vo2max: sets('vo2max', 'VO2max', T.vo2max, [[6, 4, 4], [5, 4, 4], [5, 3, 3], [4, 3, 3]]),
};

/** Most work at the key climb's length in a session. */
const MAX_CLIMB_WORK = 80;

/**
 * Efforts as long as the goal's key climb: threshold up to 20 minutes, sweet
 * spot beyond (what a rider holds that long); threshold when even one will not fit.
 */
function climbSets(minutes: number): IntervalSet[] {
  const threshold = minutes <= 20;
  const rest = threshold ? Math.ceil(minutes / 2) : Math.max(5, Math.round(minutes / 5));
  const climb = [3, 2, 1]
    .filter((reps) => reps * minutes <= MAX_CLIMB_WORK)
    .map((reps): IntervalSet => ({
      ...(threshold
        ? { type: 'threshold', words: 'threshold', target: T.threshold }
        : { type: 'sweet_spot', words: 'sweet spot', target: T.sweetSpot }),
      reps,
      work: minutes,
      rest,
      note: "the goal climb's length",
    }));
  return [...climb, ...INTERVALS.threshold];
}

function setMinutes(s: IntervalSet): number {
  return WARM_UP + s.reps * s.work + (s.reps - 1) * s.rest + COOL_DOWN;
}

/** The biggest session of the quality that fits `maxMinutes`, the time left ridden as endurance; null when none fits. */
function qualityRide(quality: Quality, date: string, maxMinutes: number, climbMinutes: number | null): WorkoutInput | null {
  const options = quality === 'climb' ? climbSets(climbMinutes!) : INTERVALS[quality];
  const set = options.find((s) => setMinutes(s) <= maxMinutes);
  if (!set) return null;
  const extra = Math.min(MAX_QUALITY_EXTRA, floor5(maxMinutes - setMinutes(set)));
  const [lo, hi] = set.target;
  const description = [
    `${set.reps > 1 ? `${set.reps}x` : ''}${set.work}' ${set.words} at ${lo}-${hi} %`,
    set.note ? ` (${set.note})` : '',
    set.reps > 1 ? ` with ${set.rest}' easy between` : '',
    extra > 0 ? `, then ${extra}' endurance` : '',
  ].join('');
  return workout(date, set.type, description, [
    [WARM_UP, T.warmUp],
    ...repeats(set.reps, set.work, set.rest, set.target),
    [extra, T.endurance],
    [COOL_DOWN, T.easy],
  ]);
}

/** The event at its pace, in steps of at most 8 h (the schema's longest step). */
function raceWorkout(event: { name: string; date: string }, race: Race): WorkoutInput {
  const chunks: Block[] = [];
  for (let left = race.minutes; left > 0; left -= 480) chunks.push([Math.min(480, left), race.pct]);
  const description = `${event.name}: race day, about ${race.pct} % FTP for ${lengthWords(race.minutes)}; steady on the climbs, eat and drink from the start`;
  return workout(event.date, 'race', description, chunks);
}

// Words

/** One line: the phase, what the week works on, its hours. */
function focusOf(setup: Setup, phase: Phase, workouts: WorkoutInput[]): string {
  const hours = `${oneDecimal(workouts.reduce((s, w) => s + minutesOf(w), 0) / 60)} h`;
  const label = phase === 'recovery' ? 'Recovery week' : `${phase[0]!.toUpperCase()}${phase.slice(1)}`;
  if (workouts.length === 0) return `${label}: no ride fits this week's days and rules`;
  const climb = setup.climbMinutes;
  const quality = workouts.some((w) => QUALITY_TYPES.has(w.type));
  if (!quality && (phase === 'build' || phase === 'peak')) return `${label}: aerobic endurance, ${hours}`;
  switch (phase) {
    case 'base':
      return `Base: aerobic endurance, ${hours}`;
    case 'build':
      return climb ? `Build: ${climb}' efforts at the goal climb's length, and VO2max, ${hours}` : `Build: threshold and sweet spot, ${hours}`;
    case 'peak':
      return `Peak: VO2max and ${climb ? 'climb-length efforts' : 'threshold'} at race intensity, ${hours}`;
    case 'recovery':
      return `Recovery week: easy riding to absorb the load, ${hours}`;
    case 'taper':
      return `Taper: sharp and fresh before ${setup.input.event!.name}`;
  }
}

function overviewOf(setup: Setup): string {
  const counts = (['base', 'build', 'peak', 'taper'] as const)
    .map((phase) => [phase, setup.phases.filter((p) => p === phase).length] as const)
    .filter(([, n]) => n > 0)
    .map(([phase, n], i) => (i === 0 ? `${phase} ${n} week${n === 1 ? '' : 's'}` : `${phase} ${n}`));
  const recovery = setup.phases.filter((p) => p === 'recovery').length;
  const weeks = `${setup.mondays.length} week${setup.mondays.length === 1 ? '' : 's'}`;
  const event = setup.input.event && setup.input.event.date >= setup.startDate ? setup.input.event : null;
  const lighter = recovery > 0 ? `, with a recovery week after every ${LOADING_WEEKS} weeks of load` : '';
  const first = `${event ? `${weeks} to ${event.name} (${event.date})` : weeks}: ${counts.join(', ')}${lighter}.`;
  const ctl = Math.round(Math.max(setup.input.ctl, CTL_FLOOR));
  return `${first} Load starts from a CTL of ${ctl} and rises about ${setup.ramp} a week, within ${oneDecimal(setup.weeklyMinutes / 60)} h a week.`;
}

/**
 * Whether a taper_before_event rule's volume test fails: the one rule no week
 * can keep alone, since it weighs the window against the three weeks before it.
 */
function taperTooBig(plan: Plan, setup: Setup): boolean {
  const rules = rulesOf(setup.input.rules, 'taper_before_event');
  if (rules.length === 0 || !setup.event) return false;
  return checkPlan(plan, { rules, notes: [] }, { eventDate: setup.event.date }).length > 0;
}

/** "75 min" up to 90 minutes, as riders say it; "2 h 30 min" beyond. */
function lengthWords(minutes: number): string {
  return minutes <= 90 ? `${minutes} min` : duration(minutes * 60);
}

function clamp(x: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, x));
}

function floor5(minutes: number): number {
  return Math.max(0, Math.floor(minutes / 5) * 5);
}
