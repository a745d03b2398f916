import { describe, expect, it } from 'vitest';
import { describeRule, describeRuleSet, mergeRules, ruleSetProblems, uniqueRules } from '../../../src/domain/plan/rule-words.ts';
import type { Rule, RuleSet } from '../../../src/domain/plan/rules.ts';
import { EMPTY_RULES } from '../../../src/domain/plan/rules.ts';

const set = (rules: Rule[], notes: string[] = []): RuleSet => ({ rules, notes });

describe('describeRule', () => {
  it.each<[Rule, string]>([
    [{ kind: 'rest_day', day: 'monday' }, 'Rest day: Monday'],
    [{ kind: 'max_weekly_hours', hours: 8 }, 'At most 8 hours a week'],
    [{ kind: 'max_weekly_hours', hours: 1 }, 'At most 1 hour a week'],
    [{ kind: 'max_weekly_hours', hours: 6.5 }, 'At most 6 h 30 min a week'],
    [{ kind: 'max_weekly_hours', hours: 0.75 }, 'At most 45 min a week'],
    [{ kind: 'max_hard_days_per_week', count: 2 }, 'At most 2 hard days a week (planned IF 0.85 or more)'],
    [{ kind: 'max_hard_days_per_week', count: 1 }, 'At most 1 hard day a week (planned IF 0.85 or more)'],
    [{ kind: 'max_hard_days_per_week', count: 0 }, 'No hard days (planned IF 0.85 or more)'],
    [{ kind: 'no_back_to_back_hard_days' }, 'No hard days back to back'],
    [{ kind: 'long_ride_day', day: 'sunday' }, 'Long ride on Sunday'],
    [{ kind: 'max_minutes_on_day', day: 'wednesday', minutes: 60 }, 'At most 60 min on Wednesday'],
    [{ kind: 'max_minutes_on_day', day: 'saturday', minutes: 150 }, 'At most 150 min on Saturday'],
    [{ kind: 'taper_before_event', days: 7 }, 'Taper: the last 7 days before the event are easy and lighter'],
    [{ kind: 'taper_before_event', days: 1 }, 'Taper: the last day before the event is easy and lighter'],
  ])('%j → %s', (rule, words) => {
    expect(describeRule(rule)).toBe(words);
  });
});

describe('describeRuleSet', () => {
  it('lists the rules by kind, then by weekday, then the notes', () => {
    const rules: Rule[] = [
      { kind: 'taper_before_event', days: 10 },
      { kind: 'max_minutes_on_day', day: 'thursday', minutes: 45 },
      { kind: 'rest_day', day: 'friday' },
      { kind: 'max_minutes_on_day', day: 'tuesday', minutes: 60 },
      { kind: 'max_weekly_hours', hours: 8 },
      { kind: 'rest_day', day: 'monday' },
    ];
    expect(describeRuleSet(set(rules, ['I like climbing', 'No group rides']))).toEqual([
      'Rest day: Monday',
      'Rest day: Friday',
      'At most 8 hours a week',
      'At most 60 min on Tuesday',
      'At most 45 min on Thursday',
      'Taper: the last 10 days before the event are easy and lighter',
      'Note: I like climbing',
      'Note: No group rides',
    ]);
  });

  it('is empty for an empty set', () => {
    expect(describeRuleSet(EMPTY_RULES)).toEqual([]);
  });
});

describe('uniqueRules', () => {
  it('keeps the first of equal rules, whatever the order of their fields, and the order of the rest', () => {
    const rules = [
      { kind: 'max_minutes_on_day', day: 'monday', minutes: 60 },
      { kind: 'rest_day', day: 'friday' },
      { minutes: 60, day: 'monday', kind: 'max_minutes_on_day' },
      { kind: 'max_minutes_on_day', day: 'monday', minutes: 90 },
    ] as Rule[];
    expect(uniqueRules(rules)).toEqual([rules[0], rules[1], rules[3]]);
  });
});

describe('mergeRules', () => {
  const current = set(
    [
      { kind: 'rest_day', day: 'monday' },
      { kind: 'max_weekly_hours', hours: 8 },
      { kind: 'max_hard_days_per_week', count: 2 },
      { kind: 'no_back_to_back_hard_days' },
      { kind: 'long_ride_day', day: 'sunday' },
      { kind: 'max_minutes_on_day', day: 'tuesday', minutes: 60 },
      { kind: 'max_minutes_on_day', day: 'thursday', minutes: 45 },
      { kind: 'taper_before_event', days: 7 },
    ],
    ['I like climbing'],
  );
  const without = (kind: Rule['kind']) => current.rules.filter((r) => r.kind !== kind);

  it.each<[string, Rule, Rule[]]>([
    ['a new weekly limit replaces the old one', { kind: 'max_weekly_hours', hours: 10 }, [...without('max_weekly_hours'), { kind: 'max_weekly_hours', hours: 10 }]],
    ['a new hard-day count replaces the old one', { kind: 'max_hard_days_per_week', count: 1 }, [...without('max_hard_days_per_week'), { kind: 'max_hard_days_per_week', count: 1 }]],
    ['a new long ride day replaces the old one', { kind: 'long_ride_day', day: 'saturday' }, [...without('long_ride_day'), { kind: 'long_ride_day', day: 'saturday' }]],
    ['a new taper replaces the old one', { kind: 'taper_before_event', days: 14 }, [...without('taper_before_event'), { kind: 'taper_before_event', days: 14 }]],
    ['the back-to-back rule stays once', { kind: 'no_back_to_back_hard_days' }, [...without('no_back_to_back_hard_days'), { kind: 'no_back_to_back_hard_days' }]],
    ['a rest day adds to the others', { kind: 'rest_day', day: 'friday' }, [...current.rules, { kind: 'rest_day', day: 'friday' }]],
    ['a rest day already there is not repeated', { kind: 'rest_day', day: 'monday' }, current.rules],
    [
      "a day's minute cap replaces that day's only",
      { kind: 'max_minutes_on_day', day: 'tuesday', minutes: 90 },
      [...current.rules.filter((r) => !(r.kind === 'max_minutes_on_day' && r.day === 'tuesday')), { kind: 'max_minutes_on_day', day: 'tuesday', minutes: 90 }],
    ],
    ['a minute cap on a new day adds', { kind: 'max_minutes_on_day', day: 'friday', minutes: 30 }, [...current.rules, { kind: 'max_minutes_on_day', day: 'friday', minutes: 30 }]],
  ])('%s', (_, rule, rules) => {
    expect(mergeRules(current, set([rule]))).toEqual({ rules, notes: current.notes });
  });

  it('keeps everything when nothing new comes in', () => {
    expect(mergeRules(current, EMPTY_RULES)).toEqual(current);
  });

  it('takes everything from an empty start', () => {
    expect(mergeRules(EMPTY_RULES, current)).toEqual(current);
  });

  it('appends new notes once, after the current ones', () => {
    expect(mergeRules(current, set([], ['No group rides', 'I like climbing', 'No group rides'])).notes).toEqual(['I like climbing', 'No group rides']);
  });

  it('does not settle contradictions: a new rest day on the long ride day is simply added', () => {
    const merged = mergeRules(current, set([{ kind: 'rest_day', day: 'sunday' }]));
    expect(merged.rules).toContainEqual({ kind: 'long_ride_day', day: 'sunday' });
    expect(merged.rules).toContainEqual({ kind: 'rest_day', day: 'sunday' });
  });
});

describe('ruleSetProblems', () => {
  it('finds nothing wrong with a consistent set, or an empty one', () => {
    const fine = set([
      { kind: 'rest_day', day: 'monday' },
      { kind: 'long_ride_day', day: 'sunday' },
      { kind: 'max_minutes_on_day', day: 'sunday', minutes: 240 },
      { kind: 'max_minutes_on_day', day: 'tuesday', minutes: 0 },
      { kind: 'max_weekly_hours', hours: 8 },
    ]);
    expect(ruleSetProblems(fine)).toEqual([]);
    expect(ruleSetProblems(EMPTY_RULES)).toEqual([]);
  });

  it.each<[string, Rule[], RegExp]>([
    ['the long ride day is a rest day', [{ kind: 'long_ride_day', day: 'sunday' }, { kind: 'rest_day', day: 'sunday' }], /Sunday is both the long ride day and a rest day/],
    [
      'the long ride day allows no riding',
      [{ kind: 'long_ride_day', day: 'saturday' }, { kind: 'max_minutes_on_day', day: 'saturday', minutes: 0 }],
      /Saturday is the long ride day but allows at most 0 min/,
    ],
    [
      'every day is a rest day',
      (['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'] as const).map((day) => ({ kind: 'rest_day', day })),
      /Every day of the week is a rest day/,
    ],
    [
      'two weekly limits',
      [{ kind: 'max_weekly_hours', hours: 8 }, { kind: 'max_weekly_hours', hours: 10 }],
      /there are 2: "At most 8 hours a week", "At most 10 hours a week"/,
    ],
    ['two long ride days', [{ kind: 'long_ride_day', day: 'saturday' }, { kind: 'long_ride_day', day: 'sunday' }], /there are 2: "Long ride on Saturday", "Long ride on Sunday"/],
    ['the back-to-back rule twice', [{ kind: 'no_back_to_back_hard_days' }, { kind: 'no_back_to_back_hard_days' }], /there are 2/],
    ['two hard-day counts', [{ kind: 'max_hard_days_per_week', count: 1 }, { kind: 'max_hard_days_per_week', count: 3 }], /there are 2/],
    ['two tapers', [{ kind: 'taper_before_event', days: 7 }, { kind: 'taper_before_event', days: 10 }], /there are 2/],
  ])('reports %s, in one sentence', (_, rules, problem) => {
    const problems = ruleSetProblems(set(rules));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(problem);
    expect(problems[0]).toMatch(/\.$/);
  });

  it('does not count rest days on several days, or caps on several days, as duplicates', () => {
    const rules: Rule[] = [
      { kind: 'rest_day', day: 'monday' },
      { kind: 'rest_day', day: 'friday' },
      { kind: 'max_minutes_on_day', day: 'tuesday', minutes: 60 },
      { kind: 'max_minutes_on_day', day: 'thursday', minutes: 60 },
    ];
    expect(ruleSetProblems(set(rules))).toEqual([]);
  });

  it('reports each contradiction of a set', () => {
    const rules: Rule[] = [
      { kind: 'long_ride_day', day: 'sunday' },
      { kind: 'rest_day', day: 'sunday' },
      { kind: 'max_minutes_on_day', day: 'sunday', minutes: 0 },
      { kind: 'taper_before_event', days: 7 },
      { kind: 'taper_before_event', days: 7 },
    ];
    expect(ruleSetProblems(set(rules))).toHaveLength(3);
  });
});
