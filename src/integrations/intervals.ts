/**
 * intervals.icu over its public REST API, read with the rider's personal API key.
 *
 * What the API does, and where that is written down:
 * - OpenAPI description served at https://intervals.icu/api/v1/docs (copies in the public
 *   repos eddmann/intervals-icu-mcp and hhopke/intervals-icu-mcp, `openapi-spec.json`):
 *   security scheme `APIKey` is HTTP Basic, "Username is API_KEY, Password is your API key
 *   found in /settings"; `listActivities` is `GET /api/v1/athlete/{id}/activities`, "List
 *   activities for a date range in desc date order", `oldest` required and `newest`
 *   optional ("Local ISO-8601 date or date and time … defaults to now"), an optional
 *   `limit` and no cursor or page; "An empty stub object is returned for Strava
 *   activities" (schema `Hidden`: id, icu_athlete_id, start_date_local, source, _note);
 *   `downloadActivityFile` is `GET /api/v1/activity/{id}/file`, "Download original
 *   activity file, Strava activities not supported"; `getAthlete` is
 *   `GET /api/v1/athlete/{id}` with `sportSettings[]` (types, ftp, lthr, max_hr),
 *   `icu_weight`, `weight` and `timezone`.
 * - The intervals.icu forum's "API Integration Cookbook" (quoted in several public repos):
 *   the original file comes back gzip-compressed, and is FIT, GPX or TCX.
 * - Public clients that probed the live API (e.g. revo2wheels/intervalsicugptcoach-public#13,
 *   hhopke/intervals-icu-mcp#14, platypus45/domestique#2): a Strava import is listed as
 *   `{"id":"16358453283","icu_athlete_id":"i…","start_date_local":"…","source":"STRAVA",
 *   "_note":"STRAVA activities are not available via the API"}`, and its file answers
 *   `422 {"status":422,"error":"Cannot read Strava activities via the API"}`.
 * - hhopke/intervals-icu-mcp#80/#81: without `limit` the listing returns the whole date
 *   range, so one request covers any `since` and nothing is paged.
 */
import { gunzipSync } from 'node:zlib';
import { z } from 'zod';
import { sniffRideFormat } from '../domain/ride-file.ts';
import { isTimeZone } from '../domain/time-zone.ts';
import type { Logger } from '../logger.ts';
import { networkReason } from '../network.ts';
import {
  SourceError,
  withTimeout,
  type ActivitySource,
  type RemoteActivity,
  type RemoteFile,
  type SourceErrorKind,
  type SourceThresholds,
} from './activity-source.ts';

export interface IntervalsSourceOptions {
  apiKey: string;
  /** As intervals.icu shows it ("i123456"); "0" means the athlete the key belongs to. */
  athleteId: string;
  /** The origin (https://intervals.icu); the API lives under /api/v1. */
  baseUrl?: string;
  /** Each public operation, all its requests included, gets this long. */
  timeoutMs: number;
  logger: Logger;
}

const DEFAULT_ORIGIN = 'https://intervals.icu';
const DAY_MS = 86_400_000;
/** Cloudflare in front of the API challenges some default agents; an honest name of our own passes. */
const USER_AGENT = 'cycling-coach (self-hosted)';
const CYCLING_TYPES = new Set(['Ride', 'VirtualRide', 'GravelRide', 'MountainBikeRide', 'TrackRide', 'EBikeRide', 'EMountainBikeRide']);
const STRAVA_UNAVAILABLE = 'intervals.icu cannot share activities imported from Strava; send the file in the chat or let Garmin sync it';
const KEY_HINT = 'check INTERVALS_API_KEY (intervals.icu → Settings → Developer Settings)';
const ATHLETE_HINT = 'check INTERVALS_ATHLETE_ID (the i… number in your intervals.icu profile address) and that the API key is from the same account';

/** Only what we read; everything else in the ~180-field Activity is ignored. */
const ListedActivity = z.object({
  id: z.string().min(1),
  start_date_local: z.string(),
  /** UTC with a "Z"; absent on Strava stubs. */
  start_date: z.string().nullish(),
  type: z.string().nullish(),
  name: z.string().nullish(),
  distance: z.number().nullish(),
  moving_time: z.number().nullish(),
  elapsed_time: z.number().nullish(),
  source: z.string().nullish(),
});
type ListedActivity = z.infer<typeof ListedActivity>;

const Athlete = z.object({
  timezone: z.string().nullish(),
  icu_weight: z.number().nullish(),
  /** The weight Strava knows, when intervals.icu has none of its own. */
  weight: z.number().nullish(),
  sportSettings: z
    .array(
      z.object({
        types: z.array(z.string()).nullish(),
        ftp: z.number().nullish(),
        lthr: z.number().nullish(),
        max_hr: z.number().nullish(),
      }),
    )
    .nullish(),
});
type Athlete = z.infer<typeof Athlete>;

/** intervals.icu's own error body, e.g. {"status":422,"error":"Cannot read Strava activities via the API"}. */
const ErrorBody = z.object({ status: z.number(), error: z.string() });

type Call = { kind: 'list' | 'athlete' } | { kind: 'file'; activityId: string };

export class IntervalsSource implements ActivitySource {
  readonly id = 'intervals' as const;
  private readonly api: string;
  private readonly authorization: string;

  constructor(private readonly options: IntervalsSourceOptions) {
    this.api = `${(options.baseUrl ?? DEFAULT_ORIGIN).replace(/\/+$/, '')}/api/v1`;
    this.authorization = `Basic ${Buffer.from(`API_KEY:${options.apiKey}`).toString('base64')}`;
  }

  listActivities(since: Date): Promise<RemoteActivity[]> {
    return this.bounded('Listing intervals.icu activities', (signal) => this.list(since, signal));
  }

  download(activity: RemoteActivity): Promise<RemoteFile> {
    return this.bounded(`Downloading intervals.icu activity ${activity.id}`, (signal) => this.file(activity.id, signal));
  }

  thresholds(): Promise<SourceThresholds> {
    return this.bounded('Reading the intervals.icu athlete profile', async (signal) => thresholdsOf(await this.athlete(signal)));
  }

  /** One deadline for the whole operation: the signal aborts its requests, withTimeout bounds the rest. */
  private bounded<T>(what: string, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const signal = AbortSignal.timeout(this.options.timeoutMs);
    return withTimeout('intervals', what, this.options.timeoutMs, work(signal));
  }

  private async list(since: Date, signal: AbortSignal): Promise<RemoteActivity[]> {
    // `oldest`/`newest` are the athlete's local dates, which can be a day either side of
    // UTC: ask a day wider on each end and keep what started at or after `since` exactly.
    const query = new URLSearchParams({ oldest: utcDay(since.getTime() - DAY_MS), newest: utcDay(Date.now() + 2 * DAY_MS) });
    const bytes = await this.get({ kind: 'list' }, `/athlete/${encodeURIComponent(this.options.athleteId)}/activities?${query}`, signal);
    const listed = readJson(bytes, z.array(ListedActivity), 'the activity list');
    // A Strava stub has only a local start; the athlete's time zone places it (one more request, only then).
    const zone = listed.some((a) => !a.start_date) ? athleteZone(await this.athlete(signal)) : 'UTC';
    const activities = listed
      .map((a) => toRemote(a, zone))
      .filter((a) => a.startTime.getTime() >= since.getTime())
      .sort((a, b) => a.startTime.getTime() - b.startTime.getTime() || a.id.localeCompare(b.id));
    this.options.logger.debug({ source: 'intervals', listed: listed.length, since: since.toISOString(), kept: activities.length }, 'intervals.icu activities listed');
    return activities;
  }

  private async file(activityId: string, signal: AbortSignal): Promise<RemoteFile> {
    const call: Call = { kind: 'file', activityId };
    let bytes = await this.get(call, `/activity/${encodeURIComponent(activityId)}/file`, signal);
    // The original comes gzipped, but only the bytes say so for sure (a proxy may already have inflated it).
    if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
      try {
        const inflated = gunzipSync(bytes);
        bytes = new Uint8Array(inflated.buffer, inflated.byteOffset, inflated.byteLength);
      } catch (error) {
        throw new SourceError('intervals', 'malformed', `the file of activity ${activityId} is a broken gzip`, undefined, { cause: error });
      }
    }
    const format = sniffRideFormat(bytes);
    if (!format) throw new SourceError('intervals', 'malformed', `intervals.icu sent a file for activity ${activityId} that is not FIT, GPX or TCX`);
    return { bytes, fileName: `${activityId}.${format}` };
  }

  private async athlete(signal: AbortSignal): Promise<Athlete> {
    const bytes = await this.get({ kind: 'athlete' }, `/athlete/${encodeURIComponent(this.options.athleteId)}`, signal);
    return readJson(bytes, Athlete, 'the athlete profile');
  }

  /** One GET: the body on 2xx, a SourceError otherwise. Neither the key nor the header is ever logged. */
  private async get(call: Call, path: string, signal: AbortSignal): Promise<Uint8Array> {
    const started = Date.now();
    let status: number;
    let bytes: Uint8Array;
    try {
      const response = await fetch(`${this.api}${path}`, { headers: { authorization: this.authorization, 'user-agent': USER_AGENT }, signal });
      status = response.status;
      bytes = new Uint8Array(await response.arrayBuffer());
    } catch (error) {
      if (signal.aborted) {
        throw new SourceError('intervals', 'timeout', `intervals.icu did not answer within ${seconds(this.options.timeoutMs)}`, undefined, { cause: error });
      }
      throw new SourceError('intervals', 'unavailable', `intervals.icu could not be reached (${networkReason(error)})`, undefined, { cause: error });
    }
    this.options.logger.debug({ source: 'intervals', path, status, ms: Date.now() - started }, 'intervals.icu request');
    if (status >= 200 && status < 300) return bytes;
    throw this.refusal(call, status, new TextDecoder().decode(bytes.subarray(0, 2048)));
  }

  private refusal(call: Call, status: number, body: string): SourceError {
    const fail = (kind: SourceErrorKind, message: string) => new SourceError('intervals', kind, message, status);
    const what = call.kind === 'file' ? `the file of activity ${call.activityId}` : call.kind === 'list' ? 'the activity list' : 'the athlete profile';
    if (status === 429) return fail('rate_limited', 'intervals.icu is rate limiting this API key (429)');
    if (status >= 500) return fail('unavailable', `intervals.icu answered ${status} for ${what}: a problem on their side`);
    if (status === 401) return fail('auth', `intervals.icu refused the API key (401): ${KEY_HINT}`);
    if (call.kind === 'file') {
      if (status === 422 && /strava/i.test(errorText(body))) return fail('refused', STRAVA_UNAVAILABLE);
      if (status === 404) return fail('refused', `intervals.icu has no file for activity ${call.activityId} (404): a manual entry, or deleted`);
      if (status === 403 || status === 422) return fail('refused', `intervals.icu will not hand out the file of activity ${call.activityId} (${status})`);
    } else {
      // Cloudflare answers 403 with "error code: 1010" and the like; the API itself answers in JSON.
      if (status === 403 && /error code: \d+|cloudflare/i.test(body)) return fail('blocked', "intervals.icu's firewall refused the request (403)");
      if (status === 403 || status === 404) return fail('auth', `intervals.icu has no athlete ${this.options.athleteId} for this API key (${status}): ${ATHLETE_HINT}`);
    }
    return fail('unavailable', `intervals.icu answered ${status} for ${what}`);
  }
}

function toRemote(a: ListedActivity, zone: string): RemoteActivity {
  const startTime = a.start_date ? new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(a.start_date) ? a.start_date : `${a.start_date}Z`) : zonedToUtc(a.start_date_local, zone);
  if (Number.isNaN(startTime.getTime())) {
    throw new SourceError('intervals', 'malformed', `intervals.icu listed activity ${a.id} with an unreadable start "${a.start_date ?? a.start_date_local}"`);
  }
  const type = a.type ?? 'Unknown';
  return {
    id: a.id,
    startTime,
    name: a.name ?? null,
    type,
    // A stub does not say its sport: it may be a ride, and the rider should hear why it is missing.
    cycling: a.type ? CYCLING_TYPES.has(a.type) : true,
    durationS: a.elapsed_time ?? a.moving_time ?? null,
    distanceM: a.distance ?? null,
    ...(a.source === 'STRAVA' ? { unavailable: STRAVA_UNAVAILABLE } : {}),
  };
}

function thresholdsOf(athlete: Athlete): SourceThresholds {
  const settings = athlete.sportSettings ?? [];
  const ride = settings.find((s) => s.types?.includes('Ride')) ?? settings.find((s) => s.types?.some((t) => CYCLING_TYPES.has(t)));
  const thresholds: SourceThresholds = {};
  // intervals.icu writes 0 or null for what is not set
  const put = (into: keyof SourceThresholds, value: number | null | undefined) => {
    if (typeof value === 'number' && Number.isFinite(value) && value > 0) thresholds[into] = value;
  };
  put('ftpW', ride?.ftp);
  put('lthrBpm', ride?.lthr);
  put('maxHrBpm', ride?.max_hr);
  put('weightKg', athlete.icu_weight ?? athlete.weight);
  return thresholds;
}

function athleteZone(athlete: Athlete): string {
  return athlete.timezone && isTimeZone(athlete.timezone) ? athlete.timezone : 'UTC';
}

function readJson<T>(bytes: Uint8Array, schema: z.ZodType<T>, what: string): T {
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder().decode(bytes));
  } catch (error) {
    throw new SourceError('intervals', 'malformed', `intervals.icu sent ${what} as something other than JSON`, undefined, { cause: error });
  }
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const where = issue?.path.length ? `${issue.path.join('.')}: ` : '';
  throw new SourceError('intervals', 'malformed', `intervals.icu sent ${what} in a shape we do not know (${where}${issue?.message ?? 'invalid'})`);
}

function errorText(body: string): string {
  try {
    const parsed = ErrorBody.safeParse(JSON.parse(body));
    return parsed.success ? parsed.data.error : '';
  } catch {
    return '';
  }
}

/** "2024-05-09T06:30:00" on the wall clock of `zone` → the instant. Exact except inside a DST gap. */
function zonedToUtc(local: string, zone: string): Date {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?/.exec(local);
  if (!m) return new Date(Number.NaN);
  const wall = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6] ?? 0));
  // the offset at the guessed instant, then once more at the corrected one (a DST change between them)
  const first = wall - offsetMs(zone, wall);
  return new Date(wall - offsetMs(zone, first));
}

function offsetMs(zone: string, instant: number): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: zone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
  }).formatToParts(instant);
  const part = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((p) => p.type === type)?.value);
  const wall = Date.UTC(part('year'), part('month') - 1, part('day'), part('hour'), part('minute'), part('second'));
  return wall - Math.floor(instant / 1000) * 1000;
}

function utcDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

function seconds(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${Math.round(ms / 1000)} s`;
}
