/**
 * The shape every ride-file decoder (FIT, TCX, GPX) returns, plus the two small
 * helpers they share. Kept apart from ride-file.ts so the decoders need not
 * import the dispatcher that imports them.
 */
import type { Sample } from './samples.ts';

export type Sport = 'cycling' | 'running' | 'walking' | 'hiking' | 'swimming' | 'other';
export type RideFormat = 'fit' | 'gpx' | 'tcx';

/** The head unit's own session summary, kept only to sanity-check our numbers. */
export interface DeviceSummary {
  normalizedPowerW?: number;
  trainingStressScore?: number;
  intensityFactor?: number;
  /** The FTP the head unit used for its TSS/IF (often not the rider's current one). */
  thresholdPowerW?: number;
  avgPowerW?: number;
  maxPowerW?: number;
  avgHrBpm?: number;
  maxHrBpm?: number;
  avgCadenceRpm?: number;
  totalTimerS?: number;
  totalElapsedS?: number;
  distanceM?: number;
  ascentM?: number;
}

export interface RideDevice {
  manufacturer?: string;
  product?: string;
  serialNumber?: number;
  softwareVersion?: number;
}

/** A period the recording timer was stopped (auto-pause or the stop button). */
export interface TimerPause {
  fromMs: number;
  toMs: number;
}

export interface DecodedRide {
  format: RideFormat;
  sport: Sport;
  /** The file's own finer label, e.g. FIT 'indoorCycling', 'road'; GPX/TCX type text. */
  subSport?: string;
  indoor: boolean;
  startTimeMs: number;
  /** In time order (FIT: file order, which is time order on every device we know). */
  samples: Sample[];
  /** Timer-stopped periods; samples inside them are not ridden time (METRICS.md). */
  timerPauses: TimerPause[];
  truncated: boolean;
  /** False when the device clock was never set (FIT): the date is meaningless, only durations hold. */
  clockSet: boolean;
  /** Plain sentences about what was assumed or repaired, for the rider and the logs. */
  notes: string[];
  deviceSummary?: DeviceSummary;
  device?: RideDevice;
  /** FIT only: which decoder read the records (the SDK, or the compressed-timestamp fallback). */
  decodedWith?: '@garmin/fitsdk' | 'fit-file-parser';
  name?: string;
}

// Strava writes its activity-type number instead of a word: 1 = Ride, 9 = Run.
const STRAVA_TYPE_CODES: Record<string, Sport> = { '1': 'cycling', '9': 'running' };
const SPORT_WORDS: [RegExp, Sport][] = [
  [/^(bik|cycl|ride|road|mtb|mountain|gravel|velo|bicycl|e-?bik|virtual_?ride|indoor_?cycl)/i, 'cycling'],
  [/^(run|jog|trail_?run|treadmill)/i, 'running'],
  [/^walk/i, 'walking'],
  [/^(hik|trek)/i, 'hiking'],
  [/^swim/i, 'swimming'],
];

/** Notes every decoder adds in the same situations. */
export const NOTE_SPORT_UNKNOWN = "The file doesn't say which sport it is; treated as a ride.";
export const NOTE_NO_GPS = 'No GPS in this file; treated as an indoor ride.';

/** GPX `<type>` / TCX `Sport` text -> our sport; undefined when there is no label. */
export function sportFromLabel(label: string | undefined): Sport | undefined {
  const text = label?.trim();
  if (!text) return undefined;
  const coded = STRAVA_TYPE_CODES[text];
  if (coded) return coded;
  for (const [pattern, sport] of SPORT_WORDS) if (pattern.test(text)) return sport;
  return 'other';
}

/**
 * Samples in time order. Decoders keep file order (METRICS.md: "records in file
 * order"); only when a file's clock steps backwards are they stably re-sorted.
 */
export function sortByTime(samples: Sample[], notes: string[]): Sample[] {
  let previous = -Infinity;
  let ordered = true;
  for (const s of samples) {
    const t = s.timeMs ?? previous;
    if (t < previous) {
      ordered = false;
      break;
    }
    previous = t;
  }
  if (ordered) return samples;
  notes.push('Some points were out of time order and were put back in order.');
  return samples
    .map((s, i) => ({ s, i }))
    .sort((a, b) => (a.s.timeMs ?? 0) - (b.s.timeMs ?? 0) || a.i - b.i)
    .map((x) => x.s);
}
