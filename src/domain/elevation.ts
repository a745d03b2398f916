/** Climbing and descending from an elevation series (METRICS.md "Elevation and climbs"). */

/** Raw GPS and barometric ascent overstates: a rise counts once it exceeds this. */
export const HYSTERESIS_M = 3;

/**
 * Ascent/descent with hysteresis (METRICS.md): a rise counts once it exceeds
 * `thresholdM` above the last low, and then counts from that low to the next
 * high. NaN entries are skipped.
 */
export function hysteresisAscent(
  ele: ArrayLike<number>,
  thresholdM = HYSTERESIS_M,
  from = 0,
  to = ele.length,
): { ascentM: number; descentM: number } {
  let ascentM = 0;
  let descentM = 0;
  let dir = 0;
  let lo = NaN;
  let hi = NaN;
  let anchor = NaN;
  let extreme = NaN;
  for (let i = from; i < to; i++) {
    const e = ele[i] as number;
    if (e !== e) continue;
    if (lo !== lo) {
      lo = hi = e;
      continue;
    }
    if (dir === 0) {
      if (e < lo) lo = e;
      if (e > hi) hi = e;
      if (e - lo > thresholdM) {
        dir = 1;
        anchor = lo;
        extreme = e;
      } else if (hi - e > thresholdM) {
        dir = -1;
        anchor = hi;
        extreme = e;
      }
    } else if (dir === 1) {
      if (e > extreme) extreme = e;
      else if (extreme - e > thresholdM) {
        ascentM += extreme - anchor;
        dir = -1;
        anchor = extreme;
        extreme = e;
      }
    } else if (e < extreme) extreme = e;
    else if (e - extreme > thresholdM) {
      descentM += anchor - extreme;
      dir = 1;
      anchor = extreme;
      extreme = e;
    }
  }
  if (dir === 1) ascentM += extreme - anchor;
  else if (dir === -1) descentM += anchor - extreme;
  return { ascentM, descentM };
}
