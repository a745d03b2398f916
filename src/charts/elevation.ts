/**
 * Route elevation profile: distance (km) against elevation (m), climbs shaded and
 * labelled above their highest point.
 */
import type { Chart, ChartDataset, Plugin } from 'chart.js';
import { lttb } from '../domain/lttb.ts';
import { axisTitle, CHART_SIZE, COLORS, FONT_SIZE, renderChart, withAlpha } from './render.ts';

export interface ElevationClimb {
  startM: number;
  endM: number;
  /** Shown above the climb, e.g. "Cat 3 · 6.1 %". */
  label: string;
}

export interface ElevationProfileInput {
  title: string;
  /** Distance from the start of the route, m, one per point, ascending. */
  distanceM: number[];
  /** Elevation, m, one per point. */
  eleM: number[];
  climbs: ElevationClimb[];
}

interface XY {
  x: number;
  y: number;
}

const MAX_POINTS = 1200;
// Two shades, alternated, so neighbouring climbs read as separate climbs.
const CLIMB_FILLS = [withAlpha(COLORS.orange, 0.75), withAlpha(COLORS.vermillion, 0.6)];

export async function renderElevationProfile(input: ElevationProfileInput): Promise<Buffer> {
  const n = Math.min(input.distanceM.length, input.eleM.length);
  const km = input.distanceM.slice(0, n).map((m) => m / 1000);
  const profile = lttb(km, input.eleM.slice(0, n), MAX_POINTS);
  const points: XY[] = profile.xs.map((x, i) => ({ x, y: profile.ys[i]! }));

  const spanKm = (km[n - 1] ?? 0) - (km[0] ?? 0);
  const kmDecimals = spanKm >= 20 ? 0 : spanKm >= 2 ? 1 : 2;

  const climbs = input.climbs
    .filter((c) => c.endM > c.startM)
    .map((c) => ({ ...c, fromKm: c.startM / 1000, toKm: c.endM / 1000 }));
  const climbDatasets: ChartDataset<'line', XY[]>[] = climbs.map((c, i) => ({
    label: c.label,
    data: slice(points, c.fromKm, c.toKm),
    fill: 'start',
    backgroundColor: CLIMB_FILLS[i % CLIMB_FILLS.length],
    borderWidth: 0,
  }));

  return renderChart({
    type: 'line',
    data: {
      datasets: [
        // Higher `order` is drawn first: the ground, then the climbs over it, then the outline on top.
        { label: 'Ground', data: points, fill: 'start', backgroundColor: '#DCE3E8', borderWidth: 0, order: 2 },
        ...climbDatasets.map((d) => ({ ...d, order: 1 })),
        // A one-point "route" is drawn as a dot rather than nothing.
        { label: 'Elevation', data: points, fill: false, borderColor: '#3C4A52', backgroundColor: '#3C4A52', borderWidth: 2.5, pointRadius: points.length === 1 ? 5 : 0, order: 0 },
      ],
    },
    options: {
      parsing: false,
      normalized: true,
      spanGaps: false,
      plugins: {
        title: { display: true, text: input.title },
        legend: { display: false },
      },
      scales: {
        x: {
          type: 'linear',
          min: km[0] ?? 0,
          max: Math.max(km[n - 1] ?? 1, (km[0] ?? 0) + 0.1),
          title: axisTitle('Distance (km)'),
          grid: { display: false },
          // The axis ends at the route's end, e.g. 39.99 km: show it as 40, not 40.0.
          ticks: { maxTicksLimit: 12, callback: (v) => String(roundTo(Number(v), kmDecimals)) },
        },
        y: { type: 'linear', ...yRange(input.eleM.slice(0, n)), title: axisTitle('Elevation (m)') },
      },
    },
    plugins: [climbLabels(climbs)],
  }, CHART_SIZE);
}

function roundTo(x: number, decimals: number): number {
  const f = 10 ** decimals;
  return Math.round(x * f) / f;
}

/** The profile between two distances, with the ends interpolated so the shading starts and stops exactly there. */
function slice(points: XY[], fromKm: number, toKm: number): XY[] {
  const inside = points.filter((p) => p.x > fromKm && p.x < toKm);
  const at = (x: number): XY | null => {
    const j = points.findIndex((p) => p.x >= x);
    if (j <= 0) return j === 0 ? { x, y: points[0]!.y } : null;
    const a = points[j - 1]!;
    const b = points[j]!;
    const t = b.x === a.x ? 0 : (x - a.x) / (b.x - a.x);
    return { x, y: a.y + t * (b.y - a.y) };
  };
  return [at(fromKm), ...inside, at(toKm)].filter((p): p is XY => p !== null && Number.isFinite(p.y));
}

/**
 * Elevation axis: padded around the route's own range (a route at 800-1200 m is not
 * drawn from 0), rounded to tidy values, with about a quarter of the height left on top
 * for the climb labels. A flat route still gets a 40 m window.
 */
function yRange(ele: number[]): { min?: number; max?: number; ticks?: { stepSize: number } } {
  const finite = ele.filter((e) => Number.isFinite(e));
  if (finite.length === 0) return {};
  const lo = Math.min(...finite);
  const hi = Math.max(...finite);
  const span = Math.max(hi - lo, 40);
  // Ticks at the same step the limits are rounded to, so no half-step tick crowds the top.
  const step = niceStep((span * 1.4) / 10);
  let min = Math.floor((lo - span * 0.1) / step) * step;
  if (lo >= 0) min = Math.max(0, min);
  const max = Math.ceil((hi + span * 0.3) / step) * step;
  return { min, max, ticks: { stepSize: step } };
}

/** 1, 2 or 5 x a power of ten, at least `rough`. */
function niceStep(rough: number): number {
  const magnitude = 10 ** Math.floor(Math.log10(rough));
  return [1, 2, 5, 10].map((f) => f * magnitude).find((s) => s >= rough)!;
}

/**
 * Labels above each climb. Longer climbs are placed first; a label that would
 * overlap another or the terrain moves up a row, and one that no longer fits below
 * the title is left out (its climb stays shaded). A thin leader ties a raised label
 * to its climb.
 */
function climbLabels(climbs: { label: string; fromKm: number; toKm: number }[]): Plugin<'line'> {
  return {
    id: 'climbLabels',
    afterDatasetsDraw(chart: Chart<'line'>) {
      const { ctx, chartArea, scales } = chart;
      const x = scales.x!;
      const profile = chart.getDatasetMeta(chart.data.datasets.length - 1).data.map((el) => ({ x: el.x, y: el.y }));
      // Highest terrain (smallest pixel y) between two pixel xs, and where it is.
      const summit = (left: number, right: number): { x: number; y: number } => {
        let top = { x: (left + right) / 2, y: chartArea.bottom };
        for (const p of profile) if (p.x >= left && p.x <= right && p.y < top.y) top = p;
        return top;
      };
      const height = FONT_SIZE.label + 10;
      const placed: { label: string; peak: { x: number; y: number }; centre: number; width: number; left: number; right: number; top: number; bottom: number }[] = [];
      ctx.save();
      ctx.font = `${FONT_SIZE.label}px ${chart.options.font?.family ?? 'sans-serif'}`; // the engine's registered font
      const order = [...climbs].sort((a, b) => b.toKm - b.fromKm - (a.toKm - a.fromKm));
      for (const climb of order) {
        const from = x.getPixelForValue(climb.fromKm);
        const to = x.getPixelForValue(climb.toKm);
        const width = ctx.measureText(climb.label).width + 14;
        const centre = Math.min(Math.max((from + to) / 2, chartArea.left + width / 2), chartArea.right - width / 2);
        const box = { left: centre - width / 2, right: centre + width / 2, top: 0, bottom: 0 };
        const peak = summit(from, to);
        box.bottom = Math.min(summit(box.left, box.right).y, peak.y) - 8;
        box.top = box.bottom - height;
        while (box.top >= chartArea.top && placed.some((o) => overlaps(o, box))) {
          box.bottom -= height + 4;
          box.top -= height + 4;
        }
        if (box.top < chartArea.top) continue;
        placed.push({ label: climb.label, peak, centre, width, ...box });
      }
      // Leaders first, so no leader crosses a label.
      ctx.strokeStyle = COLORS.muted;
      ctx.lineWidth = 1;
      for (const p of placed) {
        ctx.beginPath();
        ctx.moveTo(p.peak.x, p.peak.y - 3);
        ctx.lineTo(p.centre, p.bottom);
        ctx.stroke();
      }
      ctx.textAlign = 'center';
      ctx.textBaseline = 'middle';
      for (const p of placed) {
        ctx.fillStyle = 'rgba(255, 255, 255, 0.92)';
        ctx.strokeStyle = COLORS.vermillion;
        ctx.beginPath();
        ctx.roundRect(p.left, p.top, p.width, height, 5);
        ctx.fill();
        ctx.stroke();
        ctx.fillStyle = COLORS.ink;
        ctx.fillText(p.label, p.centre, (p.top + p.bottom) / 2 + 1);
      }
      ctx.restore();
    },
  };
}

function overlaps(a: { left: number; right: number; top: number; bottom: number }, b: typeof a): boolean {
  return a.left < b.right + 6 && b.left < a.right + 6 && a.top < b.bottom + 3 && b.top < a.bottom + 3;
}
