/**
 * The rider's rules in plain words, and the rule-set arithmetic around them:
 * merging what the rider just wrote into what they had, and spotting
 * contradictions no plan could satisfy. Pure: no I/O.
 */
import { WEEKDAYS, type Weekday } from '../calendar.ts';
import { HARD_IF, RULE_KINDS, type Rule, type RuleKind, type RuleSet } from './rules.ts';

/** Kinds of which a rule set holds at most one rule: a new one replaces the old. */
const SINGLETON_KINDS: ReadonlySet<RuleKind> = new Set([
  'max_weekly_hours',
  'max_hard_days_per_week',
  'no_back_to_back_hard_days',
  'long_ride_day',
  'taper_before_event',
]);

/** "Monday". */
export const dayName = (day: Weekday): string => day[0]!.toUpperCase() + day.slice(1);

const plural = (n: number, one: string, many: string): string => `${n} ${n === 1 ? one : many}`;

/** 8 → "8 hours", 6.5 → "6 h 30 min", 0.75 → "45 min". */
export function hoursInWords(hours: number): string {
  const total = Math.round(hours * 60);
  const [h, min] = [Math.floor(total / 60), total % 60];
  if (min === 0) return plural(h, 'hour', 'hours');
  return h === 0 ? `${min} min` : `${h} h ${min} min`;
}

/** One rule as the rider should read it back, e.g. "Rest day: Monday". */
export function describeRule(rule: Rule): string {
  switch (rule.kind) {
    case 'rest_day':
      return `Rest day: ${dayName(rule.day)}`;
    case 'max_weekly_hours':
      return `At most ${hoursInWords(rule.hours)} a week`;
    case 'max_hard_days_per_week': {
      const hard = `(planned IF ${HARD_IF} or more)`;
      return rule.count === 0 ? `No hard days ${hard}` : `At most ${plural(rule.count, 'hard day', 'hard days')} a week ${hard}`;
    }
    case 'no_back_to_back_hard_days':
      return 'No hard days back to back';
    case 'long_ride_day':
      return `Long ride on ${dayName(rule.day)}`;
    case 'max_minutes_on_day':
      return `At most ${rule.minutes} min on ${dayName(rule.day)}`;
    case 'taper_before_event':
      return rule.days === 1
        ? 'Taper: the last day before the event is easy and lighter'
        : `Taper: the last ${rule.days} days before the event are easy and lighter`;
  }
}

const kindOrder = (rule: Rule): number => RULE_KINDS.indexOf(rule.kind);
const dayOrder = (rule: Rule): number => ('day' in rule ? WEEKDAYS.indexOf(rule.day) : -1);

/** The whole rule set as lines for the rider: rules by kind then weekday, then the notes. */
export function describeRuleSet(set: RuleSet): string[] {
  const sorted = [...set.rules].sort((a, b) => kindOrder(a) - kindOrder(b) || dayOrder(a) - dayOrder(b));
  return [...sorted.map(describeRule), ...set.notes.map((note) => `Note: ${note}`)];
}

/** A key equal for equal rules, whatever the order of their fields. */
const ruleKey = (rule: Rule): string => JSON.stringify(Object.entries(rule).sort(([a], [b]) => a.localeCompare(b)));

/** The rules without repeats, first occurrence kept, order otherwise unchanged. */
export function uniqueRules(rules: readonly Rule[]): Rule[] {
  const seen = new Set<string>();
  return rules.filter((rule) => {
    const key = ruleKey(rule);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Whether a newly written rule takes the place of a current one. */
function replaces(incoming: Rule, current: Rule): boolean {
  if (incoming.kind !== current.kind) return false;
  if (SINGLETON_KINDS.has(current.kind)) return true;
  return incoming.kind === 'max_minutes_on_day' && current.kind === 'max_minutes_on_day' && incoming.day === current.day;
}

/**
 * What the rider just wrote, on top of what they had: a rule of a singleton
 * kind replaces the current one, a day's minute cap replaces that day's, rest
 * days add up. Notes are appended. Contradictions are left for ruleSetProblems.
 */
export function mergeRules(current: RuleSet, incoming: RuleSet): RuleSet {
  const kept = current.rules.filter((rule) => !incoming.rules.some((next) => replaces(next, rule)));
  return {
    rules: uniqueRules([...kept, ...incoming.rules]),
    notes: [...new Set([...current.notes, ...incoming.notes])],
  };
}

/** Contradictions no plan could ever satisfy, one sentence each; empty when there are none. */
export function ruleSetProblems(set: RuleSet): string[] {
  const problems: string[] = [];
  const restDays = new Set(set.rules.flatMap((r) => (r.kind === 'rest_day' ? [r.day] : [])));
  for (const kind of SINGLETON_KINDS) {
    const same = set.rules.filter((r) => r.kind === kind);
    if (same.length > 1) {
      problems.push(`Only one rule of a kind can hold, but there are ${same.length}: ${same.map((r) => `"${describeRule(r)}"`).join(', ')}.`);
    }
  }
  for (const rule of set.rules) {
    if (rule.kind !== 'long_ride_day') continue;
    const day = dayName(rule.day);
    if (restDays.has(rule.day)) problems.push(`${day} is both the long ride day and a rest day.`);
    if (set.rules.some((r) => r.kind === 'max_minutes_on_day' && r.day === rule.day && r.minutes === 0)) {
      problems.push(`${day} is the long ride day but allows at most 0 min of riding.`);
    }
  }
  if (restDays.size === WEEKDAYS.length) problems.push('Every day of the week is a rest day, so no workout can ever be planned.');
  return problems;
}
