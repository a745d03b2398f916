import { createHash } from 'node:crypto';
import { and, count, desc, eq, getTableColumns, gte, inArray, lt, or, sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { riderProfile, workouts } from '../db/schema.ts';
import { InvalidInput } from '../domain/errors.ts';
import { dailyLoads, fitnessSeries, localDay, type FitnessDay } from '../domain/load.ts';
import { FTP_HINT_MARGIN, STANDARD_DURATIONS_S } from '../domain/power.ts';
import type { RiderProfile } from '../domain/profile.ts';
import { computeRideMetrics, decodeStreams, encodeStreams, rideStreams, type RideMetrics, type RideStreams } from '../domain/ride.ts';
import { decodeRideFile, type RideFormat } from '../domain/ride-file.ts';
import type { ProfileService } from './profile.ts';
import { queueAnalysis } from './analyses.ts';
import { nameFromFile } from './file-name.ts';

export type WorkoutRow = typeof workouts.$inferSelect;
/** A workout without its stream blob (lists never need it). */
export type WorkoutSummaryRow = Omit<WorkoutRow, 'streams'>;

/** What the `metrics` jsonb holds: our computed numbers plus how the file was read. */
export interface StoredRideMetrics extends RideMetrics {
  format: RideFormat | null;
  truncated: boolean;
  /** The device clock was never set: the ride's date is unknown (rides stored before this field: set). */
  clockUnset?: true;
  /** Profile keys that were unset when the ride was computed (their defaults were used). */
  defaultsUsed: (keyof RiderProfile)[];
  /** Set once the rider accepted this ride's FTP hint. */
  ftpUpdate?: { fromW: number; toW: number; at: string };
}

export interface StoredRide {
  workout: WorkoutSummaryRow;
  metrics: StoredRideMetrics;
  streams: RideStreams | null;
}

/** Where a synced ride came from (an upload has none). */
export interface RideOrigin {
  source: 'garmin' | 'intervals';
  activityId: string;
  /** The source's name for the activity ("Morning Ride"); otherwise the file's own. */
  name?: string | null;
  /** false: stored for load and history only, no analysis queued (an old ride in a backfill). */
  analyse?: boolean;
}

export type RideImportResult = { kind: 'saved'; ride: StoredRide } | { kind: 'duplicate'; ride: StoredRide };

export type FtpHintResult =
  | { kind: 'updated'; fromW: number; toW: number }
  | { kind: 'already'; ftpW: number };

export interface FitnessResult {
  /** Every workout stored, in the window or not. */
  rideCount: number;
  /** Rides whose start falls inside the window. */
  ridesInWindow: number;
  days: FitnessDay[];
  timeZone: string;
}

export interface PowerCurvesResult {
  recentDays: number;
  seasonDays: number;
  recentRides: number;
  seasonRides: number;
  durationsS: number[];
  recentW: (number | null)[];
  bestW: (number | null)[];
}

/** "Season" for the power curve: the last 365 days (rolling, not a calendar year). */
export const SEASON_DAYS = 365;
export const RECENT_CURVE_DAYS = 42;
const DAY_MS = 86_400_000;

export function isCycling(stored: Pick<StoredRide, 'metrics'>): boolean {
  return stored.metrics.sport === 'cycling';
}

/** The FTP (whole watts) this ride suggests, or null when it does not beat `currentFtpW` by more than 3 %. */
export function ftpHint(stored: Pick<StoredRide, 'metrics'>, currentFtpW: number): number | null {
  const eftp = stored.metrics.eftpW;
  if (stored.metrics.ftpUpdate || eftp === null || !isCycling(stored)) return null;
  const proposed = Math.round(eftp);
  return eftp > currentFtpW * (1 + FTP_HINT_MARGIN) && proposed > currentFtpW ? proposed : null;
}

/**
 * Rides in: a file sent in the chat or a synced activity becomes one `workouts`
 * row with our computed metrics and its 1 Hz streams. Unique on (source, source
 * id) and on the file's SHA-256, so the same ride from Garmin, intervals.icu and
 * an upload is stored once (for uploads the id is that hash).
 */
export class RideService {
  private readonly now: () => Date;

  constructor(private readonly deps: { db: Db; profiles: ProfileService; now?: () => Date }) {
    this.now = deps.now ?? (() => new Date());
  }

  async importFile(bytes: Uint8Array, fileName?: string, origin?: RideOrigin): Promise<RideImportResult> {
    const contentHash = createHash('sha256').update(bytes).digest('hex');
    const source = origin?.source ?? 'upload';
    const sourceActivityId = origin?.activityId ?? contentHash;
    const existing = await this.findExisting(source, sourceActivityId, contentHash);
    if (existing) return { kind: 'duplicate', ride: existing };

    const ride = await decodeRideFile(bytes, fileName);
    const { profile, defaultsUsed } = await this.deps.profiles.resolved();
    const streams = rideStreams(ride);
    const m = computeRideMetrics(ride, profile, streams);
    const metrics: StoredRideMetrics = {
      ...m,
      notes: [...ride.notes, ...m.notes],
      format: ride.format,
      truncated: ride.truncated,
      ...(ride.clockSet ? {} : { clockUnset: true as const }),
      defaultsUsed: defaultsUsed.filter((k) => k === 'ftpW' || k === 'maxHrBpm' || k === 'restHrBpm'),
    };
    const startMs = m.startTimeMs ?? ride.startTimeMs;
    const int = (x: number | null) => (x === null || !Number.isFinite(x) ? null : Math.round(x));
    const num = (x: number | null) => (x === null || !Number.isFinite(x) ? null : x);

    const encoded = encodeStreams(streams);
    // the ride and its place in the analysis queue, together: a crash leaves both or neither
    const inserted = await this.deps.db.transaction(async (tx) => {
      const [row] = await tx
      .insert(workouts)
      .values({
        source,
        sourceActivityId,
        contentHash,
        type: m.sport,
        name: (origin?.name || ride.name || nameFromFile(fileName) || null)?.slice(0, 200) ?? null,
        startTime: new Date(startMs),
        durationS: int(m.elapsedS),
        movingS: int(m.movingS),
        distanceM: num(m.distanceM),
        avgHr: int(m.avgHrBpm),
        maxHr: int(m.maxHrBpm),
        avgPowerW: int(m.avgPowerW),
        maxPowerW: int(m.maxPowerW),
        avgCadence: int(m.avgCadenceRpm),
        elevationGainM: num(m.ascentM),
        npW: num(m.normalizedPowerW),
        tss: num(m.tss),
        metrics: metrics as unknown as Record<string, unknown>,
        streams: encoded,
      })
      // either unique key: the same ride arrived a moment ago (a re-delivered update, another source)
      .onConflictDoNothing()
      // not the streams: we have them (reading the blob back costs as much as writing it)
      .returning(summaryColumns());
      // cycling is analysed; other sports are stored for load only
      if (row && m.sport === 'cycling' && origin?.analyse !== false) await queueAnalysis(tx, row.id);
      return row;
    });
    if (inserted) return { kind: 'saved', ride: { workout: inserted, metrics, streams: decodeStreams(encoded) } };
    // no row inserted: the same ride was saved a moment ago (a re-delivered update, another source)
    const stored = await this.findExisting(source, sourceActivityId, contentHash);
    if (!stored) throw new Error(`workout ${source}/${sourceActivityId} vanished after insert`);
    return { kind: 'duplicate', ride: stored };
  }

  /** Newest ride first. */
  async list(offset: number, limit: number): Promise<{ rides: WorkoutSummaryRow[]; total: number }> {
    const { db } = this.deps;
    const [rides, [{ total } = { total: 0 }]] = await Promise.all([
      db.select(summaryColumns()).from(workouts).orderBy(desc(workouts.startTime), desc(workouts.id)).offset(offset).limit(limit),
      db.select({ total: count() }).from(workouts),
    ]);
    return { rides, total };
  }

  /** Every ride that started at or after `since` (all when not given), oldest first, without streams. */
  async since(since?: Date): Promise<WorkoutSummaryRow[]> {
    return this.deps.db
      .select(summaryColumns())
      .from(workouts)
      .where(since ? gte(workouts.startTime, since) : undefined)
      .orderBy(workouts.startTime, workouts.id);
  }

  /** These rides without their streams, oldest first. */
  async summaries(ids: number[]): Promise<WorkoutSummaryRow[]> {
    if (ids.length === 0) return [];
    return this.deps.db.select(summaryColumns()).from(workouts).where(inArray(workouts.id, ids)).orderBy(workouts.startTime, workouts.id);
  }

  async get(id: number): Promise<StoredRide | undefined> {
    const [row] = await this.deps.db.select().from(workouts).where(eq(workouts.id, id));
    return row ? toStored(row) : undefined;
  }

  /**
   * CTL/ATL/TSB for the last `days` days ending today in `timeZone`, recomputed
   * from every stored ride (so a ride that arrives late, out of order, counts on its own day).
   */
  async fitness(days: number, timeZone: string): Promise<FitnessResult> {
    const { rows, series } = await this.fitnessHistory(timeZone, days);
    if (rows.length === 0) return { rideCount: 0, ridesInWindow: 0, days: [], timeZone };
    const today = localDay(this.now().getTime(), timeZone);
    const fromDay = localDay(this.now().getTime() - (days - 1) * DAY_MS, timeZone);
    const ridesInWindow = rows.filter((r) => {
      const day = localDay(r.startTime.getTime(), timeZone);
      return day >= fromDay && day <= today;
    }).length;
    return { rideCount: rows.length, ridesInWindow, days: series.filter((d) => d.day >= fromDay), timeZone };
  }

  /**
   * Every day from the first ride (or `days` days ago, if later) to today: load, CTL, ATL, TSB.
   * Starts at the first ride (CTL/ATL 0 before it), so older rides still shape today's numbers.
   */
  async fitnessHistory(timeZone: string, days: number): Promise<{ rows: { startTime: Date; load: number | null }[]; series: FitnessDay[] }> {
    const rows = await this.deps.db
      .select({ startTime: workouts.startTime, load: sql<number | null>`(${workouts.metrics}->>'load')::float8` })
      .from(workouts);
    if (rows.length === 0) return { rows, series: [] };
    const today = localDay(this.now().getTime(), timeZone);
    const floor = localDay(this.now().getTime() - (days - 1) * DAY_MS, timeZone);
    const rides = rows.filter((r) => r.load !== null).map((r) => ({ startTimeMs: r.startTime.getTime(), load: Number(r.load) }));
    const loads = dailyLoads(rides, timeZone);
    const firstDay = [...loads.keys()].sort()[0];
    const start = firstDay !== undefined && firstDay < floor ? firstDay : floor;
    return { rows, series: fitnessSeries(loads, start, today) };
  }

  /** Load (TSS, or HRSS without power) per local day from `fromDay` to `toDay`, both YYYY-MM-DD; days without rides are absent. */
  async loadsByDay(fromDay: string, toDay: string, timeZone: string): Promise<Map<string, number>> {
    // a day's rides lie within a day either side of its UTC midnight, whatever the zone
    const rows = await this.deps.db
      .select({ startTime: workouts.startTime, load: sql<number | null>`(${workouts.metrics}->>'load')::float8` })
      .from(workouts)
      .where(and(gte(workouts.startTime, new Date(Date.parse(`${fromDay}T00:00:00Z`) - DAY_MS)), lt(workouts.startTime, new Date(Date.parse(`${toDay}T00:00:00Z`) + 2 * DAY_MS))));
    const rides = rows.filter((r) => r.load !== null).map((r) => ({ startTimeMs: r.startTime.getTime(), load: Number(r.load) }));
    return new Map([...dailyLoads(rides, timeZone)].filter(([day]) => day >= fromDay && day <= toDay));
  }

  /** Best power per standard duration over the last 42 days, against the season (the last 365 days). */
  async powerCurves(recentDays = RECENT_CURVE_DAYS, seasonDays = SEASON_DAYS): Promise<PowerCurvesResult> {
    const nowMs = this.now().getTime();
    const rows = await this.curveRows(new Date(nowMs - seasonDays * DAY_MS));
    const recentFrom = nowMs - recentDays * DAY_MS;
    const recent = rows.filter((r) => r.startTime.getTime() >= recentFrom);
    const best = bestPowers(rows);
    const recentBest = bestPowers(recent);
    const durationsS = STANDARD_DURATIONS_S.filter((d) => best.has(d));
    return {
      recentDays,
      seasonDays,
      recentRides: recent.length,
      seasonRides: rows.length,
      durationsS,
      recentW: durationsS.map((d) => recentBest.get(d) ?? null),
      bestW: durationsS.map((d) => best.get(d) ?? null),
    };
  }

  /** Best power per standard duration in the `days` before `before`, one ride left out (the one being judged). */
  async bestsBefore(before: Date, excludeWorkoutId: number, days = SEASON_DAYS): Promise<{ durationS: number; powerW: number }[]> {
    const rows = await this.curveRows(new Date(before.getTime() - days * DAY_MS), before);
    const best = bestPowers(rows.filter((r) => r.id !== excludeWorkoutId));
    return STANDARD_DURATIONS_S.filter((d) => best.has(d)).map((durationS) => ({ durationS, powerW: best.get(durationS)! }));
  }

  /** Cycling rides with a power curve that started from `from` (and before `to`, when given). */
  private async curveRows(from: Date, to?: Date) {
    const rows = await this.deps.db
      .select({ id: workouts.id, startTime: workouts.startTime, curve: sql<{ durationS: number; powerW: number }[] | null>`${workouts.metrics}->'powerCurve'` })
      .from(workouts)
      .where(and(gte(workouts.startTime, from), to ? lt(workouts.startTime, to) : undefined, eq(workouts.type, 'cycling')));
    return rows.filter((row): row is typeof row & { curve: { durationS: number; powerW: number }[] } => Array.isArray(row.curve) && row.curve.length > 0);
  }

  /**
   * The rider tapped "Update FTP to N W" under a ride: set the profile FTP to the
   * ride's eFTP and record it on the ride, once. A second tap changes nothing.
   */
  async acceptFtpHint(workoutId: number): Promise<FtpHintResult> {
    const { profile } = await this.deps.profiles.resolved();
    return this.deps.db.transaction(async (tx) => {
      const [row] = await tx
        .select({ metrics: workouts.metrics })
        .from(workouts)
        .where(eq(workouts.id, workoutId))
        .for('update');
      if (!row) throw new InvalidInput('ride_not_found', `There is no ride ${workoutId} any more. /rides lists the ones you have.`);
      const metrics = row.metrics as unknown as StoredRideMetrics;
      if (metrics.ftpUpdate) return { kind: 'already', ftpW: metrics.ftpUpdate.toW };
      const [current] = await tx.select({ ftpW: riderProfile.ftpW }).from(riderProfile).where(eq(riderProfile.id, 1)).for('update');
      const fromW = current?.ftpW ?? profile.ftpW;
      const toW = metrics.eftpW === null ? null : Math.round(metrics.eftpW);
      if (toW === null || toW <= fromW) return { kind: 'already', ftpW: fromW };
      const patch = { ftpW: toW, updatedAt: new Date() };
      await tx.insert(riderProfile).values({ id: 1, ...patch }).onConflictDoUpdate({ target: riderProfile.id, set: patch });
      const ftpUpdate = { fromW, toW, at: this.now().toISOString() };
      await tx
        .update(workouts)
        .set({ metrics: sql`${workouts.metrics} || ${JSON.stringify({ ftpUpdate })}::jsonb` })
        .where(eq(workouts.id, workoutId));
      return { kind: 'updated', fromW, toW };
    });
  }

  /** The ride stored under this source id, or the same file from anywhere. */
  private async findExisting(source: string, sourceActivityId: string, contentHash: string): Promise<StoredRide | undefined> {
    const [row] = await this.deps.db
      .select({ id: workouts.id })
      .from(workouts)
      .where(or(and(eq(workouts.source, source), eq(workouts.sourceActivityId, sourceActivityId)), eq(workouts.contentHash, contentHash)))
      .orderBy(workouts.id)
      .limit(1);
    return row ? this.get(row.id) : undefined;
  }
}

function bestPowers(rows: { curve: { durationS: number; powerW: number }[] }[]): Map<number, number> {
  const best = new Map<number, number>();
  for (const row of rows) for (const { durationS, powerW } of row.curve) best.set(durationS, Math.max(best.get(durationS) ?? 0, powerW));
  return best;
}

function summaryColumns() {
  const { streams: _streams, ...columns } = getTableColumns(workouts);
  return columns;
}

function toStored(row: WorkoutRow): StoredRide {
  const { streams, ...workout } = row;
  return {
    workout,
    metrics: row.metrics as unknown as StoredRideMetrics,
    streams: streams ? decodeStreams(new Uint8Array(streams)) : null,
  };
}
