import { desc, getTableColumns, gte } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { workouts } from '../db/schema.ts';
import type { CoachSnapshot, Form, RideDigest, RideReviewInput, WeekLoad } from '../domain/coach/context.ts';
import { mondayOf } from '../domain/calendar.ts';
import { localDay, type FitnessDay } from '../domain/load.ts';
import type { ProfileService } from './profile.ts';
import type { RideService, StoredRideMetrics, WorkoutSummaryRow } from './rides.ts';

const DAY_MS = 86_400_000;
const RECENT_DAYS = 42;
const RECENT_RIDES = 10;
const WEEKS = 4;

/**
 * Gathers what the coach knows right now (CoachSnapshot): the same facts for the
 * built-in coach and for the AI's prompt. Reads only; computes nothing new.
 */
export class CoachService {
  private readonly now: () => Date;

  constructor(private readonly deps: { db: Db; rides: RideService; profiles: ProfileService; now?: () => Date }) {
    this.now = deps.now ?? (() => new Date());
  }

  async snapshot(): Promise<CoachSnapshot> {
    const { profile, defaultsUsed } = await this.deps.profiles.resolved();
    const timeZone = profile.timeZone;
    const nowMs = this.now().getTime();
    const today = localDay(nowMs, timeZone);
    const [{ rows, series }, recent, curves] = await Promise.all([
      this.deps.rides.fitnessHistory(timeZone, RECENT_DAYS),
      this.recentWorkouts(new Date(nowMs - (RECENT_DAYS + 1) * DAY_MS)),
      this.deps.rides.powerCurves(),
    ]);
    const digest = (w: WorkoutSummaryRow) => toDigest(w, timeZone);
    const newest = recent[0] ?? (await this.deps.rides.list(0, 1)).rides[0];
    const lastRide = newest ? { digest: digest(newest), review: await this.reviewInput(newest, series, profile) } : null;
    return {
      today,
      timeZone,
      profile,
      defaultsUsed,
      rideCount: rows.length,
      fitness: series.slice(-7),
      ctlWeekAgo: series.length >= 8 ? series.at(-8)!.ctl : null,
      weeks: weekLoads(recent, series, today, timeZone),
      recentRides: recent
        .filter((w) => w.startTime.getTime() >= nowMs - RECENT_DAYS * DAY_MS)
        .slice(0, RECENT_RIDES)
        .map(digest),
      lastRide,
      bests: { durationsS: curves.durationsS, recentW: curves.recentW, seasonW: curves.bestW },
    };
  }

  /** One ride as the coach reviews it: its digest and everything the review reads (form around it, load, earlier bests). */
  async rideContext(workout: WorkoutSummaryRow): Promise<{ digest: RideDigest; review: RideReviewInput }> {
    const { profile } = await this.deps.profiles.resolved();
    const { series } = await this.deps.rides.fitnessHistory(profile.timeZone, RECENT_DAYS);
    return { digest: toDigest(workout, profile.timeZone), review: await this.reviewInput(workout, series, profile) };
  }

  private async recentWorkouts(since: Date): Promise<WorkoutSummaryRow[]> {
    const { streams: _streams, ...columns } = getTableColumns(workouts);
    return this.deps.db.select(columns).from(workouts).where(gte(workouts.startTime, since)).orderBy(desc(workouts.startTime), desc(workouts.id));
  }

  private async reviewInput(workout: WorkoutSummaryRow, series: FitnessDay[], profile: RideReviewInput['profile']): Promise<RideReviewInput> {
    const metrics = workout.metrics as unknown as StoredRideMetrics;
    const day = metrics.clockUnset ? undefined : localDay(workout.startTime.getTime(), profile.timeZone);
    const i = day === undefined ? -1 : series.findIndex((d) => d.day === day);
    const at = (k: number) => (i - k >= 0 ? series[i - k] : undefined);
    const form = (d: FitnessDay | undefined, tsb: (d: FitnessDay) => number): Form | null => (d ? { ctl: d.ctl, atl: d.atl, tsb: tsb(d) } : null);
    const sumLoad = (from: number, to: number) => series.slice(Math.max(0, from), Math.max(0, to)).reduce((s, d) => s + d.load, 0);
    // the "usual" week only counts days since the first ride: before it there is no history, not zero load
    const firstRide = Math.max(0, series.findIndex((d) => d.load > 0));
    const priorDays = Math.min(28, Math.max(0, i - 6 - firstRide));
    return {
      metrics,
      profile,
      // the morning of the ride: yesterday's end-of-day CTL and ATL (0 before the first ride)
      formBefore: i < 0 ? null : i === 0 ? { ctl: 0, atl: 0, tsb: 0 } : form(at(1), (d) => d.ctl - d.atl),
      formAfter: form(at(0), (d) => d.ctl - d.atl),
      ctlWeekBefore: at(7)?.ctl ?? null,
      load7d: i < 0 ? metrics.load ?? 0 : sumLoad(i - 6, i + 1),
      avgLoad7dBefore: priorDays >= 7 ? (sumLoad(i - 6 - priorDays, i - 6) / priorDays) * 7 : null,
      previousBestsW: await this.deps.rides.bestsBefore(workout.startTime, workout.id),
    };
  }
}

export function toDigest(w: WorkoutSummaryRow, timeZone: string): RideDigest {
  const m = w.metrics as unknown as StoredRideMetrics;
  return {
    id: w.id,
    day: m.clockUnset ? null : localDay(w.startTime.getTime(), timeZone),
    sport: m.sport,
    indoor: m.indoor,
    durationS: m.elapsedS,
    movingS: m.movingS,
    distanceM: m.distanceM,
    ascentM: m.ascentM,
    avgPowerW: m.avgPowerW,
    normalizedPowerW: m.normalizedPowerW,
    intensityFactor: m.intensityFactor,
    tss: m.tss,
    variabilityIndex: m.variabilityIndex,
    decouplingPct: m.decouplingPct,
    avgHrBpm: m.avgHrBpm,
    eftpW: m.eftpW,
    load: m.load,
    loadSource: m.loadSource,
  };
}

/** This week and the three before it: load from the fitness series, counts from the rides. */
function weekLoads(rides: WorkoutSummaryRow[], series: FitnessDay[], today: string, timeZone: string): WeekLoad[] {
  const thisMonday = Date.parse(`${mondayOf(today)}T00:00:00Z`);
  return Array.from({ length: WEEKS }, (_, k) => {
    const weekStart = new Date(thisMonday - k * 7 * DAY_MS).toISOString().slice(0, 10);
    const weekEnd = new Date(thisMonday - (k - 1) * 7 * DAY_MS).toISOString().slice(0, 10);
    const inWeek = (day: string) => day >= weekStart && day < weekEnd;
    const weekRides = rides.filter((w) => !(w.metrics as unknown as StoredRideMetrics).clockUnset && inWeek(localDay(w.startTime.getTime(), timeZone)));
    return {
      weekStart,
      load: series.filter((d) => inWeek(d.day)).reduce((s, d) => s + d.load, 0),
      rides: weekRides.length,
      movingS: weekRides.reduce((s, w) => s + (w.movingS ?? w.durationS ?? 0), 0),
      distanceM: weekRides.reduce((s, w) => s + (w.distanceM ?? 0), 0),
    };
  });
}
