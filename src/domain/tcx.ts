/**
 * Garmin Training Center (TCX v2) activities -> DecodedRide, streamed through
 * saxes like our GPX reader (LIBRARIES.md). Elements are matched by local name,
 * so any namespace prefix (ns3:, tpx:, none) works. Power and speed come from
 * the ActivityExtension v2 `TPX` block; lap totals become the device summary.
 */
import { SaxesParser } from 'saxes';
import type { SaxesTagPlain } from 'saxes';
import { InvalidTcx } from './errors.ts';
import { NOTE_NO_GPS, NOTE_SPORT_UNKNOWN, sortByTime, sportFromLabel } from './decoded-ride.ts';
import type { DecodedRide, DeviceSummary } from './decoded-ride.ts';
import type { Sample } from './samples.ts';
import { feedText, parseTimeMs, xmlDecoder } from './xml-text.ts';

export const DEFAULT_MAX_TRACKPOINTS = 500_000; // ~6 days at 1 s
const MAX_DEPTH = 64;

/** The one sentence the rider sees for each refusal. */
export const TCX_ERRORS = {
  dtd_refused: 'This TCX file contains a DOCTYPE (XML entity declarations), which real TCX exports never have, so I did not open it.',
  malformed_xml: "This TCX file is damaged (it isn't valid XML): export it again and resend it.",
  not_tcx: "This file isn't a TCX file: send a .tcx, .fit or .gpx ride.",
  no_activity: 'This TCX file has no recorded activity in it (it may be a course or a workout plan).',
  no_trackpoints: 'This TCX file has no timed track points, so there is no ride to analyse.',
  too_many_points: 'This TCX file has more track points than I can take: split it and resend it.',
  too_deep: 'This TCX file is nested far deeper than any real TCX export: export it again and resend it.',
  unsupported_encoding: "This TCX file uses a text encoding I can't read: export it as UTF-8 and resend it.",
} as const;
export type TcxErrorCode = keyof typeof TCX_ERRORS;

function fail(code: TcxErrorCode, detail?: string): never {
  throw new InvalidTcx(`tcx_${code}`, TCX_ERRORS[code], detail);
}

interface Lap {
  timeS?: number;
  distanceM?: number;
  avgHr?: number;
  maxHr?: number;
  avgWatts?: number;
  maxWatts?: number;
}

export function decodeTcx(bytes: Uint8Array, limits?: { maxPoints?: number }): DecodedRide {
  const maxPoints = limits?.maxPoints ?? DEFAULT_MAX_TRACKPOINTS;
  const stack: string[] = [];
  let text = '';
  let collecting = false;
  let sportLabel: string | undefined;
  let activities = 0;
  let point: Sample | undefined;
  let lap: Lap | undefined;
  let creatorName: string | undefined;
  const laps: Lap[] = [];
  const points: Sample[] = [];
  let untimed = 0;
  let closing = false;

  const parser = new SaxesParser({ xmlns: false, position: false });
  parser.on('doctype', () => fail('dtd_refused'));
  parser.on('error', (err) => fail(closing && stack.length === 0 ? 'not_tcx' : 'malformed_xml', err.message));
  parser.on('text', (t) => {
    if (collecting) text += t;
  });
  parser.on('cdata', (t) => {
    if (collecting) text += t;
  });

  parser.on('opentag', (tag: SaxesTagPlain) => {
    const local = localName(tag.name);
    stack.push(local);
    if (stack.length > MAX_DEPTH) fail('too_deep');
    if (stack.length === 1) {
      if (local !== 'TrainingCenterDatabase') fail('not_tcx', `root element is <${tag.name}>`);
      return;
    }
    switch (local) {
      case 'Activity':
        activities++;
        if (activities === 1 && typeof tag.attributes.Sport === 'string') sportLabel = tag.attributes.Sport;
        return;
      case 'Lap':
        if (parent(1) === 'Activity') lap = {};
        return;
      case 'Trackpoint':
        if (points.length + untimed >= maxPoints) fail('too_many_points', `more than ${maxPoints} trackpoints`);
        point = {};
        return;
    }
    collecting = isLeafOfInterest(local);
    text = '';
  });

  parser.on('closetag', (tag: SaxesTagPlain) => {
    const local = stack[stack.length - 1];
    if (collecting) {
      collecting = false;
      store(local, text.trim());
    }
    if (local === 'Trackpoint' && point) {
      if (point.timeMs !== undefined) points.push(point);
      else untimed++;
      point = undefined;
    } else if (local === 'Lap' && lap && parent(1) === 'Activity') {
      laps.push(lap);
      lap = undefined;
    }
    stack.pop();
    void tag;
  });

  function parent(up: number): string | undefined {
    return stack[stack.length - 1 - up];
  }

  function isLeafOfInterest(local: string): boolean {
    if (point) return true;
    if (lap) return true;
    return local === 'Name' && parent(1) === 'Creator';
  }

  function store(local: string | undefined, value: string): void {
    if (value === '') return;
    if (point) {
      storePointField(point, local, parent(1), value);
      return;
    }
    if (lap) {
      const n = Number(value);
      if (!Number.isFinite(n)) return;
      const up = parent(1);
      if (local === 'TotalTimeSeconds' && up === 'Lap') lap.timeS = n;
      else if (local === 'DistanceMeters' && up === 'Lap') lap.distanceM = n;
      else if (local === 'Value' && up === 'AverageHeartRateBpm') lap.avgHr = n;
      else if (local === 'Value' && up === 'MaximumHeartRateBpm') lap.maxHr = n;
      else if (local === 'AvgWatts') lap.avgWatts = n;
      else if (local === 'MaxWatts') lap.maxWatts = n;
      return;
    }
    if (local === 'Name') creatorName ??= value;
  }

  const decoder = xmlDecoder(bytes);
  if ('unsupportedLabel' in decoder) fail('unsupported_encoding', `declared encoding "${decoder.unsupportedLabel}"`);
  feedText(bytes, decoder, (text) => parser.write(text));
  closing = true;
  parser.close();

  if (activities === 0) fail('no_activity');
  if (points.length === 0) fail('no_trackpoints');
  return assemble(points, laps, sportLabel, creatorName, untimed);
}

function storePointField(p: Sample, local: string | undefined, up: string | undefined, value: string): void {
  if (local === 'Time') {
    const ms = parseTimeMs(value);
    if (Number.isFinite(ms)) p.timeMs = ms;
    return;
  }
  const n = Number(value);
  if (!Number.isFinite(n)) return;
  switch (local) {
    case 'LatitudeDegrees': p.lat = n; break;
    case 'LongitudeDegrees': p.lon = n; break;
    case 'AltitudeMeters': p.eleM = n; break;
    case 'DistanceMeters': p.distanceM = n; break;
    case 'Value': if (up === 'HeartRateBpm' && n > 0) p.hrBpm = n; break;
    case 'Cadence': case 'RunCadence': if (n >= 0) p.cadenceRpm = n; break;
    case 'Watts': if (n >= 0) p.powerW = n; break;
    case 'Speed': if (n >= 0) p.speedMps = n; break;
  }
}

function assemble(
  raw: Sample[],
  laps: Lap[],
  sportLabel: string | undefined,
  creatorName: string | undefined,
  untimed: number,
): DecodedRide {
  const notes: string[] = [];
  if (untimed > 0) notes.push(`${untimed} track points without a time were left out.`);
  const samples = mergeSameTime(sortByTime(raw, notes));
  const sport = sportFromLabel(sportLabel);
  if (!sport) notes.push(NOTE_SPORT_UNKNOWN);
  const hasGps = samples.some((s) => s.lat !== undefined && s.lon !== undefined);
  if (!hasGps) notes.push(NOTE_NO_GPS);
  const summary = lapSummary(laps);
  return {
    format: 'tcx',
    sport: sport ?? 'cycling',
    ...(sportLabel ? { subSport: sportLabel } : {}),
    indoor: !hasGps,
    startTimeMs: samples[0]?.timeMs ?? 0,
    samples,
    timerPauses: [],
    truncated: false,
    clockSet: true,
    notes,
    ...(summary ? { deviceSummary: summary } : {}),
    ...(creatorName ? { device: { product: creatorName } } : {}),
  };
}

/**
 * Garmin Connect repeats the last trackpoint of a lap as the first of the next
 * (same Time): one instant is one sample, so keep one, filling its gaps from the twin.
 */
function mergeSameTime(samples: Sample[]): Sample[] {
  const out: Sample[] = [];
  for (const s of samples) {
    const prev = out[out.length - 1];
    if (prev && prev.timeMs === s.timeMs) out[out.length - 1] = { ...s, ...definedOnly(prev) };
    else out.push(s);
  }
  return out;
}

function definedOnly(s: Sample): Sample {
  return Object.fromEntries(Object.entries(s).filter(([, v]) => v !== undefined)) as Sample;
}

/** Lap totals summed; averages weighted by lap time. */
function lapSummary(laps: Lap[]): DeviceSummary | undefined {
  if (laps.length === 0) return undefined;
  const sum = (f: (l: Lap) => number | undefined) => laps.reduce((a, l) => a + (f(l) ?? 0), 0);
  const timeS = sum((l) => l.timeS);
  const weighted = (f: (l: Lap) => number | undefined) => {
    const w = sum((l) => (f(l) !== undefined ? l.timeS ?? 0 : 0));
    return w > 0 ? sum((l) => (f(l) !== undefined ? (f(l) ?? 0) * (l.timeS ?? 0) : 0)) / w : undefined;
  };
  const max = (f: (l: Lap) => number | undefined) => {
    const values = laps.map(f).filter((v): v is number => v !== undefined);
    return values.length > 0 ? Math.max(...values) : undefined;
  };
  const summary: DeviceSummary = { totalTimerS: timeS, distanceM: sum((l) => l.distanceM) };
  const avgHr = weighted((l) => l.avgHr);
  const maxHr = max((l) => l.maxHr);
  const avgPower = weighted((l) => l.avgWatts);
  const maxPower = max((l) => l.maxWatts);
  if (avgHr !== undefined) summary.avgHrBpm = avgHr;
  if (maxHr !== undefined) summary.maxHrBpm = maxHr;
  if (avgPower !== undefined) summary.avgPowerW = avgPower;
  if (maxPower !== undefined) summary.maxPowerW = maxPower;
  return summary;
}

const localName = (qname: string) => qname.slice(qname.indexOf(':') + 1);

