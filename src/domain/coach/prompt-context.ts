/**
 * The snapshot as the AI reads it: compact lines of our numbers with their
 * units, filling the prompt's placeholders. Only numbers and dates: no
 * coordinates, streams, names or file names ever reach these strings.
 */
import { addDays } from '../calendar.ts';
import { workoutOn, type Plan } from '../plan/plan.ts';
import { describeRuleSet } from '../plan/rule-words.ts';
import type { RuleSet } from '../plan/rules.ts';
import { workoutLine } from '../plan/workout-words.ts';
import { powerZoneBoundsW, COGGAN_ZONES } from '../power.ts';
import type { CoachSnapshot, RideDigest } from './context.ts';
import { curveDuration, dateWords, duration, oneDecimal as one, whole, wholeZoneRanges } from './words.ts';

export function todayText(s: CoachSnapshot): string {
  const long = new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' });
  return `${long.format(new Date(`${s.today}T00:00:00Z`))} (${s.today}, time zone ${s.timeZone})`;
}

const DEFAULT_LABELS: Partial<Record<keyof CoachSnapshot['profile'], string>> = {
  ftpW: 'FTP',
  riderKg: 'rider weight',
  bikeKg: 'bike weight',
  maxHrBpm: 'max HR',
  restHrBpm: 'rest HR',
};

export function athleteText(s: CoachSnapshot): string {
  const p = s.profile;
  const set = (key: keyof typeof p) => (s.defaultsUsed.includes(key) ? ' (default, not set by the rider)' : '');
  const zones = wholeZoneRanges(powerZoneBoundsW(p.ftpW))
    .map(({ from, to }, i) => (to === null ? `Z${i + 1} ≥${from}` : `Z${i + 1} ${from}-${to}`))
    .join(', ');
  const lines = [
    `FTP ${p.ftpW} W${set('ftpW')}; rider ${one(p.riderKg)} kg${set('riderKg')}, so ${(p.ftpW / p.riderKg).toFixed(2)} W/kg; bike ${one(p.bikeKg)} kg${set('bikeKg')}.`,
    `Heart rate: max ${p.maxHrBpm} bpm${set('maxHrBpm')}, rest ${p.restHrBpm} bpm${set('restHrBpm')}, LTHR ${p.lthrBpm > 0 ? `${p.lthrBpm} bpm` : 'not known'}.`,
    `Power zones (Coggan, watts): ${zones} (${COGGAN_ZONES.map((z, i) => `Z${i + 1} ${z.name}`).join(', ')}).`,
    `Gearing: chainrings ${p.chainrings.join('/')}, cassette ${p.cogs[0]}-${p.cogs.at(-1)}.`,
  ];
  const { durationsS, recentW, seasonW } = s.bests;
  const keyDurations = [5, 60, 300, 1200, 3600].filter((d) => durationsS.includes(d));
  if (keyDurations.length) {
    const bests = keyDurations.map((d) => {
      const i = durationsS.indexOf(d);
      const recent = recentW[i];
      const season = seasonW[i];
      return `${curveDuration(d)} ${recent === null || recent === undefined ? '-' : whole(recent)} / ${season === null || season === undefined ? '-' : whole(season)} W`;
    });
    lines.push(`Best power, last 42 days / last 365 days: ${bests.join('; ')}.`);
  }
  const defaults = s.defaultsUsed.flatMap((k) => (DEFAULT_LABELS[k] ? [DEFAULT_LABELS[k]] : []));
  if (defaults.length) lines.push(`Not set by the rider yet (defaults used above): ${defaults.join(', ')}.`);
  return lines.join('\n');
}

export function fitnessText(s: CoachSnapshot): string {
  const today = s.fitness.at(-1);
  if (s.rideCount === 0 || !today) return 'No rides stored yet: fitness, fatigue and form are unknown.';
  // this morning = the end of yesterday (CTL/ATL before today's rides); 0 before the first ride
  const yesterday = s.fitness.at(-2);
  const ctlMorning = yesterday?.ctl ?? 0;
  const atlMorning = yesterday?.atl ?? 0;
  const lines = [`This morning: fitness (CTL) ${one(ctlMorning)}, fatigue (ATL) ${one(atlMorning)}, form (TSB) ${one(today.tsb)}.`];
  if (s.ctlWeekAgo !== null) lines.push(`CTL 7 days ago ${one(s.ctlWeekAgo)}: a ramp of ${today.ctl - s.ctlWeekAgo >= 0 ? '+' : ''}${one(today.ctl - s.ctlWeekAgo)} per week.`);
  lines.push(`Daily load, last 7 days (TSS, oldest first): ${s.fitness.map((d) => `${dateWords(d.day, s.today)} ${whole(d.load)}`).join(', ')}.`);
  const weeks = s.weeks.map((w, k) => {
    const label = k === 0 ? `this week (from ${dateWords(w.weekStart, s.today)}, so far)` : `week of ${dateWords(w.weekStart, s.today)}`;
    if (w.rides === 0 && w.load === 0) return `${label}: no rides`;
    return `${label}: ${whole(w.load)} TSS, ${w.rides} ride${w.rides === 1 ? '' : 's'}, ${duration(w.movingS)}, ${whole(w.distanceM / 1000)} km`;
  });
  lines.push(`Weekly load (Monday to Sunday): ${weeks.join('; ')}.`);
  return lines.join('\n');
}

export function rideLine(r: RideDigest, today: string): string {
  const parts: string[] = [];
  const add = (value: number | null, render: (v: number) => string) => {
    if (value !== null && Number.isFinite(value)) parts.push(render(value));
  };
  add(r.durationS, (v) => duration(v));
  add(r.movingS, (v) => `moving ${duration(v)}`);
  add(r.distanceM, (v) => `${one(v / 1000)} km`);
  add(r.ascentM, (v) => `${whole(v)} m climbing`);
  add(r.normalizedPowerW, (v) => `NP ${whole(v)} W`);
  add(r.avgPowerW, (v) => `avg ${whole(v)} W`);
  add(r.intensityFactor, (v) => `IF ${v.toFixed(2)}`);
  add(r.tss, (v) => `TSS ${whole(v)}`);
  add(r.variabilityIndex, (v) => `VI ${v.toFixed(2)}`);
  add(r.avgHrBpm, (v) => `avg HR ${whole(v)} bpm`);
  add(r.decouplingPct, (v) => `Pw:HR decoupling ${one(v)} %`);
  add(r.eftpW, (v) => `eFTP ${whole(v)} W`);
  if (r.loadSource === 'hrss') add(r.load, (v) => `HRSS ${whole(v)}`);
  const when = r.day ? dateWords(r.day, today) : 'date unknown';
  return `- ${when}: ${r.sport}${r.indoor ? ' (indoor)' : ''}, ${parts.join(', ')}`;
}

export function recentRidesText(s: CoachSnapshot): string {
  if (s.recentRides.length === 0) {
    if (s.rideCount === 0 || !s.lastRide) return 'No rides stored yet.';
    return `No rides in the last 42 days. The last one:\n${rideLine(s.lastRide.digest, s.today)}`;
  }
  return s.recentRides.map((r) => rideLine(r, s.today)).join('\n');
}

/** Every CoachSnapshot-derived placeholder value, by name. */
export function snapshotValues(s: CoachSnapshot): { today: string; athlete: string; fitness: string; recent_rides: string } {
  return { today: todayText(s), athlete: athleteText(s), fitness: fitnessText(s), recent_rides: recentRidesText(s) };
}

/** Days of the plan the AI sees: the coming two weeks, enough to answer "what do I do tomorrow?". */
const PLAN_DAYS_AHEAD = 14;

/** The plan in force as the AI reads it: version, goal, and the days from today on, rest days included. */
export function planText(plan: { version: number; plan: Plan } | undefined, today: string): string {
  if (!plan) return 'No training plan yet.';
  const { goal, overview } = plan.plan;
  const days = Array.from({ length: PLAN_DAYS_AHEAD }, (_, i) => addDays(today, i)).filter((d) => d >= plan.plan.startDate && d <= plan.plan.endDate);
  const lines = days.map((d) => {
    const w = workoutOn(plan.plan, d);
    return `${dateWords(d, today)}: ${w ? `${workoutLine(w)}, planned IF ${w.plannedIf.toFixed(2)}, TSS ${whole(w.plannedTss)} — ${w.description}` : 'rest'}`;
  });
  return [
    `Plan v${plan.version}${goal ? ` toward ${goal.event} on ${goal.date}` : ' (general fitness)'}, ${plan.plan.startDate} to ${plan.plan.endDate}: ${overview}`,
    ...(lines.length ? lines : ['The plan has no days from today on.']),
  ].join('\n');
}

/** The rider's rules as the AI reads them. */
export function rulesText(set: RuleSet): string {
  const lines = describeRuleSet(set);
  return lines.length ? lines.join('\n') : 'The rider has set no training rules yet.';
}
