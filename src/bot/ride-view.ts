import type { RideChartInput } from '../charts/ride.ts';
import type { FitnessDay } from '../domain/load.ts';
import { PROFILE_FIELDS } from '../domain/profile-fields.ts';
import { PROFILE_DEFAULTS, type RiderProfile } from '../domain/profile.ts';
import type { RideStreams } from '../domain/ride.ts';
import type { PowerCurvesResult, StoredRide, StoredRideMetrics, WorkoutSummaryRow } from '../services/rides.ts';
import { formatDuration } from './format.ts';
import { html, joinHtml, type Html } from './html.ts';
import { CAPTION_LIMIT, MESSAGE_LIMIT, visibleLength } from './messages.ts';

/** How a ride reads in the chat: a summary (caption of its chart), list rows, chart inputs. */

const km = (m: number) => (m / 1000).toFixed(m < 10_000 ? 2 : 1);
const whole = (x: number) => Math.round(x).toLocaleString('en-US');
const SPORT_WORDS: Record<string, string> = {
  cycling: 'ride',
  running: 'run',
  walking: 'walk',
  hiking: 'hike',
  swimming: 'swim',
  other: 'activity',
};

/** The ride's date and time in the rider's zone; "date unknown" when the device clock was never set. */
export function rideDate(stored: Pick<StoredRide, 'workout' | 'metrics'>, timeZone: string): string {
  if (stored.metrics.clockUnset) return 'date unknown (the device clock was not set)';
  return new Intl.DateTimeFormat('en-GB', {
    timeZone,
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
  }).format(stored.workout.startTime);
}

export function rideTitle(workout: WorkoutSummaryRow): string {
  return workout.name?.trim() || `${SPORT_WORDS[workout.type] ?? 'activity'} ${workout.id}`.replace(/^./, (c) => c.toUpperCase());
}

/** Metrics the summary names when they are missing, in the rider's words. */
const UNAVAILABLE_LABELS: [string, string][] = [
  ['normalizedPowerW', 'NP'],
  ['intensityFactor', 'IF'],
  ['tss', 'TSS'],
  ['variabilityIndex', 'VI'],
  ['efficiencyFactor', 'EF'],
  ['decouplingPct', 'decoupling'],
  ['eftpW', 'eFTP'],
  ['powerZones', 'power zones'],
  ['avgHrBpm', 'heart rate'],
  ['hrss', 'HRSS'],
  ['distanceM', 'distance'],
  ['ascentM', 'elevation'],
  ['avgCadenceRpm', 'cadence'],
];

function unavailableLines(stored: StoredRide): Html[] {
  const { unavailable } = stored.metrics;
  const byReason = new Map<string, string[]>();
  for (const [key, label] of UNAVAILABLE_LABELS) {
    const reason = unavailable[key];
    if (!reason) continue;
    // a non-ride already says it has no power metrics
    if (!isRide(stored) && reason.startsWith('power metrics are for rides')) continue;
    byReason.set(reason, [...(byReason.get(reason) ?? []), label]);
  }
  return [...byReason].map(([reason, labels]) => html`No ${labels.join(', ')}: ${reason}.`);
}

const isRide = (stored: StoredRide) => stored.metrics.sport === 'cycling';

function zoneLine(label: string, zones: { zone: number; seconds: number }[]): Html | undefined {
  const used = zones.filter((z) => z.seconds >= 1);
  if (used.length === 0) return undefined;
  return html`${label}: ${used.map((z) => `Z${z.zone} ${formatDuration(z.seconds)}`).join(' · ')}`;
}

function assumptions(stored: StoredRide): Html | undefined {
  const { metrics } = stored;
  const used: { key: keyof RiderProfile; text: string }[] = [];
  const hasPower = metrics.normalizedPowerW !== null || metrics.avgPowerW !== null;
  const hasHr = metrics.avgHrBpm !== null;
  if (metrics.defaultsUsed?.includes('ftpW') && hasPower) used.push({ key: 'ftpW', text: `FTP ${metrics.ftpW} W` });
  if (metrics.defaultsUsed?.includes('maxHrBpm') && hasHr) used.push({ key: 'maxHrBpm', text: `max HR ${PROFILE_DEFAULTS.maxHrBpm} bpm` });
  if (metrics.defaultsUsed?.includes('restHrBpm') && hasHr && metrics.hrss !== null) {
    used.push({ key: 'restHrBpm', text: `resting HR ${PROFILE_DEFAULTS.restHrBpm} bpm` });
  }
  const first = used[0];
  if (!first) return undefined;
  const example = PROFILE_FIELDS.find((f) => f.key === first.key)?.example;
  return html`<i>Defaults used: ${used.map((u) => u.text).join(', ')} — set yours with /profile, e.g. /profile ${example ?? ''}.</i>`;
}

/** Every line of the summary, most important first; notes last (they are dropped first when too long). */
function summaryParts(stored: StoredRide, timeZone: string, note?: string): { head: Html[]; notes: Html[] } {
  const { workout, metrics: m } = stored;
  const head: Html[] = [];
  const kind = isRide(stored) ? (m.indoor ? 'indoor ride' : 'ride') : (SPORT_WORDS[m.sport] ?? 'activity');
  head.push(html`<b>${rideTitle(workout)}</b> · ride ${workout.id}`);
  head.push(html`${rideDate(stored, timeZone)} · ${kind}`);
  if (note) head.push(html`<i>${note}</i>`);
  if (m.truncated) head.push(html`⚠️ This file was cut off: the numbers cover the part before the cut.`);
  if (!isRide(stored)) {
    head.push(html`This is a ${SPORT_WORDS[m.sport] ?? m.sport} (${m.sport}), not a ride: I stored it for your training load, without power metrics.`);
  }

  const basics: string[] = [];
  if (m.elapsedS !== null) {
    basics.push(m.movingS !== null && m.movingS < m.elapsedS - 60 ? `${formatDuration(m.movingS)} moving (${formatDuration(m.elapsedS)} total)` : formatDuration(m.elapsedS));
  }
  if (m.distanceM !== null && m.distanceM > 0) basics.push(`${km(m.distanceM)} km`);
  if (m.ascentM !== null && m.ascentM >= 1) basics.push(`↑ ${whole(m.ascentM)} m`);
  if (m.avgSpeedMps !== null && m.distanceM !== null && m.distanceM > 0) basics.push(`${(m.avgSpeedMps * 3.6).toFixed(1)} km/h`);
  if (basics.length) head.push(html`${basics.join(' · ')}`);

  if (m.normalizedPowerW !== null) {
    head.push(html`Power: <b>NP ${whole(m.normalizedPowerW)} W</b> · avg ${whole(m.avgPowerW ?? 0)} W · max ${whole(m.maxPowerW ?? 0)} W`);
    const load: string[] = [];
    if (m.intensityFactor !== null) load.push(`IF ${m.intensityFactor.toFixed(2)}`);
    if (m.tss !== null) load.push(`TSS ${whole(m.tss)}`);
    if (m.variabilityIndex !== null) load.push(`VI ${m.variabilityIndex.toFixed(2)}`);
    if (m.workKj !== null) load.push(`${whole(m.workKj)} kJ`);
    head.push(html`<b>${load.join(' · ')}</b> (FTP ${m.ftpW} W)`);
  } else if (m.avgPowerW !== null) {
    head.push(html`Power: avg ${whole(m.avgPowerW)} W · max ${whole(m.maxPowerW ?? 0)} W`);
  }
  if (m.avgHrBpm !== null) {
    const hr = [`avg ${whole(m.avgHrBpm)}`, `max ${whole(m.maxHrBpm ?? 0)} bpm`];
    // EF and decoupling mean something on steady rides of some length only
    if (m.efficiencyFactor !== null && (m.movingS ?? 0) >= 20 * 60) hr.push(`EF ${m.efficiencyFactor.toFixed(2)}`);
    if (m.decouplingPct !== null && (m.movingS ?? 0) >= 45 * 60) hr.push(`decoupling ${m.decouplingPct.toFixed(1)} %`);
    head.push(html`Heart rate: ${hr.join(' · ')}`);
  }
  if (m.tss === null && m.hrss !== null) head.push(html`Load from heart rate: <b>HRSS ${whole(m.hrss)}</b>`);
  if (m.avgCadenceRpm !== null) head.push(html`Cadence: avg ${whole(m.avgCadenceRpm)} rpm`);
  if (m.eftpW !== null) head.push(html`eFTP ${whole(m.eftpW)} W (95 % of your best 20 min)`);
  const pz = m.powerZones ? zoneLine('Power zones', m.powerZones) : undefined;
  if (pz) head.push(pz);
  const hz = m.hrZones ? zoneLine(m.hrZones.model === 'friel-lthr' ? 'HR zones (LTHR)' : 'HR zones (max HR)', m.hrZones.zones) : undefined;
  if (hz) head.push(hz);

  const notes: Html[] = [...unavailableLines(stored)];
  const assumed = assumptions(stored);
  if (assumed) notes.unshift(assumed);
  const extra = m.notes.filter((n) => !/^Recorded every second/.test(n) && !(m.truncated && /cut short/.test(n)));
  if (extra.length) notes.push(html`<i>${extra.join(' ')}</i>`);
  return { head, notes };
}

/**
 * The summary as a photo caption when it fits Telegram's 1024, else a short
 * caption and the summary as its own message (within 4096).
 */
export function rideSummary(stored: StoredRide, timeZone: string, note?: string): { caption: string; message?: string } {
  const { head, notes } = summaryParts(stored, timeZone, note);
  const full = joinHtml([...head, ...notes]);
  if (visibleLength(full.value) <= CAPTION_LIMIT) return { caption: full.value };
  const caption = head.slice(0, 2).concat(note ? [html`<i>${note}</i>`] : []);
  // drop notes from the end until the message fits
  const kept = [...notes];
  let message = joinHtml([...head, ...kept]);
  while (visibleLength(message.value) > MESSAGE_LIMIT && kept.length > 0) {
    kept.pop();
    message = joinHtml([...head, ...kept]);
  }
  return { caption: joinHtml(caption).value, message: message.value };
}

export function rideListLabel(workout: WorkoutSummaryRow, timeZone: string): string {
  const date = (workout.metrics as Partial<StoredRideMetrics> | null)?.clockUnset
    ? 'no date'
    : new Intl.DateTimeFormat('en-GB', { timeZone, day: 'numeric', month: 'short', year: '2-digit' }).format(workout.startTime);
  const parts = [`${date} ${rideTitle(workout).slice(0, 24)}`];
  if (workout.distanceM) parts.push(`${(workout.distanceM / 1000).toFixed(0)} km`);
  if (workout.tss !== null) parts.push(`TSS ${Math.round(workout.tss)}`);
  return parts.join(' · ');
}

const orNull = (v: number | undefined) => (v === undefined || Number.isNaN(v) ? null : v);

/** The 1 Hz streams as the ride chart takes them; null when there is too little to draw. */
export function rideChartInput(stored: StoredRide, timeZone: string): RideChartInput | null {
  const s: RideStreams | null = stored.streams;
  if (!s || s.timeOffsetMs.length < 2) return null;
  const n = s.timeOffsetMs.length;
  const pick = (channel: Float32Array) => {
    const out: (number | null)[] = new Array(n);
    let any = false;
    for (let i = 0; i < n; i++) {
      out[i] = orNull(channel[i]);
      if (out[i] !== null) any = true;
    }
    return any ? out : undefined;
  };
  const powerW = isRide(stored) ? pick(s.powerW) : undefined;
  const hrBpm = pick(s.hrBpm);
  const cadenceRpm = pick(s.cadenceRpm);
  if (!powerW && !hrBpm && !cadenceRpm) return null;
  return {
    title: `${rideTitle(stored.workout)} · ${rideDate(stored, timeZone)}`,
    timeS: Array.from(s.timeOffsetMs, (ms) => ms / 1000),
    ...(powerW ? { powerW } : {}),
    ...(hrBpm ? { hrBpm } : {}),
    ...(cadenceRpm ? { cadenceRpm } : {}),
  };
}

export function fitnessCaption(today: FitnessDay, days: number, ridesInWindow: number, timeZone: string): string {
  const sign = (x: number) => (x > 0 ? `+${Math.round(x)}` : `${Math.round(x)}`);
  return joinHtml([
    html`<b>Fitness, last ${days} days</b> (${ridesInWindow} ${ridesInWindow === 1 ? 'ride' : 'rides'})`,
    html`Today, ${today.day}: fitness (CTL) <b>${Math.round(today.ctl)}</b> · fatigue (ATL) <b>${Math.round(today.atl)}</b> · form (TSB) <b>${sign(today.tsb)}</b>`,
    html`<i>Daily load = TSS (HRSS without power) per day in ${timeZone}; CTL 42-day, ATL 7-day; form is this morning's CTL − ATL.</i>`,
  ]).value;
}

const CURVE_HIGHLIGHTS_S = [5, 60, 300, 1200, 3600];

export function curveDurationLabel(seconds: number): string {
  return seconds < 60 ? `${seconds} s` : seconds < 3600 ? `${seconds / 60} min` : `${seconds / 3600} h`;
}

export function curveCaption(curves: PowerCurvesResult): string {
  const rows = CURVE_HIGHLIGHTS_S.filter((d) => curves.durationsS.includes(d)).map((d) => {
    const i = curves.durationsS.indexOf(d);
    const recent = curves.recentW[i];
    const best = curves.bestW[i];
    return html`${curveDurationLabel(d)}: ${recent === null || recent === undefined ? '–' : `${Math.round(recent)} W`} / best ${best === null || best === undefined ? '–' : `${Math.round(best)} W`}`;
  });
  return joinHtml([
    html`<b>Power curve</b>: last ${curves.recentDays} days (${curves.recentRides} ${curves.recentRides === 1 ? 'ride' : 'rides'}) against your season best (the last ${curves.seasonDays} days, ${curves.seasonRides} ${curves.seasonRides === 1 ? 'ride' : 'rides'})`,
    ...rows,
  ]).value;
}
