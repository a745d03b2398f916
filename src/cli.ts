/**
 * coach route FILE.gpx [--json]
 * coach ride FILE.fit|gpx|tcx [--ftp W] [--json]
 * coach plan [--json] [--version N]            the plan in force (or version N), from the bot's database
 * coach plan check PLAN.json --rules RULES.json [--json]   exit 0 when the plan keeps the rules, 1 when not
 * coach rules [--json]                          the rules in force
 * coach doctor                                  checks the setup (config, database, Telegram, AI, sources); exit 1 when a part fails
 * The same domain code the bot uses, from a terminal. JSON field names are
 * snake_case with units (a contract scripts rely on). A bad file: exit 2, one line.
 */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { DatabaseBusy, openDatabase, type Database } from './db/client.ts';
import { InvalidInput } from './domain/errors.ts';
import { checkPlan } from './domain/plan/checker.ts';
import { planFromJson, planJson, rulesFromJson, rulesJson } from './domain/plan/plan-json.ts';
import { describeRuleSet } from './domain/plan/rule-words.ts';
import { EMPTY_RULES } from './domain/plan/rules.ts';
import { workoutLine } from './domain/plan/workout-words.ts';
import { createLogger } from './logger.ts';
import { AiService } from './services/ai.ts';
import { GoalService } from './services/goal.ts';
import { PlanBook } from './services/plans.ts';
import { PromptLibrary } from './services/prompts.ts';
import { Proposals } from './services/proposals.ts';
import { ProfileService } from './services/profile.ts';
import { RideService, type WorkoutSummaryRow } from './services/rides.ts';
import { RuleBook } from './services/rules.ts';
import { parseGpx } from './domain/gpx.ts';
import { resolveProfile } from './domain/profile.ts';
import { computeRideMetrics, type RideMetrics } from './domain/ride.ts';
import { decodeRideFile } from './domain/ride-file.ts';
import { analyseRoute, type RouteAnalysis } from './domain/route.ts';
import { gearLabel } from './services/routes.ts';

const USAGE = [
  'usage: coach route FILE.gpx [--json]',
  '       coach ride FILE.fit|gpx|tcx [--ftp W] [--json]',
  '       coach plan [--json] [--version N]',
  '       coach plan check PLAN.json --rules RULES.json [--json]',
  '       coach rules [--json]',
  '       coach rides [--json] [--since YYYY-MM-DD]',
  '       coach doctor',
].join('\n');

const round = (x: number | null | undefined, digits = 0): number | null =>
  x === null || x === undefined || !Number.isFinite(x) ? null : Number(x.toFixed(digits));

export function routeJson(a: RouteAnalysis) {
  return {
    name: a.name ?? null,
    points: a.points,
    distance_m: round(a.distanceM, 1),
    ascent_m: a.hasElevation ? round(a.ascentM, 1) : null,
    descent_m: a.hasElevation ? round(a.descentM, 1) : null,
    min_elevation_m: round(a.minElevationM, 1),
    max_elevation_m: round(a.maxElevationM, 1),
    est_time_s: round(a.estTimeS),
    sections: a.sections.map((s) => ({
      start_m: round(s.startM, 1),
      end_m: round(s.endM, 1),
      distance_m: round(s.distanceM, 1),
      ascent_m: a.hasElevation ? round(s.ascentM, 1) : null,
      grade_avg_pct: a.hasElevation ? round(s.gradeAvgPct, 2) : null,
      grade_max_pct: a.hasElevation ? round(s.gradeMaxPct, 2) : null,
      kind: s.kind,
      category: s.category,
      min_gear: gearLabel(s.minGear),
      est_time_s: round(s.estTimeS),
    })),
    assumptions: a.assumptions,
  };
}

export function rideJson(m: RideMetrics) {
  return {
    sport: m.sport,
    start_time: m.startTimeMs === null ? null : new Date(m.startTimeMs).toISOString(),
    elapsed_s: round(m.elapsedS),
    moving_s: round(m.movingS),
    distance_m: round(m.distanceM, 1),
    ascent_m: round(m.ascentM, 1),
    avg_power_w: round(m.avgPowerW, 1),
    max_power_w: round(m.maxPowerW),
    np_w: round(m.normalizedPowerW, 1),
    if: round(m.intensityFactor, 3),
    tss: round(m.tss, 1),
    vi: round(m.variabilityIndex, 3),
    ef: round(m.efficiencyFactor, 3),
    decoupling_pct: round(m.decouplingPct, 2),
    work_kj: round(m.workKj, 1),
    avg_hr: round(m.avgHrBpm, 1),
    max_hr: round(m.maxHrBpm),
    avg_cadence: round(m.avgCadenceRpm, 1),
    hrss: round(m.hrss, 1),
    eftp_w: round(m.eftpW, 1),
    power_curve: m.powerCurve ? Object.fromEntries(m.powerCurve.map((p) => [String(p.durationS), round(p.powerW, 1)])) : null,
    time_in_power_zones_s: m.powerZones ? m.powerZones.map((z) => z.seconds) : null,
    time_in_hr_zones_s: m.hrZones ? m.hrZones.zones.map((z) => z.seconds) : null,
    unavailable: m.unavailable,
  };
}

function routeText(a: RouteAnalysis): string {
  const lines = [
    `${a.name ?? 'Route'}: ${(a.distanceM / 1000).toFixed(1)} km, ${a.points} points`,
    a.hasElevation ? `ascent ${Math.round(a.ascentM)} m, descent ${Math.round(a.descentM)} m` : 'no elevation',
    `estimated time ${Math.round(a.estTimeS / 60)} min`,
    ...a.sections
      .filter((s) => s.kind === 'climb')
      .map(
        (s) =>
          `climb at ${(s.startM / 1000).toFixed(1)} km: ${(s.distanceM / 1000).toFixed(1)} km at ${s.gradeAvgPct.toFixed(1)} % (max ${s.gradeMaxPct.toFixed(1)} %), ${s.category ? `cat ${s.category}` : 'uncategorised'}, gear ${gearLabel(s.minGear) ?? '-'}`,
      ),
    `assumed: ${a.assumptions.join('; ')}`,
  ];
  return lines.join('\n');
}

function rideText(m: RideMetrics): string {
  const f = (label: string, v: number | null, unit = '', digits = 0) => (v === null ? null : `${label} ${v.toFixed(digits)}${unit}`);
  return [
    `${m.sport}${m.indoor ? ' (indoor)' : ''}, ${m.startTimeMs ? new Date(m.startTimeMs).toISOString() : 'no start time'}`,
    [f('moving', m.movingS === null ? null : m.movingS / 60, ' min'), f('distance', m.distanceM === null ? null : m.distanceM / 1000, ' km', 1)]
      .filter(Boolean)
      .join(', '),
    [f('NP', m.normalizedPowerW, ' W'), f('avg', m.avgPowerW, ' W'), f('IF', m.intensityFactor, '', 2), f('TSS', m.tss), f('eFTP', m.eftpW, ' W')]
      .filter(Boolean)
      .join(', '),
    [f('HR avg', m.avgHrBpm, ' bpm'), f('max', m.maxHrBpm, ' bpm'), f('HRSS', m.hrss)].filter(Boolean).join(', '),
    ...Object.entries(m.unavailable).map(([metric, why]) => `${metric}: ${why}`),
  ]
    .filter((l) => l.length > 0)
    .join('\n');
}

export async function runCli(
  argv: string[],
  out: (line: string) => void,
  err: (line: string) => void,
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { json: { type: 'boolean' }, ftp: { type: 'string' }, version: { type: 'string' }, rules: { type: 'string' }, since: { type: 'string' } },
    });
  } catch (error) {
    err(`${(error as Error).message}\n${USAGE}`);
    return 64;
  }
  const [command, file] = parsed.positionals;
  // loaded only for this command: its checks reach for canvas, the sources and the network
  if (command === 'doctor' && file === undefined) return (await import('./doctor.ts')).runDoctor(env, out);
  if (command === 'plan' && file === 'check') return checkCommand(parsed.positionals[2], parsed.values.rules, Boolean(parsed.values.json), out, err);
  if ((command === 'plan' || command === 'rules') && file === undefined) {
    const version = parsed.values.version === undefined ? undefined : Number(parsed.values.version);
    if (version !== undefined && !(Number.isInteger(version) && version > 0)) {
      err('--version must be a whole number from 1');
      return 64;
    }
    return withStore(env, err, (store) => (command === 'plan' ? printPlan(store, version, Boolean(parsed.values.json), out, err) : printRules(store, Boolean(parsed.values.json), out)));
  }
  if (command === 'rides' && file === undefined) {
    const since = parsed.values.since === undefined ? undefined : parseSince(parsed.values.since);
    if (since === null) {
      err('--since must be a date (2026-11-01) or a date and time (2026-11-01T06:00:00Z)');
      return 64;
    }
    return withStore(env, err, (store) => printRides(store, since, Boolean(parsed.values.json), out));
  }
  if (!file || (command !== 'route' && command !== 'ride')) {
    err(USAGE);
    return 64;
  }
  const ftp = parsed.values.ftp === undefined ? undefined : Number(parsed.values.ftp);
  if (ftp !== undefined && !(Number.isInteger(ftp) && ftp >= 50 && ftp <= 600)) {
    err('--ftp must be a whole number of watts between 50 and 600');
    return 64;
  }
  let bytes: Uint8Array;
  try {
    bytes = await readFile(file);
  } catch (error) {
    err(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    return 2;
  }
  try {
    const { profile, defaultsUsed } = resolveProfile(ftp ? { ftpW: ftp } : {});
    if (command === 'route') {
      const analysis = analyseRoute(parseGpx(bytes), profile, defaultsUsed);
      out(parsed.values.json ? JSON.stringify(routeJson(analysis), null, 2) : routeText(analysis));
    } else {
      const ride = await decodeRideFile(bytes, file);
      const computed = computeRideMetrics(ride, profile);
      // a device whose clock was never set dates its rides 1989-12-31: say unknown instead
      const metrics = ride.clockSet ? computed : { ...computed, startTimeMs: null };
      out(parsed.values.json ? JSON.stringify(rideJson(metrics), null, 2) : rideText(metrics));
    }
    return 0;
  } catch (error) {
    if (error instanceof InvalidInput) {
      err(`${file}: ${error.riderMessage}`);
      return 2;
    }
    throw error;
  }
}

/** A date means its UTC midnight; a date and time needs its zone. null: neither. */
function parseSince(text: string): Date | null {
  const iso = /^\d{4}-\d{2}-\d{2}$/.test(text) ? `${text}T00:00:00Z` : text;
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(iso)) return null;
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? null : date;
}

/** The stored rides for scripts and checks, oldest first. */
export function ridesJson(rows: WorkoutSummaryRow[]) {
  return rows.map((r) => ({
    id: r.id,
    source: r.source,
    source_activity_id: r.sourceActivityId,
    start_time: r.startTime.toISOString(),
    name: r.name,
    distance_m: round(r.distanceM, 1),
    np_w: round(r.npW, 1),
    tss: round(r.tss, 1),
  }));
}

async function printRides(store: Store, since: Date | undefined, json: boolean, out: (l: string) => void): Promise<number> {
  const rows = await store.rides.since(since);
  if (json) out(JSON.stringify(ridesJson(rows), null, 2));
  else if (rows.length === 0) out('No rides.');
  else for (const r of rows) out(`${r.id}\t${r.startTime.toISOString()}\t${r.source}\t${r.name ?? ''}\t${r.tss === null ? '' : `TSS ${Math.round(r.tss)}`}`);
  return 0;
}

/** JSON files in: read and parsed, or one line saying why not (exit 2). */
async function readJsonFile(file: string, err: (line: string) => void): Promise<unknown> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as unknown;
  } catch (error) {
    const e = error as NodeJS.ErrnoException;
    err(`cannot read ${file}: ${e.code ?? (error instanceof SyntaxError ? `not JSON (${e.message})` : e.message)}`);
    return undefined;
  }
}

/** coach plan check: the checker the bot runs, on files. The IF and TSS in the file are ignored: ours are recomputed from the steps. */
async function checkCommand(planFile: string | undefined, rulesFile: string | undefined, json: boolean, out: (l: string) => void, err: (l: string) => void): Promise<number> {
  if (!planFile || !rulesFile) {
    err(USAGE);
    return 64;
  }
  const planValue = await readJsonFile(planFile, err);
  if (planValue === undefined) return 2;
  const rulesValue = await readJsonFile(rulesFile, err);
  if (rulesValue === undefined) return 2;
  const plan = planFromJson(planValue);
  if (!plan.ok) {
    err(`${planFile}: not a plan: ${plan.problems.slice(0, 3).join('; ')}`);
    return 2;
  }
  const rules = rulesFromJson(rulesValue);
  if (!rules.ok) {
    err(`${rulesFile}: not a rule set: ${rules.problems.slice(0, 3).join('; ')}`);
    return 2;
  }
  const violations = checkPlan(plan.plan, rules.rules, { eventDate: plan.plan.goal?.date ?? null });
  if (json) out(JSON.stringify({ ok: violations.length === 0, violations: violations.map(({ kind, date, message }) => ({ kind, date, message })) }, null, 2));
  else out(violations.length === 0 ? 'ok: the plan keeps every rule' : violations.map((v) => `${v.date} ${v.kind}: ${v.message}`).join('\n'));
  return violations.length === 0 ? 0 : 1;
}

interface Store {
  plans: PlanBook;
  rules: RuleBook;
  rides: RideService;
}

/** The bot's database, from the same DATABASE_URL / DATA_DIR; the embedded one says plainly when the bot holds it. */
async function withStore(env: NodeJS.ProcessEnv, err: (l: string) => void, run: (store: Store) => Promise<number>): Promise<number> {
  const databaseUrl = env.DATABASE_URL?.trim() || undefined;
  const dataDir = env.DATA_DIR?.trim() || './data';
  let database: Database;
  try {
    database = await openDatabase({ databaseUrl, dataDir });
  } catch (error) {
    err(error instanceof DatabaseBusy ? error.message : `cannot open the database: ${(error as Error).message}`);
    return 3;
  }
  try {
    const { db } = database;
    const proposals = new Proposals(db);
    // reading needs no AI: a service without a client never calls out
    const ai = new AiService({ db, prompts: new PromptLibrary(db), client: undefined, defaultModel: '', timeoutMs: 0, logger: createLogger({ level: 'silent', pretty: false, secrets: [] }) });
    const rules = new RuleBook({ db, ai, proposals });
    const profiles = new ProfileService(db, 'UTC');
    return await run({ rules, plans: new PlanBook({ db, rules, goals: new GoalService(db), proposals }), rides: new RideService({ db, profiles }) });
  } finally {
    await database.close();
  }
}

async function printPlan(store: Store, version: number | undefined, json: boolean, out: (l: string) => void, err: (l: string) => void): Promise<number> {
  const row = version === undefined ? await store.plans.current() : await store.plans.get(version);
  if (!row && version !== undefined) {
    err(`there is no plan v${version}`);
    return 1;
  }
  if (!row) {
    out(json ? 'null' : 'No plan yet.');
    return 0;
  }
  const contract = planJson(row.plan, { version: row.version, parentVersion: await store.plans.parentVersion(row), reason: row.reason, createdAt: row.createdAt });
  if (json) {
    out(JSON.stringify(contract, null, 2));
    return 0;
  }
  out(`Plan v${row.version}${row.reason ? ` (${row.reason})` : ''}: ${row.plan.overview}`);
  for (const week of row.plan.weeks) {
    out(`Week of ${week.weekStart}: ${week.focus}`);
    for (const w of week.workouts) out(`  ${w.date} ${workoutLine(w)}, IF ${w.plannedIf.toFixed(2)}, TSS ${Math.round(w.plannedTss)}`);
  }
  return 0;
}

async function printRules(store: Store, json: boolean, out: (l: string) => void): Promise<number> {
  const active = await store.rules.active();
  const set = active?.rules ?? EMPTY_RULES;
  if (json) out(JSON.stringify(rulesJson(set, active?.version ?? null), null, 2));
  else out(active ? [`Rules v${active.version}:`, ...describeRuleSet(set).map((l) => `  ${l}`)].join('\n') : 'No rules yet.');
  return 0;
}
