import { readFileSync } from 'node:fs';
import { count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../src/db/client.ts';
import { analyses, riderProfile, workouts } from '../../src/db/schema.ts';
import { InvalidInput } from '../../src/domain/errors.ts';
import { dailyLoads, fitnessSeries } from '../../src/domain/load.ts';
import { ProfileService } from '../../src/services/profile.ts';
import { ftpHint, RideService } from '../../src/services/rides.ts';
import { createTestStorage, type TestStorage } from '../support/database.ts';
import { syntheticRideFit } from '../support/fit-writer.ts';

const fit = (name: string) => new Uint8Array(readFileSync(new URL(`../fixtures/fit/${name}`, import.meta.url)));

const rideFit = syntheticRideFit;

let storage: TestStorage;
let database: Database;
let now = new Date('2024-06-15T10:00:00Z');
let rides: RideService;
let profiles: ProfileService;

beforeAll(async () => {
  storage = await createTestStorage();
  database = await openDatabase({ databaseUrl: storage.databaseUrl, dataDir: storage.dataDir });
  profiles = new ProfileService(database.db, 'Europe/Ljubljana');
  rides = new RideService({ db: database.db, profiles, now: () => now });
});

afterAll(async () => {
  await database?.close();
  await storage?.cleanup();
});

beforeEach(async () => {
  await database.db.delete(workouts);
  await database.db.delete(riderProfile);
  now = new Date('2024-06-15T10:00:00Z');
});

const rowCount = async () => (await database.db.select({ n: count() }).from(workouts))[0]!.n;

describe('RideService.importFile', () => {
  it('stores one row: summary columns, metrics jsonb, 1 Hz streams, and its analysis queued', async () => {
    const result = await rides.importFile(fit('sweatpy__4078723797.fit'), 'morning.fit');
    expect(result.kind).toBe('saved');
    const { workout, metrics, streams } = result.ride;
    expect(workout).toMatchObject({ source: 'upload', type: 'cycling', name: 'morning', durationS: 8356 });
    expect(await database.db.select({ workoutId: analyses.workoutId, status: analyses.status }).from(analyses)).toEqual([{ workoutId: workout.id, status: 'queued' }]);
    expect(workout.sourceActivityId).toMatch(/^[0-9a-f]{64}$/);
    expect(workout.npW).toBeCloseTo(metrics.normalizedPowerW!, 6);
    expect(workout.npW!).toBeGreaterThan(260);
    expect(workout.tss!).toBeGreaterThan(300);
    expect(workout.avgPowerW).toBe(219);
    expect(metrics.powerZones).toHaveLength(7);
    expect(metrics.defaultsUsed).toContain('ftpW');
    expect(metrics.ftpW).toBe(200);
    expect(streams!.timeOffsetMs.length).toBe(8357);
    // read back from the database, not from the insert
    const again = await rides.get(workout.id);
    expect(again!.streams!.powerW.length).toBe(8357);
    expect(again!.metrics.tss).toBeCloseTo(metrics.tss!, 9);
  });

  it('the same file twice is one ride: "duplicate" with the existing row', async () => {
    const bytes = fit('sweatpy__2020-06-01-16-52-40.fit');
    const first = await rides.importFile(bytes, 'a.fit');
    const second = await rides.importFile(bytes, 'renamed.fit');
    expect(second.kind).toBe('duplicate');
    expect(second.ride.workout.id).toBe(first.ride.workout.id);
    expect(await rowCount()).toBe(1);
    expect(await database.db.select().from(analyses)).toHaveLength(1);
  });

  it('a synced ride is stored under its source id, and the same file from anywhere is one ride', async () => {
    const bytes = fit('sweatpy__2020-06-01-16-52-40.fit');
    const synced = await rides.importFile(bytes, '123456.fit', { source: 'garmin', activityId: '123456', name: 'Morning Ride' });
    expect(synced.kind).toBe('saved');
    expect(synced.ride.workout).toMatchObject({ source: 'garmin', sourceActivityId: '123456', name: 'Morning Ride' });
    expect((await rides.importFile(bytes, undefined, { source: 'garmin', activityId: '123456' })).kind).toBe('duplicate');
    // intervals.icu hands out the same original file; the rider sends it too
    const again = await rides.importFile(bytes, 'i99.fit', { source: 'intervals', activityId: 'i99' });
    expect(again).toMatchObject({ kind: 'duplicate', ride: { workout: { id: synced.ride.workout.id } } });
    expect((await rides.importFile(bytes, 'ride.fit')).kind).toBe('duplicate');
    expect(await rowCount()).toBe(1);
    expect(await database.db.select().from(analyses)).toHaveLength(1);
  });

  it('a synced ride can be stored without queueing its analysis (an old ride in a backfill)', async () => {
    const { ride } = await rides.importFile(fit('sweatpy__2020-06-01-16-52-40.fit'), 'x.fit', { source: 'intervals', activityId: 'i1', analyse: false });
    expect(ride.workout.type).toBe('cycling');
    expect(await database.db.select().from(analyses)).toEqual([]);
  });

  it('a run is stored, not queued for analysis, and has no power metrics', async () => {
    const { ride } = await rides.importFile(fit('fitparse__developer-types-sample.fit'), 'run.fit');
    expect(ride.workout).toMatchObject({ type: 'running', npW: null, tss: null, avgPowerW: null });
    expect(await database.db.select().from(analyses)).toEqual([]);
    expect(ride.metrics.unavailable.normalizedPowerW).toMatch(/running/);
    expect(ride.metrics.load).toBe(ride.metrics.hrss);
    expect(ride.metrics.hrss).toBeGreaterThan(0);
  });

  it('a file cut off mid-ride keeps what came before and says it was truncated', async () => {
    const whole = fit('sweatpy__4078723797.fit');
    const { ride } = await rides.importFile(whole.subarray(0, Math.floor(whole.length / 2)), 'cut.fit');
    expect(ride.metrics.truncated).toBe(true);
    expect(ride.workout.type).toBe('cycling');
    expect(ride.streams!.timeOffsetMs.length).toBeGreaterThan(1000);
    expect(ride.streams!.timeOffsetMs.length).toBeLessThan(8357);
    expect(ride.metrics.notes.join(' ')).toMatch(/cut short/);
  });

  it('a file that is not a ride is refused with the rider sentence and stores nothing', async () => {
    await expect(rides.importFile(new TextEncoder().encode('hello, not a ride'), 'x.fit')).rejects.toBeInstanceOf(InvalidInput);
    const damaged = fit('sweatpy__2020-06-01-16-52-40.fit');
    damaged.fill(0, 14, 40);
    await expect(rides.importFile(damaged, 'damaged.fit')).rejects.toMatchObject({ riderMessage: expect.stringMatching(/damaged/) });
    expect(await rowCount()).toBe(0);
  });
});

describe('RideService.fitness', () => {
  it('counts each ride on its local day and recomputes when an older ride arrives later', async () => {
    const tz = 'Europe/Ljubljana';
    // 23:30 UTC on 10 June is 01:30 on 11 June in Ljubljana (UTC+2)
    const late = rideFit({ start: new Date('2024-06-10T23:30:00Z'), seconds: 3600, powerW: 200 }); // TSS 100 at FTP 200
    const early = rideFit({ start: new Date('2024-06-01T08:00:00Z'), seconds: 1800, powerW: 200 }); // TSS 50
    await rides.importFile(late, 'late.fit');
    const before = await rides.fitness(30, tz);
    expect(before.days).toHaveLength(30);
    expect(before.days.at(-1)!.day).toBe('2024-06-15');
    expect(before.days.find((d) => d.day === '2024-06-11')!.load).toBeCloseTo(100, 6);
    expect(before.days.find((d) => d.day === '2024-06-10')!.load).toBe(0);

    await rides.importFile(early, 'early.fit'); // arrives after the later ride
    const after = await rides.fitness(30, tz);
    expect(after.days.find((d) => d.day === '2024-06-01')!.load).toBeCloseTo(50, 6);
    const expected = fitnessSeries(
      dailyLoads([{ startTimeMs: Date.parse('2024-06-10T23:30:00Z'), load: 100 }, { startTimeMs: Date.parse('2024-06-01T08:00:00Z'), load: 50 }], tz),
      '2024-05-17',
      '2024-06-15',
    );
    expect(after.days.map((d) => d.day)).toEqual(expected.map((d) => d.day));
    after.days.forEach((d, i) => {
      expect(d.ctl).toBeCloseTo(expected[i]!.ctl, 9);
      expect(d.atl).toBeCloseTo(expected[i]!.atl, 9);
      expect(d.tsb).toBeCloseTo(expected[i]!.tsb, 9);
    });
    expect(after.days.at(-1)!.ctl).toBeGreaterThan(before.days.at(-1)!.ctl);
    expect(after.ridesInWindow).toBe(2);

    // in UTC the late ride belongs to 10 June
    const utc = await rides.fitness(30, 'UTC');
    expect(utc.days.find((d) => d.day === '2024-06-10')!.load).toBeCloseTo(100, 6);
  });

  it('rides before the window still shape today (the series starts at the first ride)', async () => {
    await rides.importFile(rideFit({ start: new Date('2024-01-10T08:00:00Z'), seconds: 3600, powerW: 200 }), 'old.fit');
    const f = await rides.fitness(90, 'UTC');
    expect(f.ridesInWindow).toBe(0);
    expect(f.rideCount).toBe(1);
    const ctlToday = 100 * (1 - Math.exp(-1 / 42)) * Math.exp(-(Date.parse('2024-06-15') - Date.parse('2024-01-10')) / 86_400_000 / 42);
    expect(f.days.at(-1)!.ctl).toBeCloseTo(ctlToday, 6);
  });

  it('no rides: empty', async () => {
    expect(await rides.fitness(90, 'UTC')).toMatchObject({ rideCount: 0, days: [] });
  });
});

describe('RideService.powerCurves', () => {
  it('last 42 days against the best of the last 365 days', async () => {
    await rides.importFile(rideFit({ start: new Date(now.getTime() - 10 * 86_400_000), seconds: 1500, powerW: 250 }), 'recent.fit');
    await rides.importFile(rideFit({ start: new Date(now.getTime() - 100 * 86_400_000), seconds: 1500, powerW: 300 }), 'spring.fit');
    await rides.importFile(rideFit({ start: new Date(now.getTime() - 400 * 86_400_000), seconds: 1500, powerW: 400 }), 'last-year.fit');
    const c = await rides.powerCurves();
    expect(c).toMatchObject({ recentDays: 42, seasonDays: 365, recentRides: 1, seasonRides: 2 });
    const at = (d: number) => c.durationsS.indexOf(d);
    expect(c.durationsS).toContain(1200);
    expect(c.durationsS).not.toContain(1800);
    expect(c.recentW[at(1200)]).toBeCloseTo(250, 6);
    expect(c.bestW[at(1200)]).toBeCloseTo(300, 6);
    expect(c.bestW[at(5)]).toBeCloseTo(300, 6);
  });

  it('no rides with power in the season: no durations', async () => {
    await rides.importFile(fit('fitparse__garmin-edge-500-activity.fit'), 'hr-only.fit');
    expect((await rides.powerCurves()).durationsS).toEqual([]);
  });
});

describe('RideService.acceptFtpHint', () => {
  it('sets the FTP to the ride eFTP once; the second tap answers "already"', async () => {
    const { ride } = await rides.importFile(fit('sweatpy__4078723797.fit'), 'fast.fit');
    const eftp = Math.round(ride.metrics.eftpW!);
    expect(ftpHint(ride, 200)).toBe(eftp);
    expect(ftpHint(ride, eftp)).toBeNull(); // not more than 3 % above

    expect(await rides.acceptFtpHint(ride.workout.id)).toEqual({ kind: 'updated', fromW: 200, toW: eftp });
    expect(await rides.acceptFtpHint(ride.workout.id)).toEqual({ kind: 'already', ftpW: eftp });
    expect((await profiles.stored()).ftpW).toBe(eftp);
    const after = await rides.get(ride.workout.id);
    expect(after!.metrics.ftpUpdate).toMatchObject({ fromW: 200, toW: eftp });
    expect(ftpHint(after!, 200)).toBeNull();
  });

  it('a ride that is not faster than the profile FTP changes nothing', async () => {
    await profiles.set('ftp', '320');
    const { ride } = await rides.importFile(fit('sweatpy__4078723797.fit'), 'fast.fit');
    expect(ftpHint(ride, 320)).toBeNull();
    expect(await rides.acceptFtpHint(ride.workout.id)).toEqual({ kind: 'already', ftpW: 320 });
    expect((await database.db.select().from(riderProfile).where(eq(riderProfile.id, 1)))[0]!.ftpW).toBe(320);
  });

  it('an unknown ride is an InvalidInput', async () => {
    await expect(rides.acceptFtpHint(999)).rejects.toMatchObject({ code: 'ride_not_found' });
  });
});
