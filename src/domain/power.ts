/**
 * Power metrics over a 1 Hz power series, exactly as METRICS.md defines them
 * (the Coggan/TrainingPeaks descriptions). Inputs are plain arrays of watts,
 * one per second, zeros included.
 */

/** METRICS.md standard durations, seconds: 1, 5, 10, 15, 30 s; 1 ... 300 min. */
export const STANDARD_DURATIONS_S = [
  1, 5, 10, 15, 30,
  ...[1, 2, 3, 5, 8, 10, 12, 20, 30, 45, 60, 90, 120, 180, 240, 300].map((m) => m * 60),
];

/** Coggan's 7 power zones: lower bounds in % of FTP (Allen & Coggan, Training and Racing with a Power Meter). */
export const COGGAN_ZONES = [
  { name: 'Active recovery', lowerPct: 0 },
  { name: 'Endurance', lowerPct: 55 },
  { name: 'Tempo', lowerPct: 75 },
  { name: 'Threshold', lowerPct: 90 },
  { name: 'VO2max', lowerPct: 105 },
  { name: 'Anaerobic capacity', lowerPct: 120 },
  { name: 'Neuromuscular', lowerPct: 150 },
] as const;

export const NP_WINDOW_S = 30;
export const EFTP_WINDOW_S = 20 * 60;
/** An eFTP this much above the profile FTP is worth acting on: the "Update FTP" button, the coach's advice. */
export const FTP_HINT_MARGIN = 0.03;

/**
 * Rolling mean over full windows only: the first value is at sample `window`
 * (index window - 1), as NP needs. pandas' min_periods=1 also emits partial
 * windows at the start; we don't.
 */
export function rollingMean(values: ArrayLike<number>, window: number): Float64Array {
  const n = values.length;
  if (window < 1 || n < window) return new Float64Array(0);
  const out = new Float64Array(n - window + 1);
  let sum = 0;
  for (let i = 0; i < window; i++) sum += values[i]!;
  out[0] = sum / window;
  for (let i = window; i < n; i++) {
    sum += values[i]! - values[i - window]!;
    out[i - window + 1] = sum / window;
  }
  return out;
}

/**
 * Normalized Power (Coggan): 30-sample rolling mean, first value at the 30th
 * sample, mean of 4th powers, 4th root. Zeros count. Under 30 samples: null.
 */
export function normalizedPower(power: ArrayLike<number>): number | null {
  const rolling = rollingMean(power, NP_WINDOW_S);
  if (rolling.length === 0) return null;
  let sum4 = 0;
  for (let i = 0; i < rolling.length; i++) sum4 += rolling[i]! ** 4;
  return (sum4 / rolling.length) ** 0.25;
}

/** IF = NP / FTP (Coggan). */
export function intensityFactor(npW: number, ftpW: number): number {
  return npW / ftpW;
}

/** TSS = n · NP · IF / (FTP · 3600) · 100 (Coggan), n = 1 Hz samples NP was computed over. */
export function trainingStressScore(npW: number, ftpW: number, samples: number): number {
  return ((samples * npW * intensityFactor(npW, ftpW)) / (ftpW * 3600)) * 100;
}

/** Prefix sums: sum of values[a..b) = p[b] - p[a]. */
export function prefixSums(values: ArrayLike<number>): Float64Array {
  const p = new Float64Array(values.length + 1);
  for (let i = 0; i < values.length; i++) p[i + 1] = p[i]! + values[i]!;
  return p;
}

/**
 * Mean-maximal power for one duration: the best mean of `durationS`
 * consecutive samples, every window considered (including the one starting
 * at sample 0). O(n) with prefix sums. Null when the series is shorter.
 */
export function meanMaxPower(power: ArrayLike<number>, durationS: number, sums = prefixSums(power)): number | null {
  const n = sums.length - 1;
  if (durationS < 1 || durationS > n) return null;
  let best = -Infinity;
  for (let end = durationS; end <= n; end++) {
    const s = sums[end]! - sums[end - durationS]!;
    if (s > best) best = s;
  }
  return best / durationS;
}

/** The power curve at the standard durations not longer than the ride. Not forced non-increasing. */
export function powerCurve(
  power: ArrayLike<number>,
  durations: readonly number[] = STANDARD_DURATIONS_S,
): { durationS: number; powerW: number }[] {
  const sums = prefixSums(power);
  const out: { durationS: number; powerW: number }[] = [];
  for (const d of durations) {
    const best = meanMaxPower(power, d, sums);
    if (best !== null) out.push({ durationS: d, powerW: best });
  }
  return out;
}

/** eFTP = 0.95 x best 20-min power (Coggan's 20-minute test); rides of 20 min or more. */
export function estimatedFtp(power: ArrayLike<number>, sums = prefixSums(power)): number | null {
  const best20 = meanMaxPower(power, EFTP_WINDOW_S, sums);
  return best20 === null ? null : 0.95 * best20;
}

/**
 * Index (0-based) of the highest zone whose lower bound the value reaches
 * (float compare, >=). A value exactly on a bound goes to the upper zone.
 */
export function zoneIndex(value: number, lowerBounds: readonly number[]): number {
  let zone = 0;
  for (let z = 1; z < lowerBounds.length; z++) if (value >= lowerBounds[z]!) zone = z;
  return zone;
}

/** Watts at each Coggan lower bound; ftp x pct / 100, multiplied first so 55 % of 200 is exactly 110. */
export function powerZoneBoundsW(ftpW: number): number[] {
  return COGGAN_ZONES.map((z) => (ftpW * z.lowerPct) / 100);
}

/** Seconds per zone for a 1 Hz series (one sample = one second). */
export function secondsInZones(values: ArrayLike<number>, lowerBounds: readonly number[]): number[] {
  const seconds = new Array<number>(lowerBounds.length).fill(0);
  for (let i = 0; i < values.length; i++) seconds[zoneIndex(values[i]!, lowerBounds)]!++;
  return seconds;
}
