/**
 * The built-in reader of training rules as cyclists write them: "Mondays off",
 * "max 8 hours a week", "no back-to-back hard days". The common forms become
 * rules without asking the AI; anything else stays a note in the rider's words.
 *
 * It never guesses. The text is cut into clauses (lines, ";", sentence ends);
 * a clause becomes rules only when it reads whole as one known phrase, or as
 * known phrases joined by "and", "but" or commas. Otherwise the whole clause,
 * trimmed, is a note. Values outside the rule schema make a note too.
 * Pure: no I/O.
 */
import { WEEKDAYS, type Weekday } from '../calendar.ts';
import { uniqueRules } from './rule-words.ts';
import { ruleSchema, type Rule } from './rules.ts';

// ---------------------------------------------------------------- days

const DAY_ABBREVIATIONS: Record<Weekday, readonly string[]> = {
  monday: ['mon'],
  tuesday: ['tue', 'tues'],
  wednesday: ['wed', 'weds'],
  thursday: ['thu', 'thur', 'thurs'],
  friday: ['fri'],
  saturday: ['sat'],
  sunday: ['sun'],
};

/** Words that name one weekday: "monday", "mondays", "mon". */
const ONE_DAY_WORDS = new Map<string, Weekday>(
  WEEKDAYS.flatMap((day) => [day, `${day}s`, ...DAY_ABBREVIATIONS[day]].map((word) => [word, day] as const)),
);

/** Every word for one or more weekdays, "weekdays" and "weekend" included. */
const DAY_WORDS = new Map<string, readonly Weekday[]>([
  ...[...ONE_DAY_WORDS].map(([word, day]) => [word, [day]] as const),
  ...['weekday', 'weekdays', 'week days', 'workdays', 'work days'].map((word) => [word, WEEKDAYS.slice(0, 5)] as const),
  ...['weekend', 'weekends', 'weekend days'].map((word) => [word, WEEKDAYS.slice(5)] as const),
]);

/** A regex alternation of words, longest first so "sundays" wins over "sun". */
const anyOf = (words: Iterable<string>): string => `(?:${[...words].sort((a, b) => b.length - a.length).join('|')})`;

const ONE_DAY = anyOf(ONE_DAY_WORDS.keys());
const ANY_DAY = anyOf(DAY_WORDS.keys());
const DAY_RANGE = `${ONE_DAY} ?(?:-|to|through|thru|till|until) ?${ONE_DAY}`;
const DAY_TERM = `(?:(?:every|each|all|the) )?(?:${DAY_RANGE}|${ANY_DAY})\\b`;
const DAY_LIST_SEPARATOR = `(?: ?, ?(?:and |& )?| and | & | ?\\/ ?| \\+ )(?:on )?`;
/** One or more days: "monday", "mon, wed and fri", "mon-fri", "the weekend". */
const DAYS = `(?<days>${DAY_TERM}(?:${DAY_LIST_SEPARATOR}${DAY_TERM})*)`;

const DAY_TOKEN = new RegExp(`\\b(?:(?<from>${ONE_DAY}) ?(?:-|to|through|thru|till|until) ?(?<to>${ONE_DAY})|${ANY_DAY})\\b`, 'g');

/** The weekdays a matched day list names, in week order; a range may wrap past Sunday. */
function daysIn(list: string): Weekday[] {
  const days = new Set<Weekday>();
  for (const token of list.matchAll(DAY_TOKEN)) {
    const { from, to } = token.groups ?? {};
    if (from && to) {
      const start = WEEKDAYS.indexOf(ONE_DAY_WORDS.get(from)!);
      const length = (WEEKDAYS.indexOf(ONE_DAY_WORDS.get(to)!) - start + 7) % 7;
      for (let i = 0; i <= length; i++) days.add(WEEKDAYS[(start + i) % 7]!);
    } else {
      for (const day of DAY_WORDS.get(token[0])!) days.add(day);
    }
  }
  return WEEKDAYS.filter((day) => days.has(day));
}

// ---------------------------------------------------------------- numbers and durations

const UNITS = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'eleven', 'twelve', 'thirteen', 'fourteen', 'fifteen', 'sixteen', 'seventeen', 'eighteen', 'nineteen'];
const TENS = ['twenty', 'thirty', 'forty', 'fifty', 'sixty', 'seventy', 'eighty', 'ninety'];
const NUMBER_WORD = new RegExp(`\\b(?:(?<tens>${anyOf(TENS)})(?:[- ](?<ones>${anyOf(UNITS.slice(1, 10))}))?|(?<unit>${anyOf(UNITS)}))\\b`, 'g');

/** "twelve" → "12", "forty-five" → "45". */
function numberWordsToDigits(text: string): string {
  return text.replace(NUMBER_WORD, (...args) => {
    const { tens, ones, unit } = args.at(-1) as Record<string, string | undefined>;
    if (unit) return String(UNITS.indexOf(unit));
    return String((TENS.indexOf(tens!) + 2) * 10 + (ones ? UNITS.indexOf(ones) : 0));
  });
}

/** Spoken amounts as digits, applied in order once number words are digits. */
const SPOKEN_AMOUNTS: ReadonlyArray<readonly [RegExp, string]> = [
  [/\ban hour and a half\b/g, '1.5 hours'],
  [/\b(\d+) (hours?) and a half\b/g, '$1.5 hours'],
  [/\b(\d+) and a half\b/g, '$1.5'],
  [/\b(?:half an|a half[- ]?) hour\b/g, '30 min'],
  [/\ban hour\b/g, '1 hour'],
  [/\b(\d+),(\d{1,2})(?!\d)/g, '$1.$2'], // decimal comma: "1,5h"
];

const NUMBER = '\\d+(?:\\.\\d+)?';
const HOURS_UNIT = '(?:hours?|hrs?|h)';
const MINUTES_UNIT = '(?:minutes?|mins?|m)';
/** A length of time: "8 hours", "1.5h", "90 min", "1h30", "1 hour and 30 minutes". */
const DURATION = `(?<duration>${NUMBER} ?${HOURS_UNIT}(?: (?:and )?| ?)(?:\\d+ ?${MINUTES_UNIT}?)?|\\d+ ?${MINUTES_UNIT})(?![a-z])`;
const DURATION_PARTS = new RegExp(`^(?:(?<hours>${NUMBER}) ?${HOURS_UNIT})? ?(?:and )?(?:(?<minutes>\\d+) ?${MINUTES_UNIT}?)?$`);

/** The minutes in a matched duration. */
function minutesIn(duration: string): number {
  const { hours = '0', minutes = '0' } = DURATION_PARTS.exec(duration.trim())?.groups ?? {};
  return Number(hours) * 60 + Number(minutes);
}

/** A taper's length: "7 days", "10-day", "2 weeks", "a week". */
const TAPER_SPAN = `(?<taper>(?:${NUMBER} ?-? ?|a )(?:days?|d|weeks?|wks?|w))\\b`;

/** The days in a matched taper length. */
function taperDaysIn(span: string): number {
  const [, amount = '', unit = ''] = /^(\S+?) ?-? ?([a-z]+)$/.exec(span) ?? [];
  return (amount === 'a' ? 1 : Number(amount)) * (unit.startsWith('w') ? 7 : 1);
}

// ---------------------------------------------------------------- phrase pieces

/** "at most" and friends, for counts: a strict "under 3" would be off by one, so it is not here. */
const COUNT_LIMIT = '(?:(?:only |just )?(?:max(?:imum)?(?: of)?|a max(?:imum)? of|at most|at the most|no more than|not more than|never more than|up to|limited to|capped at)|only|just)';
/** "at most" and friends, for time: "under 12 hours" reads as at most 12 hours. */
const TIME_LIMIT = `(?:${COUNT_LIMIT}|(?:only |just )?(?:under|less than|below|no longer than|not longer than))`;
/** A limit after its amount: "8 hours max". */
const LIMIT_AFTER = '(?:max(?:imum)?|at most|at the most|tops|or less)';
const WEEK = '(?:(?:a|per|each|every|in a|in any|\\/) ?(?:week|wk)|\\/ ?w|weekly)\\b';
const OF_RIDING = '(?: (?:of )?(?:training|riding|cycling|(?:ride|riding|training|bike|saddle) time))?';
/** ": ", " - " or a plain space between a day and what it is. */
const SEPARATOR = '(?: ?[:=,-] ?| )';
const CAN_RIDE = '(?:i )?(?:can|could) (?:only )?(?:train|ride|cycle|bike)(?: for)?';
const HARD = '(?:hard|intense|high[- ]intensity|intensity|intervals?|quality|key)(?: training)? (?:days?|sessions?|workouts?|rides?|efforts?)';
const OFF = '(?:rest|off|rest days?|days? off|off days?)';
const NO_RIDING = '(?:riding|rides?|training|cycling|biking|workouts?|sessions?)';
const BACK_TO_BACK = '(?:back[- ]to[- ]back|consecutive|consecutively|in a row|on consecutive days|on back[- ]to[- ]back days|next to each other)';
const NEGATION = "(?:must not|mustn't|must never|should not|shouldn't|should never|cannot|can't|can not|may not|are not|aren't|are never|never|not)";
const EASY = '(?:easy|rest|recovery)(?: or (?:easy|rest|recovery)|\\/(?:easy|rest|recovery))?';
const EVENT = '(?:the |my |a |an |each |every |any )?(?:(?:goal|target|main|key|big|a|b)[- ])?(?:event|race|goal|sportive|gran ?fondo|fondo|competition|race day|event day)s?';
const BEFORE_EVENT = `(?: (?:before|ahead of|prior to|leading into|into|for) ${EVENT})?`;
const WANT = '(?:i (?:always )?(?:want|need|like|do|prefer)(?: to)? )?';

// ---------------------------------------------------------------- what a phrase makes

/** What a matched phrase holds, read from its named groups. */
interface Slots {
  days: Weekday[];
  minutes: number;
  count: number;
  taperDays: number;
}

function slotsOf(groups: Record<string, string | undefined>): Slots {
  return {
    days: groups.days ? daysIn(groups.days) : [],
    minutes: groups.duration ? minutesIn(groups.duration) : Number(groups.hours) * 60,
    count: Number(groups.count),
    taperDays: groups.taper ? taperDaysIn(groups.taper) : NaN,
  };
}

const restDays = ({ days }: Slots): Rule[] => days.map((day) => ({ kind: 'rest_day', day }));
const weeklyHours = ({ minutes }: Slots): Rule[] => [{ kind: 'max_weekly_hours', hours: Math.round((minutes / 60) * 100) / 100 }];
const hardDays = ({ count }: Slots): Rule[] => [{ kind: 'max_hard_days_per_week', count }];
const noHardDays = (): Rule[] => [{ kind: 'max_hard_days_per_week', count: 0 }];
const noBackToBack = (): Rule[] => [{ kind: 'no_back_to_back_hard_days' }];
const hardDaysApart = (slots: Slots): Rule[] => [...hardDays(slots), ...noBackToBack()];
/** One long ride day only: "Saturday or Sunday" is the rider's choice, not ours. */
const longRideDay = ({ days: [day, ...others] }: Slots): Rule[] | undefined => (day && others.length === 0 ? [{ kind: 'long_ride_day', day }] : undefined);
const dayMinutes = ({ days, minutes }: Slots): Rule[] => days.map((day) => ({ kind: 'max_minutes_on_day', day, minutes: Math.round(minutes) }));
const everyDayMinutes = (slots: Slots): Rule[] => dayMinutes({ ...slots, days: [...WEEKDAYS] });
const taper = ({ taperDays }: Slots): Rule[] => [{ kind: 'taper_before_event', days: taperDays }];

interface Phrase {
  pattern: RegExp;
  rules: (slots: Slots) => Rule[] | undefined;
}

/** A phrase that must match a whole (normalized) clause. */
const phrase = (source: string, rules: Phrase['rules']): Phrase => ({ pattern: new RegExp(`^(?:${source})$`), rules });

const PHRASES: readonly Phrase[] = [
  // rest_day
  phrase(`${DAYS} (?:is|are) (?:always )?(?:my |a |an |the )?${OFF}`, restDays),
  phrase(`${DAYS}${SEPARATOR}(?:always )?(?:${OFF}|no ${NO_RIDING})`, restDays),
  phrase(`(?:no|never) ${NO_RIDING}(?: on)? ${DAYS}`, restDays),
  phrase(`(?:i )?(?:always )?(?:(?:take|have|want|need) )?(?:a |my )?${OFF}(?: on|:)? ${DAYS}`, restDays),
  phrase(`(?:i )?(?:always )?(?:take|keep) ${DAYS} (?:off|free|as (?:a )?rest days?)`, restDays),
  phrase(`(?:i )?(?:never|don't|do not|can't|cannot|can not|won't|will not|will never) (?:ride|train|cycle|bike)(?: on)? ${DAYS}`, restDays),

  // max_weekly_hours
  phrase(`${TIME_LIMIT} ${DURATION}${OF_RIDING} ?${WEEK}`, weeklyHours),
  phrase(`${DURATION}${OF_RIDING} ?${WEEK} ${LIMIT_AFTER}`, weeklyHours),
  phrase(`${DURATION} ${LIMIT_AFTER}${OF_RIDING} ?${WEEK}`, weeklyHours),
  phrase(`${CAN_RIDE} (?:${TIME_LIMIT} )?${DURATION} ?${WEEK}`, weeklyHours),
  phrase(`(?:i )?(?:only )?have (?:${TIME_LIMIT} )?${DURATION} ?${WEEK}(?: (?:to|for) (?:train|ride|training|riding))?`, weeklyHours),
  phrase(`(?:my )?weekly(?: training| riding)?(?: volume| hours| time)?(?: (?:is|should be|must be|must stay|should stay|stays))?:? ${TIME_LIMIT} ${DURATION}`, weeklyHours),
  phrase(`${TIME_LIMIT} weekly(?: training| riding)? (?:volume|time)(?: of|:| is)? ${DURATION}`, weeklyHours),
  phrase(`(?:${TIME_LIMIT} weekly hours(?: of|:| is)?|weekly hours(?::| is)? ${TIME_LIMIT}) (?<hours>${NUMBER})`, weeklyHours),

  // max_hard_days_per_week
  phrase(`${COUNT_LIMIT} (?<count>\\d+) ${HARD} ?${WEEK}`, hardDays),
  phrase(`(?<count>\\d+) ${HARD}(?: ?${WEEK} ${LIMIT_AFTER}| ${LIMIT_AFTER} ?${WEEK})`, hardDays),
  phrase(`(?:i )?(?:can|could|should) (?:only )?(?:do|handle|manage|have|recover from) (?:${COUNT_LIMIT} )?(?<count>\\d+) ${HARD} ?${WEEK}`, hardDays),
  phrase(`no ${HARD}(?: at all)?`, noHardDays),
  phrase(`${COUNT_LIMIT} (?<count>\\d+) ${HARD} ?${WEEK}(?: ?,? (?:and|but) | ?, ?)(?:never|not|none) (?:2 )?${BACK_TO_BACK}`, hardDaysApart),

  // no_back_to_back_hard_days
  phrase(`(?:no|never|avoid|(?:don't|do not|never) (?:do|schedule|plan)) (?:any )?(?:back[- ]to[- ]back|consecutive) ${HARD}`, noBackToBack),
  phrase(`(?:no|never|avoid|(?:don't|do not|never) (?:do|schedule|plan))(?: any)?(?: 2)? ${HARD} ${BACK_TO_BACK}`, noBackToBack),
  phrase(`${HARD} ${NEGATION}(?: be)? ${BACK_TO_BACK}`, noBackToBack),
  phrase(`(?:always )?(?:at least )?(?:an? |1 )?${EASY} (?:day|ride|session) (?:after|following|between) (?:a |each |every |any |all |my )?${HARD}`, noBackToBack),
  phrase(`after (?:a|each|every|any) ${HARD},? (?:always )?(?:an? |1 )?${EASY} (?:day|ride|session)`, noBackToBack),

  // long_ride_day
  phrase(`(?:my |the |a )?long rides?(?: days?)?(?:: | (?:is |are |should be |must be |always |goes |go )*(?:on )?)${DAYS}`, longRideDay),
  phrase(`${DAYS} (?:is|are) (?:always )?(?:my |the |a |for )?long rides?(?: days?)?`, longRideDay),
  phrase(`${DAYS}${SEPARATOR}(?:my |the |a )?long rides?(?: days?)?`, longRideDay),
  phrase(`(?:i )?(?:always )?(?:(?:do|have) (?:my |the |a )?long rides?|ride long) (?:on )?${DAYS}`, longRideDay),

  // max_minutes_on_day
  phrase(`${TIME_LIMIT} ${DURATION}${OF_RIDING} (?:on|for) ${DAYS}`, dayMinutes),
  phrase(`(?:on )?${DAYS}${SEPARATOR}${TIME_LIMIT} ${DURATION}`, dayMinutes),
  phrase(`(?:on )?${DAYS}${SEPARATOR}${DURATION} ${LIMIT_AFTER}`, dayMinutes),
  phrase(`${DURATION} ${LIMIT_AFTER} (?:on )?${DAYS}`, dayMinutes),
  phrase(`(?:on )?${DAYS},? ${CAN_RIDE} (?:${TIME_LIMIT} )?${DURATION}`, dayMinutes),
  phrase(`${CAN_RIDE} (?:${TIME_LIMIT} )?${DURATION} (?:on )?${DAYS}`, dayMinutes),
  phrase(`${TIME_LIMIT} ${DURATION}${OF_RIDING} (?:a day|per day|daily|each day|every day)`, everyDayMinutes),
  phrase(`${DURATION} (?:a|per) day ${LIMIT_AFTER}`, everyDayMinutes),

  // taper_before_event
  phrase(`${WANT}(?:a |an )?taper(?:ing)?(?: of| for)?:? ${TAPER_SPAN}${BEFORE_EVENT}`, taper),
  phrase(`${WANT}(?:a |an )?${TAPER_SPAN} taper${BEFORE_EVENT}`, taper),
  phrase(`(?:the )?(?:last|final) ${TAPER_SPAN} before ${EVENT} (?:are|is|should be|must be) (?:a )?taper(?:ing)?`, taper),
];

// ---------------------------------------------------------------- clauses

const LEADING_FILLER = /^(?:(?:also|and|plus|please)\b,? ?)+/;
const TRAILING_FILLER = /,? please$/;

/** A clause as the phrases expect it: lower case, single spaces, numbers as digits. */
function normalize(clause: string): string {
  let text = clause
    .toLowerCase()
    .replace(/[’‘`´]/g, "'")
    .replace(/[–—]/g, '-')
    .replace(/\bmax\./g, 'max')
    .replace(/\s+/g, ' ')
    .replace(/^[\s,:]+|[\s,:.!]+$/g, '')
    .replace(LEADING_FILLER, '')
    .replace(TRAILING_FILLER, '');
  text = numberWordsToDigits(text);
  for (const [pattern, replacement] of SPOKEN_AMOUNTS) text = text.replace(pattern, replacement);
  return text;
}

/** The rules of one phrase, or undefined when no phrase reads it or a value is out of range. */
function readPhrase(text: string): Rule[] | undefined {
  const normalized = normalize(text);
  for (const { pattern, rules } of PHRASES) {
    const match = pattern.exec(normalized);
    if (!match) continue;
    const read = rules(slotsOf(match.groups ?? {}));
    return read && read.length > 0 && read.every((rule) => ruleSchema.safeParse(rule).success) ? read : undefined;
  }
  return undefined;
}

/** Where one clause may hold two rules: "Mondays off and max 8 hours a week". */
const CONNECTOR = /(\s*,\s*(?:(?:and|but)\s+)?|\s+(?:and|but|&)\s+)/i;

/** The most pieces one phrase spans: a list of all seven days, with room to spare. Keeps long messages fast. */
const MAX_PIECES_PER_PHRASE = 8;

/**
 * The rules of a clause read as consecutive runs of pieces between connectors,
 * each run a whole phrase, longest runs first: "rest on Monday and Friday"
 * stays one phrase, "Mondays off and max 8 hours a week" is two. Undefined
 * when no such reading exists.
 */
function readClause(clause: string): Rule[] | undefined {
  const parts = clause.split(CONNECTOR); // piece, connector, piece, …
  const pieces = (parts.length + 1) / 2;
  const textOf = (from: number, to: number): string => parts.slice(2 * from, 2 * to - 1).join('');
  const readings = new Map<number, Rule[] | undefined>();
  const readFrom = (from: number): Rule[] | undefined => {
    if (from === pieces) return [];
    if (!readings.has(from)) {
      let found: Rule[] | undefined;
      for (let to = Math.min(pieces, from + MAX_PIECES_PER_PHRASE); to > from && !found; to--) {
        const head = readPhrase(textOf(from, to));
        const rest = head && readFrom(to);
        if (head && rest) found = [...head, ...rest];
      }
      readings.set(from, found);
    }
    return readings.get(from);
  };
  return readFrom(0);
}

const LIST_MARKER = /^\s*(?:[-*•·]|\d{1,2}[.)])\s+/;
/** ";", "!", "?" and a full stop, except a decimal point and the dot of "max. 8 hours". */
const CLAUSE_END = /[;!?]|(?<!\bmax)\.(?!\d)|(?<=\bmax)\.(?!\s*\d)/i;
const HAS_WORDS = /[\p{L}\p{N}]/u;

/** The clauses of a message, trimmed, without list markers. */
function clausesOf(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.replace(LIST_MARKER, ''))
    .flatMap((line) => line.split(CLAUSE_END))
    .map((clause) => clause.trim())
    .filter((clause) => HAS_WORDS.test(clause));
}

/**
 * The rules in a rider's own words, for the common phrasings; every clause it
 * cannot read exactly is kept as a note (verbatim, trimmed) for the AI.
 * Identical rules and notes are kept once.
 */
export function parseRulePhrases(text: string): { rules: Rule[]; notes: string[] } {
  const rules: Rule[] = [];
  const notes: string[] = [];
  for (const clause of clausesOf(text)) {
    const read = readClause(clause);
    if (read) rules.push(...read);
    else notes.push(clause);
  }
  return { rules: uniqueRules(rules), notes: [...new Set(notes)] };
}
