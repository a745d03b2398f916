/**
 * Calendar dates as YYYY-MM-DD strings: a date is a date, with no time zone.
 * Weeks run Monday to Sunday. Arithmetic is done on whole days since 1970-01-01.
 */

const DAY_MS = 86_400_000;

export const WEEKDAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** Days since 1970-01-01; throws on anything that is not a real YYYY-MM-DD date. */
export function dayNumber(day: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  const ms = m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) : NaN;
  if (!m || dayString(ms / DAY_MS) !== day) throw new RangeError(`not a YYYY-MM-DD date: ${day}`);
  return ms / DAY_MS;
}

/** The YYYY-MM-DD date of a day number. */
export function dayString(dayNum: number): string {
  return new Date(dayNum * DAY_MS).toISOString().slice(0, 10);
}

/** Whether a string is a real YYYY-MM-DD date ("2026-02-30" is not). */
export function isDay(day: string): boolean {
  try {
    dayNumber(day);
    return true;
  } catch {
    return false;
  }
}

export function addDays(day: string, days: number): string {
  return dayString(dayNumber(day) + days);
}

/** Whole days from `from` to `to`. */
export function daysBetween(from: string, to: string): number {
  return dayNumber(to) - dayNumber(from);
}

/** The weekday of a date: 'monday'..'sunday'. */
export function weekdayOf(day: string): Weekday {
  return WEEKDAYS[(dayNumber(day) + 3) % 7]!; // 1970-01-01 was a Thursday
}

/** Monday of the week of a date. */
export function mondayOf(day: string): string {
  return addDays(day, -WEEKDAYS.indexOf(weekdayOf(day)));
}
