import { and, asc, eq, inArray, isNotNull, isNull, lt, max, sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { sourceState, syncItems, syncLog } from '../db/schema.ts';
import { InvalidInput } from '../domain/errors.ts';
import { findProfileField } from '../domain/profile-fields.ts';
import type { RiderProfile } from '../domain/profile.ts';
import { SourceError, type ActivitySource, type RemoteActivity, type SourceId, type SourceThresholds } from '../integrations/activity-source.ts';
import type { SourceCatalog } from '../integrations/sources.ts';
import type { Logger } from '../logger.ts';
import type { ProfileService } from './profile.ts';
import type { RideService } from './rides.ts';

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;
/** The first pause after a lockout; each one in a row doubles it, up to a day (rate limits re-arm when retried). */
export const COOLDOWN_FIRST_MS = 2 * HOUR_MS;
export const COOLDOWN_MAX_MS = 24 * HOUR_MS;
/** A running sync writes its heartbeat this often; one silent for STALE_RUN_MS died with its process. */
const HEARTBEAT_MS = 20_000;
const STALE_RUN_MS = 2 * MINUTE_MS;
/** Listing starts this far before the newest activity we know: watches upload late. */
const LIST_OVERLAP_MS = 3 * DAY_MS;
/** A file refused this many times is given up on (with the reason kept). */
const MAX_ATTEMPTS = 5;
/** A run with more new rides than this is a backfill: one summary, and only the recent rides analysed. */
export const BATCH_THRESHOLD = 3;
/** In a backfill, rides older than this are history: they change no plan, so they are not analysed. */
const ANALYSE_WITHIN_MS = 2 * DAY_MS;
/** The pause between two activities, so a chat message waiting behind a long backfill is answered in between. */
const BREATHER_MS = 20;
/** Transient failures in a row (timeouts, 5xx) after which a run stops and leaves the rest for the next. */
const TRANSIENT_STREAK_LIMIT = 2;

/** What started a run: the cron tick, /sync (or a token import), or the bot starting with work left. */
export type SyncTrigger = 'schedule' | 'command' | 'start';

export interface ThresholdChange {
  key: keyof Pick<RiderProfile, 'ftpW' | 'lthrBpm' | 'maxHrBpm' | 'riderKg'>;
  from: number | null;
  to: number;
}

export interface SourceOutcome {
  source: SourceId;
  /** ok: listed and took every file it could; failed: stopped early (will retry next run); paused: a lockout started; cooldown: inside one, nothing asked; busy: another run holds the source. */
  status: 'ok' | 'failed' | 'paused' | 'cooldown' | 'busy';
  /** Activities listed that were new to us. */
  found: number;
  /** Workouts stored by this run, oldest first. */
  imported: number[];
  /** Activities that were rides we already had (from another source or an upload). */
  duplicates: number;
  /** Imported rides queued for analysis (in a backfill, only the recent ones). */
  analysed: number;
  /** Activities that wait for the next run, with why. */
  pending: { activityId: string; name: string | null; error: string }[];
  /** Activities given up on in this run, with why. */
  skipped: { activityId: string; name: string | null; reason: string }[];
  error?: SourceError;
  cooldownUntil?: Date;
  /** The rider has not been told about this kind of failure yet (one message per episode). */
  tell: boolean;
  /** Thresholds the source has that differ from the profile, not offered before. */
  offer?: ThresholdChange[];
}

export interface SyncReport {
  trigger: SyncTrigger;
  outcomes: SourceOutcome[];
  /** Rides stored and not yet told to the chat (this run's, and any a killed run stored), oldest first. */
  newRides: number[];
  /** More than BATCH_THRESHOLD new rides: one summary instead of a message each. */
  batch: boolean;
}

export interface SyncProgress {
  source: SourceId;
  done: number;
  total: number;
}

export interface SourceHealth {
  source: SourceId;
  cooldownUntil: Date | null;
  lastOkAt: Date | null;
  lastError: string | null;
  lastRun: { status: string; at: Date; synced: number; pending: number; error: string | null } | null;
}

interface SyncDeps {
  db: Db;
  rides: RideService;
  profiles: ProfileService;
  sources: Pick<SourceCatalog, 'active' | 'open' | 'setupHash'>;
  backfillDays: number;
  logger: Logger;
  now?: () => Date;
}

/**
 * Rides in from Garmin Connect and intervals.icu. Every activity a source lists
 * becomes a `sync_items` row first, then its file is taken through the same
 * import as an upload (unique on source id and on the file's hash), so a crash
 * anywhere resumes from the rows and stores nothing twice. One run per source at
 * a time, held by its `running` sync_log row; lockouts pause the source for
 * hours (stored, so restarts keep them), told to the rider once.
 */
export class SyncService {
  private readonly now: () => Date;

  constructor(private readonly deps: SyncDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  /** At start-up: runs left `running` by a process that died are closed as interrupted (their items stay pending). */
  async recoverInterrupted(): Promise<number> {
    const rows = await this.deps.db
      .update(syncLog)
      .set({ status: 'failed', errorMessage: 'interrupted: the bot stopped during this sync; its rides were taken up by the next run', lastSyncTime: this.now() })
      .where(eq(syncLog.status, 'running'))
      .returning({ id: syncLog.id });
    return rows.length;
  }

  /** `signal`: the bot is stopping; the activity being stored is finished, the rest stays pending. */
  async run(trigger: SyncTrigger, onProgress: (p: SyncProgress) => void = () => undefined, signal?: AbortSignal): Promise<SyncReport> {
    const outcomes: SourceOutcome[] = [];
    for (const id of await this.deps.sources.active()) {
      if (signal?.aborted) break;
      outcomes.push(await this.runSource(id, trigger, onProgress, signal));
    }
    const untold = await this.deps.db
      .select({ workoutId: syncItems.workoutId })
      .from(syncItems)
      .where(and(eq(syncItems.status, 'imported'), isNull(syncItems.announcedAt), isNotNull(syncItems.workoutId)))
      .orderBy(asc(syncItems.startTime), asc(syncItems.id));
    const newRides = untold.map((r) => r.workoutId!);
    return { trigger, outcomes, newRides, batch: newRides.length > BATCH_THRESHOLD };
  }

  /** The chat has been told about these rides. */
  async markAnnounced(workoutIds: number[]): Promise<void> {
    if (workoutIds.length === 0) return;
    await this.deps.db.update(syncItems).set({ announcedAt: this.now() }).where(inArray(syncItems.workoutId, workoutIds));
  }

  /** Each configured source's pause, last success and last run (for /status, /garmin and /health). */
  async health(): Promise<SourceHealth[]> {
    const ids = await this.deps.sources.active();
    if (ids.length === 0) return [];
    const [states, runs] = await Promise.all([
      this.deps.db.select().from(sourceState).where(inArray(sourceState.source, ids)),
      this.deps.db
        .selectDistinctOn([syncLog.source])
        .from(syncLog)
        .where(and(inArray(syncLog.source, ids), inArray(syncLog.status, ['ok', 'failed', 'running'])))
        .orderBy(syncLog.source, sql`${syncLog.startedAt} desc`),
    ]);
    return ids.map((id) => {
      const state = states.find((s) => s.source === id);
      const run = runs.find((r) => r.source === id);
      return {
        source: id,
        cooldownUntil: state?.cooldownUntil && state.cooldownUntil > this.now() ? state.cooldownUntil : null,
        lastOkAt: state?.lastOkAt ?? null,
        lastError: state?.lastError ?? null,
        lastRun: run
          ? { status: run.status, at: run.lastSyncTime ?? run.startedAt, synced: run.activitiesSynced, pending: run.activitiesPending, error: run.errorMessage }
          : null,
      };
    });
  }

  /** The rider brought new credentials (tokens): the pause and its notice end now. */
  async clearCooldown(source: SourceId): Promise<void> {
    await this.deps.db
      .update(sourceState)
      .set({ cooldownUntil: null, consecutiveFailures: 0, notice: null, updatedAt: this.now() })
      .where(eq(sourceState.source, source));
  }

  /** The rider tapped "Use these": the values that message showed go into the profile (through /profile's ranges). */
  async acceptThresholds(offered: SourceThresholds): Promise<ThresholdChange[]> {
    const changes = thresholdChanges(offered, await this.deps.profiles.stored());
    for (const change of changes) await this.deps.profiles.set(PROFILE_NAMES[change.key], String(change.to));
    return changes;
  }

  /** Whether a run has work without being asked: a source never synced, or activities left pending. */
  async hasWork(): Promise<boolean> {
    for (const id of await this.deps.sources.active()) {
      const [state] = await this.deps.db.select({ lastOkAt: sourceState.lastOkAt }).from(sourceState).where(eq(sourceState.source, id));
      if (!state?.lastOkAt) return true;
      const [item] = await this.deps.db
        .select({ id: syncItems.id })
        .from(syncItems)
        .where(and(eq(syncItems.source, id), eq(syncItems.status, 'pending')))
        .limit(1);
      if (item) return true;
    }
    return false;
  }

  private async runSource(id: SourceId, trigger: SyncTrigger, onProgress: (p: SyncProgress) => void, signal?: AbortSignal): Promise<SourceOutcome> {
    const { db, logger } = this.deps;
    const outcome: SourceOutcome = { source: id, status: 'ok', found: 0, imported: [], duplicates: 0, analysed: 0, pending: [], skipped: [], tell: false };
    // the lock first: a pause another run set a moment ago is then seen, not raced
    const runId = await this.acquire(id, trigger);
    if (runId === undefined) return { ...outcome, status: 'busy' };
    const state = await this.state(id);
    const setupHash = this.deps.sources.setupHash(id);
    if (state.cooldownUntil && state.cooldownUntil > this.now() && state.setupHash && state.setupHash !== setupHash) {
      // the rider changed the key or the password since the pause began: it was for the old ones
      logger.info({ source: id }, 'the source setup changed: its pause is lifted');
      await this.clearCooldown(id);
      state.cooldownUntil = null;
      state.consecutiveFailures = 0;
      state.notice = null;
    }
    if (state.cooldownUntil && state.cooldownUntil > this.now()) {
      // nothing goes to the source inside a cooldown: asking again re-arms the lock
      await db
        .update(syncLog)
        .set({ status: 'skipped', errorMessage: `paused until ${state.cooldownUntil.toISOString()}`, lastSyncTime: this.now() })
        .where(eq(syncLog.id, runId));
      return { ...outcome, status: 'cooldown', cooldownUntil: state.cooldownUntil };
    }
    const heartbeat = setInterval(() => {
      void db.update(syncLog).set({ heartbeatAt: this.now() }).where(eq(syncLog.id, runId)).catch(() => undefined);
    }, HEARTBEAT_MS);
    const log = logger.child({ source: id, sync_run: runId });
    try {
      const source = await this.deps.sources.open(id);
      const listed = await this.list(source);
      outcome.found = listed.length;
      outcome.skipped.push(
        ...listed.filter((r) => r.status === 'skipped').map((r) => ({ activityId: r.activityId, name: r.name, reason: r.lastError ?? 'not available' })),
      );
      const pending = await db
        .select()
        .from(syncItems)
        .where(and(eq(syncItems.source, source.id), eq(syncItems.status, 'pending')))
        .orderBy(asc(syncItems.startTime), asc(syncItems.id));
      const backfill = pending.length > BATCH_THRESHOLD;
      let transientStreak = 0;
      onProgress({ source: source.id, done: 0, total: pending.length });
      for (const [index, item] of pending.entries()) {
        if (signal?.aborted) throw new SourceError(id, 'unavailable', 'the bot stopped before this sync finished');
        const result = await this.importItem(source, item, backfill);
        if (result.kind === 'imported') {
          outcome.imported.push(result.workoutId);
          if (result.analysed) outcome.analysed += 1;
        }
        if (result.kind === 'duplicate') outcome.duplicates += 1;
        if (result.kind === 'skipped') outcome.skipped.push({ activityId: item.activityId, name: item.name, reason: result.reason });
        if (result.kind === 'pending') {
          outcome.pending.push({ activityId: item.activityId, name: item.name, error: result.error.message });
          log.warn({ activity_id: item.activityId, kind: result.error.kind, err: result.error.message }, 'activity left pending');
          if (result.error.pausesSource) throw result.error;
          transientStreak = result.error.kind === 'refused' ? 0 : transientStreak + 1;
          if (transientStreak >= TRANSIENT_STREAK_LIMIT) throw result.error;
        } else {
          transientStreak = 0;
        }
        await db.update(syncLog).set({ heartbeatAt: this.now(), activitiesSynced: outcome.imported.length }).where(eq(syncLog.id, runId));
        onProgress({ source: source.id, done: index + 1, total: pending.length });
        // a backfill is background work: leave the event loop to the chat between rides
        await new Promise((resolve) => setTimeout(resolve, BREATHER_MS));
      }
      outcome.offer = await this.offerThresholds(source, log);
      await this.finish(runId, 'ok', outcome, undefined);
      await db
        .update(sourceState)
        .set({ cooldownUntil: null, consecutiveFailures: 0, lastOkAt: this.now(), lastError: null, notice: null, updatedAt: this.now() })
        .where(eq(sourceState.source, id));
      log.info({ found: outcome.found, imported: outcome.imported.length, duplicates: outcome.duplicates, pending: outcome.pending.length }, 'sync finished');
      return outcome;
    } catch (error) {
      const failure = error instanceof SourceError ? error : new SourceError(id, 'unavailable', (error as Error).message, undefined, { cause: error });
      if (!(error instanceof SourceError)) log.error({ err: error }, 'sync failed unexpectedly');
      outcome.error = failure;
      if (failure.pausesSource) {
        const failures = state.consecutiveFailures + 1;
        const until = new Date(this.now().getTime() + Math.min(COOLDOWN_FIRST_MS * 2 ** (failures - 1), COOLDOWN_MAX_MS));
        outcome.status = 'paused';
        outcome.cooldownUntil = until;
        outcome.tell = state.notice !== failure.kind;
        await db
          .update(sourceState)
          .set({ cooldownUntil: until, consecutiveFailures: failures, lastError: failure.message, notice: failure.kind, setupHash, updatedAt: this.now() })
          .where(eq(sourceState.source, id));
        log.warn({ kind: failure.kind, status: failure.status, cooldown_until: until.toISOString(), err: failure.message }, 'source paused');
      } else {
        outcome.status = 'failed';
        await db.update(sourceState).set({ lastError: failure.message, updatedAt: this.now() }).where(eq(sourceState.source, id));
        log.warn({ kind: failure.kind, err: failure.message }, 'sync stopped; the rest waits for the next run');
      }
      await this.finish(runId, 'failed', outcome, failure);
      return outcome;
    } finally {
      clearInterval(heartbeat);
    }
  }

  /** Holds the source for one run: a `running` row (unique per source); a stale one from a dead process is closed first. */
  private async acquire(source: SourceId, trigger: SyncTrigger): Promise<number | undefined> {
    const { db } = this.deps;
    await db
      .update(syncLog)
      .set({ status: 'failed', errorMessage: 'interrupted: the process running this sync stopped answering', lastSyncTime: this.now() })
      .where(and(eq(syncLog.source, source), eq(syncLog.status, 'running'), lt(syncLog.heartbeatAt, new Date(this.now().getTime() - STALE_RUN_MS))));
    const [row] = await db
      .insert(syncLog)
      .values({ source, status: 'running', trigger, startedAt: this.now(), heartbeatAt: this.now() })
      .onConflictDoNothing()
      .returning({ id: syncLog.id });
    return row?.id;
  }

  /** New activities become pending rows (known ones are left as they are); returns the new rows. */
  private async list(source: ActivitySource): Promise<{ activityId: string; name: string | null; status: string; lastError: string | null }[]> {
    const { db } = this.deps;
    const [{ newest } = { newest: null }] = await db.select({ newest: max(syncItems.startTime) }).from(syncItems).where(eq(syncItems.source, source.id));
    const since = newest
      ? new Date(new Date(newest).getTime() - LIST_OVERLAP_MS)
      : new Date(this.now().getTime() - this.deps.backfillDays * DAY_MS);
    const activities = await source.listActivities(since);
    if (activities.length === 0) return [];
    return db
      .insert(syncItems)
      .values(activities.map((a) => itemRow(source.id, a, this.now())))
      .onConflictDoNothing()
      .returning({ activityId: syncItems.activityId, name: syncItems.name, status: syncItems.status, lastError: syncItems.lastError });
  }

  private async importItem(
    source: ActivitySource,
    item: typeof syncItems.$inferSelect,
    backfill: boolean,
  ): Promise<
    { kind: 'imported' | 'duplicate'; workoutId: number; analysed: boolean } | { kind: 'skipped'; reason: string } | { kind: 'pending'; error: SourceError }
  > {
    const { db, rides } = this.deps;
    const done = (status: string, patch: Partial<typeof syncItems.$inferInsert>) =>
      db.update(syncItems).set({ status, updatedAt: this.now(), ...patch }).where(eq(syncItems.id, item.id));
    try {
      const file = await source.download({ id: item.activityId, startTime: item.startTime, name: item.name, type: item.type, cycling: item.cycling, durationS: null, distanceM: null });
      const analyse = !backfill || this.now().getTime() - item.startTime.getTime() <= ANALYSE_WITHIN_MS;
      const result = await rides.importFile(file.bytes, file.fileName, { source: source.id, activityId: item.activityId, name: item.name, analyse });
      const { workout } = result.ride;
      // stored under this very id: our own import, by a run killed before it could mark the row (so still to be told)
      const ours = result.kind === 'saved' || (workout.source === source.id && workout.sourceActivityId === item.activityId);
      await done(ours ? 'imported' : 'duplicate', { workoutId: workout.id, attempts: item.attempts + 1, lastError: null });
      return { kind: ours ? 'imported' : 'duplicate', workoutId: workout.id, analysed: ours && analyse && workout.type === 'cycling' };
    } catch (error) {
      if (error instanceof InvalidInput) {
        // the file itself is bad: asking again brings the same bytes
        await done('skipped', { attempts: item.attempts + 1, lastError: error.riderMessage });
        return { kind: 'skipped', reason: error.riderMessage };
      }
      const ours = !(error instanceof SourceError);
      if (ours) this.deps.logger.error({ err: error, source: source.id, activity_id: item.activityId }, 'could not store a synced activity');
      const failure = ours ? new SourceError(source.id, 'unavailable', (error as Error).message, undefined, { cause: error }) : error;
      const attempts = item.attempts + 1;
      // a refusal, or a failure of ours, that repeats is not going away; an outage (timeouts, 5xx) is, so it never counts
      if ((failure.kind === 'refused' || ours) && attempts >= MAX_ATTEMPTS) {
        const reason = `${ours ? 'the file could not be stored' : 'the file was refused'} ${attempts} times (${failure.message})`;
        await done('skipped', { attempts, lastError: reason });
        return { kind: 'skipped', reason };
      }
      await db.update(syncItems).set({ attempts, lastError: failure.message, updatedAt: this.now() }).where(eq(syncItems.id, item.id));
      return { kind: 'pending', error: failure };
    }
  }

  private async finish(runId: number, status: 'ok' | 'failed', outcome: SourceOutcome, failure: SourceError | undefined): Promise<void> {
    const [{ waiting } = { waiting: 0 }] = await this.deps.db
      .select({ waiting: sql<number>`count(*)::int` })
      .from(syncItems)
      .where(and(eq(syncItems.source, outcome.source), eq(syncItems.status, 'pending')));
    const lines = [
      ...(failure ? [`${failure.kind}: ${failure.message}`] : []),
      ...outcome.pending.map((p) => `pending ${p.activityId}${p.name ? ` (${p.name})` : ''}: ${p.error}`),
      ...outcome.skipped.map((s) => `skipped ${s.activityId}${s.name ? ` (${s.name})` : ''}: ${s.reason}`),
    ];
    await this.deps.db
      .update(syncLog)
      .set({
        status,
        activitiesFound: outcome.found,
        activitiesSynced: outcome.imported.length,
        activitiesPending: waiting,
        errorMessage: lines.length > 0 ? lines.join('\n') : null,
        lastSyncTime: this.now(),
        heartbeatAt: this.now(),
      })
      .where(eq(syncLog.id, runId));
  }

  private async state(source: SourceId): Promise<typeof sourceState.$inferSelect> {
    const { db } = this.deps;
    await db.insert(sourceState).values({ source }).onConflictDoNothing();
    const [row] = await db.select().from(sourceState).where(eq(sourceState.source, source));
    if (!row) throw new Error(`source_state ${source} vanished`);
    return row;
  }

  /** The source's thresholds that differ from the profile and were not offered before; a failure here costs the run nothing. */
  private async offerThresholds(source: ActivitySource, log: Logger): Promise<ThresholdChange[] | undefined> {
    let thresholds: SourceThresholds;
    try {
      thresholds = await source.thresholds();
    } catch (error) {
      log.warn({ err: (error as Error).message }, 'could not read the thresholds');
      return undefined;
    }
    const [state] = await this.deps.db.select({ offered: sourceState.offeredThresholds }).from(sourceState).where(eq(sourceState.source, source.id));
    const before = (state?.offered ?? {}) as SourceThresholds;
    const changes = thresholdChanges(thresholds, await this.deps.profiles.stored()).filter(
      (c) => !sameValue(c.key, before[SOURCE_KEYS[c.key]], c.to),
    );
    if (changes.length === 0) return undefined;
    // what was offered, not all the source said: a value drifting a little each run is still offered once it is far enough
    const offered = { ...before, ...Object.fromEntries(changes.map((c) => [SOURCE_KEYS[c.key], c.to])) };
    await this.deps.db.update(sourceState).set({ offeredThresholds: offered as Record<string, number> }).where(eq(sourceState.source, source.id));
    return changes;
  }
}

const SOURCE_KEYS: Record<ThresholdChange['key'], keyof SourceThresholds> = { ftpW: 'ftpW', lthrBpm: 'lthrBpm', maxHrBpm: 'maxHrBpm', riderKg: 'weightKg' };
/** The /profile names the values are stored through (so the same ranges apply). */
const PROFILE_NAMES: Record<ThresholdChange['key'], string> = { ftpW: 'ftp', lthrBpm: 'lthr', maxHrBpm: 'maxhr', riderKg: 'weight' };

function acceptedByProfile(key: ThresholdChange['key'], value: number): boolean {
  try {
    findProfileField(PROFILE_NAMES[key]).parse(String(value));
    return true;
  } catch {
    return false;
  }
}

function sameValue(key: ThresholdChange['key'], a: number | null | undefined, b: number): boolean {
  if (a === null || a === undefined) return false;
  // scales disagree by a few hundred grams from day to day: not worth a question
  return key === 'riderKg' ? Math.abs(a - b) < 0.5 : Math.round(a) === Math.round(b);
}

/** Source values that differ from the stored profile and that /profile would accept (weights to 0.1 kg, the rest to whole numbers). */
export function thresholdChanges(source: SourceThresholds, profile: RiderProfile): ThresholdChange[] {
  const changes: ThresholdChange[] = [];
  for (const key of Object.keys(SOURCE_KEYS) as ThresholdChange['key'][]) {
    const value = source[SOURCE_KEYS[key]];
    if (value === undefined) continue;
    const to = key === 'riderKg' ? Math.round(value * 10) / 10 : Math.round(value);
    // the ranges /profile accepts: a source's typo (an FTP of 2450 W) is never offered
    if (!acceptedByProfile(key, to)) continue;
    const from = profile[key] ?? null;
    if (!sameValue(key, from, to)) changes.push({ key, from, to });
  }
  return changes;
}

function itemRow(source: SourceId, a: RemoteActivity, now: Date): typeof syncItems.$inferInsert {
  return {
    source,
    activityId: a.id,
    startTime: a.startTime,
    name: a.name?.slice(0, 200) ?? null,
    type: a.type.slice(0, 60),
    cycling: a.cycling,
    ...(a.unavailable ? { status: 'skipped', lastError: a.unavailable } : {}),
    createdAt: now,
    updatedAt: now,
  };
}
