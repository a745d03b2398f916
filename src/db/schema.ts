import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  check,
  customType,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  real,
  serial,
  text,
  timestamp,
  uniqueIndex,
  type AnyPgColumn,
} from 'drizzle-orm/pg-core';
import type { Weekday } from '../domain/calendar.ts';
import type { Plan } from '../domain/plan/plan.ts';
import type { RuleSet } from '../domain/plan/rules.ts';

/**
 * Everything the coach keeps. Every external id has a unique constraint so a
 * re-delivered update, a re-synced activity or a re-sent file is harmless.
 * Units are in column names; snake_case in the database.
 */

const bytea = customType<{ data: Uint8Array; driverData: Uint8Array }>({ dataType: () => 'bytea' });
const createdAt = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow();

/** Telegram update ids we finished handling (getUpdates is at-least-once). */
export const processedUpdates = pgTable('processed_updates', {
  updateId: bigint('update_id', { mode: 'number' }).primaryKey(),
  processedAt: timestamp('processed_at', { withTimezone: true }).notNull().defaultNow(),
});

/**
 * The one question the bot waits for an answer to ("Send your FTP"): the next
 * plain text in the chat answers it. A single row (id = 1); a new question
 * replaces the old one. Kept in the database so a restart does not forget it.
 */
export const pendingQuestion = pgTable(
  'pending_question',
  {
    id: integer('id').primaryKey().default(1),
    /** Which feature asked, e.g. 'profile'. */
    kind: text('kind').notNull(),
    /** What it asked about, e.g. the profile key 'ftp'. */
    subject: text('subject').notNull(),
    askedAt: timestamp('asked_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [check('pending_question_single_row', sql`${t.id} = 1`)],
);

/** The one rider this installation serves. A single row (id = 1). */
export const riderProfile = pgTable(
  'rider_profile',
  {
    id: integer('id').primaryKey().default(1),
    ftpW: integer('ftp_w'),
    riderKg: real('rider_kg'),
    bikeKg: real('bike_kg'),
    maxHrBpm: integer('max_hr_bpm'),
    restHrBpm: integer('rest_hr_bpm'),
    lthrBpm: integer('lthr_bpm'),
    chainrings: jsonb('chainrings').$type<number[]>(),
    cogs: jsonb('cogs').$type<number[]>(),
    wheelCircumferenceM: real('wheel_circumference_m'),
    cadenceFloorRpm: integer('cadence_floor_rpm'),
    timeZone: text('time_zone'),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [check('rider_profile_single_row', sql`${t.id} = 1`)],
);

export const routes = pgTable('routes', {
  id: serial('id').primaryKey(),
  name: text('name').notNull(),
  contentSha256: text('content_sha256').notNull().unique(),
  gpxFilePath: text('gpx_file_path').notNull(),
  sourceFileName: text('source_file_name'),
  points: integer('points').notNull(),
  distanceM: doublePrecision('distance_m').notNull(),
  ascentM: doublePrecision('ascent_m'),
  descentM: doublePrecision('descent_m'),
  minElevationM: doublePrecision('min_elevation_m'),
  maxElevationM: doublePrecision('max_elevation_m'),
  estTimeS: integer('est_time_s'),
  analysis: jsonb('analysis').$type<Record<string, unknown>>(),
  createdAt: createdAt(),
});

export const sections = pgTable(
  'sections',
  {
    id: serial('id').primaryKey(),
    routeId: integer('route_id')
      .notNull()
      .references(() => routes.id, { onDelete: 'cascade' }),
    seq: integer('seq').notNull(),
    kind: text('kind').notNull(),
    category: text('category'),
    gpxFilePath: text('gpx_file_path').notNull(),
    startM: doublePrecision('start_m').notNull(),
    endM: doublePrecision('end_m').notNull(),
    distanceM: doublePrecision('distance_m').notNull(),
    ascentM: doublePrecision('ascent_m'),
    gradeAvg: doublePrecision('grade_avg'),
    gradeMax: doublePrecision('grade_max'),
    minGear: text('min_gear'),
    estTimeMinutes: doublePrecision('est_time_minutes'),
  },
  (t) => [uniqueIndex('sections_route_seq').on(t.routeId, t.seq)],
);

/** The rider's rules; a new text or a restore is a new version (history is never rewritten). */
export const rules = pgTable('rules', {
  id: serial('id').primaryKey(),
  version: integer('version').notNull().unique(),
  parentRuleId: integer('parent_rule_id').references((): AnyPgColumn => rules.id),
  rules: jsonb('rules').$type<RuleSet>().notNull(),
  sourceText: text('source_text'),
  createdAt: createdAt(),
});

/** Training plans; every change the rider approves, and every rollback, is a new version. */
export const plans = pgTable('plans', {
  id: serial('id').primaryKey(),
  version: integer('version').notNull().unique(),
  parentPlanId: integer('parent_plan_id').references((): AnyPgColumn => plans.id),
  plan: jsonb('plan').$type<Plan>().notNull(),
  reason: text('reason'),
  createdAt: createdAt(),
});

/**
 * The rider's goal and the time they have: what plans are built to. A single
 * row (id = 1); no event means a general fitness plan.
 */
export const goal = pgTable(
  'goal',
  {
    id: integer('id').primaryKey().default(1),
    eventName: text('event_name'),
    eventDate: text('event_date'),
    routeId: integer('route_id').references(() => routes.id, { onDelete: 'set null' }),
    hoursPerWeek: real('hours_per_week').notNull(),
    /** 'monday'..'sunday' */
    days: jsonb('days').$type<Weekday[]>().notNull(),
    ftpW: integer('ftp_w'),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [check('goal_single_row', sql`${t.id} = 1`)],
);

/**
 * A change waiting for the rider's tap: a plan (Approve / Reject) or a rule set
 * (Save / Cancel). Callback data carries only the id; the row is locked while a
 * tap is applied, so a double tap makes one version.
 */
export const proposals = pgTable(
  'proposals',
  {
    id: serial('id').primaryKey(),
    /** 'plan' | 'rules' */
    kind: text('kind').notNull(),
    /** A Plan or a RuleSet. */
    payload: jsonb('payload').$type<Plan | RuleSet>().notNull(),
    reason: text('reason').notNull(),
    /** Rules: the rider's words. */
    sourceText: text('source_text'),
    /** The version current when this was proposed (plans.id or rules.id); null when there was none. */
    baseId: integer('base_id'),
    /** What code repaired before showing it, one sentence each. */
    repairs: jsonb('repairs').$type<string[]>().notNull().default([]),
    /** 'pending' | 'approved' | 'rejected' */
    status: text('status').notNull().default('pending'),
    /** plans.id or rules.id of the version the approval made. */
    resultId: integer('result_id'),
    decidedAt: timestamp('decided_at', { withTimezone: true }),
    telegramMessageId: integer('telegram_message_id'),
    createdAt: createdAt(),
  },
  (t) => [index('proposals_kind_status').on(t.kind, t.status)],
);

/** State of the multi-step dialogs (@grammyjs/conversations), so a restart mid-dialog resumes. */
export const conversationState = pgTable('conversation_state', {
  key: text('key').primaryKey(),
  state: jsonb('state').$type<unknown>().notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

export const workouts = pgTable(
  'workouts',
  {
    id: serial('id').primaryKey(),
    /** 'garmin' | 'intervals' | 'upload' */
    source: text('source').notNull(),
    /** The source's own id; for uploads the file's SHA-256. */
    sourceActivityId: text('source_activity_id').notNull(),
    /** SHA-256 of the ride file: the same ride from Garmin, intervals.icu and an upload is one row. */
    contentHash: text('content_hash'),
    type: text('type').notNull(),
    name: text('name'),
    startTime: timestamp('start_time', { withTimezone: true }).notNull(),
    durationS: integer('duration_s'),
    movingS: integer('moving_s'),
    distanceM: doublePrecision('distance_m'),
    avgHr: integer('avg_hr'),
    maxHr: integer('max_hr'),
    avgPowerW: integer('avg_power_w'),
    maxPowerW: integer('max_power_w'),
    avgCadence: integer('avg_cadence'),
    elevationGainM: doublePrecision('elevation_gain_m'),
    npW: doublePrecision('np_w'),
    tss: doublePrecision('tss'),
    metrics: jsonb('metrics').$type<Record<string, unknown>>(),
    /** 1 Hz streams, compactly encoded, so charts and re-analysis never need the file again. */
    streams: bytea('streams'),
    filePath: text('file_path'),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('workouts_source_activity').on(t.source, t.sourceActivityId),
    uniqueIndex('workouts_content_hash').on(t.contentHash),
    index('workouts_start_time').on(t.startTime),
  ],
);

/**
 * Ride analyses, and the queue that makes them: a row is queued with its ride
 * (in the same transaction), a worker fills it (`ready`), and it is `sent` once
 * its message is in the chat. A proposed change is the operations and the draft
 * they made from the plan then current; Approve saves the draft (or re-applies
 * the operations to a plan that moved on) as a new version, once.
 */
export const analyses = pgTable(
  'analyses',
  {
    id: serial('id').primaryKey(),
    workoutId: integer('workout_id')
      .notNull()
      .references(() => workouts.id, { onDelete: 'cascade' }),
    /** 'queued' | 'ready' (made, or given up: no feedback) | 'sent' */
    status: text('status').notNull().default('queued'),
    /** Times a worker took it up; a crash mid-analysis leaves it queued with one more. */
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
    /** The seed's fields (RideFeedback). */
    feedback: jsonb('feedback').$type<Record<string, unknown>>(),
    /** 'ai' | 'built-in' */
    author: text('author'),
    /** What the rider should know about how it was made: why the built-in coach wrote it, what was dropped or repaired. */
    notes: jsonb('notes').$type<string[]>().notNull().default([]),
    /** Our numbers it was made with (AnalysisFacts): the ride against its planned workout, form before and after. */
    facts: jsonb('facts').$type<Record<string, unknown>>(),
    /** The change proposed, as PlanOperation[] (kept after the rules check); null: none, or a first plan. */
    operations: jsonb('operations').$type<unknown[]>(),
    /** The plan the change makes; null when no change is proposed. */
    draft: jsonb('draft').$type<Plan>(),
    /** The plan version the draft was made from; null when there was no plan (the draft is a first plan). */
    basePlanId: integer('base_plan_id').references(() => plans.id),
    /** Why the change, in one sentence (the coach's words); it names the plan version it makes. */
    changeReason: text('change_reason'),
    /** The change in a rider's lines (diff against the base). */
    changes: jsonb('changes').$type<string[]>().notNull().default([]),
    /** null while waiting for the rider's tap */
    approved: boolean('approved'),
    decisionTime: timestamp('decision_time', { withTimezone: true }),
    rejectReason: text('reject_reason'),
    resultingPlanId: integer('resulting_plan_id').references(() => plans.id),
    model: text('model'),
    promptId: integer('prompt_id').references(() => prompts.id),
    telegramMessageId: integer('telegram_message_id'),
    createdAt: createdAt(),
  },
  (t) => [index('analyses_workout').on(t.workoutId), index('analyses_status').on(t.status)],
);

export const prompts = pgTable(
  'prompts',
  {
    id: serial('id').primaryKey(),
    actionType: text('action_type').notNull(),
    model: text('model'),
    promptText: text('prompt_text').notNull(),
    version: integer('version').notNull(),
    active: boolean('active').notNull().default(false),
    /** 'seed' (from prompts/ at start-up) or 'chat' (written or chosen by the rider). */
    source: text('source').notNull().default('seed'),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('prompts_action_version').on(t.actionType, t.version),
    uniqueIndex('prompts_one_active').on(t.actionType).where(sql`${t.active}`),
  ],
);

/**
 * One row per sync run of one source. The row is also the lock: at most one
 * `running` row per source (a unique partial index), so two /sync taps and a cron
 * tick, in this process or another, start one run. A run killed mid-way is found
 * by its stale heartbeat and closed as interrupted.
 */
export const syncLog = pgTable(
  'sync_log',
  {
    id: serial('id').primaryKey(),
    source: text('source').notNull(),
    /** 'running' | 'ok' | 'failed' | 'skipped' (inside a cooldown) */
    status: text('status').notNull(),
    /** 'schedule' | 'command' | 'start' */
    trigger: text('trigger').notNull().default('schedule'),
    /** Activities the source listed that were new to us. */
    activitiesFound: integer('activities_found').notNull().default(0),
    /** New rides stored by this run. */
    activitiesSynced: integer('activities_synced').notNull().default(0),
    /** Activities left pending for the next run. */
    activitiesPending: integer('activities_pending').notNull().default(0),
    /** What went wrong, and which activities wait (one line each). */
    errorMessage: text('error_message'),
    startedAt: timestamp('started_at', { withTimezone: true }).notNull().defaultNow(),
    heartbeatAt: timestamp('heartbeat_at', { withTimezone: true }).notNull().defaultNow(),
    /** When the run ended (null while running). */
    lastSyncTime: timestamp('last_sync_time', { withTimezone: true }),
  },
  (t) => [
    index('sync_log_source_started').on(t.source, t.startedAt),
    uniqueIndex('sync_log_one_running').on(t.source).where(sql`status = 'running'`),
  ],
);

/**
 * Every activity a source listed, from the moment it was seen: `pending` until
 * its file is stored (`imported`), found to be a ride we already have from
 * elsewhere (`duplicate`), or given up on (`skipped`, with the reason). A crash
 * leaves pending rows, and the next run takes them up.
 */
export const syncItems = pgTable(
  'sync_items',
  {
    id: serial('id').primaryKey(),
    source: text('source').notNull(),
    activityId: text('activity_id').notNull(),
    startTime: timestamp('start_time', { withTimezone: true }).notNull(),
    name: text('name'),
    type: text('type').notNull(),
    cycling: boolean('cycling').notNull(),
    /** 'pending' | 'imported' | 'duplicate' | 'skipped' */
    status: text('status').notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
    workoutId: integer('workout_id').references(() => workouts.id, { onDelete: 'set null' }),
    /** When the chat was told about the imported ride (a run killed before its report is told by the next). */
    announcedAt: timestamp('announced_at', { withTimezone: true }),
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('sync_items_source_activity').on(t.source, t.activityId), index('sync_items_status').on(t.source, t.status, t.startTime)],
);

/** Per-source state that must survive restarts: cooldowns, last success, what the rider was told. */
export const sourceState = pgTable('source_state', {
  source: text('source').primaryKey(),
  cooldownUntil: timestamp('cooldown_until', { withTimezone: true }),
  /** Pausing failures in a row: the cooldown doubles with each (2 h, 4 h … 24 h). */
  consecutiveFailures: integer('consecutive_failures').notNull().default(0),
  lastOkAt: timestamp('last_ok_at', { withTimezone: true }),
  lastError: text('last_error'),
  /** SHA-256 of the credentials the pause is for: the rider changing them ends it. */
  setupHash: text('setup_hash'),
  /** The failure kind the rider has been told about; cleared by a good run, so each episode is told once. */
  notice: text('notice'),
  /** Thresholds last offered from this source ({ftpW, lthrBpm, …}): the same values are not offered twice. */
  offeredThresholds: jsonb('offered_thresholds').$type<Record<string, number>>(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

/**
 * One call to the AI as the rider's feature saw it (retries and the repair
 * round trip included): what it cost, how it ended, and who answered instead.
 */
export const aiCalls = pgTable(
  'ai_calls',
  {
    id: serial('id').primaryKey(),
    /** The prompt action, e.g. 'coach_chat'. */
    action: text('action').notNull(),
    model: text('model').notNull(),
    promptId: integer('prompt_id').references(() => prompts.id),
    promptVersion: integer('prompt_version'),
    tokensIn: integer('tokens_in').notNull().default(0),
    tokensOut: integer('tokens_out').notNull().default(0),
    latencyMs: integer('latency_ms').notNull(),
    /** HTTP requests made: retries and the repair round trip count. */
    attempts: integer('attempts').notNull(),
    /** 'ok' | 'repaired' | an AiFailure kind ('unauthorized', 'timeout', ...) */
    outcome: text('outcome').notNull(),
    /** Who answered the rider: 'ai', 'built-in' (our own coach stood in) or 'message' (a sentence saying why). */
    answeredBy: text('answered_by').notNull(),
    /** The failure in one line, secrets removed. */
    error: text('error'),
    createdAt: createdAt(),
  },
  (t) => [index('ai_calls_created').on(t.createdAt)],
);

/** The conversation with the coach, so a follow-up question still has its context after a restart. */
export const chatTurns = pgTable(
  'chat_turns',
  {
    id: serial('id').primaryKey(),
    /** 'user' | 'assistant' */
    role: text('role').notNull(),
    text: text('text').notNull(),
    /** Assistant turns: 'ai' or 'built-in'. */
    author: text('author'),
    /** The prompt version an AI answer came from. */
    promptId: integer('prompt_id').references(() => prompts.id),
    aiCallId: integer('ai_call_id').references(() => aiCalls.id),
    createdAt: createdAt(),
  },
  (t) => [index('chat_turns_created').on(t.createdAt)],
);
