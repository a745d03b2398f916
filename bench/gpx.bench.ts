/**
 * GPX: our saxes extractor + route analysis against the floor (a bare indexOf
 * scan pulling lat/lon/ele/time out of the text) and against gpxparser, on a
 * generated 100,000-point ride (lat/lon/ele/time + power, hr, cad). Same
 * process, interleaved, medians. gpxparser goes last: importing it installs
 * jsdom-global (window/document) into the process. Also times an 8,000-point
 * planned route, the size riders send most.
 *
 * npx tsx bench/gpx.bench.ts   (BENCH_RUNS=7, BENCH_POINTS=100000, BENCH_GPXPARSER_RUNS=1; 0 skips it)
 */
import { SaxesParser } from 'saxes';
import { parseGpx } from '../src/domain/gpx.ts';
import { PROFILE_DEFAULTS } from '../src/domain/profile.ts';
import { analyseRoute } from '../src/domain/route.ts';
import { generateGpx } from './synthetic-gpx.ts';

const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const POINTS = Number(process.env.BENCH_POINTS ?? 100_000);
const GPXPARSER_RUNS = Number(process.env.BENCH_GPXPARSER_RUNS ?? 1);
const ROUTE_POINTS = 8_000;

let scanned: number[][] = []; // keeps the floor's results alive, as ours are

/** The floor: find each trkpt and read lat, lon, ele and time, nothing else. */
function bareScan(text: string): number {
  const lat: number[] = [];
  const lon: number[] = [];
  const ele: number[] = [];
  const time: number[] = [];
  let i = text.indexOf('<trkpt');
  while (i >= 0) {
    const next = text.indexOf('<trkpt', i + 6);
    const end = next < 0 ? text.length : next;
    let a = text.indexOf('lat="', i) + 5;
    lat.push(parseFloat(text.slice(a, text.indexOf('"', a))));
    a = text.indexOf('lon="', i) + 5;
    lon.push(parseFloat(text.slice(a, text.indexOf('"', a))));
    a = text.indexOf('<ele>', i);
    ele.push(a >= 0 && a < end ? parseFloat(text.slice(a + 5, text.indexOf('<', a + 5))) : NaN);
    a = text.indexOf('<time>', i);
    time.push(a >= 0 && a < end ? Date.parse(text.slice(a + 6, text.indexOf('<', a + 6))) : NaN);
    i = next;
  }
  scanned = [lat, lon, ele, time];
  return lat.length;
}

/** saxes itself with handlers that only count points: what any saxes-based parser pays before it keeps a single value. */
const idle = new SaxesParser({ xmlns: false, position: true });
let idlePoints = 0;
idle.on('opentag', (tag) => {
  if (tag.name === 'trkpt') idlePoints++;
});
idle.on('text', () => {});
idle.on('closetag', () => {});
function saxesAlone(text: string): number {
  idlePoints = 0;
  idle._init();
  idle.write(text);
  idle.close();
  return idlePoints;
}

function ours(input: string | Uint8Array): number {
  const gpx = parseGpx(input, { maxPoints: Math.max(200_000, POINTS + 1) });
  return analyseRoute(gpx, PROFILE_DEFAULTS).points;
}

const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1] as number;
const peakRssMb = (): number => process.resourceUsage().maxRSS / 1024;

/** Wall ms of one run; its CPU ms (user + system, this process) go to `cpu`, which other load on the machine inflates less. */
function time(fn: () => number, expected: number, cpu: number[]): number {
  gc();
  const cpu0 = process.cpuUsage();
  const start = performance.now();
  const n = fn();
  const ms = performance.now() - start;
  const used = process.cpuUsage(cpu0);
  cpu.push((used.user + used.system) / 1000);
  if (n !== expected) throw new Error(`expected ${expected} points, got ${n}`);
  return ms;
}

async function main(): Promise<void> {
  const text = generateGpx(POINTS);
  const bytes = new TextEncoder().encode(text);
  const route = new TextEncoder().encode(generateGpx(ROUTE_POINTS, false));

  // Warm up, then interleave so machine noise hits every contender alike.
  bareScan(text);
  saxesAlone(text);
  ours(text);
  ours(bytes);
  ours(route);
  const t = { bare: [] as number[], saxes: [] as number[], ours: [] as number[], oursBytes: [] as number[], route: [] as number[] };
  const cpu = { bare: [] as number[], saxes: [] as number[], ours: [] as number[], oursBytes: [] as number[], route: [] as number[], gpxparser: [] as number[] };
  for (let r = 0; r < RUNS; r++) {
    t.bare.push(time(() => bareScan(text), POINTS, cpu.bare));
    t.saxes.push(time(() => saxesAlone(text), POINTS, cpu.saxes));
    t.ours.push(time(() => ours(text), POINTS, cpu.ours));
    t.oursBytes.push(time(() => ours(bytes), POINTS, cpu.oursBytes));
    t.route.push(time(() => ours(route), ROUTE_POINTS, cpu.route));
  }
  const rssOurs = peakRssMb();

  let gpxparserMs = NaN;
  let rssGpxparser = NaN;
  if (GPXPARSER_RUNS > 0) {
    const name = 'gpxparser'; // untyped CJS; a variable keeps tsc from resolving it
    const mod = (await import(name)) as { default: new () => { parse(xml: string): void; tracks: { points: unknown[] }[] } };
    const runs: number[] = [];
    for (let r = 0; r < GPXPARSER_RUNS; r++) {
      runs.push(
        time(() => {
          const g = new mod.default();
          g.parse(text);
          return g.tracks[0]?.points.length ?? 0;
        }, POINTS, cpu.gpxparser),
      );
    }
    gpxparserMs = median(runs);
    rssGpxparser = peakRssMb();
  }

  const bare = median(t.bare);
  const fmt = (ms: number): string => (Number.isNaN(ms) ? '–' : ms.toLocaleString('en-US', { maximumFractionDigits: 0 }));
  const row = (label: string, ms: number, cpuMs: number[], rss: number): string =>
    `| ${label} | ${fmt(ms)} | ${fmt(median(cpuMs))} | ${(ms / bare).toFixed(1)} | ${Number.isNaN(gpxparserMs) ? '–' : `${(gpxparserMs / ms).toFixed(0)}x`} | ${fmt(rss)} |`;
  const mb = (bytes.length / 1e6).toFixed(1);
  console.log(`${POINTS.toLocaleString('en-US')} points, ${mb} MB; median of ${RUNS} interleaved runs (gpxparser: ${GPXPARSER_RUNS}); Node ${process.version}\n`);
  console.log('| contender | ms / run | CPU ms / run | x bare scan | gpxparser / this | peak RSS MB (so far) |');
  console.log('|---|---:|---:|---:|---:|---:|');
  console.log(row('bare indexOf scan: lat/lon/ele/time (the floor)', bare, cpu.bare, rssOurs));
  console.log(row('saxes alone, handlers that only count points', median(t.saxes), cpu.saxes, rssOurs));
  console.log(row('parseGpx + analyseRoute, from a string', median(t.ours), cpu.ours, rssOurs));
  console.log(row('parseGpx + analyseRoute, from UTF-8 bytes', median(t.oursBytes), cpu.oursBytes, rssOurs));
  if (GPXPARSER_RUNS > 0) console.log(row('gpxparser 3 (jsdom)', gpxparserMs, cpu.gpxparser, rssGpxparser));
  console.log(`\n8,000-point planned route (200 km, no time), parseGpx + analyseRoute from bytes: ${median(t.route).toFixed(1)} ms (CPU ${median(cpu.route).toFixed(1)} ms)`);
  const ratio = median(t.ours) / bare;
  const speedup = gpxparserMs / median(t.ours);
  console.log(`\nTargets: <= 6x the bare scan (${ratio.toFixed(1)}x: ${ratio <= 6 ? 'met' : 'MISSED'}); >= 30x faster than gpxparser (${Number.isNaN(speedup) ? 'not run' : `${speedup.toFixed(0)}x: ${speedup >= 30 ? 'met' : 'MISSED'}`}).`);
}

await main();
