/**
 * The goal dialog's answers, read from what a rider types: an event date, hours
 * a week, riding days. Each returns the value or one sentence saying what to send.
 */
import { addDays, daysBetween, isDay, WEEKDAYS, type Weekday } from '../calendar.ts';

export type Answer<T> = { ok: true; value: T } | { ok: false; message: string };

/** Plans run at most a year ahead. */
export const MAX_PLAN_DAYS = 364;

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const pad = (n: number) => String(n).padStart(2, '0');

/** "2027-05-17", "17 May", "May 17 2027", "17/05/2027", "17.5.27": a day after today, within a year. */
export function parseEventDate(text: string, today: string): Answer<string> {
  const t = text.trim().toLowerCase().replace(/(\d)(st|nd|rd|th)\b/g, '$1').replace(/,/g, ' ');
  const candidates = datesIn(t, Number(today.slice(0, 4)));
  if (candidates.length === 0) return { ok: false, message: 'Send the date like 2027-05-17 or 17 May.' };
  // a date without a year is the next one to come
  const date = candidates.find((d) => d > today) ?? candidates[0]!;
  if (date <= today) return { ok: false, message: `${date} is not ahead of us: send a date after today.` };
  if (daysBetween(today, date) > MAX_PLAN_DAYS) return { ok: false, message: `Plans run at most a year ahead: send a date before ${addDays(today, MAX_PLAN_DAYS + 1)}.` };
  return { ok: true, value: date };
}

function datesIn(t: string, year: number): string[] {
  const make = (y: number, m: number, d: number) => `${y}-${pad(m)}-${pad(d)}`;
  const fullYear = (y: string) => (y.length === 2 ? 2000 + Number(y) : Number(y));
  let m: RegExpExecArray | null;
  if ((m = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(t))) return [make(Number(m[1]), Number(m[2]), Number(m[3]))].filter(isDay);
  if ((m = /^(\d{1,2})[./](\d{1,2})[./](\d{2}|\d{4})$/.exec(t))) return [make(fullYear(m[3]!), Number(m[2]), Number(m[1]))].filter(isDay);
  const month = (word: string) => MONTHS.indexOf(word.slice(0, 3)) + 1;
  const dayMonth = /^(\d{1,2})\s+([a-z]{3,9})\.?(?:\s+(\d{4}))?$/.exec(t);
  const monthDay = /^([a-z]{3,9})\.?\s+(\d{1,2})(?:\s+(\d{4}))?$/.exec(t);
  const parts = dayMonth ? { d: dayMonth[1]!, mo: dayMonth[2]!, y: dayMonth[3] } : monthDay ? { d: monthDay[2]!, mo: monthDay[1]!, y: monthDay[3] } : null;
  if (!parts || month(parts.mo) === 0 || !MONTHS[month(parts.mo) - 1]!.startsWith(parts.mo.slice(0, 3))) return [];
  const years = parts.y ? [Number(parts.y)] : [year, year + 1];
  return years.map((y) => make(y, month(parts.mo), Number(parts.d))).filter(isDay);
}

/** "6", "6.5", "6 h", "6h30", "7 hours": 1 to 30 hours a week. */
export function parseWeeklyHours(text: string): Answer<number> {
  const m = /^(\d{1,2}(?:[.,]\d+)?)\s*(?:h|hrs?|hours?)?\s*(?:(\d{1,2})\s*(?:m|min|minutes?)?)?$/i.exec(text.trim());
  const hours = m ? Number(m[1]!.replace(',', '.')) + Number(m[2] ?? 0) / 60 : NaN;
  if (!Number.isFinite(hours) || hours < 1 || hours > 30) return { ok: false, message: 'Send the hours a week you can train, a number from 1 to 30, e.g. 6 or 7.5.' };
  return { ok: true, value: Math.round(hours * 4) / 4 };
}

const DAY_WORDS: Record<string, Weekday[]> = {
  weekdays: WEEKDAYS.slice(0, 5),
  weekends: ['saturday', 'sunday'],
  weekend: ['saturday', 'sunday'],
  all: [...WEEKDAYS],
  every: [...WEEKDAYS],
  any: [...WEEKDAYS],
};

/** A day's name, abbreviation or plural: "tue", "tues", "thurs", "mondays". */
function dayNamed(word: string): Weekday | undefined {
  const w = word.replace(/^weds$/, 'wed').replace(/^(thur|thurs)$/, 'thu').replace(/^tues$/, 'tue');
  return WEEKDAYS.find((d) => w.length >= 3 && (d.startsWith(w) || `${d}s` === w));
}

const FILLER = new Set(['and', 'or', 'on', 'the', 'day', 'days', 'only', 'i', 'can', 'ride']);

/** "Tue Thu Sat Sun", "weekdays and sunday", "all": at least one day, in week order. */
export function parseRidingDays(text: string): Answer<Weekday[]> {
  const days = new Set<Weekday>();
  for (const word of text.toLowerCase().split(/[^a-z]+/).filter(Boolean)) {
    const group = DAY_WORDS[word] ?? (dayNamed(word) ? [dayNamed(word)!] : undefined);
    if (group) group.forEach((d) => days.add(d));
    else if (!FILLER.has(word)) return { ok: false, message: `I do not know the day "${word}": send days like Tue Thu Sat Sun, or weekdays, weekends, all.` };
  }
  if (days.size === 0) return { ok: false, message: 'Send at least one day, like Tue Thu Sat Sun.' };
  return { ok: true, value: WEEKDAYS.filter((d) => days.has(d)) };
}
