import { describe, expect, it } from 'vitest';
import type { Weekday } from '../../../src/domain/calendar.ts';
import { parseRulePhrases } from '../../../src/domain/plan/rule-phrases.ts';
import type { Rule } from '../../../src/domain/plan/rules.ts';

const rest = (...days: Weekday[]): Rule[] => days.map((day) => ({ kind: 'rest_day', day }));
const weekly = (hours: number): Rule[] => [{ kind: 'max_weekly_hours', hours }];
const hard = (count: number): Rule[] => [{ kind: 'max_hard_days_per_week', count }];
const apart: Rule[] = [{ kind: 'no_back_to_back_hard_days' }];
const longRide = (day: Weekday): Rule[] => [{ kind: 'long_ride_day', day }];
const capped = (minutes: number, ...days: Weekday[]): Rule[] => days.map((day) => ({ kind: 'max_minutes_on_day', day, minutes }));
const taper = (days: number): Rule[] => [{ kind: 'taper_before_event', days }];
const WEEKDAYS_ONLY: Weekday[] = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday'];

describe('parseRulePhrases: one phrase, exactly its rules', () => {
  it.each<[string, Rule[]]>([
    // rest_day
    ['Monday is my rest day', rest('monday')],
    ['Mondays off', rest('monday')],
    ['no riding on Fridays', rest('friday')],
    ['rest on Monday and Friday', rest('monday', 'friday')],
    ['I never ride on Wednesday', rest('wednesday')],
    ['day off on sunday', rest('sunday')],
    ['Friday: rest', rest('friday')],
    ['Monday and Friday are rest days', rest('monday', 'friday')],
    ['Rest days: Mon and Thu', rest('monday', 'thursday')],
    ['I take Mondays off', rest('monday')],
    ['keep Sunday free', rest('sunday')],
    ["I can't ride on Tues", rest('tuesday')],
    ['no training on the weekend', rest('saturday', 'sunday')],
    ['Weekends are rest days', rest('saturday', 'sunday')],
    ['rest fri–sun', rest('friday', 'saturday', 'sunday')],
    ['Sat-Mon off', rest('monday', 'saturday', 'sunday')],
    ['rest on mon, tue, wed, thu, fri, sat and sun', rest('monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday')],
    // max_weekly_hours
    ['max 8 hours a week', weekly(8)],
    ['no more than 10h per week', weekly(10)],
    ['at most 6.5 hours weekly', weekly(6.5)],
    ['I can train up to 9 hours a week', weekly(9)],
    ['weekly volume under 12 hours', weekly(12)],
    ['Max. 7 hrs/week', weekly(7)],
    ['8h a week max', weekly(8)],
    ['up to seven and a half hours of riding per week', weekly(7.5)],
    ['max weekly hours: 10', weekly(10)],
    ['max weekly volume 8h', weekly(8)],
    ['8 hours max per week', weekly(8)],
    ['I only have 6 hours a week to train', weekly(6)],
    // max_hard_days_per_week
    ['at most 2 hard days per week', hard(2)],
    ['no more than two intense sessions a week', hard(2)],
    ['max 3 hard workouts per week', hard(3)],
    ['only one interval session a week', hard(1)],
    ['no hard days', hard(0)],
    ['2 high-intensity sessions a week at most', hard(2)],
    ['I can only handle 2 hard days a week', hard(2)],
    // no_back_to_back_hard_days
    ['no back-to-back hard days', apart],
    ['never two hard days in a row', apart],
    ['hard days must not be consecutive', apart],
    ['always an easy day after a hard day', apart],
    ['no hard days back to back', apart],
    ['at least one easy day between hard sessions', apart],
    ['after every hard day an easy day', apart],
    // both at once
    ['max 2 hard days a week, never back to back', [...hard(2), ...apart]],
    // long_ride_day
    ['long ride on Sunday', longRide('sunday')],
    ['long rides on Saturdays', longRide('saturday')],
    ['Saturday is my long ride day', longRide('saturday')],
    ['my long ride is on sunday', longRide('sunday')],
    ['Sun: long ride', longRide('sunday')],
    ['I always do my long ride on Saturday', longRide('saturday')],
    // max_minutes_on_day
    ['max 60 minutes on Wednesday', capped(60, 'wednesday')],
    ['Tuesdays only 1h', capped(60, 'tuesday')],
    ['no more than 90 min on weekdays', capped(90, ...WEEKDAYS_ONLY)],
    ['Thursday at most 45 min', capped(45, 'thursday')],
    ['1h max on tue and thu', capped(60, 'tuesday', 'thursday')],
    ['max 1h30 on wednesdays', capped(90, 'wednesday')],
    ['no more than an hour and a half on Mon, Wed and Fri', capped(90, 'monday', 'wednesday', 'friday')],
    ['Saturdays: forty-five minutes max', capped(45, 'saturday')],
    ['max 1,5h on thurs', capped(90, 'thursday')],
    ['half an hour max on weds', capped(30, 'wednesday')],
    ['on weekdays I can only ride 1 hour', capped(60, ...WEEKDAYS_ONLY)],
    ['I can only ride 1 hour on Tuesdays', capped(60, 'tuesday')],
    ['Friday 1h max', capped(60, 'friday')],
    ['max 2 hours a day', capped(120, 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday')],
    ['2h per day max', capped(120, 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday')],
    // taper_before_event
    ['taper 7 days before the event', taper(7)],
    ['one week taper before my race', taper(7)],
    ['10-day taper', taper(10)],
    ['taper for 2 weeks before the goal', taper(14)],
    ['I like to taper for a week before races', taper(7)],
    ['taper: 5 days', taper(5)],
    ['the last 10 days before the race are a taper', taper(10)],
  ])('%s', (text, rules) => {
    expect(parseRulePhrases(text)).toEqual({ rules, notes: [] });
  });
});

describe('parseRulePhrases: what it must not guess becomes a note', () => {
  it.each([
    'not too many hours',
    'go easy sometimes',
    'around 8 hours a week',
    '8 hours a week',
    'at least 6 hours a week',
    '2 hard days a week',
    'fewer than 3 hard days a week',
    'rest on Monday or Friday',
    'long ride on the weekend',
    'long ride on Saturday or Sunday',
    'I usually rest on Mondays',
    'maybe rest on Mondays',
    'no riding on Fridays, unless it is sunny',
    'Mondays off, and sometimes Fridays',
    'max 8 hours a week in winter',
    'Hard days: Tuesday and Thursday',
    'taper a bit before the race',
    'I hate intervals',
    // out of the schema's range
    'max 200 hours a week',
    'max 0 hours a week',
    'at most 9 hard days a week',
    'taper 60 days',
    'taper 1.5 weeks',
    'max 1500 min on monday',
  ])('%s', (text) => {
    expect(parseRulePhrases(text)).toEqual({ rules: [], notes: [text] });
  });
});

describe('parseRulePhrases: a whole message', () => {
  it('cuts at new lines, semicolons and sentence ends, and keeps list items apart', () => {
    const text = '- Mondays off\n- max 8h a week; long ride on Sunday. No back-to-back hard days!\n2) taper 10 days';
    expect(parseRulePhrases(text)).toEqual({ rules: [...rest('monday'), ...weekly(8), ...longRide('sunday'), ...apart, ...taper(10)], notes: [] });
  });

  it('reads "and" and commas between two rules as two clauses', () => {
    expect(parseRulePhrases('Mondays off and max 8 hours a week').rules).toEqual([...rest('monday'), ...weekly(8)]);
    expect(parseRulePhrases('Mon: off, Tue: 1h max, Sun: long ride').rules).toEqual([...rest('monday'), ...capped(60, 'tuesday'), ...longRide('sunday')]);
    expect(parseRulePhrases('rest on Monday and Friday and max one and a half hours on Tuesday').rules).toEqual([
      ...rest('monday', 'friday'),
      ...capped(90, 'tuesday'),
    ]);
  });

  it('keeps the rider\'s words for the notes, verbatim and trimmed, and the rules of the other clauses', () => {
    expect(parseRulePhrases('  Mondays off.   I love climbing, mostly on Sundays  \nmax 9 hours a week')).toEqual({
      rules: [...rest('monday'), ...weekly(9)],
      notes: ['I love climbing, mostly on Sundays'],
    });
  });

  it('does not split a decimal point or "max." from its number', () => {
    expect(parseRulePhrases('Max. 6.5 hours a week. Tuesday 1h max. Mondays off')).toEqual({
      rules: [...weekly(6.5), ...capped(60, 'tuesday'), ...rest('monday')],
      notes: [],
    });
  });

  it('keeps each identical rule and note once', () => {
    expect(parseRulePhrases('Mondays off. Monday is my rest day. No rides on mon, fri. be careful; be careful')).toEqual({
      rules: rest('monday', 'friday'),
      notes: ['be careful'],
    });
  });

  it('keeps different rules of one kind, for the rider to settle', () => {
    expect(parseRulePhrases('max 8 hours a week. max 10 hours a week').rules).toEqual([...weekly(8), ...weekly(10)]);
  });

  it('returns nothing for an empty message or one of punctuation only', () => {
    expect(parseRulePhrases('')).toEqual({ rules: [], notes: [] });
    expect(parseRulePhrases(' \n ... ; - ')).toEqual({ rules: [], notes: [] });
  });
});
