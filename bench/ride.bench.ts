/**
 * Ride pipeline cost against the floor: a 5-hour 1 Hz cycling FIT, generated in
 * memory with the SDK's Encoder, decoded by the bare SDK vs our
 * decodeRideFile + computeRideMetrics + encodeStreams. Interleaved in one
 * process (alternating which goes first), median of BENCH_RUNS runs.
 * Target: pipeline <= 1.5 x the bare decode. Run: npx tsx bench/ride.bench.ts
 */
import os from 'node:os';
import { Decoder, Encoder, Profile, Stream } from '@garmin/fitsdk';
import { PROFILE_DEFAULTS } from '../src/domain/profile.ts';
import { decodeRideFile } from '../src/domain/ride-file.ts';
import { computeRideMetrics, encodeStreams, rideStreams } from '../src/domain/ride.ts';
import { random } from '../test/support/random.ts';

const RUNS = Number(process.env.BENCH_RUNS ?? 15);
const WARMUP = 3;
const HOURS = 5;
const TARGET_RATIO = 1.5;


/** A plausible 5 h road ride: hills, intervals, coasting, HR lagging power, GPS track. */
function syntheticRideFit(): Uint8Array {
  const rand = random(42);
  const start = new Date('2024-06-01T07:00:00Z');
  const seconds = HOURS * 3600;
  const enc = new Encoder();
  const mesg = (name: string, fields: Record<string, unknown>) =>
    enc.writeMesg({ mesgNum: Profile.MesgNum[name]!, ...fields } as Parameters<Encoder['writeMesg']>[0]);
  const semicircles = (deg: number) => Math.round((deg * 2 ** 31) / 180);

  mesg('FILE_ID', { type: 'activity', manufacturer: 'garmin', product: 3121, serialNumber: 1234567, timeCreated: start });
  mesg('DEVICE_INFO', { deviceIndex: 'creator', manufacturer: 'garmin', product: 3121, softwareVersion: 9.1, timestamp: start });
  mesg('EVENT', { timestamp: start, event: 'timer', eventType: 'start' });
  let lat = 46.05;
  let lon = 14.5;
  let heading = 0.3;
  let distance = 0;
  let hr = 95;
  let totalWork = 0;
  for (let t = 0; t < seconds; t++) {
    const altitude = 300 + 150 * Math.sin(t / 900) + 40 * Math.sin(t / 170);
    const grade = (150 / 900) * Math.cos(t / 900) + (40 / 170) * Math.cos(t / 170); // m per s of climb
    const interval = t % 1200 < 240 ? 120 : 0;
    const coasting = grade < -0.12 && rand() < 0.7;
    const power = coasting ? 0 : Math.max(0, Math.round(190 + interval + 60 * grade + 35 * (rand() - 0.5)));
    hr += ((100 + power * 0.3) - hr) / 30;
    const speed = Math.max(2, 9 - 12 * grade + (power - 200) / 80 + rand() * 0.3);
    heading += (rand() - 0.5) * 0.02;
    lat += (speed * Math.cos(heading)) / 111_195;
    lon += (speed * Math.sin(heading)) / (111_195 * Math.cos((lat * Math.PI) / 180));
    distance += speed;
    totalWork += power;
    mesg('RECORD', {
      timestamp: new Date(start.getTime() + t * 1000),
      positionLat: semicircles(lat),
      positionLong: semicircles(lon),
      altitude,
      heartRate: Math.round(hr),
      cadence: coasting ? 0 : Math.round(86 + rand() * 8),
      power,
      speed,
      distance,
      temperature: 21,
    });
  }
  const end = new Date(start.getTime() + seconds * 1000);
  mesg('EVENT', { timestamp: end, event: 'timer', eventType: 'stopAll' });
  const totals = { totalElapsedTime: seconds, totalTimerTime: seconds, totalDistance: distance, totalWork };
  mesg('LAP', { timestamp: end, startTime: start, ...totals });
  mesg('SESSION', { timestamp: end, startTime: start, sport: 'cycling', subSport: 'road', ...totals, avgPower: Math.round(totalWork / seconds), firstLapIndex: 0, numLaps: 1 });
  mesg('ACTIVITY', { timestamp: end, numSessions: 1, type: 'manual', event: 'activity', eventType: 'stop', totalTimerTime: seconds });
  return enc.close();
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

const bytes = syntheticRideFit();
const profile = { ...PROFILE_DEFAULTS, ftpW: 250, lthrBpm: 165 };

function bareSdk(): number {
  const t0 = performance.now();
  const { messages, errors } = new Decoder(Stream.fromByteArray(bytes)).read();
  if (errors.length > 0 || messages.recordMesgs?.length !== HOURS * 3600) throw new Error('bench FIT did not decode');
  return performance.now() - t0;
}

async function pipeline(): Promise<{ decode: number; metrics: number; encode: number; total: number; blobBytes: number }> {
  const t0 = performance.now();
  const ride = await decodeRideFile(bytes, 'bench.fit');
  const t1 = performance.now();
  const streams = rideStreams(ride);
  const m = computeRideMetrics(ride, profile, streams);
  const t2 = performance.now();
  const blob = encodeStreams(streams);
  const t3 = performance.now();
  if (m.normalizedPowerW === null || m.powerSampleCount !== HOURS * 3600) throw new Error('bench ride has no NP');
  return { decode: t1 - t0, metrics: t2 - t1, encode: t3 - t2, total: t3 - t0, blobBytes: blob.length };
}

const gc = (globalThis as { gc?: () => void }).gc;
for (let i = 0; i < WARMUP; i++) {
  bareSdk();
  await pipeline();
}
const sdk: number[] = [];
const ours: Awaited<ReturnType<typeof pipeline>>[] = [];
for (let i = 0; i < RUNS; i++) {
  gc?.();
  if (i % 2 === 0) {
    sdk.push(bareSdk());
    ours.push(await pipeline());
  } else {
    ours.push(await pipeline());
    sdk.push(bareSdk());
  }
}

const base = median(sdk);
const row = (label: string, ms: number) => console.log(`| ${label} | ${ms.toFixed(1)} | ${(ms / base).toFixed(2)} |`);
const total = median(ours.map((o) => o.total));
console.log(`5-hour 1 Hz cycling FIT: ${HOURS * 3600} records, ${(bytes.length / 1024).toFixed(0)} KiB; streams blob ${(ours[0]!.blobBytes / 1024).toFixed(0)} KiB\n`);
console.log('| step | median ms | x bare SDK decode |');
console.log('|---|---:|---:|');
row('bare @garmin/fitsdk Decoder.read', base);
row('decodeRideFile (SDK + samples)', median(ours.map((o) => o.decode)));
row('rideStreams + computeRideMetrics', median(ours.map((o) => o.metrics)));
row('encodeStreams', median(ours.map((o) => o.encode)));
row(`**whole pipeline** (target <= ${TARGET_RATIO})`, total);
const peakRssMb = process.resourceUsage().maxRSS / 1024;
console.log(`\nmedian of ${RUNS} interleaved runs after ${WARMUP} warm-up; peak RSS ${peakRssMb.toFixed(0)} MB; node ${process.version}, ${os.cpus().length} cores`);
if (total / base > TARGET_RATIO) {
  console.log(`\nOVER TARGET: pipeline is ${(total / base).toFixed(2)} x the bare decode`);
  process.exitCode = 1;
}
