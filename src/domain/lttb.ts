/**
 * Largest-Triangle-Three-Buckets decimation: a line of ~1,200 points looks the same
 * as 18,000 at chart width, draws faster, and keeps peaks a plain stride would skip.
 * Source: S. Steinarsson, "Downsampling Time Series for Visual Representation", MSc thesis, University of Iceland, 2013.
 *
 * Gaps: a point whose y is null, undefined or NaN (or whose x is not finite) is a gap.
 * Each unbroken run is decimated on its own, keeping its first and last point, with a
 * share of the threshold proportional to its length; runs are joined by one point with
 * y = NaN, which breaks a chart line there. Nothing is interpolated across a gap, and
 * leading/trailing gaps are dropped. With gaps the output is about `threshold` points
 * (each run keeps at least its endpoints, so a very fragmented series may exceed it).
 *
 * Input no longer than `threshold` comes back unchanged (copied; null becomes NaN).
 * `threshold` below 2 is treated as 2: the endpoints are always kept.
 */
export interface Decimated {
  xs: number[];
  ys: number[];
}

export function lttb(
  xs: ArrayLike<number>,
  ys: ArrayLike<number | null | undefined>,
  threshold: number,
): Decimated {
  const n = Math.min(xs.length, ys.length);
  const yAt = (i: number): number => {
    const y = ys[i];
    return y === null || y === undefined || !Number.isFinite(xs[i]!) ? Number.NaN : y;
  };
  if (n <= threshold) {
    return { xs: Array.from({ length: n }, (_, i) => xs[i]!), ys: Array.from({ length: n }, (_, i) => yAt(i)) };
  }
  const target = Math.max(2, Math.floor(threshold));

  // Unbroken runs [start, end) of drawable points.
  const runs: [number, number][] = [];
  for (let i = 0; i < n; ) {
    if (Number.isNaN(yAt(i))) {
      i++;
      continue;
    }
    const start = i;
    while (i < n && !Number.isNaN(yAt(i))) i++;
    runs.push([start, i]);
  }

  const drawable = runs.reduce((sum, [s, e]) => sum + e - s, 0);
  const budget = Math.max(0, target - (runs.length - 1)); // one NaN separator between runs
  const out: Decimated = { xs: [], ys: [] };
  runs.forEach(([start, end], r) => {
    if (r > 0) {
      out.xs.push(Number.isFinite(xs[start - 1]!) ? xs[start - 1]! : xs[start]!);
      out.ys.push(Number.NaN);
    }
    const length = end - start;
    const share = Math.min(length, Math.max(2, Math.round((length / drawable) * budget)));
    decimateRun(xs, yAt, start, end, share, out);
  });
  return out;
}

/** Classic LTTB over one gap-free run, appending `m` points (all of them when m >= length). */
function decimateRun(
  xs: ArrayLike<number>,
  yAt: (i: number) => number,
  start: number,
  end: number,
  m: number,
  out: Decimated,
): void {
  const length = end - start;
  if (m >= length || length <= 2) {
    for (let i = start; i < end; i++) {
      out.xs.push(xs[i]!);
      out.ys.push(yAt(i));
    }
    return;
  }
  // The first and last points are fixed; the middle length-2 points fall into m-2 buckets.
  const every = (length - 2) / (m - 2);
  let a = start;
  out.xs.push(xs[a]!);
  out.ys.push(yAt(a));
  for (let b = 0; b < m - 2; b++) {
    // Average of the next bucket (or the last point, for the last bucket): the triangle's third corner.
    const nextStart = start + Math.floor((b + 1) * every) + 1;
    const nextEnd = Math.min(start + Math.floor((b + 2) * every) + 1, end);
    let avgX = 0;
    let avgY = 0;
    for (let j = nextStart; j < nextEnd; j++) {
      avgX += xs[j]!;
      avgY += yAt(j);
    }
    const count = nextEnd - nextStart;
    avgX /= count;
    avgY /= count;

    // Pick the point of this bucket that makes the largest triangle with the last pick and that average.
    const from = start + Math.floor(b * every) + 1;
    const to = start + Math.floor((b + 1) * every) + 1;
    const ax = xs[a]!;
    const ay = yAt(a);
    let best = from;
    let bestArea = -1;
    for (let j = from; j < to; j++) {
      const area = Math.abs((ax - avgX) * (yAt(j) - ay) - (ax - xs[j]!) * (avgY - ay));
      if (area > bestArea) {
        bestArea = area;
        best = j;
      }
    }
    out.xs.push(xs[best]!);
    out.ys.push(yAt(best));
    a = best;
  }
  out.xs.push(xs[end - 1]!);
  out.ys.push(yAt(end - 1));
}
