// Garmin Connect over real HTTP, as garmin-connect 1.6.2 talks to it: the SSO sign-in pages, the OAuth
// service (preauthorize, exchange), the OAuth consumer JSON (on S3 in real life) and connectapi. The
// library runs unmodified against it; only its origins point here. Payloads are the recorded ones in
// test/fixtures/garmin/ (see SOURCES.md there), rides built from a derived template.
//
//   const garmin = await FakeGarmin.start({ username: 'rider@example.com', password: 'secret' });
//   const id = garmin.addActivity({ startTime: new Date('2026-01-07T21:01:24Z'), file: fitBytes });
//   garmin.fail('/activitylist-service/activities/search/activities', { status: 429 }, 1);
//   ... a GarminSource with urls: garmin.urls ...
//   await garmin.stop();
import { createHmac, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { zipSync } from 'fflate';
import type { GarminTokens } from '../../src/integrations/garmin/tokens.ts';

export interface FakeGarminActivity {
  id?: number;
  startTime: Date;
  /** Garmin's activityType.typeKey; default 'road_biking'. */
  typeKey?: string;
  name?: string;
  durationS?: number;
  distanceM?: number;
  /** FIT bytes, served zipped as Garmin does; without them the download answers 404. */
  file?: Uint8Array;
}

export type FakeGarminFault = { status: number; body?: string | Uint8Array } | 'hang' | 'malformed';

export interface FakeGarminRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  authorization?: string;
  at: number;
}

const fixture = (name: string): string => readFileSync(new URL(`../fixtures/garmin/${name}`, import.meta.url), 'utf8');
const ACTIVITY_TEMPLATE = JSON.parse(fixture('derived-activity-road-biking.json')) as Record<string, unknown>;
const CONSUMER_JSON = fixture('oauth-consumer.json');
const CONSUMER = JSON.parse(CONSUMER_JSON) as { consumer_key: string; consumer_secret: string };
const PREAUTHORIZED = new URLSearchParams(fixture('oauth1-preauthorized.txt').trim());
const OAUTH2_TEMPLATE = JSON.parse(fixture('oauth2-token.json')) as Record<string, unknown> & { expires_in: number; refresh_token_expires_in: number };
const NOT_FOUND_JSON = fixture('activity-not-found-404.json');
const USER_SETTINGS_JSON = fixture('user-settings.json');
const HEART_RATE_ZONES_JSON = fixture('heart-rate-zones.json');
const CYCLING_FTP_JSON = fixture('derived-cycling-ftp.json');

/** (typeId, parentTypeId) as Garmin's activityTypes list has them, for the type keys tests use. */
const ACTIVITY_TYPES: Record<string, { typeId: number; parentTypeId: number }> = {
  running: { typeId: 1, parentTypeId: 17 },
  cycling: { typeId: 2, parentTypeId: 17 },
  hiking: { typeId: 3, parentTypeId: 17 },
  mountain_biking: { typeId: 5, parentTypeId: 2 },
  trail_running: { typeId: 6, parentTypeId: 1 },
  walking: { typeId: 9, parentTypeId: 17 },
  road_biking: { typeId: 10, parentTypeId: 2 },
  strength_training: { typeId: 13, parentTypeId: 29 },
  indoor_cycling: { typeId: 25, parentTypeId: 2 },
  lap_swimming: { typeId: 27, parentTypeId: 26 },
  open_water_swimming: { typeId: 28, parentTypeId: 26 },
  gravel_cycling: { typeId: 143, parentTypeId: 2 },
  virtual_ride: { typeId: 152, parentTypeId: 2 },
};

const API_PATHS = {
  activities: '/activitylist-service/activities/search/activities',
  download: /^\/download-service\/files\/activity\/(\d+)$/,
  userSettings: /^\/userprofile-service\/userprofile\/user-settings\/?$/,
  heartRateZones: '/biometric-service/heartRateZones',
  cyclingFtp: '/biometric-service/biometric/latestFunctionalThresholdPower/CYCLING',
};

interface StoredActivity {
  id: number;
  start: Date;
  entry: Record<string, unknown>;
  file?: Uint8Array;
}

interface Fault {
  match: string | RegExp;
  fault: FakeGarminFault;
  remaining: number;
}

export class FakeGarmin {
  readonly requests: FakeGarminRequest[] = [];
  /** The sign-in answers with an MFA challenge page instead of a ticket. */
  mfa = false;
  private readonly activities: StoredActivity[] = [];
  private nextId = 21_500_000_000;
  private faults: Fault[] = [];
  private readonly csrf = randomBytes(16).toString('hex');
  private readonly tickets = new Set<string>();
  /** OAuth1 token → its secret, for the tokens the exchange still honours. */
  private readonly oauth1 = new Map<string, string>();
  private readonly accessTokens = new Set<string>();

  private constructor(
    private readonly server: Server,
    readonly urls: { api: string; sso: string; consumer: string },
    private readonly username: string,
    private readonly password: string,
  ) {}

  static async start(options: { username?: string; password?: string } = {}): Promise<FakeGarmin> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const garmin = new FakeGarmin(
      server,
      { api: origin, sso: origin, consumer: `${origin}/oauth_consumer.json` },
      options.username ?? 'rider@example.com',
      options.password ?? 'correct horse battery staple',
    );
    server.on('request', (req, res) => void garmin.onRequest(req, res).catch((error: unknown) => send(res, 500, String(error), 'text/plain')));
    return garmin;
  }

  /** Ends hanging requests too. */
  async stop(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  addActivity(a: FakeGarminActivity): number {
    const id = a.id ?? this.nextId++;
    const typeKey = a.typeKey ?? 'road_biking';
    const type = ACTIVITY_TYPES[typeKey];
    if (!type) throw new Error(`FakeGarmin: no activity type ids for '${typeKey}': add them to ACTIVITY_TYPES`);
    const durationS = a.durationS ?? 3600;
    const distanceM = a.distanceM ?? 30_000;
    const entry: Record<string, unknown> = {
      ...structuredClone(ACTIVITY_TEMPLATE),
      activityId: id,
      activityName: a.name ?? ACTIVITY_TEMPLATE.activityName,
      // the rider lives on UTC, so local time and GMT agree
      startTimeLocal: garminTime(a.startTime),
      startTimeGMT: garminTime(a.startTime),
      endTimeGMT: garminTime(new Date(a.startTime.getTime() + durationS * 1000)),
      beginTimestamp: a.startTime.getTime(),
      activityType: { ...(ACTIVITY_TEMPLATE.activityType as object), typeKey, ...type },
      distance: distanceM,
      duration: durationS,
      elapsedDuration: durationS,
      movingDuration: durationS,
      averageSpeed: distanceM / durationS,
    };
    // the template's sportTypeId (2) says cycling; we know no other sport's id, so others go without
    if (type.parentTypeId !== 2 && typeKey !== 'cycling') delete entry.sportTypeId;
    this.activities.push({ id, start: a.startTime, entry, ...(a.file ? { file: a.file } : {}) });
    return id;
  }

  /** Tokens the server accepts, as if the library had logged in elsewhere and saved them. */
  issueTokens(): GarminTokens {
    return { oauth1: this.newOAuth1(), oauth2: this.newOAuth2() };
  }

  /** Every access token issued so far now gets 401; an exchange with the OAuth1 token still issues a new one. */
  expireAccessToken(): void {
    this.accessTokens.clear();
  }

  /** Access tokens expired and every OAuth1 token refused at the exchange: a refresh fails. */
  revokeTokens(): void {
    this.accessTokens.clear();
    this.oauth1.clear();
  }

  /** Requests whose path matches get `fault` before any other handling, `times` times (default: forever). */
  fail(match: string | RegExp, fault: FakeGarminFault, times = Infinity): void {
    this.faults.push({ match, fault, remaining: times });
  }

  private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake-garmin');
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    this.requests.push({
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}),
      at: Date.now(),
    });

    const fault = this.takeFault(url.pathname);
    if (fault === 'hang') return; // never answered: the client's timeout (or stop()) ends it
    if (fault === 'malformed') return send(res, 200, '{"activityId": 1, "activityName": "cut off', 'application/json;charset=UTF-8');
    if (fault) return send(res, fault.status, fault.body ?? '', contentTypeOf(fault.body));

    const route = `${req.method} ${url.pathname}`;
    if (route === 'GET /oauth_consumer.json') return send(res, 200, CONSUMER_JSON, 'application/json');
    if (route === 'GET /sso/embed') return send(res, 200, page('GARMIN Authentication Application', '<div id="gauth-widget"></div>'), HTML);
    if (route === 'GET /sso/signin') return send(res, 200, this.signinPage(''), HTML);
    if (route === 'POST /sso/signin') return this.signin(req, body, res);
    if (route === 'GET /oauth-service/oauth/preauthorized') return this.preauthorize(req, url, res);
    if (route === 'POST /oauth-service/oauth/exchange/user/2.0') return this.exchange(req, url, res);
    return this.api(req, url, res);
  }

  private takeFault(path: string): FakeGarminFault | undefined {
    const found = this.faults.find((f) => f.remaining > 0 && (typeof f.match === 'string' ? path.includes(f.match) : f.match.test(path)));
    if (!found) return undefined;
    found.remaining--;
    return found.fault;
  }

  private signinPage(error: string): string {
    return page(
      'GARMIN Authentication Application',
      `${error}<form method="post" id="login-form">
<input type="email" name="username" /><input type="password" name="password" />
<input type="hidden" name="embed" value="true"/>
<input type="hidden" name="_csrf" value="${this.csrf}" />
<button type="submit">Sign In</button></form>`,
    );
  }

  private signin(req: IncomingMessage, body: Buffer, res: ServerResponse): void {
    const form = readForm(req.headers['content-type'], body);
    if (form.get('_csrf') !== this.csrf) return send(res, 403, page('Forbidden', 'Invalid CSRF token'), HTML);
    if (form.get('username') !== this.username || form.get('password') !== this.password) {
      return send(res, 200, this.signinPage('<div class="error">Invalid sign in. (Passwords are case sensitive.)</div>'), HTML);
    }
    if (this.mfa) {
      const form = `<form method="post" action="/sso/verifyMFA/loginEnterMfaCode"><input name="verification-code"/>
<input type="hidden" name="_csrf" value="${this.csrf}" /></form>`;
      return send(res, 200, page('Enter MFA code for login', form), HTML);
    }
    const ticket = `ST-${randomBytes(4).readUInt32BE()}-${randomBytes(10).toString('hex')}-cas`;
    this.tickets.add(ticket);
    const embed = `${this.urls.sso}/sso/embed`.replaceAll('/', '\\/');
    return send(res, 200, page('Success', `<script>var response_url = "${embed}?ticket=${ticket}";</script>`), HTML);
  }

  /**
   * The ticket becomes an OAuth1 token. Only the consumer key is checked here: oauth-1.0a signs the
   * query string without decoding it first (so `login-url` is encoded twice), which RFC 5849 would reject.
   */
  private preauthorize(req: IncomingMessage, url: URL, res: ServerResponse): void {
    const oauth = headerParams(req.headers.authorization);
    const ticket = url.searchParams.get('ticket') ?? '';
    if (oauth.get('oauth_consumer_key') !== CONSUMER.consumer_key || !oauth.get('oauth_signature') || !this.tickets.delete(ticket)) {
      return send(res, 401, '', 'text/plain');
    }
    const token = this.newOAuth1();
    const answer = new URLSearchParams(PREAUTHORIZED);
    answer.set('oauth_token', token.oauth_token);
    answer.set('oauth_token_secret', token.oauth_token_secret);
    return send(res, 200, answer.toString(), 'text/plain;charset=UTF-8');
  }

  /** OAuth1-signed (HMAC-SHA1, RFC 5849) with the token from preauthorize, parameters in the query: a new OAuth2 token. */
  private exchange(req: IncomingMessage, url: URL, res: ServerResponse): void {
    const params = new URLSearchParams(url.searchParams);
    const signature = params.get('oauth_signature') ?? '';
    params.delete('oauth_signature');
    const tokenSecret = this.oauth1.get(params.get('oauth_token') ?? '');
    const expected =
      tokenSecret === undefined ? undefined : oauthSignature('POST', `http://${req.headers.host}${url.pathname}`, params, tokenSecret);
    if (params.get('oauth_consumer_key') !== CONSUMER.consumer_key || expected === undefined || expected !== signature) {
      return send(res, 401, '', 'text/plain');
    }
    const { expires_at: _, refresh_token_expires_at: __, ...token } = this.newOAuth2();
    return send(res, 200, JSON.stringify(token), 'application/json;charset=UTF-8');
  }

  private api(req: IncomingMessage, url: URL, res: ServerResponse): void {
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (!bearer || !this.accessTokens.has(bearer)) return send(res, 401, '', 'text/plain');
    if (req.method !== 'GET') return send(res, 404, NOT_FOUND_JSON, JSON_TYPE);
    const path = url.pathname;
    if (path === API_PATHS.activities) return send(res, 200, JSON.stringify(this.search(url.searchParams)), JSON_TYPE);
    if (API_PATHS.userSettings.test(path)) return send(res, 200, USER_SETTINGS_JSON, JSON_TYPE);
    if (path === API_PATHS.heartRateZones) return send(res, 200, HEART_RATE_ZONES_JSON, JSON_TYPE);
    if (path === API_PATHS.cyclingFtp) return send(res, 200, CYCLING_FTP_JSON, JSON_TYPE);
    const download = API_PATHS.download.exec(path);
    if (download) {
      const activity = this.activities.find((a) => a.id === Number(download[1]));
      if (!activity?.file) return send(res, 404, NOT_FOUND_JSON, JSON_TYPE);
      const zip = zipSync({ [`${activity.id}_ACTIVITY.fit`]: activity.file });
      res.writeHead(200, { 'content-type': 'application/x-zip-compressed', 'content-disposition': `attachment; filename="${activity.id}.zip"` });
      return void res.end(zip);
    }
    return send(res, 404, NOT_FOUND_JSON, JSON_TYPE);
  }

  /** Newest first; startDate/endDate are inclusive local dates (YYYY-MM-DD). */
  private search(query: URLSearchParams): Record<string, unknown>[] {
    const start = Number(query.get('start') ?? 0);
    const limit = Number(query.get('limit') ?? 20);
    const from = query.get('startDate');
    const to = query.get('endDate');
    return this.activities
      .filter((a) => {
        const day = garminTime(a.start).slice(0, 10);
        return (!from || day >= from) && (!to || day <= to);
      })
      .sort((a, b) => b.start.getTime() - a.start.getTime())
      .slice(start, start + limit)
      .map((a) => a.entry);
  }

  private newOAuth1(): { oauth_token: string; oauth_token_secret: string } {
    const token = { oauth_token: randomBytes(16).toString('hex'), oauth_token_secret: randomBytes(16).toString('base64url') };
    this.oauth1.set(token.oauth_token, token.oauth_token_secret);
    return token;
  }

  /** The recorded token with new secrets, and the expiry stamps the library adds when it stores one. */
  private newOAuth2(): GarminTokens['oauth2'] {
    const access = `fake-access.${randomBytes(24).toString('base64url')}`;
    this.accessTokens.add(access);
    const now = Date.now() / 1000;
    return {
      ...OAUTH2_TEMPLATE,
      jti: randomBytes(16).toString('hex'),
      access_token: access,
      refresh_token: `fake-refresh.${randomBytes(24).toString('base64url')}`,
      expires_at: now + OAUTH2_TEMPLATE.expires_in,
      refresh_token_expires_at: now + OAUTH2_TEMPLATE.refresh_token_expires_in,
    };
  }
}

const HTML = 'text/html;charset=UTF-8';
const JSON_TYPE = 'application/json;charset=UTF-8';

/** "2026-01-07 21:01:24", as Garmin writes startTimeGMT. */
function garminTime(date: Date): string {
  return date.toISOString().slice(0, 19).replace('T', ' ');
}

function page(title: string, body: string): string {
  return `<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>${title}</title></head>\n<body>${body}</body></html>\n`;
}

function contentTypeOf(body: string | Uint8Array | undefined): string {
  if (body instanceof Uint8Array) return 'application/octet-stream';
  return /^\s*[[{]/.test(body ?? '') ? JSON_TYPE : HTML;
}

function send(res: ServerResponse, status: number, body: string | Uint8Array, contentType: string): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, { 'content-type': contentType });
  res.end(body);
}

/**
 * garmin-connect posts a multipart body (form-data) that it labels form-urlencoded; take the
 * boundary from the header when there is one, else from the body's first line.
 */
function readForm(contentType: string | undefined, body: Buffer): Map<string, string> {
  const text = body.toString('utf8');
  const fields = new Map<string, string>();
  const boundary = /boundary=([^;]+)/.exec(contentType ?? '')?.[1] ?? (text.startsWith('--') ? text.slice(2, text.indexOf('\r\n')) : undefined);
  if (!boundary) {
    for (const [key, value] of new URLSearchParams(text)) fields.set(key, value);
    return fields;
  }
  for (const part of text.split(`--${boundary}`)) {
    const match = /name="([^"]+)"[^]*?\r\n\r\n([^]*)\r\n$/.exec(part);
    if (match) fields.set(match[1]!, match[2]!);
  }
  return fields;
}

/** `OAuth oauth_consumer_key="…", oauth_nonce="…", …` */
function headerParams(authorization: string | undefined): Map<string, string> {
  const params = new Map<string, string>();
  for (const [, key, value] of (authorization ?? '').matchAll(/(\w+)="([^"]*)"/g)) params.set(key!, decodeURIComponent(value!));
  return params;
}

function oauthSignature(method: string, baseUrl: string, params: URLSearchParams, tokenSecret: string): string {
  const encode = (s: string) => encodeURIComponent(s).replace(/[!*'()]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  const normalized = [...params]
    .map(([k, v]) => [encode(k), encode(v)] as const)
    .sort(([a, x], [b, y]) => (a === b ? (x < y ? -1 : 1) : a < b ? -1 : 1))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
  const base = [method, encode(baseUrl), encode(normalized)].join('&');
  return createHmac('sha1', `${encode(CONSUMER.consumer_secret)}&${encode(tokenSecret)}`).update(base).digest('base64');
}
