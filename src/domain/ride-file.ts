/**
 * Ride files in, one typed ride out: FIT, GPX or TCX, whichever the rider sent.
 * The format is sniffed from the bytes (a file name can lie); the extension is
 * only the tie-breaker when the bytes say nothing.
 */
import { InvalidGpx, InvalidInput } from './errors.ts';
import { parseGpx } from './gpx.ts';
import type { ParsedGpx } from './gpx.ts';
import type { Sample } from './samples.ts';
import { decodeTcx } from './tcx.ts';
import { NOTE_SPORT_UNKNOWN, sortByTime, sportFromLabel } from './decoded-ride.ts';
import type { DecodedRide, RideFormat } from './decoded-ride.ts';

export type { DecodedRide, DeviceSummary, RideDevice, RideFormat, Sport, TimerPause } from './decoded-ride.ts';

const UNKNOWN_FORMAT_MESSAGE =
  'I can read ride files in .fit, .gpx and .tcx format, and this file is none of those.';

/**
 * The FIT decoders (Garmin's SDK and the fallback parser, fit.ts) are loaded with
 * the first FIT file: some 20 MB a bot that is never sent one does not carry.
 */
let fitDecoder: Promise<typeof import('./fit.ts')> | undefined;

export async function decodeRideFile(bytes: Uint8Array, fileName?: string): Promise<DecodedRide> {
  const format = sniffRideFormat(bytes) ?? formatFromFileName(fileName);
  switch (format) {
    case 'fit':
      fitDecoder ??= import('./fit.ts');
      return (await fitDecoder).decodeFit(bytes);
    case 'tcx':
      return decodeTcx(bytes);
    case 'gpx':
      return decodeGpxRide(bytes);
    default:
      if (isCompressed(bytes)) {
        throw new InvalidInput(
          'compressed_file',
          'This file is compressed (.zip or .gz): unpack it and send the .fit, .gpx or .tcx file inside.',
        );
      }
      throw new InvalidInput('unknown_format', UNKNOWN_FORMAT_MESSAGE, fileName);
  }
}

/** FIT: ".FIT" at byte 8 of the header. XML: the root element's local name. */
export function sniffRideFormat(bytes: Uint8Array): RideFormat | undefined {
  if (bytes.length >= 12 && bytes[8] === 0x2e && bytes[9] === 0x46 && bytes[10] === 0x49 && bytes[11] === 0x54) {
    return 'fit';
  }
  const root = xmlRootName(bytes);
  if (root === 'gpx') return 'gpx';
  if (root === 'TrainingCenterDatabase') return 'tcx';
  return undefined;
}

function formatFromFileName(fileName: string | undefined): RideFormat | undefined {
  const ext = fileName?.toLowerCase().match(/\.(fit|gpx|tcx)$/)?.[1];
  return ext as RideFormat | undefined;
}

function isCompressed(bytes: Uint8Array): boolean {
  const gzip = bytes[0] === 0x1f && bytes[1] === 0x8b;
  const zip = bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04;
  return gzip || zip;
}

/** Local name of the first element, skipping BOM, prolog, comments and doctype. */
function xmlRootName(bytes: Uint8Array): string | undefined {
  const head = new TextDecoder('utf-8', { fatal: false }).decode(bytes.subarray(0, 8192));
  let i = 0;
  while (i < head.length) {
    const lt = head.indexOf('<', i);
    if (lt < 0) return undefined;
    if (head.startsWith('<!--', lt)) {
      const end = head.indexOf('-->', lt + 4);
      if (end < 0) return undefined;
      i = end + 3;
      continue;
    }
    if (head[lt + 1] === '?' || head[lt + 1] === '!') {
      i = lt + 2;
      continue;
    }
    const name = /^<([A-Za-z_][\w.:-]*)/.exec(head.slice(lt, lt + 200))?.[1];
    if (!name) return undefined;
    return name.slice(name.indexOf(':') + 1);
  }
  return undefined;
}

// ---------------------------------------------------------------- GPX rides

function decodeGpxRide(bytes: Uint8Array): DecodedRide {
  const gpx: ParsedGpx = parseGpx(bytes);
  const segments = gpx.tracks.flatMap((t) => t.segments.map((points) => ({ track: t, points })));
  const withPoints = segments.filter((s) => s.points.length > 0);
  if (withPoints.length === 0) {
    const isRoute = gpx.routes.some((r) => r.points.length > 0);
    throw new InvalidGpx(
      isRoute ? 'gpx_route_not_ride' : 'gpx_no_track',
      isRoute
        ? 'This GPX file is a planned route, not a recorded ride, so there is no ride to analyse.'
        : 'This GPX file has no recorded track points, so there is no ride to analyse.',
    );
  }
  // Segments are concatenated in time order (points inside a segment keep file order).
  const firstTime = (points: Sample[]) => points.find((p) => p.timeMs !== undefined)?.timeMs;
  if (withPoints.every((s) => firstTime(s.points) !== undefined)) {
    withPoints.sort((a, b) => (firstTime(a.points) ?? 0) - (firstTime(b.points) ?? 0));
  }
  const samples = withPoints.flatMap((s) => s.points);
  const notes: string[] = [];
  const timed = sortByTime(
    samples.filter((s) => s.timeMs !== undefined),
    notes,
  );
  if (timed.length === 0) {
    throw new InvalidGpx(
      'gpx_no_times',
      'This GPX file has no timestamps, so it is a planned route rather than a recorded ride.',
    );
  }
  if (timed.length < samples.length) {
    notes.push(`${samples.length - timed.length} of ${samples.length} track points have no time and were left out.`);
  }
  if (withPoints.length > 1) notes.push(`${withPoints.length} track segments were joined in time order.`);
  const type = withPoints.find((s) => s.track.type)?.track.type;
  let sport = sportFromLabel(type);
  if (!sport) {
    sport = 'cycling';
    notes.push(NOTE_SPORT_UNKNOWN);
  }
  const hasGps = timed.some((s) => s.lat !== undefined && s.lon !== undefined);
  const startTimeMs = timed[0]?.timeMs ?? 0;
  const name = withPoints[0]?.track.name ?? gpx.name;
  return {
    format: 'gpx',
    sport,
    ...(type ? { subSport: type } : {}),
    indoor: !hasGps,
    startTimeMs,
    samples: timed,
    timerPauses: [],
    truncated: false,
    clockSet: true,
    notes,
    ...(gpx.creator ? { device: { product: gpx.creator } } : {}),
    ...(name ? { name } : {}),
  };
}
