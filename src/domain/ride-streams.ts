/**
 * A ride as 1 Hz channels (METRICS.md "Samples"), and a compact binary form of
 * them for storage, so charts and re-analysis never need the original file.
 *
 * Convention (METRICS.md): files recorded every second are taken record by
 * record, in file order; sparser recordings are resampled to 1 Hz by holding
 * each value until the next timestamp; gaps longer than 10 s and timer-stopped
 * periods are left out, not zero-filled. `sampling` says which was done.
 */
import type { TimerPause } from './decoded-ride.ts';
import type { Sample } from './samples.ts';
import { haversineM } from './geo.ts';

export type Sampling = 'records-1hz' | 'resampled-1hz' | 'untimed';

export interface RideStreams {
  startTimeMs: number;
  sampling: Sampling;
  /** Milliseconds since startTimeMs, one per 1 Hz row. */
  timeOffsetMs: Int32Array;
  /** NaN where the row has no value. */
  powerW: Float32Array;
  hrBpm: Float32Array;
  cadenceRpm: Float32Array;
  speedMps: Float32Array;
  altitudeM: Float32Array;
  distanceM: Float32Array;
}

/** A gap longer than this is a stop, not a slow recording (METRICS.md). */
export const MAX_HOLD_MS = 10_000;

/** Timed samples outside timer-stopped periods, in order: the ridden part of a ride. */
export function ridingSamples(samples: Sample[], pauses: TimerPause[] = []): Sample[] {
  const timed = samples.filter((s) => s.timeMs !== undefined && Number.isFinite(s.timeMs));
  if (pauses.length === 0) return timed;
  // A record exactly at the stop or the restart belongs to the ride.
  return timed.filter((s) => !pauses.some((p) => s.timeMs! > p.fromMs && s.timeMs! < p.toMs));
}

/** 1 s recording when the median step between records rounds to one second. */
export function isOneSecondRecording(samples: Sample[]): boolean {
  const steps = new Float64Array(Math.max(0, samples.length - 1));
  let count = 0;
  for (let i = 1; i < samples.length; i++) {
    const dt = samples[i]!.timeMs! - samples[i - 1]!.timeMs!;
    if (dt <= MAX_HOLD_MS) steps[count++] = dt;
  }
  if (count === 0) return true;
  const sorted = steps.subarray(0, count).sort();
  const mid = count >> 1;
  const median = count % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return Math.round(median / 1000) === 1;
}

/**
 * Cumulative distance per sample: the device's own when it recorded any
 * (odometer from a wheel sensor or its GPS filter), else haversine over the
 * positions (every step joined, as Strava does: a GPS dropout still moved you).
 */
export function cumulativeDistance(samples: Sample[]): { distanceM: Float64Array; source: 'device' | 'gps' | null } {
  const out = new Float64Array(samples.length).fill(NaN);
  if (samples.some((s) => (s.distanceM ?? 0) > 0)) {
    let last = NaN;
    samples.forEach((s, i) => {
      if (s.distanceM !== undefined) last = s.distanceM;
      out[i] = last;
    });
    return { distanceM: out, source: 'device' };
  }
  let total = 0;
  let prev: Sample | undefined;
  let any = false;
  samples.forEach((s, i) => {
    if (s.lat !== undefined && s.lon !== undefined) {
      if (prev) total += haversineM(prev.lat!, prev.lon!, s.lat, s.lon);
      prev = s;
      any = true;
    }
    out[i] = any ? total : NaN;
  });
  if (any) return { distanceM: out, source: 'gps' };
  // Distance fields written but all zero (e.g. indoor without a speed sensor).
  if (samples.some((s) => s.distanceM !== undefined)) return { distanceM: out.fill(0), source: 'device' };
  return { distanceM: out, source: null };
}

/**
 * Speed per sample: the recorded one, else distance over time to the next
 * sample (the previous one for the last), else NaN.
 */
export function sampleSpeeds(samples: Sample[], distanceM: Float64Array): Float64Array {
  const n = samples.length;
  const out = new Float64Array(n).fill(NaN);
  for (let i = 0; i < n; i++) {
    const recorded = samples[i]!.speedMps;
    if (recorded !== undefined) {
      out[i] = recorded;
      continue;
    }
    const a = i + 1 < n ? i : i - 1;
    if (a < 0) continue;
    const dt = (samples[a + 1]!.timeMs! - samples[a]!.timeMs!) / 1000;
    const dd = distanceM[a + 1]! - distanceM[a]!;
    if (dt > 0 && dt * 1000 <= MAX_HOLD_MS && Number.isFinite(dd)) out[i] = Math.max(0, dd) / dt;
  }
  return out;
}

/** The ride's 1 Hz rows (see the file comment for the convention). */
export function rideStreams(ride: { samples: Sample[]; timerPauses?: TimerPause[] }): RideStreams {
  const riding = ridingSamples(ride.samples, ride.timerPauses);
  const untimed = riding.length === 0 && ride.samples.length > 0;
  const samples = untimed ? ride.samples : riding;
  const { distanceM } = cumulativeDistance(samples);
  const speed = sampleSpeeds(untimed ? [] : samples, distanceM);
  const t0 = untimed ? 0 : samples[0]?.timeMs ?? 0;
  const sampling: Sampling = untimed ? 'untimed' : isOneSecondRecording(samples) ? 'records-1hz' : 'resampled-1hz';

  // Row r takes its values from sample rowSource[r] at offset rowTime[r].
  const rowCount = sampling === 'resampled-1hz' ? resample(samples, t0) : samples.length;
  const rowSource = new Int32Array(rowCount);
  const rowTime = new Int32Array(rowCount);
  if (sampling === 'resampled-1hz') resample(samples, t0, rowSource, rowTime);
  else {
    for (let i = 0; i < rowCount; i++) {
      rowSource[i] = i;
      rowTime[i] = untimed ? i * 1000 : samples[i]!.timeMs! - t0;
    }
  }

  const streams: RideStreams = {
    startTimeMs: t0,
    sampling,
    timeOffsetMs: rowTime,
    powerW: new Float32Array(rowCount),
    hrBpm: new Float32Array(rowCount),
    cadenceRpm: new Float32Array(rowCount),
    speedMps: new Float32Array(rowCount),
    altitudeM: new Float32Array(rowCount),
    distanceM: new Float32Array(rowCount),
  };
  for (let r = 0; r < rowCount; r++) {
    const i = rowSource[r]!;
    const s = samples[i]!;
    streams.powerW[r] = s.powerW ?? NaN;
    streams.hrBpm[r] = s.hrBpm ?? NaN;
    streams.cadenceRpm[r] = s.cadenceRpm ?? NaN;
    streams.speedMps[r] = speed[i] ?? NaN;
    streams.altitudeM[r] = s.eleM ?? NaN;
    streams.distanceM[r] = distanceM[i]!;
  }
  return streams;
}

/**
 * The 1 Hz grid of a sparse recording: each sample holds until the next one;
 * after a gap > 10 s the grid restarts at the next sample (the gap is left out,
 * not filled). Without output arrays it only counts the rows.
 */
function resample(samples: Sample[], t0: number, source?: Int32Array, offset?: Int32Array): number {
  let rows = 0;
  let grid = t0;
  for (let i = 0; i < samples.length; i++) {
    const t = samples[i]!.timeMs!;
    const next = samples[i + 1]?.timeMs;
    const gap = next === undefined || next - t > MAX_HOLD_MS;
    const end = gap ? t + 1000 : next;
    for (; grid < end; grid += 1000) {
      if (source && offset) {
        source[rows] = i;
        offset[rows] = grid - t0;
      }
      rows++;
    }
    if (gap && next !== undefined) grid = next;
  }
  return rows;
}

/** Back to samples, so a stored ride can be re-analysed with computeRideMetrics. */
export function samplesFromStreams(streams: RideStreams): Sample[] {
  const out: Sample[] = [];
  const put = (s: Sample, key: keyof Sample, v: number | undefined) => {
    if (v !== undefined && !Number.isNaN(v)) s[key] = v;
  };
  for (let r = 0; r < streams.timeOffsetMs.length; r++) {
    const s: Sample = { timeMs: streams.startTimeMs + streams.timeOffsetMs[r]! };
    put(s, 'powerW', streams.powerW[r]);
    put(s, 'hrBpm', streams.hrBpm[r]);
    put(s, 'cadenceRpm', streams.cadenceRpm[r]);
    put(s, 'speedMps', streams.speedMps[r]);
    put(s, 'eleM', streams.altitudeM[r]);
    put(s, 'distanceM', streams.distanceM[r]);
    out.push(s);
  }
  return out;
}

// ------------------------------------------------------------ binary form
// Little-endian: "CCS1" | u8 version | u8 sampling | u16 channel count (7)
// | u32 rows | u32 reserved | f64 startTimeMs | i32 timeOffsetMs[rows]
// | f32 powerW, hrBpm, cadenceRpm, speedMps, altitudeM, distanceM [rows each]
// Missing values are NaN. 24 + 28 bytes per row (~0.5 MB for 5 h).

const MAGIC = [0x43, 0x43, 0x53, 0x31]; // "CCS1"
const VERSION = 1;
const HEADER_BYTES = 24;
const FLOAT_CHANNELS = ['powerW', 'hrBpm', 'cadenceRpm', 'speedMps', 'altitudeM', 'distanceM'] as const;
const SAMPLINGS: Sampling[] = ['records-1hz', 'resampled-1hz', 'untimed'];
const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

export function encodeStreams(streams: RideStreams): Uint8Array {
  const n = streams.timeOffsetMs.length;
  const bytes = new Uint8Array(HEADER_BYTES + 4 * n * (1 + FLOAT_CHANNELS.length));
  const view = new DataView(bytes.buffer);
  bytes.set(MAGIC, 0);
  view.setUint8(4, VERSION);
  view.setUint8(5, SAMPLINGS.indexOf(streams.sampling));
  view.setUint16(6, 1 + FLOAT_CHANNELS.length, true);
  view.setUint32(8, n, true);
  view.setFloat64(16, streams.startTimeMs, true);
  let offset = HEADER_BYTES;
  const channels: (Int32Array | Float32Array)[] = [streams.timeOffsetMs, ...FLOAT_CHANNELS.map((c) => streams[c])];
  for (const channel of channels) {
    if (channel.length !== n) throw new RangeError('encodeStreams: channels differ in length');
    if (LITTLE_ENDIAN_HOST) bytes.set(new Uint8Array(channel.buffer, channel.byteOffset, 4 * n), offset);
    else if (channel instanceof Int32Array) channel.forEach((v, i) => view.setInt32(offset + 4 * i, v, true));
    else channel.forEach((v, i) => view.setFloat32(offset + 4 * i, v, true));
    offset += 4 * n;
  }
  return bytes;
}

export function decodeStreams(bytes: Uint8Array): RideStreams {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < HEADER_BYTES || MAGIC.some((b, i) => bytes[i] !== b)) {
    throw new RangeError('decodeStreams: not a stream blob');
  }
  const version = view.getUint8(4);
  const sampling = SAMPLINGS[view.getUint8(5)];
  const channelCount = view.getUint16(6, true);
  const n = view.getUint32(8, true);
  if (version !== VERSION || !sampling || channelCount !== 1 + FLOAT_CHANNELS.length) {
    throw new RangeError(`decodeStreams: unsupported version ${version}`);
  }
  if (bytes.length !== HEADER_BYTES + 4 * n * channelCount) throw new RangeError('decodeStreams: wrong length');
  const read = <T extends Int32Array | Float32Array>(index: number, make: (b: ArrayBuffer) => T, get: (o: number) => number): T => {
    const start = HEADER_BYTES + 4 * n * index;
    if (LITTLE_ENDIAN_HOST) return make(bytes.slice(start, start + 4 * n).buffer);
    const out = make(new ArrayBuffer(4 * n));
    for (let i = 0; i < n; i++) out[i] = get(start + 4 * i);
    return out;
  };
  const floats = (index: number) =>
    read(index, (b) => new Float32Array(b), (o) => view.getFloat32(o, true));
  return {
    startTimeMs: view.getFloat64(16, true),
    sampling,
    timeOffsetMs: read(0, (b) => new Int32Array(b), (o) => view.getInt32(o, true)),
    powerW: floats(1),
    hrBpm: floats(2),
    cadenceRpm: floats(3),
    speedMps: floats(4),
    altitudeM: floats(5),
    distanceM: floats(6),
  };
}
