/**
 * Heart-rate zones and heart-rate load (METRICS.md "Heart rate").
 */

/** Friel's cycling zones on LTHR, lower bounds in % (Friel, The Cyclist's Training Bible). */
export const FRIEL_LTHR_ZONES = [
  { name: 'Z1 Recovery', lowerPct: 0 },
  { name: 'Z2 Aerobic', lowerPct: 81 },
  { name: 'Z3 Tempo', lowerPct: 90 },
  { name: 'Z4 Sub-threshold', lowerPct: 94 },
  { name: 'Z5a Super-threshold', lowerPct: 100 },
  { name: 'Z5b Aerobic capacity', lowerPct: 103 },
  // "> 106 %": the only bound that is strict (see hrZoneIndex).
  { name: 'Z5c Anaerobic capacity', lowerPct: 106 },
] as const;

/** Five zones on max HR at 50/60/70/80/90 %; time under 50 % is reported apart. */
export const MAX_HR_ZONES = [
  { name: 'Z1', lowerPct: 50 },
  { name: 'Z2', lowerPct: 60 },
  { name: 'Z3', lowerPct: 70 },
  { name: 'Z4', lowerPct: 80 },
  { name: 'Z5', lowerPct: 90 },
] as const;

export type HrZoneModel = 'friel-lthr' | 'max-hr';

export interface HrZoneSet {
  model: HrZoneModel;
  names: string[];
  /** Lower bound of each zone in bpm (reference x pct / 100). */
  lowerBpm: number[];
}

export function hrZoneSet(lthrBpm: number, maxHrBpm: number): HrZoneSet {
  if (lthrBpm > 0) {
    return {
      model: 'friel-lthr',
      names: FRIEL_LTHR_ZONES.map((z) => z.name),
      lowerBpm: FRIEL_LTHR_ZONES.map((z) => (lthrBpm * z.lowerPct) / 100),
    };
  }
  return {
    model: 'max-hr',
    names: MAX_HR_ZONES.map((z) => z.name),
    lowerBpm: MAX_HR_ZONES.map((z) => (maxHrBpm * z.lowerPct) / 100),
  };
}

/**
 * Zone index (0-based) of a heart rate: the highest zone whose lower bound it
 * reaches (>=), except Friel's Z5c which needs strictly more than 106 %.
 * Returns -1 under the first max-HR zone (< 50 % max HR).
 */
export function hrZoneIndex(hrBpm: number, zones: HrZoneSet): number {
  const b = zones.lowerBpm;
  if (zones.model === 'max-hr' && hrBpm < b[0]!) return -1;
  let zone = 0;
  for (let z = 1; z < b.length; z++) {
    const strict = zones.model === 'friel-lthr' && z === b.length - 1;
    if (strict ? hrBpm > b[z]! : hrBpm >= b[z]!) zone = z;
  }
  return zone;
}

/** LTHR estimate when unknown: rest + 0.85 x (max - rest) (Karvonen 85 % HRR, as Elevate does). */
export function estimateLthr(restHrBpm: number, maxHrBpm: number): number {
  return restHrBpm + 0.85 * (maxHrBpm - restHrBpm);
}

/**
 * Banister TRIMP per minute (male coefficients 0.64 and k = 1.92):
 * HRR x 0.64 x e^(1.92 HRR), HRR = (HR - rest) / (max - rest), floored at 0.
 */
export function trimpPerMinute(hrBpm: number, restHrBpm: number, maxHrBpm: number): number {
  const hrr = Math.max(0, (hrBpm - restHrBpm) / (maxHrBpm - restHrBpm));
  return hrr * 0.64 * Math.exp(1.92 * hrr);
}

/** HRSS = 100 x TRIMP / TRIMP(60 min at LTHR) (the TrainingPeaks/Elevate definition). */
export function hrss(trimp: number, restHrBpm: number, maxHrBpm: number, lthrBpm: number): number {
  return (100 * trimp) / (60 * trimpPerMinute(lthrBpm, restHrBpm, maxHrBpm));
}
