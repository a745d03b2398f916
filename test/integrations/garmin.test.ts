import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { zipSync } from 'fflate';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SourceError, type RemoteActivity, type SourceErrorKind } from '../../src/integrations/activity-source.ts';
import { GarminSource } from '../../src/integrations/garmin/source.ts';
import { GarminTokenStore, type GarminTokens } from '../../src/integrations/garmin/tokens.ts';
import { createLogger } from '../../src/logger.ts';
import { FakeGarmin } from '../support/fake-garmin.ts';
import { syntheticRideFit } from '../support/fit-writer.ts';
import { LogCapture } from '../support/logs.ts';

const USERNAME = 'rider@example.com';
const PASSWORD = 'Pa55word-never-logged';
const TIMEOUT_MS = 5_000;
const SHORT_TIMEOUT_MS = 300;
const LIST_PATH = '/activitylist-service/activities/search/activities';
const fixture = (name: string) => readFile(new URL(`../fixtures/garmin/${name}`, import.meta.url), 'utf8');

let garmin: FakeGarmin;
let base: string;
let store: GarminTokenStore;
let logs: LogCapture;
let consoleOutput: string[];

beforeEach(async () => {
  garmin = await FakeGarmin.start({ username: USERNAME, password: PASSWORD });
  base = await mkdtemp(join(tmpdir(), 'garmin-source-'));
  store = new GarminTokenStore(join(base, 'garmin'));
  logs = new LogCapture();
  // the library prints (page titles, "Oauth2 token refreshed!"): keep it out of the test output, and read it
  consoleOutput = [];
  for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
    vi.spyOn(console, method).mockImplementation((...args: unknown[]) => void consoleOutput.push(args.map((a) => inspect(a, { depth: 8 })).join(' ')));
  }
});

afterEach(async () => {
  vi.restoreAllMocks();
  await garmin.stop();
  await rm(base, { recursive: true, force: true });
});

const CREDENTIALS = { username: USERNAME, password: PASSWORD };

function source(options: { credentials?: { username: string; password: string }; timeoutMs?: number } = {}): GarminSource {
  return new GarminSource({
    ...(options.credentials ? { credentials: options.credentials } : {}),
    tokens: store,
    urls: garmin.urls,
    timeoutMs: options.timeoutMs ?? TIMEOUT_MS,
    // no secrets to scrub: what the adapter writes must be clean by itself
    logger: createLogger({ level: 'debug', pretty: false, secrets: [], destination: logs }),
  });
}

async function withSavedTokens(): Promise<GarminTokens> {
  const tokens = garmin.issueTokens();
  await store.save(tokens);
  return tokens;
}

async function failure(work: Promise<unknown>): Promise<SourceError> {
  const error = await work.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SourceError);
  return error as SourceError;
}

const count = (path: string | RegExp) => garmin.requests.filter((r) => (typeof path === 'string' ? r.path === path : path.test(r.path))).length;
const EXCHANGE = '/oauth-service/oauth/exchange/user/2.0';
const mode = async (path: string) => (await stat(path)).mode & 0o777;

describe('GarminSource session', () => {
  it('logs in once with the password, saves the tokens privately, and a new source reuses them without a login', async () => {
    garmin.addActivity({ startTime: new Date('2026-11-30T07:00:00Z') });
    const first = await source({ credentials: CREDENTIALS }).listActivities(new Date('2026-11-01T00:00:00Z'));
    expect(first).toHaveLength(1);
    expect(count('/sso/signin')).toBe(2); // the form, then the post
    expect(count(EXCHANGE)).toBe(1);
    expect(await mode(store.dir)).toBe(0o700);
    expect(await mode(join(store.dir, 'oauth1_token.json'))).toBe(0o600);
    expect(await mode(join(store.dir, 'oauth2_token.json'))).toBe(0o600);
    const saved = await store.load();
    expect(saved?.oauth2.expires_at).toBeGreaterThan(Date.now() / 1000);

    const seen = garmin.requests.length;
    const again = await source().listActivities(new Date('2026-11-01T00:00:00Z'));
    expect(again).toEqual(first);
    const later = garmin.requests.slice(seen);
    expect(later.map((r) => r.path)).toEqual([LIST_PATH]);
    expect(later[0]!.authorization).toBe(`Bearer ${saved!.oauth2.access_token}`);
  });

  it('without tokens or credentials: auth, and Garmin is not asked', async () => {
    const error = await failure(source().listActivities(new Date('2026-11-01T00:00:00Z')));
    expect(error.kind).toBe('auth');
    expect(error.message).toMatch(/^No Garmin tokens yet/);
    expect(garmin.requests).toEqual([]);
  });

  it('an expired access token is renewed once for concurrent requests, and the new one is saved', async () => {
    const issued = await withSavedTokens();
    garmin.expireAccessToken();

    const thresholds = await source().thresholds(); // three requests at once, all 401 at first
    expect(thresholds).toEqual({ ftpW: 245, maxHrBpm: 185, weightKg: 83 });
    expect(count(EXCHANGE)).toBe(1);
    const saved = (await new GarminTokenStore(store.dir).load())!;
    expect(saved.oauth1).toEqual(issued.oauth1);
    expect(saved.oauth2.access_token).not.toBe(issued.oauth2.access_token);

    await source().listActivities(new Date('2026-11-01T00:00:00Z'));
    expect(count(EXCHANGE)).toBe(1);
    expect(garmin.requests.at(-1)!.authorization).toBe(`Bearer ${saved.oauth2.access_token}`);
  });

  it('revoked tokens: auth at once, on this instance and the next, and a later renewal still works', async () => {
    await withSavedTokens();
    garmin.revokeTokens();
    const revoked = source();
    for (const attempt of [revoked, revoked, source()]) {
      const error = await failure(attempt.listActivities(new Date('2026-11-01T00:00:00Z')));
      expect(error.kind).toBe('auth'); // not 'timeout': nothing waits on a renewal that will never come
      expect(error.message).toMatch(/renew the session/);
    }

    // the library's module-level "isRefreshing" would now hang every 401 in the process; ours does not
    await withSavedTokens();
    garmin.expireAccessToken();
    expect(await source().listActivities(new Date('2026-11-01T00:00:00Z'))).toEqual([]);
  });

  it('an MFA page: mfa, and no tokens saved', async () => {
    garmin.mfa = true;
    const error = await failure(source({ credentials: CREDENTIALS }).listActivities(new Date('2026-11-01T00:00:00Z')));
    expect(error.kind).toBe('mfa');
    expect(error.message).toMatch(/second factor/);
    expect(await store.load()).toBeUndefined();
    expect(count(/^\/oauth-service\//)).toBe(0);
  });

  it('a wrong password: the sign-in gives no ticket (mfa kind, as the contract says)', async () => {
    const error = await failure(source({ credentials: { username: USERNAME, password: 'wrong' } }).listActivities(new Date('2026-11-01T00:00:00Z')));
    expect(error.kind).toBe('mfa');
    expect(error.message).toMatch(/wrong username or password/);
  });

  it.each<[string, SourceErrorKind, Parameters<FakeGarmin['fail']>[1]]>([
    ['a Cloudflare page instead of the sign-in form', 'blocked', { status: 200, body: '<html><title>Just a moment...</title></html>' }],
    ['429 on the sign-in', 'rate_limited', { status: 429, body: '' }],
    ['403 on the sign-in', 'blocked', { status: 403, body: '<html>Forbidden</html>' }],
  ])('login: %s → %s', async (_, kind, fault) => {
    garmin.fail('/sso/signin', fault);
    expect((await failure(source({ credentials: CREDENTIALS }).listActivities(new Date()))).kind).toBe(kind);
  });

  it('a login whose OAuth consumer URL does not answer: timeout', async () => {
    garmin.fail('/oauth_consumer.json', 'hang');
    const error = await failure(source({ credentials: CREDENTIALS, timeoutMs: SHORT_TIMEOUT_MS }).listActivities(new Date()));
    expect(error.kind).toBe('timeout');
  });
});

describe('GarminSource failures', () => {
  it.each<[number, SourceErrorKind]>([
    [429, 'rate_limited'],
    [403, 'blocked'],
    [500, 'unavailable'],
    [503, 'unavailable'],
  ])('HTTP %i on the list → %s', async (status, kind) => {
    await withSavedTokens();
    garmin.fail(LIST_PATH, { status, body: '{"message":"nope"}' });
    const error = await failure(source().listActivities(new Date('2026-11-01T00:00:00Z')));
    expect(error.kind).toBe(kind);
    expect(error.status).toBe(status);
  });

  it('a list that never answers: timeout within timeoutMs', async () => {
    await withSavedTokens();
    garmin.fail(LIST_PATH, 'hang');
    const started = Date.now();
    const error = await failure(source({ timeoutMs: SHORT_TIMEOUT_MS }).listActivities(new Date('2026-11-01T00:00:00Z')));
    expect(error.kind).toBe('timeout');
    expect(Date.now() - started).toBeLessThan(SHORT_TIMEOUT_MS + 1_000);
  });

  it('broken JSON: malformed', async () => {
    await withSavedTokens();
    garmin.fail(LIST_PATH, 'malformed');
    expect((await failure(source().listActivities(new Date('2026-11-01T00:00:00Z')))).kind).toBe('malformed');
    garmin.fail('/biometric-service/heartRateZones', 'malformed');
    expect((await failure(source().thresholds())).kind).toBe('malformed');
  });

  it('a refused server: unavailable', async () => {
    await withSavedTokens();
    const closed = source();
    await garmin.stop();
    const error = await failure(closed.listActivities(new Date()));
    expect(error.kind).toBe('unavailable');
    expect(error.message).toMatch(/ECONNREFUSED/);
    garmin = await FakeGarmin.start(); // for afterEach
  });
});

describe('GarminSource.listActivities', () => {
  it('pages through more than 100 activities, keeps those since `since`, oldest first', async () => {
    await withSavedTokens();
    const day = 86_400_000;
    const newest = Date.parse('2026-11-30T06:30:00Z');
    const ids: number[] = [];
    for (let i = 0; i < 260; i++) {
      ids.push(garmin.addActivity({ startTime: new Date(newest - i * day), typeKey: i % 10 === 3 ? 'running' : 'road_biking', durationS: 3600 + i }));
    }
    const since = new Date(newest - 229.5 * day); // 230 activities are this recent

    const activities = await source().listActivities(since);
    expect(activities).toHaveLength(230);
    expect(activities.map((a) => a.id)).toEqual(ids.slice(0, 230).reverse().map(String));
    expect(activities.every((a, i) => i === 0 || a.startTime >= activities[i - 1]!.startTime)).toBe(true);
    expect(activities.every((a) => a.startTime >= since)).toBe(true);
    expect(activities.at(-1)).toEqual<RemoteActivity>({
      id: String(ids[0]),
      startTime: new Date(newest),
      name: 'Cuajimalpa de Morelos Road Cycling',
      type: 'road_biking',
      cycling: true,
      durationS: 3600,
      distanceM: 30_000,
    });
    expect(activities.find((a) => a.id === String(ids[3]))).toMatchObject({ type: 'running', cycling: false });

    const pages = garmin.requests.filter((r) => r.path === LIST_PATH).map((r) => Object.fromEntries(r.query));
    const startDate = new Date(since.getTime() - day).toISOString().slice(0, 10); // a day early, for time zones
    expect(pages).toEqual([0, 100, 200].map((start) => ({ start: String(start), limit: '100', startDate })));
  });

  it('maps the recorded (non-cycling) activity list', async () => {
    await withSavedTokens();
    garmin.fail(LIST_PATH, { status: 200, body: await fixture('activities-search.json') }, 1);
    const activities = await source().listActivities(new Date('2026-01-02T00:00:00Z'));
    expect(activities.map(({ id, startTime, type, cycling }) => ({ id, startTime: startTime.toISOString(), type, cycling }))).toEqual([
      { id: '21419635589', startTime: '2026-01-02T12:12:43.000Z', type: 'stand_up_paddleboarding_v2', cycling: false },
      { id: '21461718086', startTime: '2026-01-06T13:14:18.000Z', type: 'hiking', cycling: false },
      { id: '21482825013', startTime: '2026-01-08T14:10:21.000Z', type: 'trail_running', cycling: false },
    ]);
    expect(activities[2]).toMatchObject({ name: 'Cuajimalpa de Morelos - Base', durationS: 2223.326904296875, distanceM: 4261.18994140625 });
  });

  it('an answer that is not a list of activities: malformed', async () => {
    await withSavedTokens();
    garmin.fail(LIST_PATH, { status: 200, body: '{"activityList": []}' }, 1);
    expect((await failure(source().listActivities(new Date()))).kind).toBe('malformed');
    garmin.fail(LIST_PATH, { status: 200, body: '[{"activityId": 1, "activityName": "no start time"}]' }, 1);
    expect((await failure(source().listActivities(new Date()))).kind).toBe('malformed');
  });
});

describe('GarminSource.download', () => {
  const start = new Date('2026-11-28T08:00:00Z');
  const fit = syntheticRideFit({ start, seconds: 120, powerW: 210 });
  const remote = (id: number | string): RemoteActivity => ({
    id: String(id), startTime: start, name: null, type: 'road_biking', cycling: true, durationS: 120, distanceM: 960,
  });

  it('unzips the original FIT: the exact bytes', async () => {
    await withSavedTokens();
    const id = garmin.addActivity({ startTime: start, durationS: 120, file: fit });
    const file = await source().download(remote(id));
    expect(file.fileName).toBe(`${id}.fit`);
    expect(Buffer.from(file.bytes).equals(Buffer.from(fit))).toBe(true);
  });

  it('takes a bare FIT as it is, a GPX from a zip, and refuses anything else as malformed', async () => {
    await withSavedTokens();
    const download = (id: number) => `/download-service/files/activity/${id}`;
    garmin.fail(download(1), { status: 200, body: fit });
    expect(await source().download(remote(1))).toEqual({ bytes: new Uint8Array(fit), fileName: '1.fit' });

    const gpx = new TextEncoder().encode('<?xml version="1.0"?><gpx version="1.1"></gpx>');
    garmin.fail(download(2), { status: 200, body: zipSync({ '2.gpx': gpx }) });
    expect(await source().download(remote(2))).toEqual({ bytes: gpx, fileName: '2.gpx' });

    garmin.fail(download(3), { status: 200, body: zipSync({ 'readme.txt': gpx }) });
    expect((await failure(source().download(remote(3)))).kind).toBe('malformed');
    garmin.fail(download(4), { status: 200, body: '<html>Sign in</html>' });
    expect((await failure(source().download(remote(4)))).kind).toBe('malformed');
  });

  it('403 on one activity (the recorded refusal): refused, with Garmin\'s reason', async () => {
    await withSavedTokens();
    const id = garmin.addActivity({ startTime: start, file: fit });
    garmin.fail(`/download-service/files/activity/${id}`, { status: 403, body: await fixture('download-forbidden-403.json') });
    const error = await failure(source().download(remote(id)));
    expect(error.kind).toBe('refused');
    expect(error.message).toBe('Garmin refused this activity\'s file (HTTP 403: Only owner of activity allowed to access this operation)');
  });

  it('an activity without a file (404): refused; a 5xx: unavailable', async () => {
    await withSavedTokens();
    const id = garmin.addActivity({ startTime: start });
    expect((await failure(source().download(remote(id)))).kind).toBe('refused');
    garmin.fail('/download-service/', { status: 502, body: '<html>Bad Gateway</html>' });
    expect((await failure(source().download(remote(id)))).kind).toBe('unavailable');
  });
});

describe('GarminSource.thresholds', () => {
  it('reads weight, LTHR and max HR from the settings and zones, FTP from its own endpoint', async () => {
    await withSavedTokens();
    // the recorded settings have no LTHR and only DEFAULT zones
    expect(await source().thresholds()).toEqual({ ftpW: 245, maxHrBpm: 185, weightKg: 83 });

    const settings = JSON.parse(await fixture('user-settings.json'));
    settings.userData.lactateThresholdHeartRate = 168;
    settings.userData.weight = 71_450.0;
    const zones = JSON.parse(await fixture('heart-rate-zones.json'));
    zones.push({ ...zones[0], sport: 'CYCLING', maxHeartRateUsed: 191 });
    garmin.fail('/userprofile-service/userprofile/user-settings', { status: 200, body: JSON.stringify(settings) });
    garmin.fail('/biometric-service/heartRateZones', { status: 200, body: JSON.stringify(zones) });
    garmin.fail('/latestFunctionalThresholdPower/CYCLING', { status: 404, body: '' }, 1);
    expect(await source().thresholds()).toEqual({ lthrBpm: 168, maxHrBpm: 191, weightKg: 71.5 });
    garmin.fail('/latestFunctionalThresholdPower/CYCLING', { status: 204 }, 1);
    expect(await source().thresholds()).toEqual({ lthrBpm: 168, maxHrBpm: 191, weightKg: 71.5 });
  });

  it('reports the numbers as Garmin has them (grams as kg), leaving out what is unset (0 or null)', async () => {
    await withSavedTokens();
    const settings = JSON.parse(await fixture('user-settings.json'));
    settings.userData.weight = 830; // someone typed 0.83 kg: the sync, not the source, judges it
    settings.userData.lactateThresholdHeartRate = 0;
    garmin.fail('/userprofile-service/userprofile/user-settings', { status: 200, body: JSON.stringify(settings) });
    garmin.fail('/latestFunctionalThresholdPower/CYCLING', { status: 200, body: '{"sport":"CYCLING","functionalThresholdPower":2450}' });
    expect(await source().thresholds()).toEqual({ ftpW: 2450, maxHrBpm: 185, weightKg: 0.8 });
  });
});

describe('GarminSource secrets', () => {
  it('never prints or logs the password or a token, nor puts one in an error', async () => {
    garmin.addActivity({ startTime: new Date('2026-11-30T07:00:00Z') });
    const errors: unknown[] = [];
    const capture = (work: Promise<unknown>) => work.catch((e: unknown) => void errors.push(e));

    const fresh = source({ credentials: CREDENTIALS });
    await fresh.listActivities(new Date('2026-11-01T00:00:00Z'));
    const secrets = [PASSWORD];
    const remember = async () => {
      const tokens = (await store.load())!;
      secrets.push(tokens.oauth1.oauth_token_secret, tokens.oauth2.access_token, tokens.oauth2.refresh_token);
    };
    await remember();
    garmin.expireAccessToken();
    await fresh.thresholds(); // renewed
    await remember();
    garmin.fail(/download-service/, { status: 403, body: await fixture('download-forbidden-403.json') }, 1);
    await capture(fresh.download({ id: '1', startTime: new Date(), name: null, type: 'road_biking', cycling: true, durationS: null, distanceM: null }));
    garmin.revokeTokens();
    await capture(fresh.listActivities(new Date('2026-11-01T00:00:00Z')));
    // the refused tokens were dropped: with a password, the next source logs in afresh
    await source({ credentials: CREDENTIALS }).thresholds();
    await remember();
    garmin.mfa = true;
    await store.clear();
    await capture(source({ credentials: CREDENTIALS }).listActivities(new Date()));
    expect((errors as SourceError[]).map((e) => e.kind)).toEqual(['refused', 'auth', 'mfa']);

    const printed = [consoleOutput.join('\n'), logs.text, ...errors.map((e) => `${inspect(e, { depth: 8 })} ${JSON.stringify(e)}`)].join('\n');
    expect(consoleOutput).toEqual([]); // nothing reaches stdout beside our JSON log lines
    expect(logs.text).toMatch(/tokens saved/);
    for (const secret of secrets) expect(printed).not.toContain(secret);
  });
});
