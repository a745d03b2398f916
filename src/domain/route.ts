/**
 * Route analysis: distance, climbing, the route cut into climbs / descents /
 * flat and rolling parts, and a time estimate from the rider's power — the
 * conventions of METRICS.md "Elevation and climbs" and "Speed, time and gears".
 *
 * Pipeline: points -> cumulative haversine distance (segments not bridged)
 * -> elevation resampled on a 25 m grid per track segment and lightly
 * smoothed -> 10 m turning points -> climbs/descents (trimmed, split at long
 * flat stretches) -> gaps filled with flat/rolling sections -> power, time and
 * gears per section.
 *
 * Segment joins: the next segment starts at the same distance, often at
 * another elevation. Nobody rode that step, so the grid keeps each segment's
 * nodes apart (the join is a zero-length "break" between two nodes at the same
 * distance): no smoothing, grade window, climb or descent reaches across it,
 * and flat/rolling sections that contain one count only their ridden parts.
 */
import type { ParsedGpx } from './gpx.ts';
import { lttb } from './lttb.ts';
import { minimumGear, PHYSICS_DEFAULTS, speedForPowerMps, type GearAdvice } from './physics.ts';
import type { ResolvedProfile, RiderProfile } from './profile.ts';
import type { Sample } from './samples.ts';
import { haversineCosM, RAD } from './geo.ts';
import { HYSTERESIS_M, hysteresisAscent } from './elevation.ts';

export const GRID_STEP_M = 25;
/** Grades are measured over 100 m windows, gears over the steepest 200 m (METRICS.md). */
const GRADE_WINDOW_M = 100;
const GEAR_WINDOW_M = 200;
const SMOOTH_HALF_CELLS = 2; // ±50 m moving average: takes GPS/barometer jitter out, keeps 100 m grades
const MAX_GRID_CELLS = 200_000;
const CLIMB_MIN_M = 300;
const CLIMB_MIN_GRADE = 0.03;
const DIP_MERGE_M = 10; // dips smaller than this stay inside the climb
const TINY_GAP_M = 100; // a flat bit this short between two sections joins the previous one
const ROLLING_M_PER_KM = 15; // ups and downs adding up to more than 1.5 % of the length
const CHART_MAX_POINTS = 1000;

// Target power, share of FTP. Climbs: 88 % when the climb takes < 20 min at that power, else 83 % (< 40 min), 80 % (< 60 min), 75 %.
export const TARGET_POWER = {
  flat: 0.68,
  descent: 0.4,
  climb: [
    { share: 0.88, underS: 20 * 60 },
    { share: 0.83, underS: 40 * 60 },
    { share: 0.8, underS: 60 * 60 },
    { share: 0.75, underS: Infinity },
  ],
} as const;

export type SectionKind = 'climb' | 'descent' | 'rolling' | 'flat';
export type ClimbCategory = 'HC' | '1' | '2' | '3' | '4';

export interface RouteSection {
  kind: SectionKind;
  startM: number;
  endM: number;
  distanceM: number;
  /** Smoothed elevation at the ends; null when the file has no elevation. */
  startEleM: number | null;
  endEleM: number | null;
  /** 3 m hysteresis on the smoothed elevation inside the section. */
  ascentM: number;
  descentM: number;
  gradeAvgPct: number;
  /** Steepest 100 m window in the section's direction: uphill for climbs/flat/rolling, downhill (negative) for descents. */
  gradeMaxPct: number;
  /** Climbs: steepest 200 m, the grade the gear advice is for. */
  steepest200mPct: number | null;
  /** Climbs: length_m x avg_grade_pct. */
  score: number | null;
  category: ClimbCategory | null;
  targetPowerW: number;
  estTimeS: number;
  /** Climbs with elevation: the minimum gear on the steepest 200 m at the target power. */
  minGear: GearAdvice | null;
}

export interface RouteAnalysis {
  name?: string;
  /** Points analysed (track points, else route points). */
  points: number;
  distanceM: number;
  ascentM: number;
  descentM: number;
  minElevationM: number | null;
  maxElevationM: number | null;
  estTimeS: number;
  hasElevation: boolean;
  hasTime: boolean;
  sections: RouteSection[];
  /** For the elevation chart: smoothed, LTTB-decimated to <= 1,000 points; empty without elevation. */
  profileSeries: { distanceM: number[]; eleM: number[] };
  /** Short phrases the reply shows: powers used, profile defaults, what is missing. */
  assumptions: string[];
}


export function climbCategory(score: number): ClimbCategory | null {
  if (score > 80_000) return 'HC';
  if (score > 64_000) return '1';
  if (score > 32_000) return '2';
  if (score > 16_000) return '3';
  if (score > 8_000) return '4';
  return null;
}

const DEFAULT_PHRASES: Partial<Record<keyof RiderProfile, (p: ResolvedProfile) => string>> = {
  ftpW: (p) => `FTP ${p.ftpW} W`,
  riderKg: (p) => `rider ${p.riderKg} kg`,
  bikeKg: (p) => `bike ${p.bikeKg} kg`,
  chainrings: (p) => `chainrings ${p.chainrings.join('/')}`,
  cogs: (p) => `cassette ${p.cogs[0]}-${p.cogs[p.cogs.length - 1]}`,
  cadenceFloorRpm: (p) => `cadence floor ${p.cadenceFloorRpm} rpm`,
  wheelCircumferenceM: (p) => `wheel ${p.wheelCircumferenceM} m`,
};

/** One route (or ride file) analysed for a rider. `defaultsUsed` comes from resolveProfile. */
export function analyseRoute(
  gpx: ParsedGpx,
  profile: ResolvedProfile,
  defaultsUsed: readonly (keyof RiderProfile)[] = [],
): RouteAnalysis {
  const { lines, fromTracks } = pickLines(gpx);
  const track = flatten(lines);
  const { n, dist, ele, eleCount, timeCount } = track;
  const distanceM = n > 0 ? (dist[n - 1] as number) : 0;
  const hasElevation = eleCount >= 2 && eleCount >= n / 2;
  const hasTime = timeCount >= 2;

  let ascentM = 0;
  let descentM = 0;
  let minElevationM: number | null = null;
  let maxElevationM: number | null = null;
  if (hasElevation) {
    for (const [from, to] of track.lineRanges) {
      const r = hysteresisAscent(ele, HYSTERESIS_M, from, to);
      ascentM += r.ascentM;
      descentM += r.descentM;
    }
    minElevationM = track.minEle;
    maxElevationM = track.maxEle;
  }

  const grid = buildGrid(track, distanceM, hasElevation);
  const ctx: Ctx = { ...grid, profile, hasElevation, massKg: profile.riderKg + profile.bikeKg };
  const sections = distanceM > 0 ? buildSections(ctx) : [];
  const estTimeS = sections.reduce((t, s) => t + s.estTimeS, 0);
  const chartLine = lttb(grid.D, hasElevation ? grid.E : [], CHART_MAX_POINTS);
  const profileSeries = { distanceM: chartLine.xs, eleM: chartLine.ys };

  const assumptions = describeAssumptions(profile, defaultsUsed, { n, eleCount, hasElevation, hasTime, lines: lines.length, fromTracks });
  const out: RouteAnalysis = {
    points: n,
    distanceM,
    ascentM,
    descentM,
    minElevationM,
    maxElevationM,
    estTimeS,
    hasElevation,
    hasTime,
    sections,
    profileSeries,
    assumptions,
  };
  if (gpx.name !== undefined) out.name = gpx.name;
  return out;
}

// ------------------------------------------------------------ points -> arrays

/** Track segments when the file has track points (a recorded or exported track), else its routes. */
function pickLines(gpx: ParsedGpx): { lines: Sample[][]; fromTracks: boolean } {
  const segs = gpx.tracks.flatMap((t) => t.segments).filter((s) => s.length > 0);
  if (segs.length > 0) return { lines: segs, fromTracks: true };
  return { lines: gpx.routes.map((r) => r.points).filter((p) => p.length > 0), fromTracks: false };
}

interface Flat {
  n: number;
  dist: Float64Array;
  /** NaN where a point has no elevation. */
  ele: Float64Array;
  eleCount: number;
  timeCount: number;
  lineRanges: [number, number][];
  minEle: number;
  maxEle: number;
}

function flatten(lines: Sample[][]): Flat {
  let total = 0;
  for (const l of lines) total += l.length;
  const dist = new Float64Array(total);
  const ele = new Float64Array(total);
  const lineRanges: [number, number][] = [];
  let n = 0;
  let d = 0;
  let eleCount = 0;
  let timeCount = 0;
  let minEle = Infinity;
  let maxEle = -Infinity;
  for (const line of lines) {
    const from = n;
    let prevLat = NaN;
    let prevLon = NaN;
    let prevCos = NaN;
    for (let i = 0; i < line.length; i++) {
      const p = line[i] as Sample;
      const lat = p.lat;
      const lon = p.lon;
      if (lat === undefined || lon === undefined) continue;
      const cos = Math.cos(lat * RAD);
      // Distance only within a segment: the jump to the next segment is not ridden.
      if (prevLat === prevLat) d += haversineCosM(prevLat, prevLon, prevCos, lat, lon, cos);
      prevLat = lat;
      prevLon = lon;
      prevCos = cos;
      dist[n] = d;
      const e = p.eleM;
      if (e === undefined) ele[n] = NaN;
      else {
        ele[n] = e;
        eleCount++;
        if (e < minEle) minEle = e;
        if (e > maxEle) maxEle = e;
      }
      if (p.timeMs !== undefined) timeCount++;
      n++;
    }
    if (n > from) lineRanges.push([from, n]);
  }
  return { n, dist, ele, eleCount, timeCount, lineRanges, minEle, maxEle };
}

// ------------------------------------------------------------ the distance grid

interface Grid {
  /** Distance of grid node i, m (a segment's last cell may be shorter). */
  D: Float64Array;
  /** Smoothed elevation at node i (zeros when there is no elevation). */
  E: Float64Array;
  /** Elevation at node i before smoothing. */
  R: Float64Array;
  /**
   * Track segment of node i. Each segment has its own nodes; at a join the last
   * node of one segment and the first of the next sit at the same distance and
   * the cell between them is not ridden.
   */
  seg: Int32Array;
  /** [first, last] node of each segment, in order. */
  segNodes: [number, number][];
  step: number;
}

function buildGrid(track: Flat, total: number, hasElevation: boolean): Grid {
  const { dist, ele, lineRanges } = track;
  const step = Math.max(GRID_STEP_M, total / MAX_GRID_CELLS);
  const ranges = lineRanges.length > 0 ? lineRanges : [[0, 0] as [number, number]];
  const cellsOf = ranges.map(([from, to]) => {
    const len = to > from ? (dist[to - 1] as number) - (dist[from] as number) : 0;
    return Math.max(1, Math.ceil(len / step - 1e-9));
  });
  const nodes = cellsOf.reduce((t, c) => t + c + 1, 0);
  const D = new Float64Array(nodes);
  const raw = new Float64Array(nodes);
  const seg = new Int32Array(nodes);
  const segNodes: [number, number][] = [];
  // Points with elevation, all segments in order; `lastEle` carries the latest one into a segment that has none.
  const pd = new Float64Array(track.n);
  const pe = new Float64Array(track.n);
  let lastEle = NaN;
  if (hasElevation) {
    for (let i = 0; i < track.n; i++) {
      const e = ele[i] as number;
      if (e === e) {
        lastEle = e;
        break;
      }
    }
  }
  let node = 0;
  for (let s = 0; s < ranges.length; s++) {
    const [from, to] = ranges[s] as [number, number];
    const cells = cellsOf[s] as number;
    const d0 = to > from ? (dist[from] as number) : 0;
    const d1 = to > from ? (dist[to - 1] as number) : 0;
    const first = node;
    for (let i = 0; i <= cells; i++) {
      D[node] = i < cells ? Math.min(d0 + i * step, d1) : d1; // ends exactly where the next segment starts
      seg[node++] = s;
    }
    segNodes.push([first, node - 1]);
    if (!hasElevation) continue;
    // Linear interpolation between this segment's points that have elevation.
    let k = 0;
    for (let i = from; i < to; i++) {
      const e = ele[i] as number;
      if (e === e) {
        pd[k] = dist[i] as number;
        pe[k++] = e;
      }
    }
    if (k === 0) {
      raw.fill(lastEle, first, node); // no elevation in this segment: level at the last known height
      continue;
    }
    lastEle = pe[k - 1] as number;
    let j = 0;
    for (let i = first; i < node; i++) {
      const x = D[i] as number;
      while (j < k - 1 && (pd[j + 1] as number) <= x) j++;
      const p0 = pd[j] as number;
      if (x <= p0 || j === k - 1) raw[i] = pe[j] as number;
      else {
        const p1 = pd[j + 1] as number;
        const e0 = pe[j] as number;
        raw[i] = e0 + (((pe[j + 1] as number) - e0) * (x - p0)) / (p1 - p0);
      }
    }
  }
  const E = new Float64Array(nodes);
  for (const [a, b] of segNodes) movingAverage(raw, SMOOTH_HALF_CELLS, a, b + 1, E);
  return { D, E, R: raw, seg, segNodes, step };
}

/** Moving average of x[from, to) into out[from, to); the window shrinks at the ends of the range. */
function movingAverage(x: Float64Array, half: number, from: number, to: number, out: Float64Array): void {
  const m = to - from;
  const prefix = new Float64Array(m + 1);
  for (let i = 0; i < m; i++) prefix[i + 1] = (prefix[i] as number) + (x[from + i] as number);
  for (let i = 0; i < m; i++) {
    const a = Math.max(0, i - half);
    const b = Math.min(m, i + half + 1);
    out[from + i] = ((prefix[b] as number) - (prefix[a] as number)) / (b - a);
  }
}

// ------------------------------------------------------------ sections

interface Ctx extends Grid {
  profile: ResolvedProfile;
  hasElevation: boolean;
  massKg: number;
}

type Span = { a: number; b: number; kind: SectionKind };

function gradeOf(c: Grid, i: number, j: number): number {
  const run = (c.D[j] as number) - (c.D[i] as number);
  return run > 0 ? ((c.E[j] as number) - (c.E[i] as number)) / run : 0;
}

/** [a, b] cut at segment joins into the ridden pieces (one piece when there is no join). */
function ridden(c: Grid, a: number, b: number): [number, number][] {
  const out: [number, number][] = [];
  for (let s = c.seg[a] as number; s <= (c.seg[b] as number); s++) {
    const [first, last] = c.segNodes[s] as [number, number];
    out.push([Math.max(a, first), Math.min(b, last)]);
  }
  return out;
}

/** Average grade over the ridden parts of [a, b]: the step at a join is neither climbed nor descended. */
function riddenGrade(c: Grid, a: number, b: number): number {
  const run = (c.D[b] as number) - (c.D[a] as number);
  if (!(run > 0)) return 0;
  let rise = 0;
  for (const [x, y] of ridden(c, a, b)) rise += (c.E[y] as number) - (c.E[x] as number);
  return rise / run;
}

/** 3 m hysteresis ascent/descent on the smoothed elevation of [a, b], each ridden piece on its own. */
function riddenAscent(c: Grid, a: number, b: number): { ascentM: number; descentM: number } {
  let ascentM = 0;
  let descentM = 0;
  for (const [x, y] of ridden(c, a, b)) {
    const r = hysteresisAscent(c.E, HYSTERESIS_M, x, y + 1);
    ascentM += r.ascentM;
    descentM += r.descentM;
  }
  return { ascentM, descentM };
}

/** Grade of grid cell i (node i to i+1) before smoothing. */
function rawGrade(c: Grid, i: number): number {
  const run = (c.D[i + 1] as number) - (c.D[i] as number);
  return run > 0 ? ((c.R[i + 1] as number) - (c.R[i] as number)) / run : 0;
}

function buildSections(c: Ctx): RouteSection[] {
  const last = c.D.length - 1;
  const runs: Span[] = [];
  if (c.hasElevation) {
    // Segment by segment: no climb or descent takes in an unridden join.
    for (const [first, lastNode] of c.segNodes) {
      for (const leg of turningLegs(c.E, DIP_MERGE_M, first, lastNode)) steadyRuns(c, leg.a, leg.b, leg.sign, runs);
    }
    runs.sort((x, y) => x.a - y.a);
  }
  // Fill the gaps with flat/rolling parts (these may contain joins); fold gaps shorter than TINY_GAP_M into a neighbour.
  const spans: Span[] = [];
  const pushFlat = (a: number, b: number): void => {
    if ((c.D[b] as number) > (c.D[a] as number)) spans.push({ a, b, kind: flatOrRolling(c, a, b) });
  };
  let cursor = 0;
  for (const r of [...runs, { a: last, b: last, kind: 'flat' as SectionKind }]) {
    if (r.a > cursor) {
      const prev = spans[spans.length - 1];
      const next = r.b > r.a ? r : undefined;
      const gapM = (c.D[r.a] as number) - (c.D[cursor] as number);
      if (gapM >= TINY_GAP_M || (!prev && !next)) spans.push({ a: cursor, b: r.a, kind: flatOrRolling(c, cursor, r.a) });
      else if (c.seg[cursor] === c.seg[r.a]) {
        if (prev) prev.b = r.a;
        else if (next) next.a = cursor;
      } else {
        // The short gap holds a join: what comes before the first join goes to the previous
        // section, what comes after the last to the next, segments wholly inside stay flat.
        const j0 = (c.segNodes[c.seg[cursor] as number] as [number, number])[1];
        const j1 = (c.segNodes[c.seg[r.a] as number] as [number, number])[0];
        if (prev) prev.b = j0;
        else pushFlat(cursor, j0);
        if (j1 - 1 > j0) pushFlat(j0 + 1, j1 - 1);
        if (next) next.a = j1;
        else pushFlat(j1, r.a);
      }
    }
    if (r.b > r.a) spans.push(r);
    cursor = Math.max(cursor, r.b);
  }
  return spans.map((s) => describeSection(c, s));
}

/** Alternating lows and highs in nodes [from, to] where the direction turns by >= `turnM`; smaller dips/bumps stay inside a leg. */
function turningLegs(E: Float64Array, turnM: number, from: number, to: number): { a: number; b: number; sign: 1 | -1 }[] {
  const legs: { a: number; b: number; sign: 1 | -1 }[] = [];
  let dir = 0;
  let minI = from;
  let maxI = from;
  let anchor = from;
  let ext = from;
  for (let i = from + 1; i <= to; i++) {
    const e = E[i] as number;
    if (dir === 0) {
      if (e < (E[minI] as number)) minI = i;
      if (e > (E[maxI] as number)) maxI = i;
      if (e - (E[minI] as number) >= turnM) [dir, anchor, ext] = [1, minI, i];
      else if ((E[maxI] as number) - e >= turnM) [dir, anchor, ext] = [-1, maxI, i];
    } else if (dir === 1) {
      if (e > (E[ext] as number)) ext = i;
      else if ((E[ext] as number) - e >= turnM) {
        legs.push({ a: anchor, b: ext, sign: 1 });
        [dir, anchor, ext] = [-1, ext, i];
      }
    } else if (e < (E[ext] as number)) ext = i;
    else if (e - (E[ext] as number) >= turnM) {
      legs.push({ a: anchor, b: ext, sign: -1 });
      [dir, anchor, ext] = [1, ext, i];
    }
  }
  if (dir !== 0) legs.push({ a: anchor, b: ext, sign: dir as 1 | -1 });
  return legs;
}

/**
 * The climbs (sign 1) or descents (sign -1) inside one leg: trim ends flatter
 * than 3 % over 100 m, keep the rest when it is >= 300 m at >= 3 % on average,
 * else split at its longest flatter-than-3 % stretch and look at both sides.
 * Smoothing smears a climb's ends outwards by up to 50 m, so the ends are then
 * trimmed again cell by cell on the unsmoothed elevation. [a, b] lies in one
 * track segment, so no window here spans a join.
 */
function steadyRuns(c: Grid, a: number, b: number, sign: 1 | -1, out: Span[]): void {
  const k = Math.max(1, Math.round(GRADE_WINDOW_M / c.step));
  while (a < b && sign * gradeOf(c, a, Math.min(a + k, b)) < CLIMB_MIN_GRADE) a++;
  while (b > a && sign * gradeOf(c, Math.max(b - k, a), b) < CLIMB_MIN_GRADE) b--;
  while (a < b && sign * rawGrade(c, a) < CLIMB_MIN_GRADE) a++;
  while (b > a && sign * rawGrade(c, b - 1) < CLIMB_MIN_GRADE) b--;
  if ((c.D[b] as number) - (c.D[a] as number) < CLIMB_MIN_M) return;
  if (sign * gradeOf(c, a, b) >= CLIMB_MIN_GRADE) {
    out.push({ a, b, kind: sign === 1 ? 'climb' : 'descent' });
    return;
  }
  let best = -1;
  let bestLen = 0;
  let runStart = -1;
  for (let i = a; i + k <= b; i++) {
    const flat = sign * gradeOf(c, i, i + k) < CLIMB_MIN_GRADE;
    if (flat && runStart < 0) runStart = i;
    if ((!flat || i + k === b) && runStart >= 0) {
      const end = flat ? i : i - 1;
      if (end - runStart + 1 > bestLen) [best, bestLen] = [runStart, end - runStart + 1];
      runStart = -1;
    }
  }
  if (best < 0) return;
  steadyRuns(c, a, best, sign, out);
  steadyRuns(c, best + bestLen, b, sign, out);
}

function flatOrRolling(c: Ctx, a: number, b: number): SectionKind {
  if (!c.hasElevation) return 'flat';
  const { ascentM, descentM } = riddenAscent(c, a, b);
  const km = ((c.D[b] as number) - (c.D[a] as number)) / 1000;
  return ascentM + descentM > ROLLING_M_PER_KM * km ? 'rolling' : 'flat';
}

function describeSection(c: Ctx, s: Span): RouteSection {
  const { a, b, kind } = s;
  const { profile } = c;
  const startM = c.D[a] as number;
  const endM = c.D[b] as number;
  const distanceM = endM - startM;
  const { ascentM, descentM } = c.hasElevation ? riddenAscent(c, a, b) : { ascentM: 0, descentM: 0 };
  const gradeAvg = c.hasElevation ? riddenGrade(c, a, b) : 0;
  const k = Math.max(1, Math.round(GRADE_WINDOW_M / c.step));
  const down = kind === 'descent';
  const gradeMax = c.hasElevation ? steepestWindow(c, a, b, k, down ? -1 : 1).grade : 0;

  let targetPowerW: number;
  let estTimeS: number;
  let score: number | null = null;
  let category: ClimbCategory | null = null;
  let minGear: GearAdvice | null = null;
  let steepest200mPct: number | null = null;
  if (kind === 'climb') {
    let step = 0;
    targetPowerW = profile.ftpW * TARGET_POWER.climb[0].share;
    estTimeS = rideTimeS(c, a, b, targetPowerW);
    while (estTimeS >= TARGET_POWER.climb[step]!.underS) {
      step++;
      targetPowerW = profile.ftpW * TARGET_POWER.climb[step]!.share;
      estTimeS = rideTimeS(c, a, b, targetPowerW);
    }
    score = distanceM * gradeAvg * 100;
    category = climbCategory(score);
    const steep = steepestWindow(c, a, b, Math.max(1, Math.round(GEAR_WINDOW_M / c.step)), 1);
    steepest200mPct = steep.grade * 100;
    const speed = speedForPowerMps(targetPowerW, steep.grade, { massKg: c.massKg, altitudeM: steep.altitudeM });
    minGear = minimumGear(speed, profile);
  } else {
    targetPowerW = profile.ftpW * (down ? TARGET_POWER.descent : TARGET_POWER.flat);
    estTimeS = rideTimeS(c, a, b, targetPowerW);
  }
  return {
    kind,
    startM,
    endM,
    distanceM,
    startEleM: c.hasElevation ? (c.E[a] as number) : null,
    endEleM: c.hasElevation ? (c.E[b] as number) : null,
    ascentM,
    descentM,
    gradeAvgPct: gradeAvg * 100,
    gradeMaxPct: gradeMax * 100,
    steepest200mPct,
    score,
    category,
    targetPowerW,
    estTimeS,
    minGear,
  };
}

/**
 * Steepest window of `k` cells in [a, b] (uphill for sign 1, downhill for -1); the whole span when shorter.
 * Windows never span a segment join; ridden pieces shorter than a window count whole only when no piece has one.
 */
function steepestWindow(c: Grid, a: number, b: number, k: number, sign: 1 | -1): { grade: number; altitudeM: number } {
  let best = -Infinity;
  let at = a;
  let to = a;
  let short = -Infinity;
  let shortAt = a;
  let shortTo = a;
  for (const [x, y] of ridden(c, a, b)) {
    if (y - x <= k) {
      const g = sign * gradeOf(c, x, y);
      if (g > short || (short === -Infinity && (c.D[y] as number) > (c.D[x] as number))) [short, shortAt, shortTo] = [g, x, y];
      continue;
    }
    for (let i = x; i + k <= y; i++) {
      const g = sign * gradeOf(c, i, i + k);
      if (g > best) [best, at, to] = [g, i, i + k];
    }
  }
  if (best === -Infinity) [best, at, to] = [short === -Infinity ? 0 : short, shortAt, shortTo];
  return { grade: sign * best, altitudeM: ((c.E[at] as number) + (c.E[to] as number)) / 2 };
}

/** Time at a steady power over grid cells [a, b), each at its own grade and air density. */
function rideTimeS(c: Ctx, a: number, b: number, powerW: number): number {
  const conditions = { massKg: c.massKg, altitudeM: 0 };
  let t = 0;
  for (let i = a; i < b; i++) {
    const len = (c.D[i + 1] as number) - (c.D[i] as number);
    if (len <= 0) continue;
    const e0 = c.E[i] as number;
    const e1 = c.E[i + 1] as number;
    conditions.altitudeM = (e0 + e1) / 2;
    const v = speedForPowerMps(powerW, (e1 - e0) / len, conditions);
    t += len / Math.max(v, 0.1);
  }
  return t;
}

// ------------------------------------------------------------ assumptions

function describeAssumptions(
  profile: ResolvedProfile,
  defaultsUsed: readonly (keyof RiderProfile)[],
  f: { n: number; eleCount: number; hasElevation: boolean; hasTime: boolean; lines: number; fromTracks: boolean },
): string[] {
  const pct = (share: number): string => `${Math.round(share * 100)} %`;
  const w = (share: number): string => `${Math.round(profile.ftpW * share)} W`;
  const out = [
    `endurance pace ${w(TARGET_POWER.flat)} (${pct(TARGET_POWER.flat)} of FTP ${profile.ftpW} W) on flat and rolling parts`,
    `climbs at ${TARGET_POWER.climb.map((s, i, all) => (i < all.length - 1 ? `${pct(s.share)} FTP under ${s.underS / 60} min` : `${pct(s.share)} longer`)).join(', ')}`,
    `descents at ${w(TARGET_POWER.descent)} (${pct(TARGET_POWER.descent)} FTP), at most ${Math.round(PHYSICS_DEFAULTS.maxSpeedMps * 3.6)} km/h`,
    `no wind, CdA ${PHYSICS_DEFAULTS.cdaM2} m², Crr ${PHYSICS_DEFAULTS.crr}, ${pct(PHYSICS_DEFAULTS.drivetrainLoss)} drivetrain loss, ${profile.riderKg + profile.bikeKg} kg with the bike`,
  ];
  const defaults = defaultsUsed.flatMap((k) => DEFAULT_PHRASES[k]?.(profile) ?? []);
  if (defaults.length > 0) out.push(`default ${defaults.join(', ')} (not set in your profile)`);
  if (!f.hasElevation) out.push("no elevation in this file: climbs and gears can't be computed, time assumes flat");
  else if (f.eleCount < f.n) out.push(`elevation missing on ${f.n - f.eleCount} of ${f.n} points: interpolated`);
  else out.push(`ascent counts rises of more than ${HYSTERESIS_M} m on the file's elevation`);
  if (f.lines > 1) out.push(`${f.lines} ${f.fromTracks ? 'track segments' : 'routes'}: the gaps between them are not counted`);
  if (!f.hasTime) out.push('no timestamps in this file: times are estimates only');
  return out;
}
