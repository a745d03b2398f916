import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SourceError } from '../../src/integrations/activity-source.ts';
import { IntervalsSource } from '../../src/integrations/intervals.ts';
import { createLogger } from '../../src/logger.ts';
import { FakeIntervals } from '../support/fake-intervals.ts';
import { syntheticRideFit } from '../support/fit-writer.ts';
import { LogCapture } from '../support/logs.ts';

const TIMEOUT_MS = 300;
const STRAVA_SENTENCE = 'intervals.icu cannot share activities imported from Strava; send the file in the chat or let Garmin sync it';
const SINCE = new Date('2024-05-10T00:00:00Z');
const GPX = '<?xml version="1.0" encoding="UTF-8"?>\n<gpx version="1.1" creator="test"><trk><trkseg/></trk></gpx>';
const TCX = '<?xml version="1.0"?>\n<TrainingCenterDatabase xmlns="http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2"/>';

let icu: FakeIntervals;
let logs: LogCapture;

beforeEach(async () => {
  icu = await FakeIntervals.start();
  logs = new LogCapture();
});
afterEach(async () => {
  await icu.stop();
});

function source(overrides: { apiKey?: string; athleteId?: string; baseUrl?: string } = {}): IntervalsSource {
  // No secrets for the scrubber: the adapter must keep the key out of the log by itself.
  const logger = createLogger({ level: 'debug', pretty: false, secrets: [], destination: logs });
  return new IntervalsSource({ apiKey: icu.apiKey, athleteId: icu.athleteId, baseUrl: icu.baseUrl, timeoutMs: TIMEOUT_MS, logger, ...overrides });
}

function failure(promise: Promise<unknown>): Promise<SourceError> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => {
      expect(error).toBeInstanceOf(SourceError);
      return error as SourceError;
    },
  );
}

const fit = (start: Date, seconds = 120) => syntheticRideFit({ start, seconds, powerW: 210, hrBpm: 140 });
const text = (s: string) => new TextEncoder().encode(s);
const basic = (key: string) => Buffer.from(`API_KEY:${key}`).toString('base64');

describe('IntervalsSource.listActivities', () => {
  it('lists every activity that started since the moment, oldest first, in UTC', async () => {
    icu.setAthlete({ timezone: 'America/New_York' }); // UTC-4 in May: local dates lag UTC ones
    icu.addActivity({ startTime: new Date('2024-05-09T23:00:00Z') }); // before `since`
    const lateEvening = icu.addActivity({ startTime: new Date('2024-05-10T02:00:00Z') }); // local May 9, 22:00
    const run = icu.addActivity({ startTime: new Date('2024-05-11T10:00:00Z'), type: 'Run', name: 'Easy run', distanceM: 8000 });
    const gravel = icu.addActivity({ startTime: new Date('2024-05-11T07:00:00Z'), type: 'GravelRide' });
    const zwift = icu.addActivity({ startTime: new Date('2024-05-12T18:00:00Z'), type: 'VirtualRide', name: 'Zwift - Watopia', durationS: 2700, distanceM: 25_000 });

    const listed = await source().listActivities(SINCE);

    expect(listed.map((a) => [a.id, a.cycling])).toEqual([[lateEvening, true], [gravel, true], [run, false], [zwift, true]]);
    expect(listed[3]).toEqual({
      id: zwift,
      startTime: new Date('2024-05-12T18:00:00Z'),
      name: 'Zwift - Watopia',
      type: 'VirtualRide',
      cycling: true,
      durationS: 2700,
      distanceM: 25_000,
    });
    expect(icu.requests).toHaveLength(1); // no stub, so no athlete request for the time zone
    const [request] = icu.requests;
    expect(request?.path).toBe(`/api/v1/athlete/${icu.athleteId}/activities`);
    expect(request?.query.get('oldest')).toBe('2024-05-09');
    expect(request?.authorization).toBe(`Basic ${basic(icu.apiKey)}`);
  });

  it('lists a Strava import as unavailable, placed in UTC by the athlete\'s time zone', async () => {
    icu.setAthlete({ timezone: 'Asia/Tokyo' });
    const stub = icu.addActivity({ startTime: new Date('2024-05-10T06:15:00Z'), source: 'STRAVA' });
    const ride = icu.addActivity({ startTime: new Date('2024-05-10T08:00:00Z'), file: fit(new Date('2024-05-10T08:00:00Z')) });
    const intervals = source();

    const listed = await intervals.listActivities(SINCE);

    expect(listed).toEqual([
      { id: stub, startTime: new Date('2024-05-10T06:15:00Z'), name: null, type: 'Unknown', cycling: true, durationS: null, distanceM: null, unavailable: STRAVA_SENTENCE },
      expect.objectContaining({ id: ride, cycling: true }),
    ]);
    expect(listed[1]).not.toHaveProperty('unavailable');
    expect(stub).toMatch(/^\d+$/); // a Strava id, not an "i…" one
    expect(icu.requests.map((r) => r.path)).toEqual([`/api/v1/athlete/${icu.athleteId}/activities`, `/api/v1/athlete/${icu.athleteId}`]);

    const refused = await failure(intervals.download(listed[0]!));
    expect(refused).toMatchObject({ kind: 'refused', status: 422, message: STRAVA_SENTENCE });
  });

  it('returns nothing when nothing started since', async () => {
    icu.addActivity({ startTime: new Date('2024-04-01T10:00:00Z') });
    expect(await source().listActivities(SINCE)).toEqual([]);
  });
});

describe('IntervalsSource.download', () => {
  it.each([
    ['gzipped', true],
    ['plain', false],
  ])('hands out the exact FIT bytes of a %s original', async (_label, gzip) => {
    const start = new Date('2024-05-10T08:00:00Z');
    const bytes = fit(start);
    const id = icu.addActivity({ startTime: start, file: bytes, gzip });
    const [activity] = await source().listActivities(SINCE);

    const file = await source().download(activity!);

    expect(file.fileName).toBe(`${id}.fit`);
    expect(file.bytes).toEqual(bytes);
    expect(icu.requests.at(-1)?.path).toBe(`/api/v1/activity/${id}/file`);
  });

  it.each([
    ['gpx', GPX],
    ['tcx', TCX],
  ])('names a %s original by its content', async (ext, xml) => {
    const id = icu.addActivity({ startTime: new Date('2024-05-10T08:00:00Z'), file: text(xml) });
    const [activity] = await source().listActivities(SINCE);
    const file = await source().download(activity!);
    expect(file.fileName).toBe(`${id}.${ext}`);
    expect(new TextDecoder().decode(file.bytes)).toBe(xml);
  });

  it('refuses one missing file (404) and still hands out the others', async () => {
    const start = new Date('2024-05-10T08:00:00Z');
    const missing = icu.addActivity({ startTime: start, file: fit(start) });
    const fine = icu.addActivity({ startTime: new Date('2024-05-11T08:00:00Z'), file: fit(start) });
    const manual = icu.addActivity({ startTime: new Date('2024-05-12T08:00:00Z') }); // a manual entry: no file at all
    icu.fail(`/activity/${missing}/file`, { status: 404 });
    const intervals = source();
    const listed = await intervals.listActivities(SINCE);

    const refused = await failure(intervals.download(listed[0]!));
    expect(refused).toMatchObject({ kind: 'refused', status: 404, pausesSource: false });
    expect(refused.message).toContain(missing);
    expect((await intervals.download(listed[1]!)).fileName).toBe(`${fine}.fit`);
    expect(await failure(intervals.download(listed[2]!))).toMatchObject({ kind: 'refused', status: 404 });
    expect(listed[2]?.id).toBe(manual);
  });

  it('calls a file that is no ride file malformed', async () => {
    icu.addActivity({ startTime: new Date('2024-05-10T08:00:00Z'), file: text('<html><body>Maintenance</body></html>') });
    const [activity] = await source().listActivities(SINCE);
    expect(await failure(source().download(activity!))).toMatchObject({ kind: 'malformed' });
  });
});

describe('IntervalsSource.thresholds', () => {
  it('reads FTP, LTHR and max HR from the Ride sport settings, and the weight', async () => {
    expect(await source().thresholds()).toEqual({ ftpW: 250, lthrBpm: 165, maxHrBpm: 185, weightKg: 72.5 });
    expect(icu.requests[0]?.path).toBe(`/api/v1/athlete/${icu.athleteId}`);
  });

  it('leaves out what is absent or zero (the sync judges the rest), and ignores other sports', async () => {
    icu.setAthlete({
      icu_weight: null,
      weight: 4,
      sportSettings: [
        { id: 1, types: ['Run', 'TrailRun'], ftp: 300, lthr: 172, max_hr: 191 },
        { id: 2, types: ['VirtualRide'], ftp: 0, lthr: 160, max_hr: 999 },
      ],
    });
    expect(await source().thresholds()).toEqual({ lthrBpm: 160, maxHrBpm: 999, weightKg: 4 });
  });

  it('says nothing without cycling settings', async () => {
    icu.setAthlete({ icu_weight: 68.2, sportSettings: [{ id: 1, types: ['Run'], ftp: null, lthr: 170, max_hr: 190 }] });
    expect(await source().thresholds()).toEqual({ weightKg: 68.2 });
  });
});

describe('IntervalsSource failures', () => {
  it('calls a wrong API key an auth failure, and the key appears nowhere', async () => {
    const wrongKey = 'wrong-key-7f3a9c2e5b';
    icu.addActivity({ startTime: new Date('2024-05-10T08:00:00Z'), file: fit(new Date('2024-05-10T08:00:00Z')) });
    const good = source();
    const [activity] = await good.listActivities(SINCE);
    await good.download(activity!);
    await good.thresholds();

    const bad = source({ apiKey: wrongKey });
    const errors = [await failure(bad.listActivities(SINCE)), await failure(bad.thresholds()), await failure(bad.download(activity!))];

    for (const error of errors) {
      expect(error).toMatchObject({ kind: 'auth', status: 401, pausesSource: true });
      expect(error.message).toContain('INTERVALS_API_KEY');
    }
    const everything = [logs.text, ...errors.map((e) => `${e.message}\n${e.stack}\n${String(e.cause)}`)].join('\n');
    expect(logs.text).toContain('intervals.icu request'); // the log was written, just without secrets
    for (const secret of [icu.apiKey, wrongKey, basic(icu.apiKey), basic(wrongKey)]) expect(everything).not.toContain(secret);
  });

  it('calls another athlete id an auth failure naming the athlete id', async () => {
    const error = await failure(source({ athleteId: 'i999999' }).listActivities(SINCE));
    expect(error).toMatchObject({ kind: 'auth', status: 403 });
    expect(error.message).toContain('INTERVALS_ATHLETE_ID');
    icu.fail('/athlete/', { status: 404 }); // an athlete id that does not exist at all
    expect(await failure(source().thresholds())).toMatchObject({ kind: 'auth', status: 404 });
  });

  it('pauses on 429', async () => {
    icu.fail('/activities', { status: 429 });
    expect(await failure(source().listActivities(SINCE))).toMatchObject({ kind: 'rate_limited', status: 429, pausesSource: true });
  });

  it('calls a 5xx unavailable, and the next call works', async () => {
    icu.fail('/activities', { status: 503, body: '<html>503 Service Temporarily Unavailable</html>' });
    const intervals = source();
    expect(await failure(intervals.listActivities(SINCE))).toMatchObject({ kind: 'unavailable', status: 503, pausesSource: false });
    expect(await intervals.listActivities(SINCE)).toEqual([]);
  });

  it('calls a firewall 403 blocked', async () => {
    icu.fail('/athlete/', { status: 403, body: 'error code: 1010' });
    expect(await failure(source().thresholds())).toMatchObject({ kind: 'blocked', status: 403, pausesSource: true });
  });

  it('calls an unreachable server unavailable', async () => {
    const gone = await FakeIntervals.start();
    await gone.stop();
    const error = await failure(source({ baseUrl: gone.baseUrl }).listActivities(SINCE));
    expect(error).toMatchObject({ kind: 'unavailable' });
    expect(error.message).toContain('ECONNREFUSED');
  });

  it.each([
    ['listing', '/activities', (s: IntervalsSource) => s.listActivities(SINCE)],
    ['the athlete profile', '/athlete/', (s: IntervalsSource) => s.thresholds()],
    ['a download', '/file', (s: IntervalsSource) => s.download({ id: 'i41000001', startTime: SINCE, name: null, type: 'Ride', cycling: true, durationS: null, distanceM: null })],
  ])('gives up on %s that hangs after the configured timeout', async (_label, path, call) => {
    icu.fail(path, 'hang');
    const started = Date.now();
    const error = await failure(call(source()));
    const elapsed = Date.now() - started;
    expect(error).toMatchObject({ kind: 'timeout' });
    expect(elapsed).toBeGreaterThanOrEqual(TIMEOUT_MS - 20);
    expect(elapsed).toBeLessThan(TIMEOUT_MS + 1500);
  });

  it('calls broken JSON and an unknown shape malformed', async () => {
    icu.fail('/activities', 'malformed');
    icu.fail('/activities', { status: 200, body: '{"activities":[]}' });
    icu.fail(/\/athlete\/[^/]+$/, { status: 200, body: '{"sportSettings":"Ride"}' });
    const intervals = source();
    expect(await failure(intervals.listActivities(SINCE))).toMatchObject({ kind: 'malformed' });
    expect(await failure(intervals.listActivities(SINCE))).toMatchObject({ kind: 'malformed' });
    expect(await failure(intervals.thresholds())).toMatchObject({ kind: 'malformed', message: expect.stringContaining('sportSettings') });
  });
});

describe('FakeIntervals', () => {
  const get = (path: string, key = icu.apiKey) => fetch(`${icu.baseUrl}${path}`, { headers: { authorization: `Basic ${basic(key)}` } });

  it('answers 401 in intervals.icu\'s error shape without the right key', async () => {
    const res = await fetch(`${icu.baseUrl}/api/v1/athlete/${icu.athleteId}`);
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ status: 401, error: 'Unauthorized' });
    expect((await get(`/api/v1/athlete/${icu.athleteId}`, 'nope')).status).toBe(401);
  });

  it('lists newest first between inclusive local dates, and needs oldest', async () => {
    icu.setAthlete({ timezone: 'Europe/Amsterdam' }); // UTC+2 in May
    const early = icu.addActivity({ startTime: new Date('2024-05-09T22:30:00Z') }); // local May 10, 00:30
    const late = icu.addActivity({ startTime: new Date('2024-05-10T21:30:00Z') }); // local May 10, 23:30
    icu.addActivity({ startTime: new Date('2024-05-10T22:30:00Z') }); // local May 11
    const res = await get(`/api/v1/athlete/${icu.athleteId}/activities?oldest=2024-05-10&newest=2024-05-10`);
    const body = (await res.json()) as { id: string; start_date_local: string; start_date: string }[];
    expect(body.map((a) => [a.id, a.start_date_local, a.start_date])).toEqual([
      [late, '2024-05-10T23:30:00', '2024-05-10T21:30:00Z'],
      [early, '2024-05-10T00:30:00', '2024-05-09T22:30:00Z'],
    ]);
    expect((await get(`/api/v1/athlete/0/activities?oldest=2024-05-10&newest=2024-05-10`)).status).toBe(200);
    const noOldest = await get(`/api/v1/athlete/${icu.athleteId}/activities`);
    expect(noOldest.status).toBe(422);
  });

  it('refuses another athlete, and fails a request only as often as told', async () => {
    expect((await get('/api/v1/athlete/i42')).status).toBe(403);
    icu.fail(/\/athlete\/[^/]+$/, { status: 502 }, 2);
    expect((await get(`/api/v1/athlete/${icu.athleteId}`)).status).toBe(502);
    expect((await get(`/api/v1/athlete/${icu.athleteId}`)).status).toBe(502);
    expect((await get(`/api/v1/athlete/${icu.athleteId}`)).status).toBe(200);
    expect(icu.requests).toHaveLength(4);
  });
});
