/**
 * The built-in coach in the chat: which of four questions the rider asked,
 * and the answer from our numbers, as short Markdown (**bold**, _italic_ and
 * "- " bullets only). Used when no AI key is set or the AI fails.
 */
import { daysBetween } from '../calendar.ts';
import { hrZoneSet } from '../heart-rate.ts';
import { COGGAN_ZONES, powerZoneBoundsW } from '../power.ts';
import type { FitnessDay } from '../load.ts';
import type { CoachSnapshot, RideDigest } from './context.ts';
import { reviewRide } from './ride-review.ts';
import { nextDays } from './sessions.ts';
import {
  dateWords, dayWords, duration, formBand, formWords, km, oneDecimal, rampWords, ratio, watts, whole, wholeZoneRanges,
} from './words.ts';
import type { FormBand } from './words.ts';

export type CoachTopic = 'form' | 'last_ride' | 'week_load' | 'ftp' | 'unknown';

const RIDE = String.raw`(ride|workout|session|activity|spin|race|effort|outing)`;
const DAYS = String.raw`(today|yesterday|tonight|this morning|monday|tuesday|wednesday|thursday|friday|saturday|sunday)`;

/** Phrases per topic; the topic with most hits wins, ties in this order. */
const TOPIC_PHRASES: [CoachTopic, RegExp[]][] = [
  ['last_ride', [
    new RegExp(String.raw`\b(last|latest|previous|recent|${DAYS}'?s?)\s+${RIDE}`),
    new RegExp(String.raw`\b(my|the|that)\s+${RIDE}\s+${DAYS}`),
    new RegExp(String.raw`\bhow (was|did) (my|the|that) ${RIDE}`),
    /\bhow did i (do|ride|go)\b/,
    new RegExp(String.raw`\b(review|analy[sz]e|rate|feedback on)\b.*\b${RIDE}`),
    new RegExp(String.raw`\bwhat about ${DAYS}\b`),
  ]],
  ['ftp', [
    /\be?ftp\b/,
    /\bzones?\b/,
    /\bw ?\/ ?kg\b|\bwatts? per (kilo|kg)\b|\bpower[- ]to[- ]weight\b/,
    /\bthreshold (power|watts)\b/,
  ]],
  ['form', [
    /\bform\b/,
    /\b(fresh|freshness|tired|fatigued?|exhausted|knackered|cooked|rested|recovered|overtrain\w*|overreach\w*)\b/,
    /\b(tsb|ctl|atl|fitness)\b/,
    /\b(go|ride|train|push|hit it) (hard|easy)\b/,
    /\brest day\b|\bshould i (rest|ride|train|take)\b/,
    /\bready (to|for)\b/,
    /\blegs\b/,
  ]],
  ['week_load', [
    /\b(this|the|past|last) (week|7 days|seven days)\b/,
    /\bweekly\b|\bweek'?s\b/,
    /\bhow (much|many|far|long) (\w+ )?(did|have) i\b/,
    /\b(volume|mileage|tss|load)\b/,
  ]],
];

export function topicOf(question: string): CoachTopic {
  const q = question.toLowerCase().replace(/[\u2018\u2019`]/g, "'").replace(/\s+/g, ' ');
  let best: CoachTopic = 'unknown';
  let bestHits = 0;
  for (const [topic, phrases] of TOPIC_PHRASES) {
    const hits = phrases.filter((p) => p.test(q)).length;
    if (hits > bestHits) {
      best = topic;
      bestHits = hits;
    }
  }
  return best;
}

export interface AnswerOptions {
  /** An AI key is set (the AI failed this time): the "unknown" answer must not ask for one. */
  aiConfigured?: boolean;
}

export function answerFromNumbers(topic: CoachTopic, snapshot: CoachSnapshot, options: AnswerOptions = {}): string {
  switch (topic) {
    case 'form':
      return formAnswer(snapshot);
    case 'last_ride':
      return lastRideAnswer(snapshot);
    case 'week_load':
      return weekAnswer(snapshot);
    case 'ftp':
      return ftpAnswer(snapshot);
    case 'unknown':
      return unknownAnswer(options.aiConfigured ?? false);
  }
}

const NO_RIDES: Record<'form' | 'last_ride' | 'week_load', string> = {
  form: 'No rides yet, so I have no form to read. Send a ride file (.fit, .gpx or .tcx) here in the chat and I will track your fitness, fatigue and form from it.',
  last_ride: 'No rides yet, so there is nothing to review. Send a ride file (.fit, .gpx or .tcx) here in the chat and I will review it.',
  week_load: 'No rides yet, so there is no week to count. Send your ride files (.fit, .gpx or .tcx) here in the chat and I will add them up.',
};

const bullets = (lines: string[]) => lines.map((l) => `- ${l}`).join('\n');

/** Watts in the answers come from the profile FTP: say so when it is only the default. */
function defaultFtpNote(s: CoachSnapshot): string | null {
  return s.defaultsUsed.includes('ftpW')
    ? `_Watts from the default FTP of ${watts(s.profile.ftpW)}: set yours with /profile ftp 265 (your number)._`
    : null;
}

// ---- form ----

const BAND_MEANING: Record<FormBand, string> = {
  deep_fatigue: 'That is deep fatigue: useful for a few days at the end of a hard block, not for long.',
  tired: 'Tired, but in the productive range of a training block.',
  balanced: 'Neither fresh nor tired: a good place for quality work.',
  fresh: 'Fresh: a good day for a hard session or a race.',
  very_fresh: 'Very fresh: great for a race, but weeks like this cost fitness.',
};

/** A day with a hard ride on it (IF 0.85 or more, or 150 load): no quality the day after. */
function hardOn(s: CoachSnapshot, day: string | undefined): boolean {
  return s.recentRides.some((r) => r.day === day && ((r.intensityFactor ?? 0) >= 0.85 || (r.load ?? 0) >= 150));
}

function formAnswer(s: CoachSnapshot): string {
  const today = s.fitness.at(-1);
  if (s.rideCount === 0 || !today) return NO_RIDES.form;
  // This morning's CTL/ATL are yesterday's end-of-day values: the pair whose difference is the TSB shown.
  const morning = s.fitness.at(-2) ?? today;
  const parts = [
    `**Form this morning: ${formWords(today.tsb)}**`,
    `Fitness (CTL) ${whole(morning.ctl)}, fatigue (ATL) ${whole(morning.atl)}. ${BAND_MEANING[formBand(today.tsb)]}`,
  ];
  const week = s.fitness.reduce((sum, d) => sum + d.load, 0);
  const ramp = s.ctlWeekAgo !== null ? ` ${rampWords(today.ctl - s.ctlWeekAgo)}.` : '';
  parts.push(`Last ${s.fitness.length} days: load ${whole(week)}.${ramp}`);

  if (today.load > 0) {
    parts.push(`Today's ${whole(today.load)} is already counted: tomorrow starts ${formWords(today.ctl - today.atl)}.`);
  }
  const note = defaultFtpNote(s);
  return [parts.join('\n'), `**What I would ride**\n${bullets(adviceFromToday(s, today))}`, ...(note ? [note] : [])].join('\n\n');
}

/** From today's form: today's ride when there is none yet, else tomorrow's from tonight's numbers. */
function adviceFromToday(s: CoachSnapshot, today: FitnessDay): string[] {
  const rodeToday = today.load > 0;
  const morning = s.fitness.at(-2) ?? today;
  return nextDays({
    form: rodeToday
      ? { ctl: today.ctl, atl: today.atl, tsb: today.ctl - today.atl }
      : { ctl: morning.ctl, atl: morning.atl, tsb: today.tsb },
    ftpW: s.profile.ftpW,
    afterHard: hardOn(s, rodeToday ? today.day : s.fitness.at(-2)?.day),
    freshQuality: 'vo2max',
    firstDay: rodeToday ? 'Tomorrow' : 'Today',
  });
}

// ---- last ride ----

function digestLine(d: RideDigest, today: string): string {
  const when = d.day !== null ? dayWords(d.day, today) : 'date unknown';
  const bits = [`**Last ride: ${when}**`];
  const time = d.movingS ?? d.durationS;
  if (time !== null && time > 0) bits.push(duration(time));
  if (d.distanceM !== null && d.distanceM > 0) bits.push(km(d.distanceM));
  if (d.load !== null && d.loadSource !== null) bits.push(`${whole(d.load)} ${d.loadSource === 'tss' ? 'TSS' : 'HRSS'}`);
  return bits.join(' · ');
}

function lastRideAnswer(s: CoachSnapshot): string {
  if (s.rideCount === 0 || !s.lastRide) return NO_RIDES.last_ride;
  const review = reviewRide(s.lastRide.review);
  const sections = [`${digestLine(s.lastRide.digest, s.today)}\n${review.performance_summary}`];
  const section = (title: string, lines: string[]) => {
    if (lines.length > 0) sections.push(`**${title}**\n${bullets(lines)}`);
  };
  section('Went well', review.strengths);
  section('To work on', review.areas_for_improvement);
  // The review's advice starts the day after the ride; for an older ride, today's form speaks instead.
  const today = s.fitness.at(-1);
  const rideToday = s.lastRide.digest.day === s.today;
  section('Next days', rideToday || !today ? review.next_workout_recommendations : adviceFromToday(s, today));
  sections.push(`_Score ${review.performance_score}/10 for what the ride set out to do._`);
  return sections.join('\n\n');
}

// ---- week load ----

function weekNumbers(w: { load: number; rides: number; movingS: number; distanceM: number }): string {
  const rides = `${whole(w.rides)} ${Math.round(w.rides) === 1 ? 'ride' : 'rides'}`;
  return `load ${whole(w.load)}, ${rides}, ${duration(w.movingS)}, ${km(w.distanceM)}`;
}

function weekAnswer(s: CoachSnapshot): string {
  const [week, ...before] = s.weeks;
  if (s.rideCount === 0 || !week) return NO_RIDES.week_load;
  const daysIn = Math.min(7, Math.max(1, daysBetween(week.weekStart, s.today) + 1));
  const head = `**This week** (since ${dateWords(week.weekStart, s.today)}, ${daysIn === 1 ? 'today' : `${daysIn} days`}): ${weekNumbers(week)}.`;
  if (!before.some((w) => w.rides > 0)) return `${head}\nNo rides in the weeks before, so nothing to compare with yet.`;
  const n = before.length;
  const avg = {
    load: before.reduce((t, w) => t + w.load, 0) / n,
    rides: before.reduce((t, w) => t + w.rides, 0) / n,
    movingS: before.reduce((t, w) => t + w.movingS, 0) / n,
    distanceM: before.reduce((t, w) => t + w.distanceM, 0) / n,
  };
  const list = before.map((w) => `Week of ${dateWords(w.weekStart, s.today)}: ${weekNumbers(w)}`);
  return [
    head,
    `**The ${n} weeks before** averaged ${weekNumbers(avg)}:\n${bullets(list)}`,
    weekMeaning(week.load, daysIn, avg.load),
  ].join('\n\n');
}

/** This week against the usual one: a finished week directly, a week under way by its pace. */
function weekMeaning(load: number, daysIn: number, usual: number): string {
  const usualText = `your usual ${whole(usual)}`;
  if (usual <= 0) return 'The weeks before had no load to compare with.';
  if (daysIn < 7 && load >= usual) {
    return `You have already matched ${usualText} with ${7 - daysIn} ${7 - daysIn === 1 ? 'day' : 'days'} to go: keep the rest easy unless this is a planned build.`;
  }
  if (daysIn < 3) return `Only ${daysIn === 1 ? 'a day' : 'two days'} in: too early to say how the week compares with ${usualText}.`;
  const projected = (load / daysIn) * 7;
  const ratioToUsual = projected / usual;
  const lead = daysIn < 7 ? `At this pace the week ends near ${whole(projected)}, against ${usualText}` : `That is ${whole(load)} against ${usualText}`;
  if (ratioToUsual > 1.3) return `${lead}: a big jump. Hold it there next week rather than adding more.`;
  if (ratioToUsual > 1.15) return `${lead}: a step up, fine as a build week if the next one steadies.`;
  if (ratioToUsual >= 0.85) return `${lead}: in line with your recent weeks.`;
  if (ratioToUsual >= 0.7) return `${lead}: a little lighter than usual.`;
  return `${lead}: a light week, good if it is a planned recovery week.`;
}

// ---- FTP and zones ----

/** Whole-number zone ranges from lower bounds: a value is in the highest zone it reaches. */
function zoneLines(names: string[], lower: number[], unit: string, strictTop = false): string[] {
  return wholeZoneRanges(lower, strictTop).map(({ from, to }, i) => {
    if (to === null) return `${names[i]}: ${from} ${unit} and up`;
    if (from === 0) return `${names[i]}: up to ${to} ${unit}`;
    return `${names[i]}: ${from}-${to} ${unit}`;
  });
}

function ftpAnswer(s: CoachSnapshot): string {
  const { ftpW, riderKg, lthrBpm, maxHrBpm } = s.profile;
  const sections: string[] = [];
  const head = [`**FTP ${watts(ftpW)}** · ${ratio(ftpW / riderKg)} W/kg at ${oneDecimal(riderKg)} kg`];
  if (s.defaultsUsed.includes('ftpW')) {
    head.push(`_${watts(ftpW)} is the default, not your number: set yours with /profile ftp 265._`);
  }
  if (s.defaultsUsed.includes('riderKg')) head.push(`_${oneDecimal(riderKg)} kg is the default weight: /profile weight 72.5 sets yours._`);
  const best = recentBest20(s);
  if (best !== null) head.push(best);
  sections.push(head.join('\n'));

  const power = zoneLines(COGGAN_ZONES.map((z, i) => `Z${i + 1} ${z.name}`), powerZoneBoundsW(ftpW), 'W');
  sections.push(`**Power zones** (Coggan)\n${bullets(power)}`);

  const set = lthrBpm > 0 || !s.defaultsUsed.includes('maxHrBpm') ? hrZoneSet(lthrBpm, maxHrBpm) : null;
  if (set) {
    const basis = set.model === 'friel-lthr' ? `Friel, on LTHR ${whole(lthrBpm)} bpm` : `on max HR ${whole(maxHrBpm)} bpm`;
    sections.push(`**Heart-rate zones** (${basis})\n${bullets(zoneLines(set.names, set.lowerBpm, 'bpm', set.model === 'friel-lthr'))}`);
  } else {
    sections.push('_For heart-rate zones, set /profile maxhr 188 or /profile lthr 168 (your numbers)._');
  }
  return sections.join('\n\n');
}

/** The last 42 days' best 20 min and the eFTP it gives (0.95 ×), read against FTP. */
function recentBest20(s: CoachSnapshot): string | null {
  const i = s.bests.durationsS.indexOf(1200);
  const best = i >= 0 ? s.bests.recentW[i] : null;
  if (best === null || best === undefined || !(best > 0)) return null;
  const eftp = Math.round(0.95 * best);
  const ftp = s.profile.ftpW;
  const line = `Best 20 min in the last 42 days: ${watts(best)}, an eFTP of ${eftp} W`;
  if (eftp > ftp * 1.03) return `${line}, above your FTP: set it with /profile ftp ${eftp}.`;
  if (eftp < ftp * 0.9) return `${line}. Under FTP usually means no all-out 20 min lately rather than lost fitness.`;
  return `${line}, in line with your FTP.`;
}

// ---- anything else ----

const CAN_ANSWER = [
  '**Form**: how fresh or tired you are and what to ride ("how\'s my form?")',
  '**Last ride**: a review of your latest ride ("how was my last ride?")',
  '**This week**: load, rides, hours and distance against the weeks before ("how much did I ride this week?")',
  '**FTP and zones**: your power and heart-rate zones ("what are my zones?")',
];

function unknownAnswer(aiConfigured: boolean): string {
  const lead = aiConfigured
    ? 'The AI coach could not answer just now, and free questions need it. From your numbers alone I can tell you about:'
    : 'Free questions need the AI coach: set OPENROUTER_API_KEY (see the README). Without it I answer from your numbers:';
  return `${lead}\n${bullets(CAN_ANSWER)}`;
}
