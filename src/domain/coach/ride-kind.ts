/**
 * What kind of ride it was, from IF, VI, time in the Coggan power zones and
 * duration. The IF bands follow Coggan's whole-ride guide (Training and Racing
 * with a Power Meter) narrowed by METRICS.md's workout targets (% FTP).
 */
import type { RideMetrics } from '../ride.ts';

export type RideKind =
  | 'recovery'
  | 'endurance'
  | 'long_endurance'
  | 'tempo'
  | 'sweet_spot'
  | 'threshold'
  | 'intervals'
  | 'race_like'
  /** Power, but under 15 min: too short to judge. */
  | 'short'
  /** Cycling with heart rate and no power. */
  | 'hr_only'
  /** A run, walk, swim...: load counted, no power coaching. */
  | 'not_cycling'
  /** Cycling with neither power nor heart rate. */
  | 'no_data';

/** Kinds that leave the legs needing an easy day after. */
export const HARD_KINDS: ReadonlySet<RideKind> = new Set(['sweet_spot', 'threshold', 'intervals', 'race_like']);

const SHORT_RIDE_S = 15 * 60;
const LONG_RIDE_S = 3 * 3600;
const RECOVERY_MAX_S = 90 * 60;

/** Riding time: moving seconds, else seconds with power, else elapsed; null when none is known. */
export function rideSeconds(m: RideMetrics): number | null {
  if (m.movingS !== null && m.movingS > 0) return m.movingS;
  if (m.powerSampleCount > 0) return m.powerSampleCount;
  return m.elapsedS !== null && m.elapsedS > 0 ? m.elapsedS : null;
}

/** Share of the power samples in each of the 7 zones (zeros when there are none). */
export function zoneShares(m: RideMetrics): number[] {
  const seconds = m.powerZones?.map((z) => z.seconds) ?? [];
  const total = seconds.reduce((a, b) => a + b, 0);
  return Array.from({ length: 7 }, (_, i) => (total > 0 ? (seconds[i] ?? 0) / total : 0));
}

/**
 * In order, first match wins (IF = NP / ftpW, best 20 = best 20-min power / ftpW):
 * not cycling; no NP -> hr_only / no_data; under 15 min -> short;
 * IF >= 0.95 for 45 min or more -> race_like when VI >= 1.06, else threshold (a TT);
 * IF >= 0.85 and VI >= 1.15 -> race_like; IF >= 0.75 with >= 10 % of the time
 * above 105 % FTP -> intervals; IF >= 0.90, or IF >= 0.75 with best 20 >= 0.95
 * -> threshold; IF >= 0.83, or IF >= 0.75 with best 20 >= 0.88 -> sweet_spot;
 * IF >= 0.76 -> tempo (long_endurance when 3 h or more under IF 0.80);
 * 3 h or more -> long_endurance; IF < 0.60 up to 90 min -> recovery; else endurance.
 * The best 20 min catches structured sessions (2 × 20 min at 90 % FTP), whose
 * warm-up and recoveries pull the whole-ride IF down to tempo.
 */
export function classifyRide(metrics: RideMetrics, ftpW: number): RideKind {
  if (metrics.sport !== 'cycling') return 'not_cycling';
  const np = metrics.normalizedPowerW;
  if (np === null || !(ftpW > 0)) return metrics.avgHrBpm !== null ? 'hr_only' : 'no_data';
  const seconds = rideSeconds(metrics) ?? 0;
  if (seconds < SHORT_RIDE_S) return 'short';
  const intensity = np / ftpW;
  const vi = metrics.variabilityIndex ?? 1;
  const shares = zoneShares(metrics);
  const aboveThreshold = shares[4]! + shares[5]! + shares[6]!;
  const long = seconds >= LONG_RIDE_S;
  const best20 = (metrics.powerCurve?.find((p) => p.durationS === 1200)?.powerW ?? 0) / ftpW;

  if (intensity >= 0.95 && seconds >= 45 * 60) return vi >= 1.06 ? 'race_like' : 'threshold';
  if (intensity >= 0.85 && vi >= 1.15) return 'race_like';
  if (intensity >= 0.75 && aboveThreshold >= 0.1) return 'intervals';
  if (intensity >= 0.9 || (intensity >= 0.75 && best20 >= 0.95)) return 'threshold';
  if (intensity >= 0.83 || (intensity >= 0.75 && best20 >= 0.88)) return 'sweet_spot';
  if (intensity >= 0.76 && !(long && intensity < 0.8)) return 'tempo';
  if (long) return 'long_endurance';
  if (intensity < 0.6 && seconds <= RECOVERY_MAX_S) return 'recovery';
  return 'endurance';
}
