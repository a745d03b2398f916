/**
 * GPX 1.0/1.1 -> plain data, streamed through saxes (never a DOM: a DOM of a
 * 100k-point file costs gigabytes; see shared LIBRARIES.md).
 *
 * What we keep: tracks (trk/trkseg/trkpt), routes (rte/rtept), waypoints (wpt),
 * ele, time, names, and the per-point extensions riders' devices write: Garmin
 * TrackPointExtension v1/v2 (hr, cad, atemp, speed), bare <power> (Strava,
 * gpx.studio) and Garmin PowerExtension <PowerInWatts>. Extension elements are
 * matched by local name, whatever their prefix or namespace.
 *
 * What we refuse, each with its own code and one sentence for the rider: see
 * GPX_ERRORS. Refusals happen as soon as they are known (a DOCTYPE, depth 65,
 * point 200,001), so hostile files cost little.
 */
import { SaxesParser, type SaxesTagPlain } from 'saxes';
import { InvalidGpx } from './errors.ts';
import type { Sample } from './samples.ts';

export interface GpxTrack {
  name?: string;
  type?: string;
  segments: Sample[][];
}

export interface ParsedGpx {
  name?: string;
  creator?: string;
  version?: string;
  tracks: GpxTrack[];
  routes: { name?: string; points: Sample[] }[];
  waypoints: { name?: string; lat: number; lon: number; eleM?: number }[];
  /** Track points + route points (waypoints are not counted). */
  pointCount: number;
}

export const DEFAULT_MAX_POINTS = 200_000;
/** Real GPX is at most ~8 levels deep (gpx/trk/trkseg/trkpt/extensions/x/y). */
export const MAX_DEPTH = 64;

/** The one sentence the rider sees for each refusal. */
export const GPX_ERRORS = {
  dtd_refused:
    'This GPX file contains a DOCTYPE (XML entity declarations), which real GPX exports never have, so I did not open it — export it again from your app and resend it.',
  malformed_xml: "This GPX file is damaged (it isn't valid XML) — export it again and resend it.",
  truncated: 'This GPX file is cut off before its end — export it again and resend it.',
  not_gpx: "This file isn't a GPX file — send a .gpx route or ride exported from your app.",
  unsupported_encoding: "This GPX file uses a text encoding I can't read — export it as UTF-8 and resend it.",
  no_points: 'This GPX file has no track or route points — export the route or ride again and resend it.',
  waypoints_only:
    'This GPX file only has waypoints, not a track or a route — export the route itself (as a track or route) and resend it.',
  too_many_points: 'This GPX file has too many points for me (more than {max}) — simplify or split it and resend it.',
  too_deep: 'This GPX file is nested far deeper than any real GPX export — export it again and resend it.',
  bad_coordinates: 'This GPX file has a point with an impossible latitude or longitude — export it again and resend it.',
} as const;

export type GpxErrorCode = keyof typeof GPX_ERRORS;

function fail(code: GpxErrorCode, detail?: string, max?: number): never {
  const sentence = GPX_ERRORS[code].replace('{max}', (max ?? DEFAULT_MAX_POINTS).toLocaleString('en-US'));
  throw new InvalidGpx(code, sentence, detail);
}

// What the text of the element being read goes into.
const F_NONE = 0;
const F_ELE = 1;
const F_TIME = 2;
const F_HR = 3;
const F_CAD = 4;
const F_TEMP = 5;
const F_POWER = 6;
const F_SPEED = 7;
const F_WPT_NAME = 8;
const F_META_NAME = 9;
const F_TRK_NAME = 10;
const F_TRK_TYPE = 11;
const F_RTE_NAME = 12;

const P_TRK = 1;
const P_RTE = 2;
const P_WPT = 3;

const CHUNK_BYTES = 1 << 16; // 64 KiB: decoding in large pieces was 4x slower (measured)

export function parseGpx(input: Uint8Array | string, limits?: { maxPoints?: number }): ParsedGpx {
  const maxPoints = limits?.maxPoints ?? DEFAULT_MAX_POINTS;
  const out: ParsedGpx = { tracks: [], routes: [], waypoints: [], pointCount: 0 };
  let metaName: string | undefined;

  let depth = 0;
  let top = ''; // local name of the current child of <gpx>
  let track: GpxTrack | undefined;
  let segment: Sample[] | undefined;
  let route: { name?: string; points: Sample[] } | undefined;
  let point: Sample | undefined;
  let pointKind = 0;
  let pointDepth = -1;
  let wptName: string | undefined;
  let field = F_NONE;
  let fieldDepth = -1;
  let text = '';
  let allPoints = 0;
  let closing = false;

  const parser = new SaxesParser({ xmlns: false, position: true });

  parser.on('doctype', () => fail('dtd_refused', 'DOCTYPE declaration before the root element'));
  parser.on('error', (err) => {
    const msg = err.message;
    if (!closing) fail('malformed_xml', msg);
    if (msg.includes('must contain a root element')) fail('not_gpx', msg);
    fail('truncated', msg);
  });
  // Text is only listened to inside an element we read: saxes then skips
  // slicing the whitespace between every pair of tags (a third of the work).
  const onText = (t: string): void => {
    text += t;
  };
  parser.on('cdata', (t) => {
    if (field !== F_NONE) text += t;
  });

  parser.on('opentag', (tag: SaxesTagPlain) => {
    depth++;
    if (depth > MAX_DEPTH) fail('too_deep', `more than ${MAX_DEPTH} nested elements`);
    const qname = tag.name;
    const colon = qname.indexOf(':');
    const local = colon < 0 ? qname : qname.slice(colon + 1);

    if (depth === 1) {
      if (local !== 'gpx') fail('not_gpx', `root element is <${qname}>`);
      out.version = tag.attributes.version || undefined;
      out.creator = tag.attributes.creator || undefined;
      return;
    }

    if (point !== undefined) {
      let f = F_NONE;
      switch (local) {
        case 'ele': f = F_ELE; break;
        case 'time': f = F_TIME; break;
        case 'hr': case 'heartrate': f = F_HR; break;
        case 'cad': case 'cadence': f = F_CAD; break;
        case 'atemp': case 'temp': f = F_TEMP; break;
        case 'power': case 'PowerInWatts': f = F_POWER; break;
        case 'speed': f = F_SPEED; break;
        case 'name': if (pointKind === P_WPT && depth === pointDepth + 1) f = F_WPT_NAME; break;
      }
      if (f !== F_NONE) startField(f);
      return;
    }

    if (depth === 2) top = local;
    switch (local) {
      case 'trkpt':
        if (top === 'trk') {
          if (segment === undefined) {
            segment = [];
            track?.segments.push(segment);
          }
          startPoint(tag, P_TRK);
        }
        return;
      case 'rtept':
        if (route !== undefined) startPoint(tag, P_RTE);
        return;
      case 'wpt':
        if (depth === 2) startPoint(tag, P_WPT);
        return;
      case 'trk':
        if (depth === 2) {
          track = { segments: [] };
          out.tracks.push(track);
        }
        return;
      case 'trkseg':
        if (depth === 3 && track !== undefined) {
          segment = [];
          track.segments.push(segment);
        }
        return;
      case 'rte':
        if (depth === 2) {
          route = { points: [] };
          out.routes.push(route);
        }
        return;
      case 'name':
        // GPX 1.0 puts the file's name directly under <gpx>; 1.1 under <metadata>.
        if (depth === 2) startField(F_META_NAME);
        else if (depth === 3) {
          if (top === 'metadata') startField(F_META_NAME);
          else if (top === 'trk') startField(F_TRK_NAME);
          else if (top === 'rte') startField(F_RTE_NAME);
        }
        return;
      case 'type':
        if (depth === 3 && top === 'trk') startField(F_TRK_TYPE);
        return;
    }
  });

  parser.on('closetag', () => {
    if (depth === fieldDepth) endField();
    if (depth === pointDepth) endPoint();
    else if (depth === 3 && top === 'trk') segment = undefined;
    else if (depth === 2) {
      track = undefined;
      segment = undefined;
      route = undefined;
      top = '';
    }
    depth--;
  });

  function startField(f: number): void {
    field = f;
    fieldDepth = depth;
    text = '';
    parser.on('text', onText);
  }

  function endField(): void {
    const f = field;
    field = F_NONE;
    fieldDepth = -1;
    parser.off('text');
    if (f >= F_WPT_NAME) {
      const s = text.trim();
      if (s === '') return;
      if (f === F_WPT_NAME) wptName = s;
      else if (f === F_META_NAME) metaName ??= s;
      else if (f === F_TRK_NAME && track) track.name = s;
      else if (f === F_TRK_TYPE && track) track.type = s;
      else if (f === F_RTE_NAME && route) route.name = s;
      return;
    }
    const p = point as Sample;
    if (f === F_TIME) {
      const ms = parseTimeMs(text.trim());
      if (ms === ms) p.timeMs = ms; // not NaN
      return;
    }
    const v = parseFloat(text);
    if (!Number.isFinite(v)) return;
    switch (f) {
      case F_ELE: p.eleM = v; break;
      case F_HR: if (v > 0) p.hrBpm = v; break;
      case F_CAD: if (v >= 0) p.cadenceRpm = v; break;
      case F_TEMP: p.tempC = v; break;
      case F_POWER: if (v >= 0) p.powerW = v; break;
      case F_SPEED: if (v >= 0) p.speedMps = v; break;
    }
  }

  function startPoint(tag: SaxesTagPlain, kind: number): void {
    // parseFloat: NaN for missing/empty/non-numeric, and NaN fails both range tests.
    const lat = parseFloat(tag.attributes.lat as string);
    const lon = parseFloat(tag.attributes.lon as string);
    if (!(lat >= -90 && lat <= 90 && lon >= -180 && lon <= 180)) {
      fail('bad_coordinates', `<${tag.name} lat="${tag.attributes.lat}" lon="${tag.attributes.lon}"> at ${parser.line}:${parser.column}`);
    }
    if (++allPoints > maxPoints) fail('too_many_points', `more than ${maxPoints} points`, maxPoints);
    point = { lat, lon };
    pointKind = kind;
    pointDepth = depth;
    wptName = undefined;
  }

  function endPoint(): void {
    const p = point as Sample;
    if (pointKind === P_TRK) (segment as Sample[]).push(p);
    else if (pointKind === P_RTE) (route as { points: Sample[] }).points.push(p);
    else {
      const w: ParsedGpx['waypoints'][number] = { lat: p.lat as number, lon: p.lon as number };
      if (wptName !== undefined) w.name = wptName;
      if (p.eleM !== undefined) w.eleM = p.eleM;
      out.waypoints.push(w);
    }
    point = undefined;
    pointDepth = -1;
    pointKind = 0;
  }

  if (typeof input === 'string') {
    const s = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
    for (let i = 0; i < s.length; i += CHUNK_BYTES) parser.write(s.slice(i, i + CHUNK_BYTES));
  } else {
    const decoder = decoderFor(input);
    for (let i = 0; i < input.length; i += CHUNK_BYTES) {
      const piece = decoder.decode(input.subarray(i, i + CHUNK_BYTES), { stream: true });
      if (piece.length > 0) parser.write(piece);
    }
    const tail = decoder.decode();
    if (tail.length > 0) parser.write(tail);
  }
  closing = true;
  parser.close();

  for (const t of out.tracks) for (const seg of t.segments) out.pointCount += seg.length;
  for (const r of out.routes) out.pointCount += r.points.length;
  if (out.pointCount === 0) {
    if (out.waypoints.length > 0) fail('waypoints_only', `${out.waypoints.length} waypoints, no trkpt or rtept`);
    fail('no_points', 'no trkpt or rtept');
  }
  out.name = metaName ?? out.tracks.find((t) => t.name)?.name ?? out.routes.find((r) => r.name)?.name;
  return out;
}

/**
 * Pick the decoder from the byte-order mark, else the XML declaration's
 * encoding, else UTF-8 (XML 1.0 §4.3.3, Appendix F). Labels follow the WHATWG
 * Encoding Standard, so "ISO-8859-1" decodes as windows-1252: identical for
 * every printable Latin-1 character, and what mislabelled files really contain.
 */
function decoderFor(bytes: Uint8Array): InstanceType<typeof TextDecoder> {
  const [b0, b1, b2, b3] = bytes;
  if (b0 === 0xef && b1 === 0xbb && b2 === 0xbf) return new TextDecoder('utf-8'); // strips the BOM
  if (b0 === 0xff && b1 === 0xfe) return new TextDecoder('utf-16le');
  if (b0 === 0xfe && b1 === 0xff) return new TextDecoder('utf-16be');
  if (b0 === 0x3c && b1 === 0x00 && b2 === 0x3f && b3 === 0x00) return new TextDecoder('utf-16le');
  if (b0 === 0x00 && b1 === 0x3c && b2 === 0x00 && b3 === 0x3f) return new TextDecoder('utf-16be');
  // The declaration is ASCII in every ASCII-compatible encoding.
  const head = String.fromCharCode(...bytes.subarray(0, 200));
  const m = /^\s*<\?xml\s[^>]*?encoding\s*=\s*["']([A-Za-z][A-Za-z0-9._:-]*)["']/.exec(head);
  const label = m?.[1] ?? 'utf-8';
  try {
    return new TextDecoder(label);
  } catch {
    return fail('unsupported_encoding', `declared encoding "${label}"`);
  }
}

/**
 * xsd:dateTime -> epoch ms. A time without a zone is read as UTC (GPX requires
 * UTC), never as the server's local time, so results don't depend on TZ.
 * The common "YYYY-MM-DDTHH:MM:SS[.fff]Z" is decoded by hand (one per point);
 * anything else goes to Date.parse.
 */
export function parseTimeMs(s: string): number {
  const n = s.length;
  const last = s.charCodeAt(n - 1);
  if (last === 90 /* Z */) {
    const fast = n >= 20 && n <= 30 ? fastUtcMs(s, n) : NaN;
    return fast === fast ? fast : Date.parse(s);
  }
  if (last === 122 /* z */) return Date.parse(s);
  const sign = s.charCodeAt(n - 6);
  if ((sign === 43 /* + */ || sign === 45 /* - */) && s.charCodeAt(n - 3) === 58 /* : */ && s.indexOf('T') > 0) {
    return Date.parse(s);
  }
  return s.indexOf('T') > 0 ? Date.parse(s + 'Z') : Date.parse(s);
}

function digit(s: string, i: number): number {
  const d = s.charCodeAt(i) - 48;
  return d >= 0 && d <= 9 ? d : NaN;
}

function fastUtcMs(s: string, n: number): number {
  if (s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45 || s.charCodeAt(10) !== 84) return NaN;
  if (s.charCodeAt(13) !== 58 || s.charCodeAt(16) !== 58) return NaN;
  let y = digit(s, 0) * 1000 + digit(s, 1) * 100 + digit(s, 2) * 10 + digit(s, 3);
  const mo = digit(s, 5) * 10 + digit(s, 6);
  const d = digit(s, 8) * 10 + digit(s, 9);
  const h = digit(s, 11) * 10 + digit(s, 12);
  const mi = digit(s, 14) * 10 + digit(s, 15);
  const sec = digit(s, 17) * 10 + digit(s, 18);
  // Day 29-31 and anything odd go the slow, validating way (NaN fails these tests).
  if (!(mo >= 1 && mo <= 12 && d >= 1 && d <= 28 && h <= 23 && mi <= 59 && sec <= 59 && y >= 0)) return NaN;
  let ms = 0;
  if (n > 20) {
    if (s.charCodeAt(19) !== 46 /* . */) return NaN;
    let scale = 100;
    for (let i = 20; i < n - 1; i++) {
      const f = digit(s, i);
      if (f !== f) return NaN;
      ms += f * scale;
      scale /= 10;
    }
    ms = Math.floor(ms + 1e-9); // Date.parse truncates to whole milliseconds
  }
  // Days from 1970-01-01, proleptic Gregorian (H. Hinnant, "chrono-compatible date algorithms").
  y -= mo <= 2 ? 1 : 0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (mo > 2 ? mo - 3 : mo + 9) + 2) / 5) + d - 1;
  const days = era * 146097 + yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy - 719468;
  return days * 86_400_000 + h * 3_600_000 + mi * 60_000 + sec * 1000 + ms;
}
