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
 * Absent values are properties set to undefined (`p.hrBpm === undefined`; don't
 * test with `in`): every Sample is built with all its fields, so all points share
 * one hidden class whatever order a device writes its extensions in.
 *
 * What we refuse, each with its own code and one sentence for the rider: see
 * GPX_ERRORS. Refusals happen as soon as they are known (a DOCTYPE, depth 65,
 * point 200,001), so hostile files cost little.
 */
import { SaxesParser, type SaxesTagPlain } from 'saxes';
import { InvalidGpx } from './errors.ts';
import type { Sample } from './samples.ts';
import { feedText, parseDecimal, parseTimeMs, xmlDecoder } from './xml-text.ts';

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

export function parseGpx(input: Uint8Array | string, limits?: { maxPoints?: number }): ParsedGpx {
  const reader = new GpxReader(limits?.maxPoints ?? DEFAULT_MAX_POINTS);
  parser._init(); // the previous file may have been refused half-way
  active = reader;
  try {
    if (typeof input === 'string') {
      // Already in memory as one string: one write is faster than slices of it.
      parser.write(input.charCodeAt(0) === 0xfeff ? input.slice(1) : input);
    } else {
      const decoder = xmlDecoder(input);
      if ('unsupportedLabel' in decoder) fail('unsupported_encoding', `declared encoding "${decoder.unsupportedLabel}"`);
      feedText(input, decoder, (text) => parser.write(text));
    }
    reader.closing = true;
    parser.close();
  } finally {
    active = undefined;
  }
  return reader.result();
}

/**
 * One saxes parser for the process, reset for each file (parsing is
 * synchronous, so files never overlap). A parser per file cost 3-4x after a
 * few files (measured): saxes adds its handler fields after construction and
 * isSelfClosing to each tag, V8 holds those hidden classes weakly, and a full
 * GC between files dropped them with the optimised code built on them until V8
 * stopped optimising. The living parser and one kept tag hold them; the
 * handlers reach the file in progress through `active`.
 */
const parser = new SaxesParser({ xmlns: false, position: true });
parser.on('doctype', onDoctype);
parser.on('error', onError);
parser.on('text', onText);
parser.on('cdata', onText);
parser.on('opentag', onOpenTag);
parser.on('closetag', onCloseTag);
let active: GpxReader | undefined;

function onDoctype(): void {
  fail('dtd_refused', 'DOCTYPE declaration before the root element');
}
function onError(err: Error): void {
  const msg = err.message;
  if (!(active as GpxReader).closing) fail('malformed_xml', msg);
  if (msg.includes('must contain a root element')) fail('not_gpx', msg);
  fail('truncated', msg);
}
function onText(t: string): void {
  const r = active as GpxReader;
  if (r.field !== F_NONE) r.text += t;
}
function onOpenTag(tag: SaxesTagPlain): void {
  (active as GpxReader).openTag(tag);
}
function onCloseTag(): void {
  (active as GpxReader).closeTag();
}

/** The state of one parse: where we are in the tree and what we have read. */
class GpxReader {
  // Objects are built with all their fields (undefined when absent): one hidden class each.
  readonly out: ParsedGpx = { name: undefined, creator: undefined, version: undefined, tracks: [], routes: [], waypoints: [], pointCount: 0 };
  metaName: string | undefined = undefined;
  depth = 0;
  top = ''; // local name of the current child of <gpx>
  track: GpxTrack | undefined = undefined;
  segment: Sample[] | undefined = undefined;
  route: { name?: string; points: Sample[] } | undefined = undefined;
  point: Sample | undefined = undefined;
  pointKind = 0;
  pointDepth = -1;
  wptName: string | undefined = undefined;
  field = F_NONE;
  fieldDepth = -1;
  text = '';
  allPoints = 0;
  closing = false;

  constructor(readonly maxPoints: number) {}

  openTag(tag: SaxesTagPlain): void {
    const depth = ++this.depth;
    if (depth > MAX_DEPTH) fail('too_deep', `more than ${MAX_DEPTH} nested elements`);
    const qname = tag.name;
    const colon = qname.indexOf(':');
    const local = colon < 0 ? qname : qname.slice(colon + 1);

    if (depth === 1) {
      if (local !== 'gpx') fail('not_gpx', `root element is <${qname}>`);
      this.out.version = tag.attributes.version || undefined;
      this.out.creator = tag.attributes.creator || undefined;
      return;
    }

    if (this.point !== undefined) {
      let f = F_NONE;
      switch (local) {
        case 'ele': f = F_ELE; break;
        case 'time': f = F_TIME; break;
        case 'hr': case 'heartrate': f = F_HR; break;
        case 'cad': case 'cadence': f = F_CAD; break;
        case 'atemp': case 'temp': f = F_TEMP; break;
        case 'power': case 'PowerInWatts': f = F_POWER; break;
        case 'speed': f = F_SPEED; break;
        case 'name': if (this.pointKind === P_WPT && depth === this.pointDepth + 1) f = F_WPT_NAME; break;
      }
      if (f !== F_NONE) this.startField(f);
      return;
    }

    if (depth === 2) this.top = local;
    const top = this.top;
    switch (local) {
      case 'trkpt':
        if (top === 'trk') {
          if (this.segment === undefined) {
            this.segment = [];
            this.track?.segments.push(this.segment);
          }
          this.startPoint(tag, P_TRK);
        }
        return;
      case 'rtept':
        if (this.route !== undefined) this.startPoint(tag, P_RTE);
        return;
      case 'wpt':
        if (depth === 2) this.startPoint(tag, P_WPT);
        return;
      case 'trk':
        if (depth === 2) {
          this.track = { name: undefined, type: undefined, segments: [] };
          this.out.tracks.push(this.track);
        }
        return;
      case 'trkseg':
        if (depth === 3 && this.track !== undefined) {
          this.segment = [];
          this.track.segments.push(this.segment);
        }
        return;
      case 'rte':
        if (depth === 2) {
          this.route = { name: undefined, points: [] };
          this.out.routes.push(this.route);
        }
        return;
      case 'name':
        // GPX 1.0 puts the file's name directly under <gpx>; 1.1 under <metadata>.
        if (depth === 2) this.startField(F_META_NAME);
        else if (depth === 3) {
          if (top === 'metadata') this.startField(F_META_NAME);
          else if (top === 'trk') this.startField(F_TRK_NAME);
          else if (top === 'rte') this.startField(F_RTE_NAME);
        }
        return;
      case 'type':
        if (depth === 3 && top === 'trk') this.startField(F_TRK_TYPE);
        return;
    }
  }

  closeTag(): void {
    const depth = this.depth;
    if (depth === this.fieldDepth) this.endField();
    if (depth === this.pointDepth) this.endPoint();
    else if (depth === 3 && this.top === 'trk') this.segment = undefined;
    else if (depth === 2) {
      this.track = undefined;
      this.segment = undefined;
      this.route = undefined;
      this.top = '';
    }
    this.depth = depth - 1;
  }

  startField(f: number): void {
    this.field = f;
    this.fieldDepth = this.depth;
    this.text = '';
  }

  endField(): void {
    const f = this.field;
    const text = this.text;
    this.field = F_NONE;
    this.fieldDepth = -1;
    if (f >= F_WPT_NAME) {
      const s = text.trim();
      if (s === '') return;
      if (f === F_WPT_NAME) this.wptName = s;
      else if (f === F_META_NAME) this.metaName ??= s;
      else if (f === F_TRK_NAME && this.track) this.track.name = s;
      else if (f === F_TRK_TYPE && this.track) this.track.type = s;
      else if (f === F_RTE_NAME && this.route) this.route.name = s;
      return;
    }
    const p = this.point as Sample;
    if (f === F_TIME) {
      const ms = parseTimeMs(text.trim());
      if (ms === ms) p.timeMs = ms; // not NaN
      return;
    }
    const v = parseDecimal(text);
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

  startPoint(tag: SaxesTagPlain, kind: number): void {
    // NaN for missing/empty/non-numeric, and NaN fails both range tests.
    const lat = parseDecimal(tag.attributes.lat ?? '');
    const lon = parseDecimal(tag.attributes.lon ?? '');
    if (!(lat >= -90 && lat <= 90 && lon >= -180 && lon <= 180)) {
      const at = `${parser.line}:${parser.column}`;
      fail('bad_coordinates', `<${tag.name} lat="${tag.attributes.lat}" lon="${tag.attributes.lon}"> at ${at}`);
    }
    if (++this.allPoints > this.maxPoints) fail('too_many_points', `more than ${this.maxPoints} points`, this.maxPoints);
    this.point = {
      timeMs: undefined,
      lat,
      lon,
      eleM: undefined,
      hrBpm: undefined,
      cadenceRpm: undefined,
      powerW: undefined,
      tempC: undefined,
      speedMps: undefined,
      distanceM: undefined,
    };
    this.pointKind = kind;
    this.pointDepth = this.depth;
    this.wptName = undefined;
  }

  endPoint(): void {
    const p = this.point as Sample;
    if (this.pointKind === P_TRK) (this.segment as Sample[]).push(p);
    else if (this.pointKind === P_RTE) (this.route as { points: Sample[] }).points.push(p);
    else {
      const w: ParsedGpx['waypoints'][number] = { lat: p.lat as number, lon: p.lon as number };
      if (this.wptName !== undefined) w.name = this.wptName;
      if (p.eleM !== undefined) w.eleM = p.eleM;
      this.out.waypoints.push(w);
    }
    this.point = undefined;
    this.pointDepth = -1;
    this.pointKind = 0;
  }

  result(): ParsedGpx {
    const out = this.out;
    for (const t of out.tracks) for (const seg of t.segments) out.pointCount += seg.length;
    for (const r of out.routes) out.pointCount += r.points.length;
    if (out.pointCount === 0) {
      if (out.waypoints.length > 0) fail('waypoints_only', `${out.waypoints.length} waypoints, no trkpt or rtept`);
      fail('no_points', 'no trkpt or rtept');
    }
    out.name = this.metaName ?? out.tracks.find((t) => t.name)?.name ?? out.routes.find((r) => r.name)?.name;
    return out;
  }
}
