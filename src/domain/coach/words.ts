/**
 * Numbers and dates the way a coach says them, shared by the ride review and
 * the chat answers. Every helper takes a finite number: callers say less when
 * a value is missing, so no text ever reads "null" or "NaN".
 */
import { dayNumber, daysBetween } from '../calendar.ts';

/** Whole watts: "243 W". */
export function watts(w: number): string {
  return `${Math.round(w)} W`;
}

/** Watts at a % FTP range, whole: "235-245 W". */
export function wattRange(ftpW: number, fromPct: number, toPct: number): string {
  return `${Math.round((ftpW * fromPct) / 100)}-${Math.round((ftpW * toPct) / 100)} W`;
}

/** At most one decimal, ".0" dropped: 4 -> "4", 4.26 -> "4.3". */
export function oneDecimal(x: number): string {
  const s = (Math.round(x * 10) / 10).toFixed(1);
  return (s.endsWith('.0') ? s.slice(0, -2) : s).replace(/^-0$/, '0');
}

/** A percentage of up to one decimal: "4.3 %". */
export function percent(x: number): string {
  return `${oneDecimal(x)} %`;
}

/** Whole number with its sign, for TSB and changes: "+12", "-4", "0". */
export function signed(x: number, decimals: 0 | 1 = 0): string {
  const text = decimals === 0 ? String(Math.round(x)).replace(/^-0$/, '0') : oneDecimal(x);
  return Number(text) > 0 ? `+${text}` : text;
}

/** Whole number, "-0" never. */
export function whole(x: number): string {
  return String(Math.round(x)).replace(/^-0$/, '0');
}

/** IF and VI: two decimals, as head units show them. */
export function ratio(x: number): string {
  return x.toFixed(2);
}

/** "45 s", "50 min", "2 h 05 min": to the nearest minute from a minute up. */
export function duration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  const minutes = Math.round(s / 60);
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return h > 0 ? `${h} h ${String(m).padStart(2, '0')} min` : `${m} min`;
}

/**
 * Whole-unit ranges from zone lower bounds, matching how a value is counted (in the
 * highest zone it reaches): `to` inclusive, null for the top zone. `strictTop`: the
 * top zone starts above its bound (Friel's "> 106 %").
 */
export function wholeZoneRanges(lower: readonly number[], strictTop = false): { from: number; to: number | null }[] {
  const from = (i: number) => (strictTop && i === lower.length - 1 ? Math.floor(lower[i]!) + 1 : Math.ceil(lower[i]!));
  return lower.map((_, i) => ({ from: from(i), to: i === lower.length - 1 ? null : from(i + 1) - 1 }));
}

/** Minutes, whole: "18 min". */
export function minutes(seconds: number): string {
  return `${Math.round(seconds / 60)} min`;
}

/** A power-curve duration as riders say it: "5-s", "1-min", "20-min", "60-min", "2-h". */
export function curveDuration(seconds: number): string {
  if (seconds < 60) return `${seconds}-s`;
  if (seconds < 120 * 60) return `${Math.round(seconds / 60)}-min`;
  return `${oneDecimal(seconds / 3600)}-h`;
}

/** Kilometres: one decimal under 100 km, whole above. */
export function km(distanceM: number): string {
  const k = distanceM / 1000;
  return k < 100 ? `${oneDecimal(k)} km` : `${Math.round(k)} km`;
}

const dateFormat = new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', weekday: 'short', day: 'numeric', month: 'short' });

/** "Tue 12 Nov", with the year when it is not `today`'s: "Fri 29 Dec 2023" (no `today`: never the year). */
export function dateWords(day: string, today?: string): string {
  const text = dateFormat.format(new Date(dayNumber(day) * 86_400_000));
  return today === undefined || day.slice(0, 4) === today.slice(0, 4) ? text : `${text} ${day.slice(0, 4)}`;
}

/** "today", "yesterday (Mon 11 Nov)", else the date. */
export function dayWords(day: string, today: string): string {
  const ago = daysBetween(day, today);
  if (ago === 0) return `today (${dateWords(day, today)})`;
  if (ago === 1) return `yesterday (${dateWords(day, today)})`;
  return dateWords(day, today);
}

export type FormBand = 'deep_fatigue' | 'tired' | 'balanced' | 'fresh' | 'very_fresh';

/**
 * TSB bands: below -20 deep fatigue, -20 to -10 tired, -10 to +10 balanced,
 * +10 to +25 fresh, above +25 very fresh (rested long enough to lose fitness).
 * Banded on the whole number we print, so the word always fits the number.
 */
export function formBand(tsb: number): FormBand {
  const t = Math.round(tsb);
  if (t < -20) return 'deep_fatigue';
  if (t < -10) return 'tired';
  if (t <= 10) return 'balanced';
  if (t <= 25) return 'fresh';
  return 'very_fresh';
}

export const FORM_WORDS: Record<FormBand, string> = {
  deep_fatigue: 'deeply fatigued',
  tired: 'tired',
  balanced: 'balanced',
  fresh: 'fresh',
  very_fresh: 'very fresh',
};

/** "tired (TSB -14)". */
export function formWords(tsb: number): string {
  return `${FORM_WORDS[formBand(tsb)]} (TSB ${signed(tsb)})`;
}

/** The 7-day CTL change in words (METRICS.md: 3-6 a week is a safe build, above 8 a warning). */
export function rampWords(ramp: number): string {
  const r = Math.round(ramp * 10) / 10;
  const change = `CTL ${signed(r, 1)} in 7 days`;
  if (r > 8) return `${change}: a steep ramp, above the 8 a week where illness and injury risk climbs`;
  if (r > 6) return `${change}: the top end of a safe build (3-6 a week)`;
  if (r >= 3) return `${change}: a safe, steady build`;
  if (r >= 0) return `${change}: fitness holding, room to build (3-6 a week is safe)`;
  return `${change}: fitness easing off, as in a lighter week or a break`;
}
