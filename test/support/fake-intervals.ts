// The intervals.icu API over real HTTP, with its real shapes: HTTP Basic with the user
// "API_KEY", the activity list in descending date order filtered by the athlete's local
// dates, Strava imports as bare stubs, and original files gzipped. The JSON comes from
// test/fixtures/intervals (see SOURCES.md there), filled in per activity.
//
//   const icu = await FakeIntervals.start();
//   const id = icu.addActivity({ startTime, file: syntheticRideFit({ start: startTime, seconds: 600 }) });
//   icu.fail('/activities', { status: 503 });          // the next matching request only; pass `times` for more
//   ...                                                 // configure the source with icu.baseUrl / apiKey / athleteId
//   expect(icu.requests[0]?.query.get('oldest')).toBe('2024-05-09');
//   await icu.stop();
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { sniffRideFormat } from '../../src/domain/ride-file.ts';

export interface FakeIntervalsActivity {
  id?: string;
  startTime: Date;
  /** intervals.icu's type word; 'Ride' by default. */
  type?: string;
  name?: string;
  durationS?: number;
  distanceM?: number;
  /** The original file; without one the activity is a manual entry and has no file to download. */
  file?: Uint8Array;
  /** Serve the file gzipped, as intervals.icu does; true by default. */
  gzip?: boolean;
  /** 'STRAVA' lists the activity as the stub the API gives for Strava imports, and refuses its file. */
  source?: string;
}

export type FakeIntervalsFault = { status: number; body?: string } | 'hang' | 'malformed';

export interface RecordedIntervalsRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  authorization?: string;
  at: number;
}

interface StoredActivity {
  id: string;
  startTime: Date;
  type: string;
  name: string;
  durationS: number;
  distanceM: number;
  file: Uint8Array | undefined;
  gzip: boolean;
  source: string;
}

const API = '/api/v1';
const STRAVA_NOTE = 'STRAVA activities are not available via the API';
const activityTemplate = readFixture('derived-activity-ride.json');
const athleteTemplate = readFixture('derived-athlete.json');

export class FakeIntervals {
  readonly requests: RecordedIntervalsRequest[] = [];
  private readonly activities = new Map<string, StoredActivity>();
  private athlete: Record<string, unknown>;
  private faults: { match: string | RegExp; fault: FakeIntervalsFault; left: number }[] = [];
  private nextId = 41_000_001;
  private nextStravaId = 11_300_000_001;

  private constructor(
    private readonly server: Server,
    readonly baseUrl: string,
    readonly apiKey: string,
    readonly athleteId: string,
  ) {
    this.athlete = { ...structuredClone(athleteTemplate), id: athleteId };
  }

  static async start(options: { apiKey?: string; athleteId?: string } = {}): Promise<FakeIntervals> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const icu = new FakeIntervals(server, `http://127.0.0.1:${port}`, options.apiKey ?? '4v2kq9x7w1m3p8r6t5y0z2c4', options.athleteId ?? 'i123456');
    server.on('request', (req, res) => {
      try {
        icu.onRequest(req, res);
      } catch (err) {
        sendError(res, 500, String(err));
      }
    });
    return icu;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  addActivity(a: FakeIntervalsActivity): string {
    const source = a.source ?? (a.file ? 'GARMIN_CONNECT' : 'MANUAL');
    const id = a.id ?? (source === 'STRAVA' ? String(this.nextStravaId++) : `i${this.nextId++}`);
    const type = a.type ?? 'Ride';
    this.activities.set(id, {
      id,
      startTime: a.startTime,
      type,
      name: a.name ?? (type.endsWith('Ride') ? 'Morning Ride' : type),
      durationS: a.durationS ?? 3600,
      distanceM: a.distanceM ?? 30_000,
      file: a.file,
      gzip: a.gzip ?? true,
      source,
    });
    return id;
  }

  /** Shallow-merged over the athlete: `{ sportSettings: [...] }` replaces them all; `timezone` moves local times. */
  setAthlete(partial: object): void {
    this.athlete = { ...this.athlete, ...partial };
  }

  /** The next `times` (default 1) requests whose path contains / matches `match` get `fault` instead. */
  fail(match: string | RegExp, fault: FakeIntervalsFault, times = 1): void {
    this.faults.push({ match, fault, left: times });
  }

  private onRequest(req: IncomingMessage, res: ServerResponse): void {
    req.resume();
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = url.pathname;
    this.requests.push({ method: req.method ?? 'GET', path, query: url.searchParams, authorization: req.headers.authorization, at: Date.now() });

    const fault = this.takeFault(path);
    if (fault === 'hang') return; // the socket stays open until the client gives up or stop()
    if (fault === 'malformed') return send(res, 200, 'application/json', '[{"id":"i1","start_date_local":"2024-05-');
    if (fault) {
      const body = fault.body ?? errorBody(fault.status, reasonOf(fault.status));
      return send(res, fault.status, /^\s*[[{]/.test(body) ? 'application/json' : 'text/plain', body);
    }

    if (!this.authorized(req.headers.authorization)) return sendError(res, 401, 'Unauthorized');
    if (req.method !== 'GET') return sendError(res, 405, `Request method '${req.method}' is not supported`);

    let m: RegExpExecArray | null;
    if ((m = /^\/api\/v1\/athlete\/([^/]+)\/activities$/.exec(path))) {
      if (!this.isAthlete(m[1]!)) return sendError(res, 403, 'Access denied');
      return this.listActivities(url.searchParams, res);
    }
    if ((m = /^\/api\/v1\/athlete\/([^/]+)$/.exec(path))) {
      if (!this.isAthlete(m[1]!)) return sendError(res, 403, 'Access denied');
      return sendJson(res, this.athlete);
    }
    if ((m = /^\/api\/v1\/activity\/([^/]+)\/file$/.exec(path))) return this.sendFile(decodeURIComponent(m[1]!), res);
    return sendError(res, 404, `No endpoint GET ${path}`);
  }

  private takeFault(path: string): FakeIntervalsFault | undefined {
    const entry = this.faults.find((f) => f.left > 0 && (typeof f.match === 'string' ? path.includes(f.match) : f.match.test(path)));
    if (!entry) return undefined;
    entry.left--;
    return entry.fault;
  }

  private authorized(header: string | undefined): boolean {
    const encoded = /^Basic\s+(\S+)$/i.exec(header ?? '')?.[1];
    return encoded !== undefined && Buffer.from(encoded, 'base64').toString('utf8') === `API_KEY:${this.apiKey}`;
  }

  /** "0" is the API's alias for the athlete the key belongs to. */
  private isAthlete(id: string): boolean {
    return decodeURIComponent(id) === this.athleteId || id === '0';
  }

  private listActivities(query: URLSearchParams, res: ServerResponse): void {
    const oldestParam = query.get('oldest');
    if (!oldestParam) return sendError(res, 422, "Required request parameter 'oldest' for method parameter type String is not present");
    const zone = this.zone();
    const oldest = localBound(oldestParam, 'T00:00:00');
    const newest = localBound(query.get('newest') ?? localTime(new Date(), zone), 'T23:59:59');
    if (!oldest || !newest) return sendError(res, 422, `Invalid date: ${oldest ? query.get('newest') : oldestParam}`);
    const limit = query.has('limit') ? Number(query.get('limit')) : Number.POSITIVE_INFINITY;
    const listed = [...this.activities.values()]
      .map((a) => ({ a, local: localTime(a.startTime, zone) }))
      .filter(({ local }) => local >= oldest && local <= newest)
      .sort((x, y) => (x.local === y.local ? y.a.id.localeCompare(x.a.id) : x.local < y.local ? 1 : -1))
      .slice(0, limit)
      .map(({ a, local }) => this.activityJson(a, local, zone));
    sendJson(res, listed);
  }

  private activityJson(a: StoredActivity, local: string, zone: string): Record<string, unknown> {
    if (a.source === 'STRAVA') return { id: a.id, icu_athlete_id: this.athleteId, start_date_local: local, source: 'STRAVA', _note: STRAVA_NOTE };
    const uploaded = new Date(a.startTime.getTime() + (a.durationS + 300) * 1000).toISOString();
    return {
      ...structuredClone(activityTemplate),
      id: a.id,
      icu_athlete_id: this.athleteId,
      start_date_local: local,
      start_date: a.startTime.toISOString().replace(/\.\d{3}Z$/, 'Z'),
      timezone: zone,
      type: a.type,
      name: a.name,
      source: a.source,
      file_type: a.file ? (sniffRideFormat(a.file) ?? null) : null,
      trainer: a.type.startsWith('Virtual'),
      distance: a.distanceM,
      icu_distance: a.distanceM,
      moving_time: a.durationS,
      elapsed_time: a.durationS,
      icu_recording_time: a.durationS,
      created: uploaded,
      icu_sync_date: uploaded,
      analyzed: uploaded,
    };
  }

  private sendFile(id: string, res: ServerResponse): void {
    const a = this.activities.get(id);
    if (!a) return sendError(res, 404, `Activity not found: ${id}`);
    if (a.source === 'STRAVA') return sendError(res, 422, 'Cannot read Strava activities via the API');
    if (!a.file) return sendError(res, 404, 'Activity has no file');
    const body = a.gzip ? gzipSync(a.file) : Buffer.from(a.file);
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': body.length });
    res.end(body);
  }

  private zone(): string {
    return typeof this.athlete.timezone === 'string' ? this.athlete.timezone : 'UTC';
  }
}

function readFixture(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(new URL(`../fixtures/intervals/${name}`, import.meta.url), 'utf8')) as Record<string, unknown>;
}

/** One formatter per zone: building one costs more than formatting, and a benchmark lists hundreds. */
const wallClocks = new Map<string, Intl.DateTimeFormat>();

/** The wall clock of `zone` at `at`, as intervals.icu writes start_date_local: "2024-05-09T08:30:00". */
function localTime(at: Date, zone: string): string {
  let format = wallClocks.get(zone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: zone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
    });
    wallClocks.set(zone, format);
  }
  const parts = format.formatToParts(at);
  const p = (type: string) => parts.find((x) => x.type === type)?.value ?? '';
  return `${p('year')}-${p('month')}-${p('day')}T${p('hour')}:${p('minute')}:${p('second')}`;
}

/** A date means the whole day (inclusive); a date and time is taken as given. */
function localBound(value: string, timeOfDay: string): string | undefined {
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return value + timeOfDay;
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/.test(value)) return value.length === 16 ? `${value}:00` : value;
  return undefined;
}

function reasonOf(status: number): string {
  const reasons: Record<number, string> = { 401: 'Unauthorized', 403: 'Access denied', 404: 'Not found', 429: 'Too many requests', 500: 'Internal server error', 502: 'Bad gateway', 503: 'Service unavailable' };
  return reasons[status] ?? `HTTP ${status}`;
}

function errorBody(status: number, error: string): string {
  return JSON.stringify({ status, error });
}

function send(res: ServerResponse, status: number, contentType: string, body: string): void {
  res.writeHead(status, { 'content-type': contentType });
  res.end(body);
}

function sendJson(res: ServerResponse, value: unknown): void {
  send(res, 200, 'application/json', JSON.stringify(value));
}

function sendError(res: ServerResponse, status: number, error: string): void {
  if (res.headersSent) return;
  send(res, status, 'application/json', errorBody(status, error));
}
