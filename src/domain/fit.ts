/**
 * FIT activity files -> DecodedRide. The official @garmin/fitsdk decodes first
 * (LIBRARIES.md); it refuses compressed-timestamp records, so when it yields no
 * records we retry with fit-file-parser, which reads them.
 */
import { Decoder, Stream } from '@garmin/fitsdk';
import type { FitMessages, RecordMesg, SessionMesg } from '@garmin/fitsdk';
import FitParser from 'fit-file-parser';
import type { ParsedFit } from 'fit-file-parser';
import { InvalidFit } from './errors.ts';
import { NOTE_NO_GPS, NOTE_SPORT_UNKNOWN, sortByTime } from './decoded-ride.ts';
import type { DecodedRide, DeviceSummary, RideDevice, Sport, TimerPause } from './decoded-ride.ts';
import type { Sample } from './samples.ts';

const SEMICIRCLE_TO_DEG = 180 / 2 ** 31;
const FIT_EPOCH_MS = 631065600000;
/** FIT spec: date_time values below 0x10000000 are seconds since device power-on, not UTC. */
const FIT_MIN_UTC_MS = FIT_EPOCH_MS + 0x10000000 * 1000;

const INDOOR_SUB_SPORTS = new Set([
  'indoorCycling', 'spin', 'virtualActivity', 'treadmill', 'indoorRunning', 'indoorWalking',
  'indoorRowing', 'indoorHandCycling', 'indoorWheelchairWalk', 'indoorWheelchairRun', 'eBikeFitness',
]);

/** What either decoder found, in one shape. */
interface FitContent {
  records: Sample[];
  session?: { sport?: string; subSport?: string; startTimeMs?: number; summary: DeviceSummary };
  sessionCount: number;
  sportMesg?: { sport?: string; subSport?: string };
  fileType?: string;
  device?: RideDevice;
  timerEvents: { timeMs: number; running: boolean }[];
  errors: string[];
}

export function decodeFit(bytes: Uint8Array): DecodedRide {
  const header = readHeader(bytes);
  if (!header) {
    throw new InvalidFit(
      'fit_not_fit',
      "This file isn't a FIT file I can read: send the .fit file straight from your bike computer or Garmin Connect.",
    );
  }
  const notes: string[] = [];
  let decodedWith: DecodedRide['decodedWith'] = '@garmin/fitsdk';
  let content = readWithSdk(bytes);
  if (content.records.length === 0) {
    // The SDK stops at the first compressed-timestamp record header: retry.
    const fallback = readWithFitFileParser(bytes);
    if (fallback && fallback.records.length > 0) {
      notes.push('Decoded with the fallback FIT reader (the file uses compressed timestamps).');
      content = fallback;
      decodedWith = 'fit-file-parser';
    } else if (fallback) {
      content.errors.push(...fallback.errors);
    }
  }
  if (content.fileType !== undefined && content.fileType !== 'activity') {
    throw new InvalidFit(
      'fit_not_activity',
      `This FIT file is a ${content.fileType} file, not a recorded ride.`,
      `file_id.type=${content.fileType}`,
    );
  }
  const timed = content.records.filter((r) => r.timeMs !== undefined);
  if (timed.length === 0) {
    if (content.errors.length > 0) {
      throw new InvalidFit(
        'fit_unreadable',
        "This FIT file is damaged and I couldn't read any ride data from it.",
        content.errors.join('; '),
      );
    }
    throw new InvalidFit('fit_no_records', 'This FIT file has no recorded ride data in it.');
  }

  const truncated = bytes.length < header.headerSize + header.dataSize + 2;
  if (truncated) {
    notes.push(`The file is cut short; the ${timed.length} records before the cut were kept.`);
  } else if (content.errors.length > 0) {
    notes.push('The file failed its integrity check; numbers may be slightly off.');
  }
  if (timed.length < content.records.length) {
    notes.push(`${content.records.length - timed.length} records without a timestamp were left out.`);
  }
  const samples = sortByTime(timed, notes);
  const firstMs = samples[0]?.timeMs ?? 0;
  const lastMs = samples[samples.length - 1]?.timeMs ?? firstMs;

  // The session says which sport was ridden; the sport message is the fallback (e.g. no session in a cut file).
  const fromSession = sportFromFit(content.session?.sport, content.session?.subSport);
  const label = fromSession.sport !== undefined || !content.sportMesg ? content.session : content.sportMesg;
  const { sport, indoorSport } = sportFromFit(label?.sport, label?.subSport);
  const finalSport: Sport = sport ?? 'cycling';
  if (!sport) {
    notes.push(NOTE_SPORT_UNKNOWN);
  }
  const hasGps = samples.some((s) => s.lat !== undefined);
  const indoor = indoorSport || !hasGps;
  if (!indoorSport && !hasGps && finalSport === 'cycling') {
    notes.push(NOTE_NO_GPS);
  }
  if (content.sessionCount > 1) {
    notes.push(`The file holds ${content.sessionCount} sessions; the sport and summary come from the longest.`);
  }

  return {
    format: 'fit',
    sport: finalSport,
    ...(label?.subSport !== undefined ? { subSport: label.subSport } : {}),
    indoor,
    startTimeMs: Math.min(content.session?.startTimeMs ?? firstMs, firstMs),
    samples,
    timerPauses: timerPauses(content.timerEvents, lastMs),
    truncated,
    clockSet: firstMs >= FIT_MIN_UTC_MS,
    notes,
    ...(content.session ? { deviceSummary: content.session.summary } : {}),
    ...(content.device ? { device: content.device } : {}),
    decodedWith,
  };
}

function readHeader(bytes: Uint8Array): { headerSize: number; dataSize: number } | undefined {
  const headerSize = bytes[0];
  if (bytes.length < 12 || (headerSize !== 12 && headerSize !== 14) || bytes.length < headerSize) return undefined;
  if (String.fromCharCode(bytes[8]!, bytes[9]!, bytes[10]!, bytes[11]!) !== '.FIT') return undefined;
  const dataSize = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(4, true);
  return { headerSize, dataSize };
}

/** Map FIT sport/sub_sport to ours; indoor cycling is cycling with indoor = true. */
export function sportFromFit(
  fitSport: string | undefined,
  fitSubSport: string | undefined,
): { sport: Sport | undefined; indoorSport: boolean } {
  const indoorSport = fitSubSport !== undefined && INDOOR_SUB_SPORTS.has(fitSubSport);
  const cyclingSub = fitSubSport === 'indoorCycling' || fitSubSport === 'spin' || fitSubSport === 'virtualActivity';
  switch (fitSport) {
    case 'cycling':
    case 'eBiking':
      return { sport: 'cycling', indoorSport };
    case 'running':
      return { sport: 'running', indoorSport };
    case 'walking':
      return { sport: 'walking', indoorSport };
    case 'hiking':
    case 'mountaineering':
      return { sport: 'hiking', indoorSport };
    case 'swimming':
      return { sport: 'swimming', indoorSport: fitSubSport === 'lapSwimming' };
    case 'fitnessEquipment':
    case 'training':
      return { sport: cyclingSub ? 'cycling' : 'other', indoorSport };
    case 'generic':
    case undefined: // the file does not say
      return { sport: cyclingSub ? 'cycling' : undefined, indoorSport };
    default:
      return { sport: 'other', indoorSport };
  }
}

function timerPauses(events: { timeMs: number; running: boolean }[], lastMs: number): TimerPause[] {
  const pauses: TimerPause[] = [];
  let stoppedAt: number | undefined;
  for (const e of [...events].sort((a, b) => a.timeMs - b.timeMs)) {
    if (!e.running && stoppedAt === undefined) stoppedAt = e.timeMs;
    else if (e.running && stoppedAt !== undefined) {
      if (e.timeMs > stoppedAt) pauses.push({ fromMs: stoppedAt, toMs: e.timeMs });
      stoppedAt = undefined;
    }
  }
  // Records after a final stop were written while the timer was stopped.
  if (stoppedAt !== undefined && lastMs > stoppedAt) pauses.push({ fromMs: stoppedAt, toMs: lastMs + 1000 });
  return pauses;
}

const finite = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const timeMs = (v: unknown): number | undefined =>
  v instanceof Date ? v.getTime() : typeof v === 'number' ? FIT_EPOCH_MS + v * 1000 : undefined;
const text = (v: unknown): string | undefined =>
  typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined;

// ------------------------------------------------------------ @garmin/fitsdk

function readWithSdk(bytes: Uint8Array): FitContent {
  const decoder = new Decoder(Stream.fromByteArray(bytes));
  // read() checks the file CRC itself (an error, records kept); checkIntegrity()
  // would be a second full pass, so it runs only when read() complained.
  const { messages, errors } = decoder.read({ mergeHeartRates: true });
  const errorTexts = errors.map((e) => e.message);
  if (errors.length > 0 && !decoder.checkIntegrity()) errorTexts.push('integrity check failed');
  return {
    records: (messages.recordMesgs ?? []).map(sampleFromSdkRecord),
    ...primarySdkSession(messages),
    sessionCount: messages.sessionMesgs?.length ?? 0,
    ...(messages.sportMesgs?.[0]
      ? { sportMesg: { sport: text(messages.sportMesgs[0].sport), subSport: text(messages.sportMesgs[0].subSport) } }
      : {}),
    ...sdkFileId(messages),
    timerEvents: (messages.eventMesgs ?? []).flatMap((e) => {
      const t = timeMs(e.timestamp);
      if (e.event !== 'timer' || t === undefined) return [];
      return [{ timeMs: t, running: e.eventType === 'start' }];
    }),
    errors: errorTexts,
  };
}

function sampleFromSdkRecord(r: RecordMesg): Sample {
  const lat = finite(r.positionLat);
  const lon = finite(r.positionLong);
  const cadence = finite(r.cadence);
  return {
    timeMs: timeMs(r.timestamp),
    lat: lat !== undefined && lon !== undefined ? lat * SEMICIRCLE_TO_DEG : undefined,
    lon: lat !== undefined && lon !== undefined ? lon * SEMICIRCLE_TO_DEG : undefined,
    eleM: finite(r.enhancedAltitude) ?? finite(r.altitude),
    hrBpm: finite(r.heartRate),
    cadenceRpm: cadence !== undefined ? cadence + (finite(r.fractionalCadence) ?? 0) : undefined,
    powerW: finite(r.power),
    tempC: finite(r.temperature),
    speedMps: finite(r.enhancedSpeed) ?? finite(r.speed),
    distanceM: finite(r.distance),
  };
}

function primarySdkSession(messages: FitMessages): Pick<FitContent, 'session'> {
  const sessions = messages.sessionMesgs ?? [];
  const s = longest(sessions, (x) => finite(x.totalTimerTime) ?? 0);
  if (!s) return {};
  const startTimeMs = timeMs(s.startTime);
  return {
    session: {
      sport: text(s.sport),
      subSport: text(s.subSport),
      ...(startTimeMs !== undefined ? { startTimeMs } : {}),
      summary: sdkSummary(s),
    },
  };
}

function sdkSummary(s: SessionMesg): DeviceSummary {
  return compact({
    normalizedPowerW: finite(s.normalizedPower),
    trainingStressScore: finite(s.trainingStressScore),
    intensityFactor: finite(s.intensityFactor),
    thresholdPowerW: finite(s.thresholdPower),
    avgPowerW: finite(s.avgPower),
    maxPowerW: finite(s.maxPower),
    avgHrBpm: finite(s.avgHeartRate),
    maxHrBpm: finite(s.maxHeartRate),
    avgCadenceRpm: finite(s.avgCadence),
    totalTimerS: finite(s.totalTimerTime),
    totalElapsedS: finite(s.totalElapsedTime),
    distanceM: finite(s.totalDistance),
    ascentM: finite(s.totalAscent),
  });
}

function sdkFileId(messages: FitMessages): Pick<FitContent, 'fileType' | 'device'> {
  const id = messages.fileIdMesgs?.[0];
  if (!id) return {};
  const creator = messages.deviceInfoMesgs?.find((d) => d.deviceIndex === 'creator' || d.deviceIndex === 0);
  const device = compact<RideDevice>({
    manufacturer: text(id.manufacturer),
    product: text(id.productName ?? id.garminProduct ?? id.product),
    serialNumber: finite(id.serialNumber),
    softwareVersion: finite(creator?.softwareVersion),
  });
  return { fileType: text(id.type), ...(Object.keys(device).length > 0 ? { device } : {}) };
}

// ------------------------------------------------------------ fit-file-parser

type Loose = Record<string, unknown>;

function readWithFitFileParser(bytes: Uint8Array): FitContent | undefined {
  let parsed: ParsedFit | undefined;
  let failure: string | undefined;
  const copy = bytes.slice().buffer; // the parser wants a plain ArrayBuffer
  try {
    // parse() calls back synchronously; force skips CRC checks (the SDK already judged those).
    new FitParser({ force: true, mode: 'list', speedUnit: 'm/s', lengthUnit: 'm', temperatureUnit: 'celsius' }).parse(
      copy,
      (error, data) => {
        failure = error;
        parsed = data;
      },
    );
  } catch (error) {
    failure = `fit-file-parser: ${error instanceof Error ? error.message : String(error)}`;
  }
  if (!parsed) return failure ? { records: [], sessionCount: 0, timerEvents: [], errors: [failure] } : undefined;
  const data = parsed as unknown as Loose;
  const list = (key: string): Loose[] => (Array.isArray(data[key]) ? (data[key] as Loose[]) : []);
  const sessions = list('sessions');
  const s = longest(sessions, (x) => finite(x.total_timer_time) ?? 0);
  const id = list('file_ids')[0];
  const sportMesg = list('sports')[0];
  const startTimeMs = timeMs(s?.start_time);
  const device = id
    ? compact<RideDevice>({
        manufacturer: text(id.manufacturer),
        product: text(id.product_name ?? id.garmin_product ?? id.product),
        serialNumber: finite(id.serial_number),
      })
    : undefined;
  return {
    records: expandCompressedSpeedDistance(list('records')),
    ...(s
      ? {
          session: {
            sport: camel(text(s.sport)),
            subSport: camel(text(s.sub_sport)),
            ...(startTimeMs !== undefined ? { startTimeMs } : {}),
            summary: compact({
              normalizedPowerW: finite(s.normalized_power),
              trainingStressScore: finite(s.training_stress_score),
              intensityFactor: finite(s.intensity_factor),
              thresholdPowerW: finite(s.threshold_power),
              avgPowerW: finite(s.avg_power),
              maxPowerW: finite(s.max_power),
              avgHrBpm: finite(s.avg_heart_rate),
              maxHrBpm: finite(s.max_heart_rate),
              avgCadenceRpm: finite(s.avg_cadence),
              totalTimerS: finite(s.total_timer_time),
              totalElapsedS: finite(s.total_elapsed_time),
              distanceM: finite(s.total_distance),
              ascentM: finite(s.total_ascent),
            }),
          },
        }
      : {}),
    sessionCount: sessions.length,
    ...(sportMesg ? { sportMesg: { sport: camel(text(sportMesg.sport)), subSport: camel(text(sportMesg.sub_sport)) } } : {}),
    ...(id ? { fileType: text(id.type) } : {}),
    ...(device && Object.keys(device).length > 0 ? { device } : {}),
    timerEvents: list('events').flatMap((e) => {
      const t = timeMs(e.timestamp);
      if (e.event !== 'timer' || t === undefined) return [];
      return [{ timeMs: t, running: e.event_type === 'start' }];
    }),
    errors: [],
  };
}

/**
 * fit-file-parser leaves the FIT `compressed_speed_distance` bytes raw. Profile:
 * speed = bits 0-11 / 100 m/s; distance = bits 12-23 / 16 m, a 12-bit rolling
 * counter to accumulate.
 */
function expandCompressedSpeedDistance(records: Loose[]): Sample[] {
  let lastRaw: number | undefined;
  let distance16 = 0;
  return records.map((r) => {
    let speedMps = finite(r.enhanced_speed) ?? finite(r.speed);
    let distanceM = finite(r.distance);
    const packed = r.compressed_speed_distance;
    if (Array.isArray(packed) && packed.length === 3) {
      const [b0, b1, b2] = packed as number[];
      speedMps ??= (b0! | ((b1! & 0x0f) << 8)) / 100;
      const raw = (b1! >> 4) | (b2! << 4);
      distance16 += lastRaw === undefined ? raw : (raw - lastRaw + 4096) % 4096;
      lastRaw = raw;
      distanceM ??= distance16 / 16;
    }
    const cadence = finite(r.cadence);
    return {
      timeMs: timeMs(r.timestamp),
      lat: finite(r.position_lat),
      lon: finite(r.position_long),
      eleM: finite(r.enhanced_altitude) ?? finite(r.altitude),
      hrBpm: finite(r.heart_rate),
      cadenceRpm: cadence !== undefined ? cadence + (finite(r.fractional_cadence) ?? 0) : undefined,
      powerW: finite(r.power),
      tempC: finite(r.temperature),
      speedMps,
      distanceM,
    };
  });
}

const camel = (v: string | undefined) => v?.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

function longest<T>(items: T[], key: (t: T) => number): T | undefined {
  let best: T | undefined;
  for (const item of items) if (best === undefined || key(item) > key(best)) best = item;
  return best;
}

/** Drop undefined keys so summaries only claim what the device wrote. */
function compact<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}
