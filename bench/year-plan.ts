// The plan the plan and analysis benches work on: a year to an event, under six rules.
import { addDays, WEEKDAYS } from '../src/domain/calendar.ts';
import type { GeneratorInput } from '../src/domain/plan/generator.ts';
import type { RuleSet } from '../src/domain/plan/rules.ts';

export const TODAY = '2026-12-02';
export const SIX_RULES: RuleSet = {
  rules: [
    { kind: 'rest_day', day: 'monday' },
    { kind: 'max_hard_days_per_week', count: 2 },
    { kind: 'no_back_to_back_hard_days' },
    { kind: 'long_ride_day', day: 'sunday' },
    { kind: 'max_minutes_on_day', day: 'wednesday', minutes: 60 },
    { kind: 'taper_before_event', days: 10 },
  ],
  notes: [],
};
export const YEAR_PLAN_INPUT: GeneratorInput = {
  today: TODAY,
  event: { name: 'Year goal', date: addDays(TODAY, 360), routeId: null },
  eventDurationMinutes: 300,
  ctl: 45,
  hoursPerWeek: 10,
  days: [...WEEKDAYS],
  rules: SIX_RULES,
  keyClimbMinutes: 30,
};
