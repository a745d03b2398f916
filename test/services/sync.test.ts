import { and, asc, count, desc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/client.ts';
import { analyses, riderProfile, sourceState, syncItems, syncLog, workouts } from '../../src/db/schema.ts';
import { InvalidInput } from '../../src/domain/errors.ts';
import { decodeRideFile } from '../../src/domain/ride-file.ts';
import {
  SourceError,
  type ActivitySource,
  type RemoteActivity,
  type RemoteFile,
  type SourceErrorKind,
  type SourceId,
  type SourceThresholds,
} from '../../src/integrations/activity-source.ts';
import { createLogger } from '../../src/logger.ts';
import { ProfileService } from '../../src/services/profile.ts';
import { RideService } from '../../src/services/rides.ts';
import { COOLDOWN_FIRST_MS, COOLDOWN_MAX_MS, SyncService, type SourceOutcome, type SyncReport } from '../../src/services/sync.ts';
import { openTestDatabase } from '../support/database.ts';
import { syntheticRideFit } from '../support/fit-writer.ts';
import { LogCapture } from '../support/logs.ts';

/**
 * SyncService against a real database (PGlite, or PostgreSQL with
 * TEST_DATABASE_URL) and an in-memory ActivitySource: what it asks the source,
 * which rows it leaves behind, and what it reports.
 */

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;
const T0 = new Date('2026-03-10T12:00:00Z');

// ---------------------------------------------------------------------------
// The fake source

interface FakeActivity {
  id: string;
  startTime: Date;
  name: string | null;
  type: string;
  cycling: boolean;
  /** The file handed out; absent: the download is refused (404). */
  bytes?: Uint8Array;
  unavailable?: string;
}

/** One scripted answer: throw this error, or hold the call until the promise settles (a rejection is thrown). */
type Step = Error | { hold: Promise<unknown> };

type Call = { op: 'list'; since: Date } | { op: 'download'; id: string } | { op: 'thresholds' };

class FakeSource implements ActivitySource {
  readonly activities: FakeActivity[] = [];
  readonly calls: Call[] = [];
  /** Consumed one per call. */
  readonly listSteps: Step[] = [];
  readonly thresholdSteps: Step[] = [];
  /** Per activity id, consumed one per download of it. */
  readonly downloadSteps = new Map<string, Step[]>();
  thresholdValues: SourceThresholds = {};

  constructor(readonly id: SourceId) {}

  add(...activities: FakeActivity[]): this {
    this.activities.push(...activities);
    return this;
  }

  error(kind: SourceErrorKind, status?: number, message = `${kind}${status ? ` (HTTP ${status})` : ''}`): SourceError {
    return new SourceError(this.id, kind, message, status);
  }

  failList(...steps: Step[]): this {
    this.listSteps.push(...steps);
    return this;
  }

  failDownload(activityId: string, ...steps: Step[]): this {
    this.downloadSteps.set(activityId, [...(this.downloadSteps.get(activityId) ?? []), ...steps]);
    return this;
  }

  get listCalls(): Date[] {
    return this.calls.flatMap((c) => (c.op === 'list' ? [c.since] : []));
  }

  get downloads(): string[] {
    return this.calls.flatMap((c) => (c.op === 'download' ? [c.id] : []));
  }

  /** In the order they were added (not sorted: the sync must order them itself). */
  async listActivities(since: Date): Promise<RemoteActivity[]> {
    this.calls.push({ op: 'list', since });
    await play(this.listSteps.shift());
    return this.activities
      .filter((a) => a.startTime.getTime() >= since.getTime())
      .map((a) => ({
        id: a.id,
        startTime: a.startTime,
        name: a.name,
        type: a.type,
        cycling: a.cycling,
        durationS: null,
        distanceM: null,
        ...(a.unavailable ? { unavailable: a.unavailable } : {}),
      }));
  }

  async download(activity: RemoteActivity): Promise<RemoteFile> {
    this.calls.push({ op: 'download', id: activity.id });
    await play(this.downloadSteps.get(activity.id)?.shift());
    const found = this.activities.find((a) => a.id === activity.id);
    if (!found?.bytes) throw this.error('refused', 404, `no file for ${activity.id}`);
    return { bytes: found.bytes, fileName: `${activity.id}.fit` };
  }

  async thresholds(): Promise<SourceThresholds> {
    this.calls.push({ op: 'thresholds' });
    await play(this.thresholdSteps.shift());
    return { ...this.thresholdValues };
  }
}

async function play(step: Step | undefined): Promise<void> {
  if (step === undefined) return;
  if (step instanceof Error) throw step;
  await step.hold;
}

function gate(): { promise: Promise<void>; open(): void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

// ---------------------------------------------------------------------------
// Rides

const fitCache = new Map<string, Uint8Array>();

/** A 10-minute ride (or run) starting at `start`, as a FIT file; each start is a different file. */
function fitAt(start: Date, sport: 'cycling' | 'running' = 'cycling'): Uint8Array {
  const key = `${start.toISOString()}/${sport}`;
  let bytes = fitCache.get(key);
  if (!bytes) {
    bytes = syntheticRideFit({ start, seconds: 600, powerW: sport === 'cycling' ? 200 : undefined, hrBpm: 140, sport });
    fitCache.set(key, bytes);
  }
  return bytes;
}

/** An activity that started `hoursAgo` hours before T0 (whole seconds, as FIT stores them). */
function activity(id: string, hoursAgo: number, opts: { sport?: 'cycling' | 'running'; from?: Date; name?: string | null } = {}): FakeActivity {
  const sport = opts.sport ?? 'cycling';
  const startTime = new Date(Math.floor(((opts.from ?? T0).getTime() - hoursAgo * HOUR_MS) / 1000) * 1000);
  return {
    id,
    startTime,
    name: opts.name === undefined ? `Activity ${id}` : opts.name,
    type: sport === 'cycling' ? 'road_biking' : 'running',
    cycling: sport === 'cycling',
    bytes: fitAt(startTime, sport),
  };
}

// ---------------------------------------------------------------------------
// The service under test

let database: Database;
let close: () => Promise<void>;
let now = T0;
let profiles: ProfileService;
let rides: RideService;
const logs = new LogCapture();
const logger = createLogger({ level: 'silent', pretty: false, secrets: [], destination: logs });

interface Catalog {
  sources: Partial<Record<SourceId, FakeSource>>;
  hashes: Partial<Record<SourceId, string>>;
  setupHashCalls: SourceId[];
}

function catalog(...fakes: FakeSource[]): Catalog {
  return { sources: Object.fromEntries(fakes.map((f) => [f.id, f])), hashes: {}, setupHashCalls: [] };
}

function service(cat: Catalog): SyncService {
  return new SyncService({
    db: database.db,
    rides,
    profiles,
    sources: {
      active: async () => (['garmin', 'intervals'] as const).filter((id) => cat.sources[id] !== undefined),
      open: async (id) => {
        const source = cat.sources[id];
        if (!source) throw new Error(`${id} is not configured`);
        return source;
      },
      setupHash: (id) => {
        cat.setupHashCalls.push(id);
        return cat.hashes[id] ?? 'setup-1';
      },
    },
    backfillDays: 42,
    logger,
    now: () => now,
  });
}

/** Sync with one source: its outcome (the report must hold exactly that one). */
async function runOne(sync: SyncService, signal?: AbortSignal, onProgress?: Parameters<SyncService['run']>[1]): Promise<SourceOutcome> {
  const report = await sync.run('schedule', onProgress, signal);
  expect(report.outcomes).toHaveLength(1);
  return report.outcomes[0]!;
}

const db = () => database.db;
const items = (source?: SourceId) =>
  db()
    .select()
    .from(syncItems)
    .where(source ? eq(syncItems.source, source) : undefined)
    .orderBy(asc(syncItems.startTime), asc(syncItems.id));
const item = async (source: SourceId, activityId: string) =>
  (await db().select().from(syncItems).where(and(eq(syncItems.source, source), eq(syncItems.activityId, activityId))))[0];
const runs = (source?: SourceId) => db().select().from(syncLog).where(source ? eq(syncLog.source, source) : undefined).orderBy(asc(syncLog.id));
const lastRun = async (source: SourceId) => (await db().select().from(syncLog).where(eq(syncLog.source, source)).orderBy(desc(syncLog.id)).limit(1))[0];
const state = async (source: SourceId) => (await db().select().from(sourceState).where(eq(sourceState.source, source)))[0];
const allWorkouts = () => db().select({ id: workouts.id, source: workouts.source, sourceActivityId: workouts.sourceActivityId, startTime: workouts.startTime, type: workouts.type }).from(workouts).orderBy(asc(workouts.id));
const workoutCount = async () => (await db().select({ n: count() }).from(workouts))[0]!.n;
const analysedWorkouts = async () => (await db().select({ workoutId: analyses.workoutId }).from(analyses).orderBy(asc(analyses.workoutId))).map((r) => r.workoutId);

beforeAll(async () => {
  const opened = await openTestDatabase();
  database = opened.database;
  close = opened.close;
  profiles = new ProfileService(database.db, 'UTC');
  rides = new RideService({ db: database.db, profiles, now: () => now });
});

afterAll(async () => {
  await close?.();
});

beforeEach(async () => {
  now = T0;
  await db().delete(syncItems);
  await db().delete(syncLog);
  await db().delete(sourceState);
  await db().delete(analyses);
  await db().delete(workouts);
  await db().delete(riderProfile);
});

// ---------------------------------------------------------------------------

describe('SyncService: listing and importing', () => {
  it('first run lists from now − backfillDays, later runs from the newest known start − 3 days; known activities are not imported again', async () => {
    // given newest first: the sync must store them oldest first
    const garmin = new FakeSource('garmin').add(activity('d', 5), activity('c', 48), activity('b', 30 * 24), activity('old', 50 * 24));
    const sync = service(catalog(garmin));

    const firstReport = await sync.run('schedule');
    const first = firstReport.outcomes[0]!;
    expect(firstReport.outcomes).toHaveLength(1);
    expect(garmin.listCalls).toEqual([new Date(T0.getTime() - 42 * DAY_MS)]);
    expect(first).toMatchObject({ status: 'ok', found: 3, duplicates: 0, pending: [], skipped: [], tell: false });
    expect(first.imported).toHaveLength(3);
    expect(garmin.downloads).toEqual(['b', 'c', 'd']);

    const stored = await allWorkouts();
    expect(stored.map((w) => w.sourceActivityId)).toEqual(['b', 'c', 'd']);
    expect(stored.map((w) => w.id)).toEqual(first.imported);
    expect(firstReport).toMatchObject({ trigger: 'schedule', newRides: first.imported, batch: false });
    await sync.markAnnounced(firstReport.newRides);
    expect(stored.every((w) => w.source === 'garmin')).toBe(true);
    expect((await items('garmin')).map((i) => [i.activityId, i.status, i.workoutId, i.attempts])).toEqual([
      ['b', 'imported', first.imported[0], 1],
      ['c', 'imported', first.imported[1], 1],
      ['d', 'imported', first.imported[2], 1],
    ]);
    expect(await runs('garmin')).toEqual([
      expect.objectContaining({ status: 'ok', trigger: 'schedule', activitiesFound: 3, activitiesSynced: 3, activitiesPending: 0, errorMessage: null, lastSyncTime: T0 }),
    ]);

    // a day later: one new ride; the listing overlaps the newest known by 3 days
    now = new Date(T0.getTime() + DAY_MS);
    garmin.add(activity('e', 1, { from: now }));
    const secondReport = await sync.run('command');
    const second = secondReport.outcomes[0]!;
    // told rides are not told again
    expect(secondReport.newRides).toEqual(second.imported);
    const d = garmin.activities.find((a) => a.id === 'd')!;
    expect(garmin.listCalls[1]).toEqual(new Date(d.startTime.getTime() - 3 * DAY_MS));
    expect(second).toMatchObject({ status: 'ok', found: 1, duplicates: 0, pending: [] });
    expect(second.imported).toHaveLength(1);
    expect(garmin.downloads).toEqual(['b', 'c', 'd', 'e']);
    expect((await allWorkouts()).map((w) => w.sourceActivityId)).toEqual(['b', 'c', 'd', 'e']);
    expect(await lastRun('garmin')).toMatchObject({ status: 'ok', trigger: 'command', activitiesFound: 1, activitiesSynced: 1, activitiesPending: 0 });
    await sync.markAnnounced(secondReport.newRides);
    expect((await items('garmin')).map((i) => i.announcedAt)).toEqual([T0, T0, T0, now]);

    // nothing new: nothing found, nothing downloaded
    const thirdReport = await sync.run('schedule');
    expect(thirdReport.newRides).toEqual([]);
    const third = thirdReport.outcomes[0]!;
    const e = garmin.activities.find((a) => a.id === 'e')!;
    expect(garmin.listCalls[2]).toEqual(new Date(e.startTime.getTime() - 3 * DAY_MS));
    expect(third).toMatchObject({ status: 'ok', found: 0, imported: [], duplicates: 0 });
    expect(garmin.downloads).toHaveLength(4);
    expect(await workoutCount()).toBe(4);
    expect(await lastRun('garmin')).toMatchObject({ status: 'ok', activitiesFound: 0, activitiesSynced: 0, activitiesPending: 0 });
    expect(await runs('garmin')).toHaveLength(3);
  });

  it('an activity the source will never hand out is stored as skipped with its reason, and never downloaded', async () => {
    const garmin = new FakeSource('garmin').add(activity('a', 30), { ...activity('manual', 20), bytes: undefined, unavailable: 'a manual entry has no file' });
    const outcome = await runOne(service(catalog(garmin)));
    expect(outcome.status).toBe('ok');
    expect(outcome.found).toBe(2);
    expect(outcome.imported).toHaveLength(1);
    expect(outcome.skipped).toEqual([{ activityId: 'manual', name: 'Activity manual', reason: 'a manual entry has no file' }]);
    expect(garmin.downloads).toEqual(['a']);
    expect(await item('garmin', 'manual')).toMatchObject({ status: 'skipped', lastError: 'a manual entry has no file', workoutId: null, attempts: 0 });
    expect((await lastRun('garmin'))!.errorMessage).toContain('skipped manual (Activity manual): a manual entry has no file');

    // the next run neither reports nor asks for it again
    const again = await runOne(service(catalog(garmin)));
    expect(again).toMatchObject({ status: 'ok', found: 0, skipped: [] });
    expect(garmin.downloads).toEqual(['a']);
  });
});

describe('SyncService: one run per source', () => {
  it('three services on one database at once: one run per source holds it, the others are busy; every ride stored once', async () => {
    const garmin = new FakeSource('garmin').add(activity('g1', 50), activity('g2', 30), activity('g3', 5));
    const intervals = new FakeSource('intervals').add(activity('i1', 70), activity('i2', 10));
    // each source's listing is held until the two other services have gone past it (busy), so the holder
    // is still running whatever the timing; a broken lock lets the holds go after 5 s and the assertions fail
    const holds = { garmin: gate(), intervals: gate() };
    garmin.failList({ hold: holds.garmin.promise });
    intervals.failList({ hold: holds.intervals.promise });
    const fallback = setTimeout(() => {
      holds.garmin.open();
      holds.intervals.open();
    }, 5000);

    const cats = [0, 1, 2].map(() => catalog(garmin, intervals));
    const done = [false, false, false];
    const passed = (source: SourceId) =>
      cats.filter((c, i) => done[i] || (source === 'garmin' && c.setupHashCalls.includes('intervals'))).length;
    const check = () => {
      if (passed('garmin') >= 2) holds.garmin.open();
      if (passed('intervals') >= 2) holds.intervals.open();
    };
    const watcher = setInterval(check, 2);
    let reports: SyncReport[];
    try {
      reports = await Promise.all(
        cats.map((c, i) =>
          service(c)
            .run('schedule')
            .finally(() => {
              done[i] = true;
            }),
        ),
      );
    } finally {
      clearInterval(watcher);
      clearTimeout(fallback);
    }

    for (const source of ['garmin', 'intervals'] as const) {
      const outcomes = reports.map((r) => r.outcomes.find((o) => o.source === source)!);
      expect(outcomes.map((o) => o.status).sort()).toEqual(['busy', 'busy', 'ok']);
      for (const busy of outcomes.filter((o) => o.status === 'busy')) expect(busy).toMatchObject({ found: 0, imported: [], tell: false });
    }
    expect(garmin.listCalls).toHaveLength(1);
    expect(intervals.listCalls).toHaveLength(1);
    expect(garmin.downloads.sort()).toEqual(['g1', 'g2', 'g3']);
    expect(intervals.downloads.sort()).toEqual(['i1', 'i2']);
    const imported = reports.flatMap((r) => r.outcomes.flatMap((o) => o.imported));
    expect(new Set(imported).size).toBe(5);
    expect(imported).toHaveLength(5);
    expect((await allWorkouts()).map((w) => `${w.source}/${w.sourceActivityId}`).sort()).toEqual(['garmin/g1', 'garmin/g2', 'garmin/g3', 'intervals/i1', 'intervals/i2']);
    expect((await runs()).map((r) => [r.source, r.status])).toEqual([
      ['garmin', 'ok'],
      ['intervals', 'ok'],
    ]);
  });

  it('a running row that still beats holds the source; one silent for over 2 minutes is closed as interrupted and the run proceeds', async () => {
    const garmin = new FakeSource('garmin').add(activity('a', 10));
    const sync = service(catalog(garmin));
    const [alive] = await db()
      .insert(syncLog)
      .values({ source: 'garmin', status: 'running', trigger: 'schedule', startedAt: new Date(T0.getTime() - 10 * MINUTE_MS), heartbeatAt: new Date(T0.getTime() - MINUTE_MS) })
      .returning();

    expect(await runOne(sync)).toMatchObject({ status: 'busy', found: 0, imported: [] });
    expect(garmin.calls).toEqual([]);
    expect(await runs('garmin')).toEqual([expect.objectContaining({ id: alive!.id, status: 'running' })]);

    // the same row, now silent for 2 minutes and a second
    now = new Date(alive!.heartbeatAt.getTime() + 2 * MINUTE_MS + 1000);
    const outcome = await runOne(sync);
    expect(outcome).toMatchObject({ status: 'ok', found: 1 });
    expect(outcome.imported).toHaveLength(1);
    const rows = await runs('garmin');
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatchObject({ id: alive!.id, status: 'failed', lastSyncTime: now });
    expect(rows[0]!.errorMessage).toMatch(/interrupted/);
    expect(rows[1]).toMatchObject({ status: 'ok', activitiesSynced: 1 });
  });

  it('recoverInterrupted() closes every running row as failed (interrupted) and frees the source', async () => {
    await db()
      .insert(syncLog)
      .values([
        { source: 'garmin', status: 'running', trigger: 'schedule', startedAt: T0, heartbeatAt: T0 },
        { source: 'intervals', status: 'running', trigger: 'command', startedAt: T0, heartbeatAt: T0 },
        { source: 'garmin', status: 'ok', trigger: 'schedule', startedAt: new Date(T0.getTime() - DAY_MS), heartbeatAt: new Date(T0.getTime() - DAY_MS) },
      ]);
    const garmin = new FakeSource('garmin').add(activity('a', 3));
    const sync = service(catalog(garmin));
    expect(await sync.recoverInterrupted()).toBe(2);
    const rows = await runs();
    expect(rows.map((r) => r.status)).toEqual(['failed', 'failed', 'ok']);
    expect(rows[0]!.errorMessage).toMatch(/interrupted/);
    expect(rows[1]!.errorMessage).toMatch(/interrupted/);
    expect(await sync.recoverInterrupted()).toBe(0);
    expect(await runOne(sync)).toMatchObject({ status: 'ok', found: 1 });
  });
});

describe('SyncService: resuming after a crash or a stop', () => {
  it('a pending item whose ride was stored before the crash is closed against that ride, not stored twice', async () => {
    const a = activity('a', 6);
    const garmin = new FakeSource('garmin').add(a);
    // the crashed run: listed the activity and imported its file, then died before marking the item
    await db().insert(syncItems).values({ source: 'garmin', activityId: 'a', startTime: a.startTime, name: a.name, type: a.type, cycling: true });
    const stored = await rides.importFile(a.bytes!, 'a.fit', { source: 'garmin', activityId: 'a', name: a.name });
    expect(stored.kind).toBe('saved');

    const report = await service(catalog(garmin)).run('start');
    const outcome = report.outcomes[0]!;
    expect(outcome).toMatchObject({ status: 'ok', found: 0, pending: [], duplicates: 0, imported: [stored.ride.workout.id] });
    // its own import, not a duplicate from elsewhere: so the chat is still told about it
    expect(report.newRides).toEqual([stored.ride.workout.id]);
    expect(await item('garmin', 'a')).toMatchObject({ status: 'imported', workoutId: stored.ride.workout.id });
    expect(await workoutCount()).toBe(1);
    expect(await analysedWorkouts()).toEqual([stored.ride.workout.id]);
  });

  it('a run stopped through its AbortSignal after the first ride leaves the rest pending; the next run imports them, each once', async () => {
    const garmin = new FakeSource('garmin').add(activity('a', 40), activity('b', 30), activity('c', 20), activity('d', 10));
    const sync = service(catalog(garmin));
    const stop = new AbortController();
    const progress: number[] = [];
    const outcome = await runOne(sync, stop.signal, (p) => {
      progress.push(p.done);
      if (p.done === 1) stop.abort();
    });
    expect(progress).toEqual([0, 1]);
    expect(outcome.status).toBe('failed');
    expect(outcome.imported).toHaveLength(1);
    expect(outcome.error?.kind).toBe('unavailable');
    expect(garmin.downloads).toEqual(['a']);
    expect((await items('garmin')).map((i) => [i.activityId, i.status])).toEqual([
      ['a', 'imported'],
      ['b', 'pending'],
      ['c', 'pending'],
      ['d', 'pending'],
    ]);
    expect(await lastRun('garmin')).toMatchObject({ status: 'failed', activitiesFound: 4, activitiesSynced: 1, activitiesPending: 3 });
    expect((await state('garmin'))!.cooldownUntil).toBeNull();

    // a signal already aborted asks no source at all
    expect((await sync.run('start', undefined, AbortSignal.abort())).outcomes).toEqual([]);
    expect(garmin.listCalls).toHaveLength(1);

    const nextReport = await sync.run('start');
    const next = nextReport.outcomes[0]!;
    expect(next).toMatchObject({ status: 'ok', found: 0, pending: [] });
    expect(next.imported).toHaveLength(3);
    // the stopped run was never told: its ride is told with these, oldest first
    expect(nextReport.newRides).toEqual([...outcome.imported, ...next.imported]);
    expect(nextReport.batch).toBe(true);
    expect(garmin.downloads).toEqual(['a', 'b', 'c', 'd']);
    const all = await items('garmin');
    expect(all.every((i) => i.status === 'imported')).toBe(true);
    expect(new Set(all.map((i) => i.workoutId)).size).toBe(4);
    expect((await allWorkouts()).map((w) => w.sourceActivityId)).toEqual(['a', 'b', 'c', 'd']);
    expect(await lastRun('garmin')).toMatchObject({ status: 'ok', activitiesPending: 0 });
  });
});

describe('SyncService: the same ride from several places', () => {
  it('the same file from Garmin, intervals.icu and an upload is one workout; the later ones are duplicates of it', async () => {
    const shared = activity('g-shared', 30);
    const uploaded = activity('g-up', 20);
    const garmin = new FakeSource('garmin').add(shared, uploaded);
    const intervals = new FakeSource('intervals').add({ ...shared, id: 'i-shared' }, { ...uploaded, id: 'i-up' });
    const upload = await rides.importFile(uploaded.bytes!, 'from-the-chat.fit');
    expect(upload.kind).toBe('saved');

    const report = await service(catalog(garmin, intervals)).run('command');
    const [g, i] = report.outcomes;
    expect(g).toMatchObject({ source: 'garmin', status: 'ok', found: 2, duplicates: 1 });
    expect(g!.imported).toHaveLength(1);
    expect(i).toMatchObject({ source: 'intervals', status: 'ok', found: 2, duplicates: 2, imported: [] });
    expect(report.newRides).toEqual(g!.imported);

    const stored = await allWorkouts();
    expect(stored.map((w) => `${w.source}/${w.source === 'upload' ? 'hash' : w.sourceActivityId}`)).toEqual(['upload/hash', 'garmin/g-shared']);
    const sharedId = g!.imported[0]!;
    expect(await item('garmin', 'g-shared')).toMatchObject({ status: 'imported', workoutId: sharedId });
    expect(await item('garmin', 'g-up')).toMatchObject({ status: 'duplicate', workoutId: upload.ride.workout.id });
    expect(await item('intervals', 'i-shared')).toMatchObject({ status: 'duplicate', workoutId: sharedId });
    expect(await item('intervals', 'i-up')).toMatchObject({ status: 'duplicate', workoutId: upload.ride.workout.id });
    expect(await lastRun('intervals')).toMatchObject({ status: 'ok', activitiesFound: 2, activitiesSynced: 0, activitiesPending: 0 });
    // each ride analysed once
    expect(await analysedWorkouts()).toEqual([upload.ride.workout.id, sharedId].sort((x, y) => x - y));
  });
});

describe('SyncService: lockouts and cooldowns', () => {
  it('a 429 pauses the source for 2 h (told once); nothing is asked inside the pause; each lockout in a row doubles it up to 24 h; a good run resets it all', async () => {
    const garmin = new FakeSource('garmin').add(activity('a', 5));
    const sync = service(catalog(garmin));

    garmin.failList(garmin.error('rate_limited', 429));
    const first = await runOne(sync);
    expect(first).toMatchObject({ status: 'paused', tell: true, imported: [], cooldownUntil: new Date(T0.getTime() + COOLDOWN_FIRST_MS) });
    expect(first.cooldownUntil).toEqual(new Date(T0.getTime() + 2 * HOUR_MS));
    expect(first.error).toBeInstanceOf(SourceError);
    expect(first.error?.kind).toBe('rate_limited');
    expect(await state('garmin')).toMatchObject({ cooldownUntil: first.cooldownUntil, consecutiveFailures: 1, notice: 'rate_limited', setupHash: 'setup-1' });
    expect(await lastRun('garmin')).toMatchObject({ status: 'failed' });
    expect((await lastRun('garmin'))!.errorMessage).toMatch(/^rate_limited: /);

    // inside the pause: the source is not asked at all, and a skipped row says so
    now = new Date(T0.getTime() + HOUR_MS);
    const callsBefore = garmin.calls.length;
    const inside = await runOne(sync);
    expect(inside).toMatchObject({ status: 'cooldown', tell: false, found: 0, imported: [], cooldownUntil: first.cooldownUntil });
    expect(garmin.calls.length).toBe(callsBefore);
    expect(await lastRun('garmin')).toMatchObject({ status: 'skipped', trigger: 'schedule', lastSyncTime: now });
    expect((await lastRun('garmin'))!.errorMessage).toContain(first.cooldownUntil!.toISOString());
    expect(await state('garmin')).toMatchObject({ consecutiveFailures: 1 });

    // each 429 right after a pause: 4 h, 8 h, 16 h, then 24 h at most; the rider is not told again
    let until = first.cooldownUntil!;
    for (const hours of [4, 8, 16, 24, 24]) {
      now = new Date(until.getTime() + 1000);
      garmin.failList(garmin.error('rate_limited', 429));
      const again = await runOne(sync);
      expect(again).toMatchObject({ status: 'paused', tell: false });
      expect(again.cooldownUntil).toEqual(new Date(now.getTime() + hours * HOUR_MS));
      until = again.cooldownUntil!;
    }
    expect(until.getTime() - now.getTime()).toBe(COOLDOWN_MAX_MS);
    expect(garmin.listCalls).toHaveLength(6);
    expect(await state('garmin')).toMatchObject({ consecutiveFailures: 6, notice: 'rate_limited' });

    // a good run clears the pause, the count and the notice
    now = new Date(until.getTime() + 1000);
    const good = await runOne(sync);
    expect(good).toMatchObject({ status: 'ok', tell: false });
    expect(good.imported).toHaveLength(1);
    expect(await state('garmin')).toMatchObject({ cooldownUntil: null, consecutiveFailures: 0, notice: null, lastError: null, lastOkAt: now });

    // so the next lockout is a new episode: 2 h, and told
    now = new Date(now.getTime() + HOUR_MS);
    garmin.failList(garmin.error('rate_limited', 429));
    const fresh = await runOne(sync);
    expect(fresh).toMatchObject({ status: 'paused', tell: true, cooldownUntil: new Date(now.getTime() + 2 * HOUR_MS) });

    // a different kind of lockout is told again (and still doubles: it is in a row)
    now = new Date(fresh.cooldownUntil!.getTime() + 1000);
    garmin.failList(garmin.error('auth', 401));
    const auth = await runOne(sync);
    expect(auth).toMatchObject({ status: 'paused', tell: true, cooldownUntil: new Date(now.getTime() + 4 * HOUR_MS) });
    expect(auth.error?.kind).toBe('auth');
    expect(await state('garmin')).toMatchObject({ notice: 'auth', consecutiveFailures: 2 });
  });

  it('a transient failure on the list fails the run without a pause', async () => {
    const garmin = new FakeSource('garmin').add(activity('a', 5));
    garmin.failList(garmin.error('timeout', undefined, 'listing took longer than 30 s'));
    const outcome = await runOne(service(catalog(garmin)));
    expect(outcome).toMatchObject({ status: 'failed', tell: false, found: 0 });
    expect(outcome.cooldownUntil).toBeUndefined();
    expect(await state('garmin')).toMatchObject({ cooldownUntil: null, consecutiveFailures: 0, notice: null, lastError: 'listing took longer than 30 s' });
    expect(await lastRun('garmin')).toMatchObject({ status: 'failed', errorMessage: 'timeout: listing took longer than 30 s' });
  });

  it('new credentials (another setup hash) lift an active pause', async () => {
    const garmin = new FakeSource('garmin').add(activity('a', 5));
    const cat = catalog(garmin);
    const sync = service(cat);
    garmin.failList(garmin.error('blocked', 403));
    expect(await runOne(sync)).toMatchObject({ status: 'paused', tell: true });

    now = new Date(T0.getTime() + 30 * MINUTE_MS);
    expect(await runOne(sync)).toMatchObject({ status: 'cooldown' });
    expect(garmin.listCalls).toHaveLength(1);

    cat.hashes.garmin = 'setup-2';
    const outcome = await runOne(sync);
    expect(outcome).toMatchObject({ status: 'ok', found: 1 });
    expect(garmin.listCalls).toHaveLength(2);
    expect(await state('garmin')).toMatchObject({ cooldownUntil: null, consecutiveFailures: 0, notice: null });
  });

  it('clearCooldown lifts the pause and its notice', async () => {
    const garmin = new FakeSource('garmin').add(activity('a', 5));
    const sync = service(catalog(garmin));
    garmin.failList(garmin.error('mfa', undefined, 'the login needs a code'));
    expect(await runOne(sync)).toMatchObject({ status: 'paused', tell: true });
    expect(await runOne(sync)).toMatchObject({ status: 'cooldown' });

    await sync.clearCooldown('garmin');
    expect(await state('garmin')).toMatchObject({ cooldownUntil: null, consecutiveFailures: 0, notice: null });
    const outcome = await runOne(sync);
    expect(outcome).toMatchObject({ status: 'ok', found: 1 });
    expect(garmin.listCalls).toHaveLength(2);
  });
});

describe('SyncService: one activity at a time', () => {
  it('a refused file waits (attempts, last error) while the others are stored; refused 5 times it is skipped with the reason', async () => {
    const garmin = new FakeSource('garmin').add(activity('a', 30), activity('b', 20, { name: 'Tempo' }), activity('c', 10));
    const refusal = garmin.error('refused', 403, 'the file of b was refused (HTTP 403)');
    garmin.failDownload('b', refusal, refusal, refusal, refusal, refusal);
    const sync = service(catalog(garmin));

    const first = await runOne(sync);
    expect(first.status).toBe('ok');
    expect(first.imported).toHaveLength(2);
    expect(first.pending).toEqual([{ activityId: 'b', name: 'Tempo', error: 'the file of b was refused (HTTP 403)' }]);
    expect(await item('garmin', 'b')).toMatchObject({ status: 'pending', attempts: 1, lastError: 'the file of b was refused (HTTP 403)', workoutId: null });
    expect((await allWorkouts()).map((w) => w.sourceActivityId)).toEqual(['a', 'c']);
    const log = await lastRun('garmin');
    expect(log).toMatchObject({ status: 'ok', activitiesFound: 3, activitiesSynced: 2, activitiesPending: 1 });
    expect(log!.errorMessage).toBe('pending b (Tempo): the file of b was refused (HTTP 403)');
    expect(await state('garmin')).toMatchObject({ lastOkAt: T0, cooldownUntil: null });

    for (const attempts of [2, 3, 4]) {
      const outcome = await runOne(sync);
      expect(outcome).toMatchObject({ status: 'ok', imported: [], skipped: [] });
      expect(outcome.pending.map((p) => p.activityId)).toEqual(['b']);
      expect(await item('garmin', 'b')).toMatchObject({ status: 'pending', attempts });
    }

    const fifth = await runOne(sync);
    const reason = 'the file was refused 5 times (the file of b was refused (HTTP 403))';
    expect(fifth).toMatchObject({ status: 'ok', imported: [], pending: [], skipped: [{ activityId: 'b', name: 'Tempo', reason }] });
    expect(await item('garmin', 'b')).toMatchObject({ status: 'skipped', attempts: 5, lastError: reason });
    expect(await lastRun('garmin')).toMatchObject({ status: 'ok', activitiesPending: 0 });
    expect(garmin.downloads.filter((id) => id === 'b')).toHaveLength(5);

    // given up: never asked for again
    expect(await runOne(sync)).toMatchObject({ status: 'ok', pending: [], skipped: [] });
    expect(garmin.downloads.filter((id) => id === 'b')).toHaveLength(5);
  });

  it('two transient failures in a row stop the run (failed, not paused) and leave the rest pending for the next run', async () => {
    const garmin = new FakeSource('garmin').add(activity('a', 40), activity('b', 30), activity('c', 20), activity('d', 10));
    garmin.failDownload('a', garmin.error('timeout', undefined, 'download took longer than 30 s'));
    garmin.failDownload('b', garmin.error('unavailable', 502, 'HTTP 502'));
    const sync = service(catalog(garmin));

    const outcome = await runOne(sync);
    expect(outcome).toMatchObject({ status: 'failed', tell: false, imported: [], found: 4 });
    expect(outcome.cooldownUntil).toBeUndefined();
    expect(outcome.error?.kind).toBe('unavailable');
    expect(outcome.pending).toEqual([
      { activityId: 'a', name: 'Activity a', error: 'download took longer than 30 s' },
      { activityId: 'b', name: 'Activity b', error: 'HTTP 502' },
    ]);
    expect(garmin.downloads).toEqual(['a', 'b']);
    expect((await items('garmin')).map((i) => [i.activityId, i.status, i.attempts])).toEqual([
      ['a', 'pending', 1],
      ['b', 'pending', 1],
      ['c', 'pending', 0],
      ['d', 'pending', 0],
    ]);
    expect(await state('garmin')).toMatchObject({ cooldownUntil: null, consecutiveFailures: 0, notice: null, lastError: 'HTTP 502', lastOkAt: null });
    expect(await lastRun('garmin')).toMatchObject({ status: 'failed', activitiesPending: 4, activitiesSynced: 0 });

    const next = await runOne(sync);
    expect(next).toMatchObject({ status: 'ok', pending: [] });
    expect(next.imported).toHaveLength(4);
    expect((await allWorkouts()).map((w) => w.sourceActivityId)).toEqual(['a', 'b', 'c', 'd']);
  });

  it('transient failures with a good file between them do not stop the run', async () => {
    const garmin = new FakeSource('garmin').add(activity('a', 40), activity('b', 30), activity('c', 20), activity('d', 10));
    garmin.failDownload('a', garmin.error('timeout'));
    garmin.failDownload('c', garmin.error('malformed'));
    const outcome = await runOne(service(catalog(garmin)));
    expect(outcome.status).toBe('ok');
    expect(outcome.imported).toHaveLength(2);
    expect(outcome.pending.map((p) => p.activityId)).toEqual(['a', 'c']);
    expect(garmin.downloads).toEqual(['a', 'b', 'c', 'd']);
  });

  it('refused files in a row do not stop the run: each only waits for itself', async () => {
    const garmin = new FakeSource('garmin').add(activity('a', 40), activity('b', 30), activity('c', 20));
    garmin.failDownload('a', garmin.error('refused', 404));
    garmin.failDownload('b', garmin.error('refused', 403));
    const outcome = await runOne(service(catalog(garmin)));
    expect(outcome.status).toBe('ok');
    expect(outcome.pending.map((p) => p.activityId)).toEqual(['a', 'b']);
    expect(outcome.imported).toHaveLength(1);
    expect(garmin.downloads).toEqual(['a', 'b', 'c']);
  });

  it('a file that is not a ride is skipped with the sentence the rider would get for it', async () => {
    const junk = new TextEncoder().encode('this is certainly not a FIT file');
    const expected = await (async () => {
      try {
        await decodeRideFile(junk, 'junk.fit');
      } catch (error) {
        if (error instanceof InvalidInput) return error.riderMessage;
      }
      throw new Error('the junk decoded');
    })();
    const garmin = new FakeSource('garmin').add(activity('a', 30), { ...activity('junk', 20), bytes: junk }, activity('c', 10));
    const outcome = await runOne(service(catalog(garmin)));
    expect(outcome.status).toBe('ok');
    expect(outcome.imported).toHaveLength(2);
    expect(outcome.pending).toEqual([]);
    expect(outcome.skipped).toEqual([{ activityId: 'junk', name: 'Activity junk', reason: expected }]);
    expect(await item('garmin', 'junk')).toMatchObject({ status: 'skipped', attempts: 1, lastError: expected, workoutId: null });
    expect(await lastRun('garmin')).toMatchObject({ status: 'ok', activitiesPending: 0 });
  });

  it('a lockout on a download pauses the source: what was stored stays, the rest waits', async () => {
    const garmin = new FakeSource('garmin').add(activity('a', 30), activity('b', 20), activity('c', 10));
    garmin.failDownload('b', garmin.error('rate_limited', 429));
    const outcome = await runOne(service(catalog(garmin)));
    expect(outcome).toMatchObject({ status: 'paused', tell: true, cooldownUntil: new Date(T0.getTime() + 2 * HOUR_MS) });
    expect(outcome.imported).toHaveLength(1);
    expect(outcome.pending.map((p) => p.activityId)).toEqual(['b']);
    expect(garmin.downloads).toEqual(['a', 'b']);
    expect((await items('garmin')).map((i) => [i.activityId, i.status, i.attempts])).toEqual([
      ['a', 'imported', 1],
      ['b', 'pending', 1],
      ['c', 'pending', 0],
    ]);
    expect(await state('garmin')).toMatchObject({ notice: 'rate_limited', consecutiveFailures: 1 });
    expect(await lastRun('garmin')).toMatchObject({ status: 'failed', activitiesSynced: 1, activitiesPending: 2 });
  });
});

describe('SyncService: backfills and analyses', () => {
  it('more than 3 new activities: a batch, and only rides that started within 2 days are analysed', async () => {
    // 4: the smallest backfill
    const garmin = new FakeSource('garmin').add(activity('49h', 49), activity('47h', 47), activity('run', 2, { sport: 'running' }), activity('1h', 1));
    const report = await service(catalog(garmin)).run('start');
    expect(report.batch).toBe(true);
    expect(report.newRides).toHaveLength(4);
    const [outcome] = report.outcomes;
    expect(outcome).toMatchObject({ status: 'ok', analysed: 2 });
    const byId = new Map((await allWorkouts()).map((w) => [w.sourceActivityId, w]));
    expect(byId.get('run')!.type).toBe('running');
    expect(await analysedWorkouts()).toEqual([byId.get('47h')!.id, byId.get('1h')!.id].sort((x, y) => x - y));
  });

  it('3 new activities or fewer: every cycling ride is analysed, however old; a run never is', async () => {
    const garmin = new FakeSource('garmin').add(activity('20d', 20 * 24), activity('10d', 10 * 24), activity('run', 24, { sport: 'running' }));
    const report = await service(catalog(garmin)).run('schedule');
    expect(report.batch).toBe(false);
    expect(report.newRides).toHaveLength(3);
    expect(report.outcomes[0]).toMatchObject({ status: 'ok', analysed: 2 });
    const byId = new Map((await allWorkouts()).map((w) => [w.sourceActivityId, w]));
    expect(await analysedWorkouts()).toEqual([byId.get('20d')!.id, byId.get('10d')!.id].sort((x, y) => x - y));
  });
});

describe('SyncService: thresholds from the source', () => {
  it('offers what differs from the profile once, writes it on acceptance, and ignores a failure to read them', async () => {
    await profiles.set('ftp', '250');
    const garmin = new FakeSource('garmin');
    garmin.thresholdValues = { ftpW: 265, weightKg: 71.3 };
    const sync = service(catalog(garmin));

    const first = await runOne(sync);
    expect(first.status).toBe('ok');
    expect(first.offer).toEqual([
      { key: 'ftpW', from: 250, to: 265 },
      { key: 'riderKg', from: null, to: 71.3 },
    ]);
    expect((await state('garmin'))!.offeredThresholds).toEqual({ ftpW: 265, weightKg: 71.3 });

    // the same values again: not offered twice (the profile is unchanged)
    const second = await runOne(sync);
    expect(second.status).toBe('ok');
    expect(second.offer).toBeUndefined();

    // the button carries the values its message showed
    const accepted = await sync.acceptThresholds({ ftpW: 265, weightKg: 71.3 });
    expect(accepted).toEqual([
      { key: 'ftpW', from: 250, to: 265 },
      { key: 'riderKg', from: null, to: 71.3 },
    ]);
    const profile = await profiles.stored();
    expect(profile.ftpW).toBe(265);
    expect(profile.riderKg).toBeCloseTo(71.3, 4);
    expect(await sync.acceptThresholds({ ftpW: 265, weightKg: 71.3 })).toEqual([]);

    // a new value is offered; a failure to read them costs the run nothing
    garmin.thresholdValues = { ftpW: 272, weightKg: 71.3 };
    expect((await runOne(sync)).offer).toEqual([{ key: 'ftpW', from: 265, to: 272 }]);
    garmin.thresholdSteps.push(garmin.error('unavailable', 503));
    garmin.thresholdValues = { ftpW: 290 };
    const failed = await runOne(sync);
    expect(failed).toMatchObject({ status: 'ok', tell: false });
    expect(failed.offer).toBeUndefined();
    expect(failed.error).toBeUndefined();
    expect(await state('garmin')).toMatchObject({ lastOkAt: T0, lastError: null, offeredThresholds: { ftpW: 272, weightKg: 71.3 } });
    expect(await lastRun('garmin')).toMatchObject({ status: 'ok' });
  });

  it('a weight within 0.5 kg of the profile is not offered', async () => {
    await profiles.set('weight', '71');
    await profiles.set('ftp', '250');
    const garmin = new FakeSource('garmin');
    garmin.thresholdValues = { ftpW: 250.4, weightKg: 71.4 };
    const sync = service(catalog(garmin));
    expect((await runOne(sync)).offer).toBeUndefined();
    garmin.thresholdValues = { ftpW: 250, weightKg: 71.6 };
    expect((await runOne(sync)).offer).toEqual([{ key: 'riderKg', from: 71, to: 71.6 }]);
  });

  it('values /profile would refuse are never offered (a source typo such as an FTP of 2450 W)', async () => {
    const garmin = new FakeSource('garmin');
    garmin.thresholdValues = { ftpW: 2450, lthrBpm: 320, maxHrBpm: 185, weightKg: 0.8 };
    expect((await runOne(service(catalog(garmin)))).offer).toEqual([{ key: 'maxHrBpm', from: null, to: 185 }]);
  });

  it('a weight drifting a little each run is offered again once it is far from the last offer', async () => {
    await profiles.set('weight', '71');
    const garmin = new FakeSource('garmin');
    const sync = service(catalog(garmin));
    const offers: unknown[] = [];
    for (const weightKg of [71.4, 71.8, 72.2, 72.6, 73.0]) {
      garmin.thresholdValues = { weightKg };
      offers.push((await runOne(sync)).offer?.map((c) => c.to));
    }
    expect(offers).toEqual([undefined, [71.8], undefined, [72.6], undefined]);
  });
});

describe('SyncService: health and work left', () => {
  it('health() per active source: the pause only while it lasts, the last success, the last real run; hasWork() for a new source or pending items', async () => {
    const garmin = new FakeSource('garmin').add(activity('a', 30), activity('b', 10));
    const intervals = new FakeSource('intervals').add(activity('i', 20));
    const sync = service(catalog(garmin, intervals));

    expect(await sync.health()).toEqual([
      { source: 'garmin', cooldownUntil: null, lastOkAt: null, lastError: null, lastRun: null },
      { source: 'intervals', cooldownUntil: null, lastOkAt: null, lastError: null, lastRun: null },
    ]);
    expect(await sync.hasWork()).toBe(true);
    expect(await service(catalog()).hasWork()).toBe(false);
    expect(await service(catalog()).health()).toEqual([]);

    // b is refused once: garmin has work left, intervals not
    garmin.failDownload('b', garmin.error('refused', 404, 'gone'));
    await sync.run('schedule');
    expect(await sync.health()).toEqual([
      { source: 'garmin', cooldownUntil: null, lastOkAt: T0, lastError: null, lastRun: { status: 'ok', at: T0, synced: 1, pending: 1, error: 'pending b (Activity b): gone' } },
      { source: 'intervals', cooldownUntil: null, lastOkAt: T0, lastError: null, lastRun: { status: 'ok', at: T0, synced: 1, pending: 0, error: null } },
    ]);
    expect(await sync.hasWork()).toBe(true);
    expect(await service(catalog(intervals)).hasWork()).toBe(false);

    now = new Date(T0.getTime() + HOUR_MS);
    await sync.run('schedule');
    expect(await sync.hasWork()).toBe(false);

    // garmin locked out: paused in health; a skipped run inside the pause is not its last run
    const lockedAt = new Date(T0.getTime() + 2 * HOUR_MS);
    now = lockedAt;
    garmin.failList(garmin.error('rate_limited', 429, 'too many requests'));
    await sync.run('schedule');
    const until = new Date(lockedAt.getTime() + 2 * HOUR_MS);
    now = new Date(lockedAt.getTime() + HOUR_MS);
    const report = await sync.run('command');
    expect(report.outcomes.map((o) => o.status)).toEqual(['cooldown', 'ok']);
    expect(await lastRun('garmin')).toMatchObject({ status: 'skipped' });
    const [g] = await sync.health();
    expect(g).toEqual({
      source: 'garmin',
      cooldownUntil: until,
      lastOkAt: new Date(T0.getTime() + HOUR_MS),
      lastError: 'too many requests',
      lastRun: { status: 'failed', at: lockedAt, synced: 0, pending: 0, error: 'rate_limited: too many requests' },
    });

    // the pause over (still stored): health no longer shows it
    now = new Date(until.getTime() + 1000);
    expect((await state('garmin'))!.cooldownUntil).toEqual(until);
    expect((await sync.health())[0]!.cooldownUntil).toBeNull();
  });
});
