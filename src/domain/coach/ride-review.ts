/**
 * The built-in coach's review of one ride: the same fields the AI fills, read
 * from our numbers only. Deterministic: the same input always gives the same
 * words. Every sentence is built from a number that is present; a missing one
 * drops the sentence, never prints "null".
 */
import { FTP_HINT_MARGIN } from '../power.ts';
import type { RideMetrics } from '../ride.ts';
import type { RideReviewInput } from './context.ts';
import type { RideFeedback } from './feedback.ts';
import { HARD_KINDS, classifyRide, rideSeconds, zoneShares } from './ride-kind.ts';
import type { RideKind } from './ride-kind.ts';
import { nextDays } from './sessions.ts';
import {
  curveDuration, duration, formBand, formWords, km, minutes, oneDecimal, percent, ratio, signed, wattRange, watts, whole, wholeZoneRanges,
} from './words.ts';

export { classifyRide } from './ride-kind.ts';
export type { RideKind } from './ride-kind.ts';

/** Pw:HR is read only over an hour or more: shorter rides barely drift. */
const DURABILITY_MIN_S = 3600;
const LOW_CADENCE_RPM = 75;

/**
 * VI above which a steady kind reads surgy; kinds not listed (intervals, races,
 * short rides) are surgy by design and Pw:HR is not read on them either,
 * since surges skew the halves' EF.
 */
const STEADY_LIMIT_VI: Partial<Record<RideKind, number>> = {
  recovery: 1.15,
  endurance: 1.15,
  long_endurance: 1.15,
  tempo: 1.1,
  sweet_spot: 1.1,
  threshold: 1.1,
};

/** Steady aerobic kinds, where surges and drift matter most. */
const EASY_KINDS: ReadonlySet<RideKind> = new Set(['recovery', 'endurance', 'long_endurance']);

interface Best {
  durationS: number;
  powerW: number;
  previousW: number;
}

/** What the review reads, worked out once. */
interface Ride {
  input: RideReviewInput;
  m: RideMetrics;
  kind: RideKind;
  /** The rider's FTP now: sessions and the eFTP check use it. */
  ftpW: number;
  seconds: number | null;
  shares: number[];
  pacing: 'steady' | 'even' | 'surgy' | null;
  /** Pw:HR in %, when the ride was long and steady enough to judge it. */
  drift: number | null;
  bests: Best[];
  /** Whole-watt eFTP when it beats FTP by the margin. */
  newFtpW: number | null;
  /** CTL change over the 7 days ending with the ride's day. */
  ramp: number | null;
  /** load7d / avgLoad7dBefore when that is a real jump. */
  loadJump: number | null;
}

export function reviewRide(input: RideReviewInput): RideFeedback & { kind: RideKind } {
  const r = readRide(input);
  const judged = r.kind !== 'not_cycling' && r.kind !== 'no_data';
  return {
    kind: r.kind,
    performance_summary: summary(r),
    strengths: judged ? strengths(r).slice(0, 5) : [],
    areas_for_improvement: judged ? workOns(r).slice(0, 5) : [],
    training_suggestions: judged ? suggestions(r).slice(0, 5) : [],
    next_workout_recommendations:
      judged || input.formAfter
        ? nextDays({
          form: input.formAfter,
          ftpW: r.ftpW,
          afterHard: HARD_KINDS.has(r.kind) || (r.m.load ?? 0) >= 150,
          freshQuality: r.kind === 'intervals' || r.kind === 'race_like' ? 'threshold' : 'vo2max',
          firstDay: 'Tomorrow',
        }).slice(0, 3)
        : [],
    performance_score: score(r),
  };
}

function readRide(input: RideReviewInput): Ride {
  const m = input.metrics;
  const kind = classifyRide(m, m.ftpW); // the FTP the ride's IF and zones were computed with
  const seconds = rideSeconds(m);
  const ftpW = input.profile.ftpW;
  const ramp = input.formAfter && input.ctlWeekBefore !== null ? input.formAfter.ctl - input.ctlWeekBefore : null;
  const avg = input.avgLoad7dBefore;
  return {
    input,
    m,
    kind,
    ftpW,
    seconds,
    shares: zoneShares(m),
    pacing: pacingOf(kind, m.variabilityIndex),
    drift:
      m.decouplingPct !== null && (seconds ?? 0) >= DURABILITY_MIN_S && STEADY_LIMIT_VI[kind] !== undefined
        ? m.decouplingPct
        : null,
    bests: newBests(m, input.previousBestsW),
    newFtpW:
      m.eftpW !== null && m.eftpW > ftpW * (1 + FTP_HINT_MARGIN) && Math.round(m.eftpW) > ftpW
        ? Math.round(m.eftpW)
        : null,
    ramp,
    loadJump: avg !== null && avg >= 30 && input.load7d >= 1.5 * avg && input.load7d - avg >= 100 ? input.load7d / avg : null,
  };
}

function pacingOf(kind: RideKind, vi: number | null): Ride['pacing'] {
  const limit = STEADY_LIMIT_VI[kind];
  if (limit === undefined || vi === null) return null;
  if (vi <= 1.05) return 'steady';
  return vi > limit ? 'surgy' : 'even';
}

/** Power-curve points (5 s and up) that beat last year's best in whole watts; the 3 biggest gains, shortest first. */
function newBests(m: RideMetrics, previous: RideReviewInput['previousBestsW']): Best[] {
  const before = new Map(previous.map((p) => [p.durationS, p.powerW]));
  const bests: Best[] = [];
  for (const p of m.powerCurve ?? []) {
    const previousW = before.get(p.durationS);
    if (p.durationS >= 5 && previousW !== undefined && previousW > 0 && Math.round(p.powerW) > Math.round(previousW)) {
      bests.push({ ...p, previousW });
    }
  }
  return bests
    .sort((a, b) => b.powerW / b.previousW - a.powerW / a.previousW)
    .slice(0, 3)
    .sort((a, b) => a.durationS - b.durationS);
}

// ---- numbers the sentences share ----

const zoneSeconds = (r: Ride, ...zones: number[]) =>
  zones.reduce((sum, z) => sum + (r.m.powerZones?.[z]?.seconds ?? 0), 0);

/** The lower bound of a zone in watts, as the ride's zones were computed. */
const zoneFloor = (r: Ride, zone: number) => watts(r.m.powerZones?.[zone]?.minW ?? 0);

/** "110-150 W", or "over 300 W" for the top zone. */
function zoneRange(r: Ride, zone: number): string {
  const range = r.m.powerZones ? wholeZoneRanges(r.m.powerZones.map((z) => z.minW))[zone] : undefined;
  if (!range) return '';
  return range.to === null ? `${watts(range.from)} and up` : `${range.from}-${watts(range.to)}`;
}

const share = (x: number) => `${Math.round(x * 100)} %`;

/** "A" or "An" before a phrase that starts with a number or word. */
function a(phrase: string): string {
  return /^(8|1[18](?!\d)|[aeiou])/i.test(phrase) ? `An ${phrase}` : `A ${phrase}`;
}

function lengthOf(r: Ride): string {
  return r.seconds !== null ? `${duration(r.seconds)} ` : '';
}

function intensityOf(r: Ride): string {
  const { normalizedPowerW: np, intensityFactor: ifv } = r.m;
  if (np === null) return '';
  return ifv !== null ? `${watts(np)} normalized (IF ${ratio(ifv)})` : `${watts(np)} normalized`;
}

function loadOf(m: RideMetrics): string | null {
  if (m.load === null || m.loadSource === null) return null;
  return `${whole(m.load)} ${m.loadSource === 'tss' ? 'TSS' : 'HRSS'}`;
}

// ---- summary ----

function summary(r: Ride): string {
  const sentences = [kindSentence(r)];
  const before = r.input.formBefore;
  if (before && r.kind !== 'no_data' && r.kind !== 'not_cycling') {
    const band = formBand(before.tsb);
    const hard = HARD_KINDS.has(r.kind);
    if (band === 'deep_fatigue') {
      sentences.push(hard
        ? `You came into it ${formWords(before.tsb)}, which makes a hard day like this one costly.`
        : `You came into it ${formWords(before.tsb)}, so keeping it easy was the right call.`);
    } else {
      sentences.push(`You started it ${formWords(before.tsb)}.`);
    }
  }
  if (r.bests.length > 0) {
    const b = r.bests.at(-1)!;
    sentences.push(`It set a new ${curveDuration(b.durationS)} best: ${watts(b.powerW)}.`);
  } else if (r.newFtpW !== null) {
    sentences.push(`Your 20-minute power says your FTP is now about ${r.newFtpW} W.`);
  }
  const load = loadOf(r.m);
  if (load && r.kind !== 'not_cycling') {
    const week = Math.round(r.input.load7d) > Math.round(r.m.load ?? 0) ? ` (${whole(r.input.load7d)} over 7 days)` : '';
    const after = r.input.formAfter;
    sentences.push(`It added ${load}${week}${after ? `; tomorrow starts at TSB ${signed(after.tsb)}` : ''}.`);
  }
  return sentences.join(' ');
}

const SPORT_WORDS: Record<string, string> = {
  running: 'run', walking: 'walk', hiking: 'hike', swimming: 'swim', other: 'workout',
};

function kindSentence(r: Ride): string {
  const { m } = r;
  const len = lengthOf(r);
  const at = intensityOf(r);
  const over = m.distanceM !== null && m.distanceM > 0 ? ` over ${km(m.distanceM)}` : '';
  switch (r.kind) {
    case 'recovery':
      return `${a(`${len}recovery spin`)} at ${at}, ${share(r.shares[0]!)} of it under 55 % FTP: blood flow without new fatigue.`;
    case 'endurance':
      return `${a(`${len}endurance ride`)}${over} at ${at}, with ${share(r.shares[1]!)} of the time in the endurance zone (${zoneRange(r, 1)}).`;
    case 'long_endurance':
      return `${a(`long ${len}endurance ride`)}${over} at ${at}, ${duration(zoneSeconds(r, 1))} of it in the endurance zone (${zoneRange(r, 1)}): the volume that builds the aerobic engine.`;
    case 'tempo':
      return `${a(`${len}tempo ride`)} at ${at}, ${minutes(zoneSeconds(r, 2))} of it in the tempo zone (${zoneRange(r, 2)}): steady, sustained pressure.`;
    case 'sweet_spot':
      return `${a(`${len}sweet-spot ride`)} at ${at}${best20Words(r)}, ${minutes(zoneSeconds(r, 2, 3))} in all at 75-105 % FTP (${wattRange(m.ftpW, 75, 105)}).`;
    case 'threshold':
      return (m.intensityFactor ?? 0) >= 0.95 && r.pacing === 'steady'
        ? `${a(`${len}time-trial effort`)} right at threshold: ${at}, held from start to finish.`
        : `${a(`${len}threshold ride`)} at ${at}${best20Words(r)}, ${minutes(zoneSeconds(r, 3))} in all at 90-105 % FTP (${zoneRange(r, 3)}).`;
    case 'intervals':
      return `${a(`${len}interval session`)}: ${minutes(zoneSeconds(r, 4, 5, 6))} above threshold (${zoneFloor(r, 4)} and up) within ${at}.`;
    case 'race_like':
      return `${a(`${len}race-like ride`)}, hard and surgy: ${at} against ${watts(m.avgPowerW ?? 0)} average (VI ${ratio(m.variabilityIndex ?? 1)}), ${minutes(zoneSeconds(r, 5, 6))} of it above 120 % FTP.`;
    case 'short':
      return `${a(`short ${len}ride`)} at ${watts(m.normalizedPowerW ?? 0)} normalized: too brief to judge much from, but it counts.`;
    case 'hr_only': {
      const hr = m.avgHrBpm !== null ? `, ${whole(m.avgHrBpm)} bpm on average` : '';
      const how = hrIntensity(m);
      return `${a(`${len}ride`)}${over} with heart rate but no power${hr}${how ? `: ${how}` : ''}.`;
    }
    case 'not_cycling': {
      const word = SPORT_WORDS[m.sport] ?? 'workout';
      const load = loadOf(m);
      return `${a(`${len}${word}`)}${over}. ${load ? `Its ${load} count toward your fitness and fatigue like any ride` : 'Without heart rate there is no load to count'}; power coaching is for rides, so that is all I will say about it.`;
    }
    case 'no_data':
      return `${a(`${len}ride`)}${over} with neither power nor heart rate: no load to count and little for me to read. A heart-rate strap or power meter would change that.`;
  }
}

/** ": the best 20 min at 226 W (90 % FTP)", the main effort of a structured session. */
function best20Words(r: Ride): string {
  const best = r.m.powerCurve?.find((p) => p.durationS === 1200);
  return best ? `: the best 20 min at ${watts(best.powerW)} (${share(best.powerW / r.m.ftpW)} FTP)` : '';
}

/** Easy / hard share of the time in HR zones: the only intensity we have without power. */
function hrIntensity(m: RideMetrics): string | null {
  const hz = m.hrZones;
  if (!hz) return null;
  const total = hz.zones.reduce((s, z) => s + z.seconds, hz.belowZonesS);
  if (total <= 0) return null;
  // Both models: zones 1-2 are easy aerobic riding, zone 4 and up is hard (Friel Z4 sub-threshold, or 80 % of max HR).
  const easy = (hz.belowZonesS + hz.zones[0]!.seconds + hz.zones[1]!.seconds) / total;
  const hard = hz.zones.slice(3).reduce((s, z) => s + z.seconds, 0) / total;
  const hardName = hz.zones[3]!.name;
  if (hard >= 0.4) return `a hard effort, ${share(hard)} of the time in ${hardName} or above`;
  if (easy >= 0.6) return `mostly easy, ${share(easy)} of the time in ${hz.zones[1]!.name} or below`;
  return `a mixed effort, ${share(easy)} easy and ${share(hard)} in ${hardName} or above`;
}

// ---- strengths ----

function strengths(r: Ride): string[] {
  const out: string[] = [];
  const { m } = r;
  if (r.bests.length > 0) {
    const list = r.bests.map((b) => `${curveDuration(b.durationS)} ${watts(b.powerW)} (was ${watts(b.previousW)})`);
    out.push(r.bests.length === 1 ? `New ${list[0]!.replace(' ', ' best: ')}.` : `New power bests: ${list.join(', ')}.`);
  }
  if (r.newFtpW !== null) {
    const best20 = m.powerCurve?.find((p) => p.durationS === 1200);
    out.push(`${best20 ? `Your best 20 min, ${watts(best20.powerW)}, puts` : 'This ride puts'} your eFTP at ${r.newFtpW} W, above the ${watts(r.ftpW)} FTP in your profile: you are stronger than your zones say.`);
  }
  const vi = m.variabilityIndex;
  if (r.pacing === 'steady' && vi !== null) {
    out.push(EASY_KINDS.has(r.kind)
      ? `Steady pacing: VI ${ratio(vi)}. For ${r.kind === 'recovery' ? 'a recovery spin' : 'endurance'} that is textbook: continuous aerobic work, no spikes.`
      : `Even pacing: VI ${ratio(vi)}. The sustained effort was held, not surged, which is how it pays off.`);
  }
  if (r.drift !== null && r.drift < 5 && r.seconds !== null) {
    out.push(r.drift <= 0
      ? `No aerobic drift over ${duration(r.seconds)} (Pw:HR ${percent(r.drift)}): heart rate stayed put against power to the end.`
      : `Good durability: Pw:HR decoupling ${percent(r.drift)} over ${duration(r.seconds)}, under the 5 % mark.`);
  }
  const dose = doseLine(r);
  if (dose) out.push(dose);
  const timing = timingLine(r);
  if (timing) out.push(timing);
  if (r.ramp !== null && r.ramp >= 3 && r.ramp <= 6) {
    out.push(`Fitness is building safely: CTL ${signed(r.ramp, 1)} in 7 days, inside the 3-6 a week that lasts.`);
  }
  return out;
}

/** The kind's own work done in full, with the usual session as the yardstick. */
function doseLine(r: Ride): string | null {
  switch (r.kind) {
    case 'recovery':
      return r.shares[0]! >= 0.6 ? `Kept it truly easy: ${share(r.shares[0]!)} under 55 % FTP (under ${zoneFloor(r, 1)}).` : null;
    case 'endurance':
      return r.shares[1]! >= 0.6 ? `Disciplined: ${share(r.shares[1]!)} of the ride in the endurance zone, which is what makes endurance rides work.` : null;
    case 'long_endurance':
      return r.seconds !== null ? `${duration(r.seconds)} in the saddle: the long ride is the best single builder of aerobic durability.` : null;
    case 'tempo': {
      const s = zoneSeconds(r, 2);
      return s >= 30 * 60 ? `${minutes(s)} of tempo is a full block (sessions aim for 30-90 min).` : null;
    }
    case 'sweet_spot': {
      const s = zoneSeconds(r, 2, 3);
      return s >= 40 * 60 ? `${minutes(s)} at 75-105 % FTP is a solid sweet-spot dose (sessions aim for 40-90 min).` : null;
    }
    case 'threshold': {
      const s = zoneSeconds(r, 3);
      return s >= 20 * 60 ? `${minutes(s)} at 90-105 % FTP is a full threshold session's worth (the classic is 2 × 20 min).` : null;
    }
    case 'intervals': {
      const s = zoneSeconds(r, 4, 5, 6);
      return s >= 12 * 60 ? `${minutes(s)} above threshold is a full VO2max dose (sessions aim for 12-25 min).` : null;
    }
    case 'race_like': {
      const s = zoneSeconds(r, 5, 6);
      return s >= 5 * 60 ? `${minutes(s)} above 120 % FTP and still ${watts(r.m.normalizedPowerW ?? 0)} normalized: repeatable punch, the thing races are won with.` : null;
    }
    default:
      return null;
  }
}

/** Easy on tired legs or hard on fresh ones: the day matched the form. */
function timingLine(r: Ride): string | null {
  const before = r.input.formBefore;
  if (!before) return null;
  const band = formBand(before.tsb);
  const easy = r.kind === 'recovery' || r.kind === 'endurance';
  if (easy && (band === 'deep_fatigue' || band === 'tired')) {
    return `Right call: an easy ride when you were ${formWords(before.tsb)} lets the fatigue clear.`;
  }
  if (HARD_KINDS.has(r.kind) && (band === 'fresh' || band === 'very_fresh')) {
    return `Good timing: you brought fresh legs (TSB ${signed(before.tsb)}) to a hard day.`;
  }
  return null;
}

// ---- areas for improvement ----

function workOns(r: Ride): string[] {
  const out: string[] = [];
  const { m } = r;
  const vi = m.variabilityIndex;
  if (r.pacing === 'surgy' && vi !== null) {
    out.push(EASY_KINDS.has(r.kind)
      ? `Surgy for ${r.kind === 'recovery' ? 'a recovery spin' : 'an endurance ride'}: VI ${ratio(vi)} (over 1.15). The surges on climbs and out of corners turn aerobic riding into stop-start efforts.`
      : `Uneven pacing for sustained work: VI ${ratio(vi)} (over 1.10). Hold the target power instead of surging above and sagging below it.`);
  }
  if (r.drift !== null && r.drift > 5 && r.seconds !== null) {
    out.push(r.drift > 8
      ? `Big aerobic drift: Pw:HR ${percent(r.drift)} over ${duration(r.seconds)} (good is under 5 %). This length is past your current durability, or fuelling and drinking fell short.`
      : `Some aerobic drift: Pw:HR ${percent(r.drift)} over ${duration(r.seconds)} (good is under 5 %): heart rate crept up against power in the second half.`);
  }
  const before = r.input.formBefore;
  if (before && HARD_KINDS.has(r.kind)) {
    const band = formBand(before.tsb);
    const how = m.intensityFactor !== null ? ` (IF ${ratio(m.intensityFactor)})` : '';
    if (band === 'deep_fatigue') {
      out.push(`You rode hard${how} into deep fatigue (TSB ${signed(before.tsb)}): the quality suffers and illness and injury risk climb. On days like that, swap the intensity for an easy spin.`);
    } else if (band === 'tired') {
      out.push(`Hard on tired legs${how}, TSB ${signed(before.tsb)}: fine once in a block, as long as easy days follow.`);
    }
  }
  if (m.avgCadenceRpm !== null && m.avgCadenceRpm < LOW_CADENCE_RPM && (r.seconds ?? 0) >= 20 * 60) {
    out.push(`Cadence averaged ${whole(m.avgCadenceRpm)} rpm: grinding a big gear loads the muscles more than the heart and lungs. Aim for 80-95 rpm on the flat.`);
  }
  if (r.ramp !== null && r.ramp > 8) {
    out.push(`Fitness is ramping fast: CTL ${signed(r.ramp, 1)} in 7 days, above the 8 a week where illness and injury risk climbs.`);
  }
  if (r.loadJump !== null && r.input.avgLoad7dBefore !== null) {
    out.push(`This week's load, ${whole(r.input.load7d)} over 7 days, is ${oneDecimal(r.loadJump)}× your usual ${whole(r.input.avgLoad7dBefore)}: a jump that size is where overreaching starts.`);
  }
  return out;
}

// ---- training suggestions (the coming weeks) ----

const KIND_ADVICE: Record<RideKind, (ftpW: number) => string | null> = {
  recovery: (ftp) => `Keep recovery rides this easy: under 55 % FTP (under ${watts(ftp * 0.55)}) and under an hour.`,
  endurance: () => 'Two or three endurance rides a week like this one are the base; lengthen one of them by 15-20 min a week.',
  long_endurance: () => 'Fuel long rides from the first hour: 60-90 g of carbohydrate and 500-750 ml of fluid an hour.',
  tempo: (ftp) => `Use tempo in blocks: 2 × 30 min at 76-90 % FTP (${wattRange(ftp, 76, 90)}) once a week, then move to sweet spot.`,
  sweet_spot: (ftp) => `Progress sweet spot by time, not watts: 3 × 15, then 2 × 20, then 2 × 30 min at 88-94 % FTP (${wattRange(ftp, 88, 94)}).`,
  threshold: (ftp) => `One threshold session a week is plenty; add about 5 min a week at 95-105 % FTP (${wattRange(ftp, 95, 105)}).`,
  intervals: () => 'Keep it to two hard sessions a week with easy days between: VO2max gains come over 4-6 weeks of that rhythm.',
  race_like: () => 'A race or hard group ride is the week\'s quality session: surround it with easy days, not more intensity.',
  short: () => 'Rides of 45 min or more give me enough to read pacing and durability.',
  hr_only: () => 'A power meter or smart trainer would let me judge pacing, zones and bests; until then heart rate carries the load.',
  not_cycling: () => null,
  no_data: () => null,
};

function suggestions(r: Ride): string[] {
  const out: string[] = [];
  const ctl = r.input.formAfter?.ctl;
  if (r.newFtpW !== null) {
    out.push(`Update your FTP to ${r.newFtpW} W (/profile ftp ${r.newFtpW}): zones, IF and TSS all follow from it, and now they read the work as harder than it is.`);
  }
  if (r.ramp !== null && ctl !== undefined) {
    if (r.ramp > 8) {
      out.push(`Let the body catch up: keep next week near ${roundTo10(7 * ctl)} TSS (7 × your CTL of ${whole(ctl)}) instead of adding more.`);
    } else if (r.ramp < 6) {
      out.push(`About ${roundTo10(7 * (ctl + 4))} TSS next week would keep fitness building at a safe 3-6 CTL a week.`);
    }
  }
  if (r.loadJump !== null && r.input.avgLoad7dBefore !== null && !(r.ramp !== null && r.ramp > 8)) {
    out.push(`Make the next week lighter, nearer your usual ${whole(r.input.avgLoad7dBefore)} TSS, so this jump turns into fitness rather than fatigue.`);
  }
  if (r.drift !== null && r.drift > 5) {
    out.push(`Build durability: make one endurance ride a week 15-20 min longer, at 56-75 % FTP (${wattRange(r.ftpW, 56, 75)}), and eat 60-90 g of carbohydrate an hour after the first.`);
  }
  if (r.pacing === 'surgy' && EASY_KINDS.has(r.kind)) {
    out.push(`On endurance days, cap climbs at about 90 % FTP (${watts(r.ftpW * 0.9)}) and keep pedalling on descents: the ride stays aerobic.`);
  }
  if (r.m.avgCadenceRpm !== null && r.m.avgCadenceRpm < LOW_CADENCE_RPM && (r.seconds ?? 0) >= 20 * 60) {
    out.push('Add 3 × 5 min at 95-105 rpm to your endurance rides to make a quicker cadence feel natural.');
  }
  if (r.kind === 'hr_only' && !(r.input.profile.lthrBpm > 0)) {
    out.push('Set your threshold heart rate so the zones fit you: the average of the last 20 min of a hard 30-min solo effort (/profile lthr 168).');
  }
  const advice = KIND_ADVICE[r.kind](r.ftpW);
  if (advice) out.push(advice);
  return out;
}

function roundTo10(x: number): number {
  return Math.round(x / 10) * 10;
}

// ---- score ----

/**
 * 1-10, how well the ride served its purpose: 5 for a ride that did its job,
 * and for what we cannot judge (short, not cycling, no data); +1 steady pacing
 * for the kind, -1 surgy; +1 Pw:HR under 5 % over an hour, -1 over 8 %; +1 the
 * kind's full dose (doseLine); +1 a new power best or eFTP above FTP; +1 the
 * day matched the form (easy when tired, hard when fresh); -2 hard on deep
 * fatigue, -1 hard when tired; -1 a ramp over 8 CTL a week or a 1.5× load jump.
 */
function score(r: Ride): number {
  let s = 5;
  if (r.kind === 'short' || r.kind === 'not_cycling' || r.kind === 'no_data') return s;
  if (r.pacing === 'steady') s += 1;
  if (r.pacing === 'surgy') s -= 1;
  if (r.drift !== null) s += r.drift < 5 ? 1 : r.drift > 8 ? -1 : 0;
  if (doseLine(r)) s += 1;
  if (r.bests.length > 0 || r.newFtpW !== null) s += 1;
  if (timingLine(r)) s += 1;
  const before = r.input.formBefore;
  if (before && HARD_KINDS.has(r.kind)) {
    const band = formBand(before.tsb);
    if (band === 'deep_fatigue') s -= 2;
    if (band === 'tired') s -= 1;
  }
  if ((r.ramp !== null && r.ramp > 8) || r.loadJump !== null) s -= 1;
  return Math.min(10, Math.max(1, s));
}
