import { unzipSync } from 'fflate';
import garminConnect from 'garmin-connect';
import type { Logger } from '../../logger.ts';
import {
  SourceError,
  withTimeout,
  type ActivitySource,
  type RemoteActivity,
  type RemoteFile,
  type SourceErrorKind,
  type SourceThresholds,
} from '../activity-source.ts';
import type { GarminTokens, GarminTokenStore } from './tokens.ts';

type Gc = InstanceType<typeof garminConnect.GarminConnect>;
type LoadTokenArgs = Parameters<Gc['loadToken']>;
/** The request config axios hands back with an error; `_retry` marks the one retry after a renewal. */
type RetryableConfig = Parameters<Gc['client']['client']['request']>[0] & { _retry?: boolean };

export interface GarminUrls {
  /** connectapi origin: https://connectapi.garmin.com (or a test double). */
  api: string;
  /** SSO origin: https://sso.garmin.com. */
  sso: string;
  /** Full URL of the OAuth consumer JSON the mobile-app login signs with. */
  consumer: string;
}

export const GARMIN_URLS: GarminUrls = {
  api: 'https://connectapi.garmin.com',
  sso: 'https://sso.garmin.com',
  consumer: 'https://thegarth.s3.amazonaws.com/oauth_consumer.json',
};

export interface GarminSourceOptions {
  /** Only for a first login when no tokens are saved (Garmin's SSO blocks most non-browser logins since March 2026). */
  credentials?: { username: string; password: string };
  tokens: GarminTokenStore;
  urls: GarminUrls;
  /** The longest one public call may take (a whole listActivities with its pages, one download, thresholds). */
  timeoutMs: number;
  logger: Logger;
}

const PAGE_SIZE = 100;
const DAY_MS = 86_400_000;

/** Garmin's cycling type keys; most also have parentTypeId 2 ("cycling"), but "cycling" itself sits under "all". */
const CYCLING_TYPES = new Set([
  'cycling', 'road_biking', 'mountain_biking', 'gravel_cycling', 'indoor_cycling', 'virtual_ride', 'track_cycling',
  'cyclocross', 'bmx', 'recumbent_cycling', 'downhill_biking', 'e_bike_fitness', 'e_bike_mountain', 'hand_cycling',
  'indoor_hand_cycling',
]);
const CYCLING_PARENT_TYPE_ID = 2;

/** What a call was doing: it decides what a status means (a 403 on one download is not a blocked account). */
type Step = 'login' | 'refresh' | 'list' | 'download' | 'settings';
const STEP_WORDS: Record<Step, string> = {
  login: 'login',
  refresh: 'token renewal',
  list: 'activity list',
  download: 'activity download',
  settings: 'settings read',
};

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE', 'ERR_SOCKET_CONNECTION_TIMEOUT']);

/**
 * Garmin Connect through garmin-connect 1.6.2, with its defects worked around (see the shared
 * GARMIN-NOTES): our own 401 handling instead of the library's, every request under a timeout,
 * every failure a SourceError whose message carries no token, password or header.
 */
export class GarminSource implements ActivitySource {
  readonly id = 'garmin' as const;
  private readonly log: Logger;
  private session: Promise<Gc> | undefined;
  /** The one token renewal in flight; concurrent 401s wait for it instead of starting their own. */
  private renewal: Promise<void> | undefined;

  constructor(private readonly options: GarminSourceOptions) {
    this.log = options.logger.child({ source: 'garmin' });
  }

  listActivities(since: Date): Promise<RemoteActivity[]> {
    return this.run('list', async (gc) => {
      // startDate is a calendar day in the rider's zone; a day earlier covers every zone, startTime filters exactly
      const startDate = new Date(since.getTime() - DAY_MS).toISOString().slice(0, 10);
      const found = new Map<string, RemoteActivity>(); // by id: a ride added mid-listing shifts a page by one
      for (let start = 0; ; start += PAGE_SIZE) {
        const page = await gc.client.get<unknown>(gc.client.url.ACTIVITIES, { params: { start, limit: PAGE_SIZE, startDate } });
        if (!Array.isArray(page)) throw malformed('the activity list is not a list');
        const activities = page.map(toRemoteActivity);
        for (const activity of activities) if (activity.startTime >= since) found.set(activity.id, activity);
        this.log.debug({ start, count: activities.length }, 'Garmin activity page');
        // newest first: a short page is the last one, an activity before `since` means the rest are older
        if (activities.length < PAGE_SIZE || activities.some((a) => a.startTime < since)) break;
      }
      return [...found.values()].sort((a, b) => a.startTime.getTime() - b.startTime.getTime());
    });
  }

  download(activity: RemoteActivity): Promise<RemoteFile> {
    return this.run('download', async (gc) => {
      const url = `${gc.client.url.DOWNLOAD_ZIP}${encodeURIComponent(activity.id)}`;
      const response = await gc.client.client.get<ArrayBuffer>(url, { responseType: 'arraybuffer' });
      return originalFile(activity.id, new Uint8Array(response.data));
    });
  }

  thresholds(): Promise<SourceThresholds> {
    return this.run('settings', async (gc) => {
      const [settings, zones, ftpW] = await Promise.all([
        gc.client.get<unknown>(gc.client.url.USER_SETTINGS),
        gc.client.get<unknown>(`${gc.client.url.GC_API}/biometric-service/heartRateZones`),
        cyclingFtp(gc),
      ]);
      const userData = isObject(settings) && isObject(settings.userData) ? settings.userData : undefined;
      if (!userData) throw malformed('the user settings have no userData');
      if (!Array.isArray(zones)) throw malformed('the heart rate zones are not a list');
      const zone = [zones.find((z) => z?.sport === 'CYCLING'), zones.find((z) => z?.sport === 'DEFAULT')].find(isObject);
      const weightG = positive(userData.weight);
      const thresholds: SourceThresholds = {
        ftpW: positive(ftpW),
        lthrBpm: positive(userData.lactateThresholdHeartRate),
        maxHrBpm: positive(zone?.maxHeartRateUsed),
        weightKg: weightG === undefined ? undefined : Math.round(weightG / 100) / 10,
      };
      return Object.fromEntries(Object.entries(thresholds).filter(([, value]) => value !== undefined));
    });
  }

  /** One public call: session and work under one deadline, every failure a SourceError. */
  private run<T>(step: Step, work: (gc: Gc) => Promise<T>): Promise<T> {
    const attempt = (async () => {
      try {
        return await work(await this.connect());
      } catch (error) {
        const failure = toSourceError(error, step);
        // tokens refused: read the store again next time (the rider may have imported new ones by then)
        if (failure.kind === 'auth' || failure.kind === 'mfa') this.session = undefined;
        throw failure;
      }
    })();
    return withTimeout('garmin', `Garmin ${STEP_WORDS[step]}`, this.options.timeoutMs, attempt);
  }

  private connect(): Promise<Gc> {
    if (!this.session) {
      const session = this.open();
      this.session = session;
      session.catch(() => {
        if (this.session === session) this.session = undefined;
      });
    }
    return this.session;
  }

  private async open(): Promise<Gc> {
    const { tokens: store, credentials } = this.options;
    const saved = await store.load();
    // the constructor throws without credentials, even when only tokens will be used
    const gc = new garminConnect.GarminConnect(credentials ?? { username: 'tokens-only', password: 'tokens-only' });
    this.prepare(gc);
    if (saved) {
      // its types list every field it ever writes; it reads only the tokens themselves
      gc.loadToken(saved.oauth1 as unknown as LoadTokenArgs[0], saved.oauth2 as unknown as LoadTokenArgs[1]);
      return gc;
    }
    if (!credentials) {
      const why = store.problem ? `No usable Garmin tokens (${store.problem})` : 'No Garmin tokens yet';
      throw new SourceError('garmin', 'auth', `${why}: import tokens in the chat, or configure a Garmin username and password`);
    }
    try {
      await gc.login();
    } catch (error) {
      throw toSourceError(error, 'login');
    }
    await this.save(gc);
    this.log.info('Garmin login done; tokens saved');
    return gc;
  }

  /** Points the library at our origins and replaces the parts of it that fail badly. */
  private prepare(gc: Gc): void {
    const http = gc.client;
    const { api, sso } = this.options.urls;
    http.url.GC_API = api;
    http.url.GARMIN_SSO_ORIGIN = sso;
    http.url.GC_MODERN = modernUrl(api);
    http.client.defaults.timeout = this.options.timeoutMs;
    // login() always fetched the hard-coded S3 URL, with the global axios and no timeout
    http.fetchOauthConsumer = () => this.fetchConsumer(gc);
    // its page-title check prints every title to stdout (our stdout is JSON lines); the same check, quietly
    http.handlePageTitle = (html: string) => {
      if (/<title>[^<]*Update Phone Number/i.test(html)) throw new Error('login failed (Update Phone number)');
    };
    // the library's MFA hook is empty: an MFA page would end as "ticket not found"
    http.handleMFA = (html: string) => {
      if (/<title>[^<]*MFA[^<]*<\/title>/i.test(html)) {
        throw new SourceError('garmin', 'mfa', 'Garmin asks for a second factor (MFA) at login, which this app cannot answer: import tokens instead');
      }
    };
    // The library's response interceptor is unsafe: after one failed renewal its module-level
    // `isRefreshing` stays set and every later 401, on every instance, waits forever; a 401 with no
    // token resolves to `undefined`; it console.logs axios errors, whose config holds the Bearer
    // header; other errors become untyped `ERROR: (NNN)` strings, printed with the body. We drop it
    // and keep its request interceptor (the one that sets the header).
    http.client.interceptors.response.clear();
    http.client.interceptors.response.use(null, (error: unknown) => this.renewAndRetry(gc, error));
  }

  /** On a 401 with tokens loaded: one renewal shared by this instance's requests, then one retry. */
  private async renewAndRetry(gc: Gc, error: unknown): Promise<unknown> {
    const http = gc.client;
    const config = (error as { config?: RetryableConfig }).config;
    const unauthorized = (error as { response?: { status?: unknown } }).response?.status === 401;
    // the OAuth service's own 401s (a refused ticket or exchange) are answers, not expired tokens
    if (!unauthorized || !config || config._retry || !http.oauth1Token || config.url?.startsWith(http.url.OAUTH_URL)) throw error;
    config._retry = true;
    const sentWith = config.headers?.Authorization;
    // no renewal when one that finished after this request left has already replaced its token
    if (this.renewal || sentWith === `Bearer ${http.oauth2Token?.access_token}`) await this.renew(gc);
    return http.client.request(config);
  }

  private renew(gc: Gc): Promise<void> {
    this.renewal ??= (async () => {
      try {
        // refreshOauth2Token() less its console.log (our stdout is JSON lines): the same exchange with the oauth1 token
        const http = gc.client;
        if (!http.OAUTH_CONSUMER) await http.fetchOauthConsumer();
        if (!http.oauth1Token || !http.OAUTH_CONSUMER) throw new SourceError('garmin', 'auth', 'No Garmin oauth1 token to renew the session with');
        await http.exchange({ oauth: http.getOauthClient(http.OAUTH_CONSUMER), token: http.oauth1Token });
      } catch (error) {
        const failure = toSourceError(error, 'refresh');
        // dead tokens: with a password configured, the next run (after the pause) logs in afresh
        if (failure.kind === 'auth' && this.options.credentials) await this.options.tokens.clear();
        throw failure;
      }
      if (!gc.client.oauth2Token?.access_token) throw new SourceError('garmin', 'auth', 'Garmin gave no new access token');
      await this.save(gc);
      this.log.info('Garmin access token renewed; tokens saved');
    })().finally(() => {
      this.renewal = undefined;
    });
    return this.renewal;
  }

  private async save(gc: Gc): Promise<void> {
    try {
      await this.options.tokens.save(gc.exportToken() as unknown as GarminTokens);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? (error as Error).name;
      throw new SourceError('garmin', 'unavailable', `The Garmin tokens could not be saved (${code})`);
    }
  }

  /** The OAuth consumer key pair, from our URL, under our timeout, and never with the Bearer header. */
  private async fetchConsumer(gc: Gc): Promise<void> {
    let body: unknown;
    try {
      const response = await fetch(this.options.urls.consumer, { signal: AbortSignal.timeout(this.options.timeoutMs) });
      if (!response.ok) {
        throw new SourceError('garmin', 'unavailable', `The OAuth consumer URL answered HTTP ${response.status}`, response.status);
      }
      body = await response.json();
    } catch (error) {
      if (error instanceof SourceError) throw error;
      if (error instanceof SyntaxError) throw malformed('the OAuth consumer is not JSON');
      if ((error as Error).name === 'TimeoutError') throw new SourceError('garmin', 'timeout', 'The OAuth consumer URL did not answer in time');
      const code = (error as { cause?: { code?: unknown } }).cause?.code;
      throw new SourceError('garmin', 'unavailable', `The OAuth consumer URL could not be reached (${typeof code === 'string' ? code : 'network'})`);
    }
    if (!isObject(body) || typeof body.consumer_key !== 'string' || typeof body.consumer_secret !== 'string') {
      throw malformed('the OAuth consumer has no consumer_key/consumer_secret');
    }
    gc.client.OAUTH_CONSUMER = { key: body.consumer_key, secret: body.consumer_secret };
  }
}

/** Only the SSO's `service` parameter uses it: https://connect.garmin.com/modern for the real API origin. */
function modernUrl(api: string): string {
  const url = new URL(api);
  url.hostname = url.hostname.replace(/^connectapi\./, 'connect.');
  return `${url.origin}/modern`;
}

/** The latest cycling FTP, or undefined when Garmin has none (404, 204, an empty or null body). */
async function cyclingFtp(gc: Gc): Promise<unknown> {
  let body: unknown;
  try {
    body = await gc.client.get<unknown>(`${gc.client.url.GC_API}/biometric-service/biometric/latestFunctionalThresholdPower/CYCLING`);
  } catch (error) {
    if ((error as { response?: { status?: unknown } }).response?.status === 404) return undefined;
    throw error;
  }
  if (body === '' || body === null || body === undefined || (Array.isArray(body) && body.length === 0)) return undefined;
  // one object (python-garminconnect types it "an object or a list of them")
  const entry = Array.isArray(body) ? (body.find((e) => isObject(e) && e.sport === 'CYCLING') ?? body[0]) : body;
  if (!isObject(entry)) throw malformed('the cycling FTP is not an object');
  return entry.functionalThresholdPower;
}

function toRemoteActivity(entry: unknown): RemoteActivity {
  if (!isObject(entry)) throw malformed('an activity in the list is not an object');
  const { activityId, startTimeGMT, activityType } = entry;
  const id = typeof activityId === 'number' && Number.isSafeInteger(activityId) ? String(activityId) : undefined;
  // "2026-01-07 21:01:24", in UTC
  const start = typeof startTimeGMT === 'string' && /^\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d/.test(startTimeGMT)
    ? new Date(`${startTimeGMT.slice(0, 10)}T${startTimeGMT.slice(11, 19)}Z`)
    : undefined;
  const type = isObject(activityType) && typeof activityType.typeKey === 'string' ? activityType : undefined;
  if (!id || !start || Number.isNaN(start.getTime()) || !type) {
    throw malformed('an activity in the list lacks activityId, startTimeGMT or activityType.typeKey');
  }
  const typeKey = type.typeKey as string;
  return {
    id,
    startTime: start,
    name: typeof entry.activityName === 'string' ? entry.activityName : null,
    type: typeKey,
    cycling: type.parentTypeId === CYCLING_PARENT_TYPE_ID || CYCLING_TYPES.has(typeKey),
    durationS: finite(entry.duration),
    distanceM: finite(entry.distance),
  };
}

/** Garmin's "original" download: a zip holding `{id}_ACTIVITY.fit` (a .tcx or .gpx for some uploads), or the bare FIT. */
function originalFile(id: string, bytes: Uint8Array): RemoteFile {
  if (bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04) {
    let entries: Record<string, Uint8Array>;
    try {
      entries = unzipSync(bytes);
    } catch {
      throw malformed('the activity download is a broken zip');
    }
    for (const extension of ['fit', 'tcx', 'gpx']) {
      const name = Object.keys(entries).find((n) => n.toLowerCase().endsWith(`.${extension}`));
      if (name) return { bytes: entries[name]!, fileName: `${id}.${extension}` };
    }
    throw malformed('the activity zip holds no FIT, TCX or GPX file');
  }
  if (new TextDecoder().decode(bytes.subarray(8, 12)) === '.FIT') return { bytes, fileName: `${id}.fit` };
  throw malformed('the activity download is neither a zip nor a FIT file');
}

/** Every failure as a SourceError whose message we wrote: never a body, header, token or password. */
function toSourceError(error: unknown, step: Step): SourceError {
  if (error instanceof SourceError) return error;
  const what = STEP_WORDS[step];
  const fail = (kind: SourceErrorKind, message: string, status?: number) => new SourceError('garmin', kind, message, status);
  const status = httpStatus(error);
  if (status !== undefined) {
    if (status === 401 || (step === 'refresh' && status === 400)) {
      if (step === 'login') return fail('auth', `Garmin refused the login (HTTP ${status})`, status);
      if (step === 'refresh') return fail('auth', `Garmin refused to renew the session (HTTP ${status}): the saved tokens no longer work`, status);
      return fail('auth', `Garmin refused the session even after renewing it (${what}, HTTP 401)`, status);
    }
    if (status === 429) return fail('rate_limited', `Garmin rate-limited the account (${what}, HTTP 429)`, status);
    if (step === 'download' && (status === 403 || status === 404)) {
      const reason = garminReason(error);
      const refusal = status === 403 ? 'Garmin refused this activity\'s file' : 'Garmin has no file for this activity';
      return fail('refused', `${refusal} (HTTP ${status}${reason ? `: ${reason}` : ''})`, status);
    }
    if (status === 403) return fail('blocked', `Garmin blocked the ${what} (HTTP 403)`, status);
    if (status >= 500) return fail('unavailable', `Garmin is unavailable (${what}, HTTP ${status})`, status);
    return fail('unavailable', `Garmin answered HTTP ${status} to the ${what}`, status);
  }
  const code = (error as { code?: unknown } | undefined)?.code;
  if (code === 'ECONNABORTED' || code === 'ETIMEDOUT') return fail('timeout', `Garmin did not answer the ${what} in time`);
  if (typeof code === 'string' && NETWORK_CODES.has(code)) return fail('unavailable', `Garmin could not be reached (${what}, ${code})`);
  // the library's own errors, recognised by their words
  const message = error instanceof Error ? error.message : '';
  if (message.includes('AccountLocked')) return fail('blocked', 'Garmin has locked the account: unlock it at connect.garmin.com');
  if (message.includes('Update Phone number')) return fail('blocked', 'Garmin wants a phone number confirmed at connect.garmin.com before a login');
  if (message.includes('csrf not found')) return fail('blocked', 'Garmin\'s sign-in page had no login form (likely a Cloudflare challenge)');
  if (message.includes('Ticket not found or MFA')) {
    return fail('mfa', 'Garmin\'s sign-in gave no ticket: a wrong username or password, or the account needs a second factor (MFA)');
  }
  // a refused exchange can surface as the library writing onto a missing token
  if (step === 'refresh' && error instanceof TypeError) return fail('auth', 'Garmin refused to renew the session: the saved tokens no longer work');
  if (error instanceof SyntaxError) return fail('malformed', `Garmin's answer to the ${what} is not valid JSON`);
  return fail('unavailable', `The Garmin ${what} failed (${error instanceof Error ? error.name : typeof error})`);
}

/**
 * An axios error's status. (The library's `ERROR: (NNN), …` strings came from its response
 * interceptor, which we replace: axios errors reach us with their status intact.)
 */
function httpStatus(error: unknown): number | undefined {
  const status = (error as { response?: { status?: unknown } } | undefined)?.response?.status;
  return typeof status === 'number' ? status : undefined;
}

/** Garmin's own short reason in an error body ({"message": "Only owner of activity allowed…"}), if any. */
function garminReason(error: unknown): string | undefined {
  const data = (error as { response?: { data?: unknown } }).response?.data;
  const text = data instanceof Uint8Array ? new TextDecoder().decode(data) : typeof data === 'string' ? data : undefined;
  try {
    const message = (JSON.parse(text ?? '') as { message?: unknown }).message;
    return typeof message === 'string' && message.length <= 200 && !message.includes('\n') ? message : undefined;
  } catch {
    return undefined;
  }
}

function malformed(what: string): SourceError {
  return new SourceError('garmin', 'malformed', `Garmin's answer was unusable: ${what}`);
}

/** A number Garmin has set (it writes 0 or null for unset). */
function positive(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : undefined;
}

function finite(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
