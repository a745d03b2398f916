import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/client.ts';
import { fitnessSeries } from '../../src/domain/load.ts';
import { mondayOf } from '../../src/domain/calendar.ts';
import { CoachService } from '../../src/services/coach.ts';
import { ProfileService } from '../../src/services/profile.ts';
import { RideService } from '../../src/services/rides.ts';
import { openTestDatabase } from '../support/database.ts';
import { syntheticRideFit } from '../support/fit-writer.ts';

let database: Database;
let close: () => Promise<void>;
let coach: CoachService;
const now = () => new Date('2026-12-02T12:00:00Z');

beforeAll(async () => {
  ({ database, close } = await openTestDatabase());
  const profiles = new ProfileService(database.db, 'UTC');
  const rides = new RideService({ db: database.db, profiles, now });
  // FTP is the default 200 W: an hour at 200 W is TSS 100, an hour at 250 W TSS 156.25
  await rides.importFile(syntheticRideFit({ start: new Date('2026-11-20T10:00:00Z'), seconds: 3600, powerW: 200, hrBpm: 140 }), 'a.fit');
  await rides.importFile(syntheticRideFit({ start: new Date('2026-11-30T10:00:00Z'), seconds: 3600, powerW: 250, hrBpm: 150 }), 'b.fit');
  coach = new CoachService({ db: database.db, rides, profiles, now });
});

afterAll(async () => close?.());

describe('CoachService.snapshot', () => {
  it('gathers form, weeks, recent rides and the last ride with what its review needs', async () => {
    const s = await coach.snapshot();
    expect(s).toMatchObject({ today: '2026-12-02', timeZone: 'UTC', rideCount: 2 });
    expect(s.recentRides.map((r) => [r.day, Math.round(r.tss!)])).toEqual([
      ['2026-11-30', 156],
      ['2026-11-20', 100],
    ]);
    expect(s.fitness.map((d) => d.day)).toEqual(['2026-11-26', '2026-11-27', '2026-11-28', '2026-11-29', '2026-11-30', '2026-12-01', '2026-12-02']);
    expect(s.weeks.map((w) => [w.weekStart, Math.round(w.load), w.rides, w.movingS])).toEqual([
      ['2026-11-30', 156, 1, 3600],
      ['2026-11-23', 0, 0, 0],
      ['2026-11-16', 100, 1, 3600],
      ['2026-11-09', 0, 0, 0],
    ]);

    const expected = fitnessSeries(new Map([['2026-11-20', 100], ['2026-11-30', 156.25]]), '2026-11-20', '2026-12-02');
    const day = (d: string) => expected.find((x) => x.day === d)!;
    const review = s.lastRide!.review;
    expect(s.lastRide!.digest.day).toBe('2026-11-30');
    expect(review.formBefore!.ctl).toBeCloseTo(day('2026-11-29').ctl, 6);
    expect(review.formBefore!.tsb).toBeCloseTo(day('2026-11-30').tsb, 6);
    expect(review.formAfter!.atl).toBeCloseTo(day('2026-11-30').atl, 6);
    expect(review.ctlWeekBefore).toBeCloseTo(day('2026-11-23').ctl, 6);
    expect(review.load7d).toBeCloseTo(156.25, 1);
    expect(review.avgLoad7dBefore).toBeNull(); // 4 days of history before that week: too little to call usual
    // the ride's own 250 W is not its previous best
    expect(review.previousBestsW.find((b) => b.durationS === 1200)?.powerW).toBeCloseTo(200, 0);
    expect(s.bests.seasonW[s.bests.durationsS.indexOf(1200)]).toBeCloseTo(250, 0);
  });

  it('finds the Monday of any day', () => {
    expect(['2026-11-30', '2026-12-02', '2026-12-06', '2026-12-07'].map(mondayOf)).toEqual(['2026-11-30', '2026-11-30', '2026-11-30', '2026-12-07']);
  });
});
