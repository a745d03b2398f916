/**
 * Samples -> the numbers the rider sees for one ride, every one per METRICS.md.
 * Pure: the same ride and profile always give the same metrics. Each metric
 * that cannot be computed is null, with the reason in `unavailable`.
 *
 * Everything is computed from the 1 Hz rows of ride-streams.ts, so a ride
 * stored as streams re-analyses to the same numbers without its file.
 */
import type { DecodedRide, Sport } from './decoded-ride.ts';
import { estimateLthr, hrss as hrssFromTrimp, hrZoneIndex, hrZoneSet, trimpPerMinute } from './heart-rate.ts';
import type { HrZoneModel } from './heart-rate.ts';
import {
  COGGAN_ZONES, estimatedFtp, intensityFactor, normalizedPower, powerCurve, powerZoneBoundsW, prefixSums,
  secondsInZones, trainingStressScore,
} from './power.ts';
import type { ResolvedProfile } from './profile.ts';
import { rideStreams } from './ride-streams.ts';
import type { RideStreams, Sampling } from './ride-streams.ts';
import { HYSTERESIS_M, hysteresisAscent } from './elevation.ts';

export { decodeStreams, encodeStreams, rideStreams, samplesFromStreams } from './ride-streams.ts';
export type { RideStreams, Sampling } from './ride-streams.ts';

/** What computeRideMetrics needs: a decoded ride, or just samples and a sport. */
export type RideInput = Pick<DecodedRide, 'samples' | 'sport'> &
  Partial<Pick<DecodedRide, 'indoor' | 'timerPauses' | 'startTimeMs'>>;

export interface PowerZoneTime {
  zone: number;
  name: string;
  minW: number;
  /** Exclusive upper bound; null for the top zone. */
  maxW: number | null;
  seconds: number;
}

export interface HrZoneTime {
  zone: number;
  name: string;
  minBpm: number;
  maxBpm: number | null;
  seconds: number;
}

export interface RideMetrics {
  sport: Sport;
  indoor: boolean;
  startTimeMs: number | null;
  /** The FTP every power number below was computed with. */
  ftpW: number;
  /** How the 1 Hz series was formed (METRICS.md asks us to say). */
  sampling: Sampling;
  recordCount: number;
  /** n: 1 Hz samples carrying power, the series NP/TSS/curve are computed over. */
  powerSampleCount: number;
  elapsedS: number | null;
  movingS: number | null;
  distanceM: number | null;
  distanceSource: 'device' | 'gps' | null;
  avgSpeedMps: number | null;
  ascentM: number | null;
  descentM: number | null;
  avgPowerW: number | null;
  maxPowerW: number | null;
  normalizedPowerW: number | null;
  intensityFactor: number | null;
  tss: number | null;
  variabilityIndex: number | null;
  efficiencyFactor: number | null;
  /** Pw:HR, (EF first half - EF second half) / EF first half, in %. */
  decouplingPct: number | null;
  workKj: number | null;
  eftpW: number | null;
  powerCurve: { durationS: number; powerW: number }[] | null;
  powerZones: PowerZoneTime[] | null;
  avgHrBpm: number | null;
  maxHrBpm: number | null;
  hrZones: { model: HrZoneModel; zones: HrZoneTime[]; belowZonesS: number } | null;
  /** Excludes zeros (coasting), the common head-unit default. */
  avgCadenceRpm: number | null;
  maxCadenceRpm: number | null;
  cadenceAverage: 'excludes-zeros';
  trimp: number | null;
  hrss: number | null;
  /** LTHR used for HRSS; estimated when the profile has none (see notes). */
  lthrBpm: number | null;
  lthrEstimated: boolean;
  /** The day's load contribution: TSS when there is power, else HRSS. */
  load: number | null;
  loadSource: 'tss' | 'hrss' | null;
  unavailable: Record<string, string>;
  notes: string[];
}

const MOVING_SPEED_MPS = 0.5;

const SAMPLING_NOTES: Record<Sampling, string> = {
  'records-1hz': 'Recorded every second: power metrics use the records with power, in file order.',
  'resampled-1hz':
    'Recorded less often than every second: resampled to 1 Hz by holding each value until the next record; gaps over 10 s left out.',
  untimed: 'The file has no timestamps: each record was taken as one second.',
};

export function computeRideMetrics(
  ride: RideInput,
  profile: ResolvedProfile,
  streams: RideStreams = rideStreams(ride),
): RideMetrics {
  const unavailable: Record<string, string> = {};
  const notes: string[] = [SAMPLING_NOTES[streams.sampling]];
  const rows = streams.timeOffsetMs.length;
  const timed = streams.sampling !== 'untimed';

  // elapsed_s = last - first timestamp, pauses included (METRICS.md).
  let first = Infinity;
  let last = -Infinity;
  for (const s of ride.samples) {
    if (s.timeMs === undefined) continue;
    first = Math.min(first, s.timeMs);
    last = Math.max(last, s.timeMs);
  }
  const elapsedS = last >= first ? (last - first) / 1000 : null;
  if (!timed) unavailable.elapsedS = unavailable.movingS = 'the file has no timestamps';

  // Moving: speed > 0.5 m/s or cadence > 0 or power > 0, each row one second (METRICS.md).
  const moving = new Uint8Array(rows);
  let movingS = 0;
  for (let r = 0; r < rows; r++) {
    if (streams.speedMps[r]! > MOVING_SPEED_MPS || streams.cadenceRpm[r]! > 0 || streams.powerW[r]! > 0) {
      moving[r] = 1;
      movingS++;
    }
  }

  const distance = rideDistance(ride, streams);
  if (distance.distanceM === null) unavailable.distanceM = 'no distance or GPS in the file';
  const avgSpeedMps = distance.distanceM !== null && movingS > 0 && timed ? distance.distanceM / movingS : null;
  if (avgSpeedMps === null) unavailable.avgSpeedMps = unavailable.distanceM ?? 'no moving time';

  const climb = countFinite(streams.altitudeM) > 1 ? hysteresisAscent(streams.altitudeM, HYSTERESIS_M) : null;
  if (!climb) unavailable.ascentM = unavailable.descentM = 'the file has no altitude data';

  const power = powerMetrics(ride.sport, streams, profile.ftpW, unavailable);
  const hr = heartRateMetrics(streams, moving, profile, unavailable, notes);
  const cadence = positiveStats(streams.cadenceRpm);
  if (cadence.count === 0) unavailable.avgCadenceRpm = unavailable.maxCadenceRpm = 'no cadence sensor data';

  const load = power.tss ?? hr.hrss;
  if (load === null) unavailable.load = 'neither power (for TSS) nor heart rate (for HRSS)';

  return {
    sport: ride.sport,
    indoor: ride.indoor ?? false,
    startTimeMs: ride.startTimeMs ?? (timed ? streams.startTimeMs : null),
    ftpW: profile.ftpW,
    sampling: streams.sampling,
    recordCount: ride.samples.length,
    ...power,
    elapsedS: timed ? elapsedS : null,
    movingS: timed ? movingS : null,
    ...distance,
    avgSpeedMps,
    ascentM: climb?.ascentM ?? null,
    descentM: climb?.descentM ?? null,
    ...hr,
    avgCadenceRpm: cadence.mean,
    maxCadenceRpm: cadence.max,
    cadenceAverage: 'excludes-zeros',
    load,
    loadSource: power.tss !== null ? 'tss' : hr.hrss !== null ? 'hrss' : null,
    unavailable,
    notes,
  };
}

type PowerPart = Pick<
  RideMetrics,
  | 'powerSampleCount' | 'avgPowerW' | 'maxPowerW' | 'normalizedPowerW' | 'intensityFactor' | 'tss'
  | 'variabilityIndex' | 'efficiencyFactor' | 'decouplingPct' | 'workKj' | 'eftpW' | 'powerCurve' | 'powerZones'
>;

const POWER_KEYS = [
  'avgPowerW', 'maxPowerW', 'normalizedPowerW', 'intensityFactor', 'tss', 'variabilityIndex',
  'efficiencyFactor', 'decouplingPct', 'workKj', 'eftpW', 'powerCurve', 'powerZones',
] as const;

function powerMetrics(sport: Sport, streams: RideStreams, ftpW: number, unavailable: Record<string, string>): PowerPart {
  const out: PowerPart = { powerSampleCount: 0, ...Object.fromEntries(POWER_KEYS.map((k) => [k, null])) } as PowerPart;
  const missing = (keys: readonly (keyof PowerPart)[], reason: string) => {
    for (const k of keys) if (out[k] === null) unavailable[k] = reason;
  };
  if (sport !== 'cycling') {
    missing(POWER_KEYS, `power metrics are for rides, and this is ${sport}`);
    return out;
  }
  // The records (rows) that carry power, in order; their HR for EF and Pw:HR.
  const n = countFinite(streams.powerW);
  const watts = new Float64Array(n);
  const hrOfWatts = new Float64Array(n);
  for (let r = 0, i = 0; r < streams.powerW.length; r++) {
    const p = streams.powerW[r]!;
    if (Number.isNaN(p)) continue;
    watts[i] = p;
    hrOfWatts[i++] = streams.hrBpm[r]!;
  }
  out.powerSampleCount = n;
  if (n === 0) {
    missing(POWER_KEYS, 'no power meter data in the file');
    return out;
  }
  if (!(maxOf(watts)! > 0)) {
    missing(POWER_KEYS, 'power is zero throughout (a power meter paired but not reading?)');
    return out;
  }
  const sums = prefixSums(watts);
  const avg = sums[n]! / n;
  out.avgPowerW = avg;
  out.maxPowerW = maxOf(watts);
  out.workKj = sums[n]! / 1000; // 1 sample = 1 s, so J = sum of watts
  out.powerCurve = powerCurve(watts);
  out.powerZones = powerZones(watts, ftpW);
  if (out.powerZones === null) unavailable.powerZones = 'no FTP set';
  out.eftpW = estimatedFtp(watts, sums);
  if (out.eftpW === null) unavailable.eftpW = 'needs at least 20 minutes of power';

  const np = normalizedPower(watts);
  if (np === null) {
    missing(POWER_KEYS, 'too short: NP needs at least 30 seconds of power');
    return out;
  }
  out.normalizedPowerW = np;
  out.variabilityIndex = np / avg; // VI = NP / average power, zeros included
  if (ftpW > 0) {
    out.intensityFactor = intensityFactor(np, ftpW);
    out.tss = trainingStressScore(np, ftpW, n);
  } else {
    missing(['intensityFactor', 'tss'], 'no FTP set');
  }
  const hrAll = positiveStats(hrOfWatts).mean;
  out.efficiencyFactor = hrAll !== null ? np / hrAll : null; // EF = NP / average HR (HR > 0)
  if (hrAll === null) missing(['efficiencyFactor', 'decouplingPct'], 'no heart-rate data');

  // Pw:HR: halves split at the middle sample, NP per half.
  const mid = n >> 1;
  const np1 = normalizedPower(watts.subarray(0, mid));
  const np2 = normalizedPower(watts.subarray(mid));
  const hr1 = positiveStats(hrOfWatts.subarray(0, mid)).mean;
  const hr2 = positiveStats(hrOfWatts.subarray(mid)).mean;
  if (np1 !== null && np2 !== null && hr1 !== null && hr2 !== null && np1 > 0) {
    const ef1 = np1 / hr1;
    out.decouplingPct = ((ef1 - np2 / hr2) / ef1) * 100;
  } else {
    missing(['decouplingPct'], 'needs 30 s of power and heart rate in each half of the ride');
  }
  return out;
}

function powerZones(watts: Float64Array, ftpW: number): PowerZoneTime[] | null {
  if (!(ftpW > 0)) return null;
  const bounds = powerZoneBoundsW(ftpW);
  const seconds = secondsInZones(watts, bounds);
  return COGGAN_ZONES.map((z, i) => ({
    zone: i + 1,
    name: z.name,
    minW: bounds[i]!,
    maxW: bounds[i + 1] ?? null,
    seconds: seconds[i]!,
  }));
}

type HrPart = Pick<
  RideMetrics,
  'avgHrBpm' | 'maxHrBpm' | 'hrZones' | 'trimp' | 'hrss' | 'lthrBpm' | 'lthrEstimated'
>;

function heartRateMetrics(
  streams: RideStreams,
  moving: Uint8Array,
  profile: ResolvedProfile,
  unavailable: Record<string, string>,
  notes: string[],
): HrPart {
  const hr = positiveStats(streams.hrBpm);
  if (hr.count === 0) {
    for (const k of ['avgHrBpm', 'maxHrBpm', 'hrZones', 'trimp', 'hrss', 'lthrBpm']) unavailable[k] = 'no heart-rate data';
    return { avgHrBpm: null, maxHrBpm: null, hrZones: null, trimp: null, hrss: null, lthrBpm: null, lthrEstimated: false };
  }
  const { restHrBpm, maxHrBpm } = profile;
  const lthrEstimated = !(profile.lthrBpm > 0);
  const lthr = lthrEstimated ? estimateLthr(restHrBpm, maxHrBpm) : profile.lthrBpm;
  if (lthrEstimated) {
    notes.push(`LTHR unknown: HRSS uses rest + 85 % of heart-rate reserve = ${Math.round(lthr)} bpm.`);
  }

  // Zones: Friel on LTHR when the profile has one, else 5 zones on max HR.
  const set = hrZoneSet(profile.lthrBpm > 0 ? profile.lthrBpm : 0, maxHrBpm);
  const seconds = new Array<number>(set.names.length).fill(0);
  let below = 0;
  // TRIMP: Banister, k = 1.92, per second of moving time (METRICS.md).
  let trimp = 0;
  for (let r = 0; r < streams.hrBpm.length; r++) {
    const h = streams.hrBpm[r]!;
    if (!(h > 0)) continue;
    const z = hrZoneIndex(h, set);
    if (z < 0) below++;
    else seconds[z]!++;
    if (moving[r]) trimp += trimpPerMinute(h, restHrBpm, maxHrBpm) / 60;
  }
  return {
    avgHrBpm: hr.mean,
    maxHrBpm: hr.max,
    hrZones: {
      model: set.model,
      zones: set.names.map((name, i) => ({
        zone: i + 1,
        name,
        minBpm: set.lowerBpm[i]!,
        maxBpm: set.lowerBpm[i + 1] ?? null,
        seconds: seconds[i]!,
      })),
      belowZonesS: below,
    },
    trimp,
    hrss: hrssFromTrimp(trimp, restHrBpm, maxHrBpm, lthr),
    lthrBpm: lthr,
    lthrEstimated,
  };
}

function rideDistance(ride: RideInput, streams: RideStreams): Pick<RideMetrics, 'distanceM' | 'distanceSource'> {
  // The streams carry the cumulative distance (device odometer, else haversine); the total is its largest value.
  const total = maxOf(streams.distanceM);
  if (total === null) return { distanceM: null, distanceSource: null };
  const fromDevice = ride.samples.some((s) => (s.distanceM ?? 0) > 0) || !ride.samples.some((s) => s.lat !== undefined);
  return { distanceM: total, distanceSource: fromDevice ? 'device' : 'gps' };
}

function countFinite(values: ArrayLike<number>): number {
  let count = 0;
  for (let i = 0; i < values.length; i++) if (!Number.isNaN(values[i])) count++;
  return count;
}

/** Mean and max of the values above zero (missing values are NaN and never are). */
function positiveStats(values: ArrayLike<number>): { count: number; mean: number | null; max: number | null } {
  let sum = 0;
  let count = 0;
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v > 0) {
      sum += v;
      count++;
      if (v > max) max = v;
    }
  }
  return count > 0 ? { count, mean: sum / count, max } : { count, mean: null, max: null };
}

/** Largest value, NaN skipped; Math.max(...) would overflow the call stack on a long ride. */
function maxOf(values: ArrayLike<number>): number | null {
  let best: number | null = null;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isNaN(v) && (best === null || v > best)) best = v;
  }
  return best;
}
