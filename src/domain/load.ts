/**
 * Fitness, fatigue and form (the Performance Manager Chart), METRICS.md "Fitness".
 * Coggan/TrainingPeaks exponentially weighted averages, as Elevate and
 * GoldenCheetah (PMCData.cpp) compute them:
 *   CTL_d = CTL_{d-1} + (load_d - CTL_{d-1}) (1 - e^{-1/42}); ATL the same with 7;
 *   TSB shown for day d = CTL_{d-1} - ATL_{d-1} ("this morning's form").
 * Pure: the rider's time zone comes in as an argument.
 */
import { dayNumber, dayString } from './calendar.ts';

export const CTL_DAYS = 42;
export const ATL_DAYS = 7;

export interface FitnessDay {
  /** YYYY-MM-DD in the rider's zone. */
  day: string;
  load: number;
  ctl: number;
  atl: number;
  tsb: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** The local calendar day (YYYY-MM-DD) of an instant in an IANA zone. Throws RangeError for an unknown zone. */
export function localDay(timeMs: number, timeZone: string): string {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    formatters.set(timeZone, f);
  }
  const parts: Record<string, string> = {};
  for (const p of f.formatToParts(new Date(timeMs))) parts[p.type] = p.value;
  return `${parts.year}-${parts.month}-${parts.day}`;
}

/**
 * Daily load = sum of the day's ride loads (TSS, or HRSS without power), each
 * ride on the local day it started. Input order does not matter.
 */
export function dailyLoads(rides: { startTimeMs: number; load: number }[], timeZone: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const r of rides) {
    if (!Number.isFinite(r.load) || !Number.isFinite(r.startTimeMs)) continue;
    const day = localDay(r.startTimeMs, timeZone);
    out.set(day, (out.get(day) ?? 0) + r.load);
  }
  return out;
}

/**
 * One row per calendar day from `fromDay` to `toDay` inclusive; days without
 * rides have load 0. `seed` is CTL/ATL at the end of the day before `fromDay`
 * (0/0 when omitted: start the series at the first ride to need none).
 */
export function fitnessSeries(
  loads: Map<string, number>,
  fromDay: string,
  toDay: string,
  seed: { ctl: number; atl: number } = { ctl: 0, atl: 0 },
): FitnessDay[] {
  const from = dayNumber(fromDay);
  const to = dayNumber(toDay);
  const kCtl = 1 - Math.exp(-1 / CTL_DAYS);
  const kAtl = 1 - Math.exp(-1 / ATL_DAYS);
  let { ctl, atl } = seed;
  const out: FitnessDay[] = [];
  for (let d = from; d <= to; d++) {
    const day = dayString(d);
    const load = loads.get(day) ?? 0;
    const tsb = ctl - atl; // yesterday's CTL - ATL, before today's load
    ctl += (load - ctl) * kCtl;
    atl += (load - atl) * kAtl;
    out.push({ day, load, ctl, atl, tsb });
  }
  return out;
}

