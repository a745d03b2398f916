/**
 * Chart render times, data in to PNG out (PNG encoding included): a 5-hour 1 Hz ride
 * (18,000 points per series), an 8,000-point route profile, 90 days of fitness,
 * a power curve, 12 weeks of load. Median of BENCH_RUNS runs after a warm-up.
 * CPU is the process's CPU time per render, all threads (PNG encoding runs off the
 * main thread): steadier than wall time on a shared machine.
 * Target: the ride chart well under 100 ms. Run: npx tsx bench/charts.bench.ts
 */
import os from 'node:os';
import { renderElevationProfile } from '../src/charts/elevation.ts';
import { renderFitnessChart } from '../src/charts/fitness.ts';
import { renderPowerCurve } from '../src/charts/power-curve.ts';
import { renderRideChart } from '../src/charts/ride.ts';
import { renderWeeklyLoad } from '../src/charts/weekly-load.ts';
import { syntheticFitness, syntheticPowerCurve, syntheticRide, syntheticRoute, syntheticWeeks } from '../test/charts/synthetic.ts';

const RUNS = Number(process.env.BENCH_RUNS ?? 10);
const WARMUP = 3;
const RIDE_TARGET_MS = 100;

const cases: { name: string; render: () => Promise<Buffer> }[] = [
  { name: 'ride, 5 h at 1 Hz (18,000 points x power, HR, cadence)', render: ((ride) => () => renderRideChart(ride))(syntheticRide(18_000)) },
  { name: 'elevation profile, 8,000 points, 4 climbs', render: ((route) => () => renderElevationProfile(route))(syntheticRoute(8_000)) },
  { name: 'fitness, 90 days', render: ((days) => () => renderFitnessChart(days))(syntheticFitness(90)) },
  { name: 'power curve, 26 durations x 2', render: ((curve) => () => renderPowerCurve(curve))(syntheticPowerCurve()) },
  { name: 'weekly load, 12 weeks', render: ((weeks) => () => renderWeeklyLoad(weeks))(syntheticWeeks(12)) },
];

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const peakRssMb = () => process.resourceUsage().maxRSS / 1024;

console.log('| chart | median | min | max | CPU, median | PNG size | peak RSS so far |');
console.log('|---|---|---|---|---|---|---|');
let rideMs = Number.NaN;
for (const { name, render } of cases) {
  for (let i = 0; i < WARMUP; i++) await render();
  const times: number[] = [];
  const cpu: number[] = [];
  let bytes = 0;
  for (let i = 0; i < RUNS; i++) {
    const started = performance.now();
    const cpuStarted = process.cpuUsage();
    bytes = (await render()).length;
    times.push(performance.now() - started);
    const used = process.cpuUsage(cpuStarted);
    cpu.push((used.user + used.system) / 1000);
  }
  if (name.startsWith('ride')) rideMs = median(times);
  console.log(
    `| ${name} | ${median(times).toFixed(1)} ms | ${Math.min(...times).toFixed(1)} ms | ${Math.max(...times).toFixed(1)} ms | ${median(cpu).toFixed(1)} ms | ${(bytes / 1024).toFixed(0)} KB | ${peakRssMb().toFixed(0)} MB |`,
  );
}
console.log(
  `\n1280x720 PNG; median of ${RUNS} after ${WARMUP} warm-ups; node ${process.version}, ${os.cpus().length} cores, load average ${os.loadavg()[0]!.toFixed(1)}.`,
);
console.log(`ride chart: ${rideMs.toFixed(0)} ms against a ${RIDE_TARGET_MS} ms target: ${rideMs < RIDE_TARGET_MS ? 'met' : 'MISSED'}.`);
