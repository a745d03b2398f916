import { describe, expect, it } from 'vitest';
import { addDays, WEEKDAYS, weekdayOf, type Weekday } from '../../../src/domain/calendar.ts';
import { checkPlan } from '../../../src/domain/plan/checker.ts';
import { generatePlan, type GeneratorInput } from '../../../src/domain/plan/generator.ts';
import { allWorkouts, isHard, planInput, planInputSchema, targetFraction, type Plan, type Week } from '../../../src/domain/plan/plan.ts';
import type { Rule, RuleSet } from '../../../src/domain/plan/rules.ts';
import { random } from '../../support/random.ts';

const rules = (...list: Rule[]): RuleSet => ({ rules: list, notes: [] });
const ALL_DAYS: Weekday[] = [...WEEKDAYS];

function input(over: Partial<GeneratorInput>): GeneratorInput {
  return { today: '2025-03-05', event: null, ctl: 35, hoursPerWeek: 9, days: ALL_DAYS, rules: rules(), ...over };
}

function eventIn(today: string, weeks: number) {
  return { name: 'Marmotte', date: addDays(today, weeks * 7), routeId: 3 };
}

const isQuality = (type: string) => ['sweet_spot', 'threshold', 'vo2max'].includes(type);
const minutesOf = (week: Week) => week.workouts.reduce((s, w) => s + w.durationMinutes, 0);
const tssOf = (week: Week) => week.workouts.filter((w) => w.type !== 'race').reduce((s, w) => s + w.plannedTss, 0);
const phaseOf = (week: Week) => /^(Base|Build|Peak|Taper|Recovery week)/.exec(week.focus)?.[1] ?? week.focus;
/** Days of the week inside the plan. */
const planDays = (plan: Plan, week: Week) =>
  Array.from({ length: 7 }, (_, i) => addDays(week.weekStart, i)).filter((d) => d >= plan.startDate && d <= plan.endDate).length;

/** Every way `plan` fails what any generated plan must be; empty when it is fine. */
function problems(plan: Plan, given: GeneratorInput): string[] {
  const found: string[] = [];
  const parsed = planInputSchema.safeParse(planInput(plan));
  if (!parsed.success) found.push(`schema: ${parsed.error.issues[0]?.message}`);
  for (const v of checkPlan(plan, given.rules, { eventDate: given.event?.date ?? null })) found.push(`rule: ${v.message}`);
  if (plan.startDate !== addDays(given.today, 1)) found.push(`starts ${plan.startDate}`);
  if (given.event && plan.endDate !== given.event.date) found.push(`ends ${plan.endDate}, not on the event's day`);
  if (!given.event && plan.endDate !== addDays(plan.weeks.at(-1)!.weekStart, 6)) found.push(`ends ${plan.endDate}, not on a Sunday`);
  for (const week of plan.weeks) {
    if (minutesOf(week) > given.hoursPerWeek * 60) found.push(`${week.weekStart}: ${minutesOf(week)} min over ${given.hoursPerWeek} h`);
  }
  for (const w of allWorkouts(plan)) {
    if (w.type === 'race' ? w.date !== given.event?.date : !given.days.includes(weekdayOf(w.date))) found.push(`${w.type} on ${w.date}, a ${weekdayOf(w.date)}`);
  }
  return found;
}

/**
 * Whether the long-ride rule leaves the week no ride: its day is one the rider
 * cannot ride, or the event's day when the plan holds no race (the long ride
 * must be the week's longest, and nothing else may outlast an empty day).
 */
function longDayEmpty(given: GeneratorInput, week: Week): boolean {
  const rule = given.rules.rules.find((r) => r.kind === 'long_ride_day');
  if (!rule) return false;
  const date = addDays(week.weekStart, WEEKDAYS.indexOf(rule.day));
  return !given.days.includes(rule.day) ||
    given.rules.rules.some((x) => x.kind === 'rest_day' && x.day === rule.day) ||
    (date === given.event?.date && !week.workouts.some((w) => w.type === 'race'));
}

describe('generatePlan: every plan is valid and keeps the rules', () => {
  const HOURS = [2, 4, 6, 9, 14];
  const DAY_SETS: Record<string, Weekday[]> = {
    'every day': ALL_DAYS,
    'Tue/Thu/Sat/Sun': ['tuesday', 'thursday', 'saturday', 'sunday'],
    'Saturday only': ['saturday'],
    'Monday to Friday': ['monday', 'tuesday', 'wednesday', 'thursday', 'friday'],
  };
  const RULE_SETS: Record<string, RuleSet> = {
    'no rules': rules(),
    'rest Monday, 2 hard days, none back to back, long ride Sunday': rules(
      { kind: 'rest_day', day: 'monday' },
      { kind: 'max_hard_days_per_week', count: 2 },
      { kind: 'no_back_to_back_hard_days' },
      { kind: 'long_ride_day', day: 'sunday' },
    ),
    'max 8 h, 45 min on Tue/Thu': rules(
      { kind: 'max_weekly_hours', hours: 8 },
      { kind: 'max_minutes_on_day', day: 'tuesday', minutes: 45 },
      { kind: 'max_minutes_on_day', day: 'thursday', minutes: 45 },
    ),
    'taper 10 days': rules({ kind: 'taper_before_event', days: 10 }),
  };
  const CTLS = [0, 35, 80];
  const EVENT_WEEKS = [null, 3, 6, 12];

  for (const [ruleName, ruleSet] of Object.entries(RULE_SETS)) {
    for (const [dayName, days] of Object.entries(DAY_SETS)) {
      it(`${ruleName}; ${dayName}`, () => {
        const found: string[] = [];
        let i = 0;
        for (const hoursPerWeek of HOURS) {
          for (const ctl of CTLS) {
            for (const eventWeeks of EVENT_WEEKS) {
              // vary the weekday of today (so of the event), the race and the key climb across the grid
              const today = addDays('2025-03-03', i % 7);
              const given: GeneratorInput = {
                today,
                event: eventWeeks ? eventIn(today, eventWeeks) : null,
                eventDurationMinutes: [null, 90, 300][i % 3],
                keyClimbMinutes: [null, 12, 25, 45][i % 4],
                ctl,
                hoursPerWeek,
                days,
                rules: ruleSet,
              };
              i++;
              const plan = generatePlan(given);
              const label = `${hoursPerWeek} h, CTL ${ctl}, event ${eventWeeks ?? 'none'}, today ${today}`;
              found.push(...problems(plan, given).map((p) => `${label}: ${p}`));
              const empty = plan.weeks.filter((w) => planDays(plan, w) === 7 && w.workouts.length === 0 && !longDayEmpty(given, w));
              if (empty.length > 0) found.push(`${label}: no ride in the week of ${empty[0]!.weekStart}`);
            }
          }
        }
        expect(found).toEqual([]);
      });
    }
  }

  it('random riders, days and rules', () => {
    const next = random(20250305);
    const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)]!;
    const found: string[] = [];
    for (let n = 0; n < 300; n++) {
      const days = ALL_DAYS.filter(() => next() < 0.6);
      const list: Rule[] = [];
      const restDay = pick(WEEKDAYS);
      if (next() < 0.5) list.push({ kind: 'rest_day', day: restDay });
      if (next() < 0.4) list.push({ kind: 'max_weekly_hours', hours: 2 + Math.floor(next() * 12) });
      if (next() < 0.4) list.push({ kind: 'max_hard_days_per_week', count: Math.floor(next() * 4) });
      if (next() < 0.4) list.push({ kind: 'no_back_to_back_hard_days' });
      // a long-ride day the rider cannot ride leaves weeks empty, and no taper can be lighter than nothing: see below
      const longDays = days.filter((d) => d !== restDay);
      if (next() < 0.4 && longDays.length > 0) list.push({ kind: 'long_ride_day', day: pick(longDays) });
      if (next() < 0.4) list.push({ kind: 'max_minutes_on_day', day: pick(WEEKDAYS), minutes: Math.floor(next() * 180) });
      // with no day a 20-minute ride fits, no taper can be lighter than the (empty) weeks before it
      const rideable = days.filter((d) => d !== restDay || !list.some((r) => r.kind === 'rest_day'))
        .filter((d) => !list.some((r) => r.kind === 'max_minutes_on_day' && r.day === d && r.minutes < 20));
      if (next() < 0.4 && rideable.length > 0) list.push({ kind: 'taper_before_event', days: 1 + Math.floor(next() * 21) });
      const today = addDays('2025-01-01', Math.floor(next() * 365));
      const given: GeneratorInput = {
        today,
        event: next() < 0.7 ? { name: 'Gran fondo', date: addDays(today, 1 + Math.floor(next() * 140)), routeId: null } : null,
        weeks: 1 + Math.floor(next() * 16),
        eventDurationMinutes: next() < 0.7 ? 30 + Math.floor(next() * 600) : null,
        keyClimbMinutes: next() < 0.5 ? 1 + next() * 80 : null,
        ctl: next() * 120,
        hoursPerWeek: 0.5 + next() * 20,
        days,
        rules: rules(...list),
      };
      const plan = generatePlan(given);
      found.push(...problems(plan, given).map((p) => `case ${n} ${JSON.stringify(given)}: ${p}`));
    }
    expect(found).toEqual([]);
  });
});

describe('generatePlan: periodisation of a 12-week plan to an event', () => {
  const today = '2025-03-05';
  const given = input({ today, event: eventIn(today, 12), eventDurationMinutes: 300, hoursPerWeek: 14, ctl: 35 });
  const plan = generatePlan(given);
  const RANK: Record<string, number> = { Base: 0, Build: 1, Peak: 2, Taper: 3 };

  it('goes base, build, peak, taper, in that order, each phase present', () => {
    const phases = plan.weeks.map(phaseOf).filter((p) => p !== 'Recovery week');
    expect(phases.every((p) => p in RANK)).toBe(true);
    expect(phases.map((p) => RANK[p]!)).toEqual([...phases.map((p) => RANK[p]!)].sort((a, b) => a - b));
    expect(new Set(phases)).toEqual(new Set(['Base', 'Build', 'Peak', 'Taper']));
    expect(plan.goal).toEqual({ event: 'Marmotte', date: given.event!.date, routeId: 3 });
  });

  it('makes every 4th loading week lighter: about 65 % of the TSS of the week before, and fewer hours', () => {
    let loaded = 0;
    plan.weeks.forEach((week, i) => {
      const phase = phaseOf(week);
      if (phase === 'Recovery week') {
        const before = plan.weeks[i - 1]!;
        expect(tssOf(week) / tssOf(before)).toBeGreaterThan(0.55);
        expect(tssOf(week) / tssOf(before)).toBeLessThan(0.7);
        expect(minutesOf(week)).toBeLessThan(minutesOf(before));
        loaded = 0;
      } else if (phase === 'Base' || phase === 'Build') {
        if (planDays(plan, week) >= 4) loaded++;
        expect(loaded).toBeLessThanOrEqual(3);
      }
    });
    expect(plan.weeks.filter((w) => phaseOf(w) === 'Recovery week').length).toBeGreaterThanOrEqual(2);
  });

  it('starts from the rider\'s fitness and ramps by at most 8 CTL (56 TSS) a week', () => {
    const loading = plan.weeks.filter((w) => ['Base', 'Build', 'Peak'].includes(phaseOf(w)) && planDays(plan, w) === 7);
    expect(tssOf(loading[0]!)).toBeGreaterThanOrEqual(7 * given.ctl);
    expect(tssOf(loading[0]!)).toBeLessThanOrEqual(7 * (given.ctl + 8));
    for (let i = 1; i < loading.length; i++) {
      expect(tssOf(loading[i]!) - tssOf(loading[i - 1]!)).toBeLessThanOrEqual(56);
    }
    // and it does ramp: the last loading week is well above the first
    expect(tssOf(loading.at(-1)!) - tssOf(loading[0]!)).toBeGreaterThan(7 * 3 * 4);
  });

  it('holds quality sessions in base (1), build and peak (2) weeks only, never on adjacent days', () => {
    const limit: Record<string, number> = { Base: 1, Build: 2, Peak: 2, 'Recovery week': 0, Taper: 0 };
    for (const week of plan.weeks) {
      const quality = week.workouts.filter((w) => isQuality(w.type));
      expect(quality.length).toBeLessThanOrEqual(limit[phaseOf(week)]!);
      if (planDays(plan, week) === 7) expect(quality.length).toBe(limit[phaseOf(week)]!);
      expect(week.workouts.filter((w) => !isQuality(w.type) && w.type !== 'race').filter(isHard)).toEqual([]);
    }
    const dates = allWorkouts(plan).filter((w) => isQuality(w.type) || isHard(w)).map((w) => w.date);
    for (const d of dates) expect(dates).not.toContain(addDays(d, 1));
  });

  it('tapers: lighter, no hard day in the last 10 days, and the event day holds the race', () => {
    const peak = plan.weeks.filter((w) => phaseOf(w) === 'Peak').at(-1)!;
    for (const week of plan.weeks.filter((w) => phaseOf(w) === 'Taper')) {
      expect(week.focus).toBe('Taper: sharp and fresh before Marmotte');
      expect(tssOf(week)).toBeLessThan(0.75 * tssOf(peak));
    }
    const last = allWorkouts(plan).filter((w) => w.date >= addDays(given.event!.date, -10) && w.date < given.event!.date);
    expect(last.length).toBeGreaterThan(0);
    expect(last.filter(isHard)).toEqual([]);
    const race = allWorkouts(plan).at(-1)!;
    expect(race).toMatchObject({ date: given.event!.date, type: 'race', durationMinutes: 300 });
  });

  it('puts the long ride on the weekend, the longest of its week', () => {
    for (const week of plan.weeks.filter((w) => phaseOf(w) !== 'Taper' && w.workouts.length > 0)) {
      const longest = week.workouts.reduce((a, b) => (b.durationMinutes > a.durationMinutes ? b : a));
      expect(['saturday', 'sunday']).toContain(weekdayOf(longest.date));
    }
  });

  it('says each week in one line and the plan in one or two sentences', () => {
    for (const week of plan.weeks) expect(week.focus).not.toContain('\n');
    expect(plan.weeks.find((w) => phaseOf(w) === 'Base' && planDays(plan, w) === 7)!.focus).toMatch(/^Base: aerobic endurance, \d+(\.\d)? h$/);
    expect(plan.overview.split(/(?<=\.) /).length).toBeLessThanOrEqual(2);
    expect(plan.overview).toContain('Marmotte');
  });
});

describe('generatePlan: sessions', () => {
  it('holds efforts as long as the key climb in build weeks: 25 min at 88 % or more', () => {
    const today = '2025-03-05';
    const plan = generatePlan(input({ today, event: eventIn(today, 12), keyClimbMinutes: 25 }));
    const build = plan.weeks.filter((w) => phaseOf(w) === 'Build');
    expect(build.length).toBeGreaterThan(0);
    for (const week of build) {
      const climb = week.workouts.filter((w) => w.steps.some((s) => s.durationS === 25 * 60 && targetFraction(s.targetPctFtp) >= 0.88));
      expect(climb.length).toBeGreaterThanOrEqual(1);
    }
    // and none in base weeks
    const base = plan.weeks.filter((w) => phaseOf(w) === 'Base').flatMap((w) => w.workouts);
    expect(base.some((w) => w.steps.some((s) => s.durationS === 25 * 60 && targetFraction(s.targetPctFtp) >= 0.88))).toBe(false);
  });

  it('clamps the key climb to 8-40 min', () => {
    const today = '2025-03-05';
    const longest = (keyClimbMinutes: number) =>
      Math.max(...allWorkouts(generatePlan(input({ today, event: eventIn(today, 8), keyClimbMinutes, hoursPerWeek: 14 })))
        .filter((w) => w.type === 'threshold' || w.type === 'sweet_spot')
        .flatMap((w) => w.steps.filter((s) => targetFraction(s.targetPctFtp) >= 0.88).map((s) => s.durationS / 60)));
    expect(longest(90)).toBe(40);
    expect(allWorkouts(generatePlan(input({ today, event: eventIn(today, 8), keyClimbMinutes: 3 })))
      .some((w) => w.steps.some((s) => s.durationS === 8 * 60 && targetFraction(s.targetPctFtp) >= 0.95))).toBe(true);
  });

  it('gives interval sessions a warm-up and a cool-down, and targets in each type\'s band', () => {
    const plan = generatePlan(input({ event: eventIn('2025-03-05', 12), hoursPerWeek: 10 }));
    const bands: Record<string, [number, number]> = { sweet_spot: [0.88, 0.94], threshold: [0.95, 1.05], vo2max: [1.06, 1.2] };
    const sessions = allWorkouts(plan).filter((w) => w.type in bands);
    expect(new Set(sessions.map((w) => w.type))).toEqual(new Set(Object.keys(bands)));
    for (const w of sessions) {
      const [lo, hi] = bands[w.type]!;
      const hardest = Math.max(...w.steps.map((s) => targetFraction(s.targetPctFtp)));
      expect(hardest).toBeGreaterThanOrEqual(lo);
      expect(hardest).toBeLessThanOrEqual(hi);
      expect(targetFraction(w.steps[0]!.targetPctFtp)).toBeLessThan(0.7);
      expect(targetFraction(w.steps.at(-1)!.targetPctFtp)).toBeLessThan(0.7);
      expect(w.description).toMatch(/^(\d+x)?\d+' /);
    }
    for (const w of allWorkouts(plan).filter((x) => x.type === 'recovery')) expect(w.plannedIf).toBeLessThan(0.55);
    for (const w of allWorkouts(plan).filter((x) => x.type === 'endurance')) expect(w.plannedIf).toBeLessThan(0.75);
  });
});

describe('generatePlan: horizons and edge cases', () => {
  it('without an event: 4 calendar weeks by default, base then build, no goal', () => {
    const plan = generatePlan(input({ today: '2025-03-05' }));
    expect(plan.goal).toBeNull();
    expect(plan.weeks.map((w) => w.weekStart)).toEqual(['2025-03-03', '2025-03-10', '2025-03-17', '2025-03-24']);
    expect(plan.endDate).toBe('2025-03-30');
    expect(plan.weeks.map(phaseOf)).toEqual(['Base', 'Base', 'Build', 'Recovery week']);
    expect(generatePlan(input({ today: '2025-03-05', weeks: 8 })).weeks).toHaveLength(8);
  });

  it('two weeks to the event: build, then taper', () => {
    const today = '2025-03-02'; // a Sunday: the plan starts on a Monday
    const plan = generatePlan(input({ today, event: eventIn(today, 2) }));
    expect(plan.weeks.map(phaseOf)).toEqual(['Build', 'Taper']);
  });

  it('an event tomorrow is a one-day plan with the race', () => {
    const plan = generatePlan(input({ event: { name: 'Crit', date: '2025-03-06', routeId: null }, eventDurationMinutes: 60 }));
    expect(allWorkouts(plan).map((w) => [w.date, w.type])).toEqual([['2025-03-06', 'race']]);
    expect(plan.weeks.map(phaseOf)).toEqual(['Taper']);
  });

  it('an event more than a year away: the plan stops at 52 weeks, all before the taper', () => {
    const plan = generatePlan(input({ event: { name: 'Far', date: '2026-06-01', routeId: null } }));
    expect(plan.weeks).toHaveLength(52);
    expect(plan.endDate < '2026-06-01').toBe(true);
    expect(plan.weeks.map(phaseOf)).not.toContain('Taper');
    expect(planInputSchema.safeParse(planInput(plan)).success).toBe(true);
  });

  it('1 day of 30 min: a single short endurance ride a week, 20 min in the recovery week', () => {
    const plan = generatePlan(input({ today: '2025-03-02', days: ['saturday'], hoursPerWeek: 0.5, ctl: 0 }));
    for (const week of plan.weeks) {
      expect(week.workouts).toHaveLength(1);
      expect(week.workouts[0]).toMatchObject({ type: 'endurance', durationMinutes: phaseOf(week) === 'Recovery week' ? 20 : 30 });
    }
  });

  it('too little time for any ride, or no day at all: a valid plan with no rides', () => {
    for (const over of [{ hoursPerWeek: 0.2 }, { days: [] }, { rules: rules({ kind: 'max_weekly_hours', hours: 0.25 }) }]) {
      const plan = generatePlan(input(over));
      expect(allWorkouts(plan)).toEqual([]);
      expect(planInputSchema.safeParse(planInput(plan)).success).toBe(true);
    }
  });

  it('a long-ride day the rider cannot ride leaves those weeks empty rather than break the rule', () => {
    const given = input({ days: ['saturday'], rules: rules({ kind: 'long_ride_day', day: 'sunday' }) });
    const plan = generatePlan(given);
    expect(allWorkouts(plan)).toEqual([]);
    expect(plan.weeks[0]!.focus).toBe("Base: no ride fits this week's days and rules");
  });

  it('leaves the race out when the rules forbid it, and paces it below hard when no hard day is allowed', () => {
    const today = '2025-03-02';
    const event = eventIn(today, 6); // a Sunday
    const race = (ruleList: Rule[], minutes = 60) =>
      allWorkouts(generatePlan(input({ today, event, eventDurationMinutes: minutes, rules: rules(...ruleList) }))).find((w) => w.type === 'race');
    expect(race([])).toMatchObject({ date: event.date, durationMinutes: 60 });
    expect(race([], 60)!.plannedIf).toBeGreaterThanOrEqual(0.85);
    expect(race([{ kind: 'max_hard_days_per_week', count: 0 }])!.plannedIf).toBeLessThan(0.85);
    expect(race([{ kind: 'rest_day', day: 'sunday' }])).toBeUndefined();
    expect(race([{ kind: 'max_minutes_on_day', day: 'sunday', minutes: 45 }])).toBeUndefined();
    expect(race([], 11 * 60)).toBeUndefined(); // longer than the 9 h a week available
  });

  it('keeps quality days apart across the week boundary: a Sunday session is not followed by a Monday one', () => {
    const today = '2025-03-02';
    const given = input({
      today,
      event: eventIn(today, 12),
      days: ['saturday', 'sunday', 'monday'],
      keyClimbMinutes: 25,
      rules: rules({ kind: 'long_ride_day', day: 'saturday' }, { kind: 'no_back_to_back_hard_days' }),
    });
    const plan = generatePlan(given);
    expect(checkPlan(plan, given.rules, { eventDate: given.event!.date })).toEqual([]);
    const quality = allWorkouts(plan).filter((w) => isQuality(w.type)).map((w) => w.date);
    for (const d of quality) expect(quality).not.toContain(addDays(d, 1));
    // Monday and Sunday both hold sessions in some weeks: there was something to keep apart
    expect(quality.map(weekdayOf)).toContain('sunday');
    expect(quality.map(weekdayOf)).toContain('monday');
  });

  it('puts no hard day in the taper window, even on the days it reaches of a loading week', () => {
    const today = '2025-03-04';
    const event = eventIn(today, 12); // a Tuesday: the 10-day window starts on the Saturday 10 days before
    const given = input({ today, event, days: ['thursday', 'saturday', 'sunday'], rules: rules({ kind: 'taper_before_event', days: 10 }) });
    const plan = generatePlan(given);
    expect(checkPlan(plan, given.rules, { eventDate: event.date })).toEqual([]);
    const beforeWindow = plan.weeks.find((w) => w.weekStart === addDays(event.date, -15))!;
    expect(phaseOf(beforeWindow)).toBe('Peak');
    expect(beforeWindow.workouts.filter((w) => isQuality(w.type)).map((w) => weekdayOf(w.date))).toEqual(['thursday']);
  });

  it('keeps the day before a hard race easy and the week around it within the rules', () => {
    const today = '2025-03-02';
    const event = eventIn(today, 3);
    const given = input({ today, event, eventDurationMinutes: 60, rules: rules({ kind: 'no_back_to_back_hard_days' }, { kind: 'max_hard_days_per_week', count: 1 }) });
    const plan = generatePlan(given);
    expect(checkPlan(plan, given.rules, { eventDate: event.date })).toEqual([]);
    const eve = allWorkouts(plan).find((w) => w.date === addDays(event.date, -1));
    if (eve) expect(isHard(eve)).toBe(false);
  });

  it('is deterministic', () => {
    const given = input({ event: eventIn('2025-03-05', 9), keyClimbMinutes: 18 });
    expect(generatePlan(given)).toEqual(generatePlan(given));
  });
});
