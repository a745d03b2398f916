import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../src/cli.ts';
import { openDatabase } from '../src/db/client.ts';
import { plans, rules as rulesTable } from '../src/db/schema.ts';
import { WEEKDAYS } from '../src/domain/calendar.ts';
import { generatePlan } from '../src/domain/plan/generator.ts';
import { planJson, rulesJson } from '../src/domain/plan/plan-json.ts';
import type { RuleSet } from '../src/domain/plan/rules.ts';
import { ProfileService } from '../src/services/profile.ts';
import { RideService } from '../src/services/rides.ts';
import { syntheticRideFit } from './support/fit-writer.ts';

const fixture = (path: string) => new URL(`./fixtures/${path}`, import.meta.url).pathname;

/** The CLI as a terminal runs it: exit code, stdout and stderr; `env` as the process's (the test's own when not given). */
async function runWith(env: NodeJS.ProcessEnv | undefined, argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runCli(argv, (l) => (out += `${l}\n`), (l) => (err += `${l}\n`), ...(env ? [env] : []));
  return { code, out, err };
}
const run = (...argv: string[]) => runWith(undefined, argv);

describe('coach route', () => {
  it('prints the analysis as JSON with the contract field names', async () => {
    const { code, out } = await run('route', fixture('gpx/gpxpy__korita-zbevnica.gpx'), '--json');
    expect(code).toBe(0);
    const json = JSON.parse(out);
    expect(Object.keys(json)).toEqual(
      expect.arrayContaining(['name', 'points', 'distance_m', 'ascent_m', 'descent_m', 'min_elevation_m', 'max_elevation_m', 'est_time_s', 'sections']),
    );
    expect(json.points).toBe(871);
    expect(json.distance_m).toBeCloseTo(14_897, -2); // SOURCES.md: 14.897 km, within 0.5 %
    expect(json.sections.length).toBeGreaterThan(0);
    for (const s of json.sections) {
      expect(Object.keys(s)).toEqual(
        expect.arrayContaining(['start_m', 'end_m', 'distance_m', 'ascent_m', 'grade_avg_pct', 'grade_max_pct', 'kind', 'category', 'min_gear', 'est_time_s']),
      );
    }
    const total = json.sections.reduce((sum: number, s: { est_time_s: number }) => sum + s.est_time_s, 0);
    expect(Math.abs(total - json.est_time_s)).toBeLessThanOrEqual(json.sections.length);
  });

  it('exits 2 with one line on a bad file', async () => {
    const { code, out, err } = await run('route', fixture('gpx/ticofab__garminBaseCampExport-noclosingtag.gpx'));
    expect(code).toBe(2);
    expect(out).toBe('');
    expect(err.trim().split('\n')).toHaveLength(1);
    expect(err).toContain('cut off before its end');
  });

  it('exits 2 on a missing file and 64 on a usage error', async () => {
    expect((await run('route', '/nonexistent.gpx')).code).toBe(2);
    expect((await run('fly', 'x')).code).toBe(64);
    expect((await run('ride', fixture('fit/sweatpy__4078723797.fit'), '--ftp', 'lots')).code).toBe(64);
  });
});

describe('coach ride', () => {
  it('prints the ride metrics as JSON with the contract field names, at the given FTP', async () => {
    const { code, out } = await run('ride', fixture('fit/sweatpy__4078723797.fit'), '--ftp', '280', '--json');
    expect(code).toBe(0);
    const json = JSON.parse(out);
    for (const key of [
      'sport', 'start_time', 'elapsed_s', 'moving_s', 'distance_m', 'ascent_m', 'avg_power_w', 'max_power_w', 'np_w', 'if', 'tss', 'vi', 'ef',
      'decoupling_pct', 'work_kj', 'avg_hr', 'max_hr', 'avg_cadence', 'hrss', 'eftp_w', 'power_curve', 'time_in_power_zones_s', 'time_in_hr_zones_s',
    ]) {
      expect(json).toHaveProperty(key);
    }
    expect(json.sport).toBe('cycling');
    expect(json.if).toBeCloseTo(json.np_w / 280, 2);
    expect(json.time_in_power_zones_s).toHaveLength(7);
    expect(json.power_curve['1200']).toBeGreaterThan(0);
    expect(json.start_time).toBe('2019-09-20T14:10:03.000Z');
  });

  it('gives start_time null when the device clock was never set', async () => {
    const { code, out } = await run('ride', fixture('fit/fitparse__compressed-speed-distance.fit'), '--json');
    expect(code).toBe(0);
    const json = JSON.parse(out);
    expect(json.start_time).toBeNull();
    expect(json.elapsed_s).toBe(3880);
  });

  it('exits 2 with one line on a file that is not a ride', async () => {
    const { code, err } = await run('ride', fixture('gpx/georust-gpx__badcharacter.xml'));
    expect(code).toBe(2);
    expect(err.trim().split('\n')).toHaveLength(1);
  });
});

describe('bin/coach.js', () => {
  it('runs the CLI as an installed command would', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [new URL('../bin/coach.js', import.meta.url).pathname, 'route', fixture('gpx/gpxpy__cerknicko-jezero.gpx'), '--json']);
    expect(JSON.parse(stdout).points).toBe(296);
  });
});

describe('coach plan / coach rules / coach plan check', () => {
  const TODAY = '2026-12-02';
  const rules: RuleSet = {
    rules: [
      { kind: 'rest_day', day: 'monday' },
      { kind: 'max_hard_days_per_week', count: 2 },
      { kind: 'no_back_to_back_hard_days' },
      { kind: 'long_ride_day', day: 'sunday' },
    ],
    notes: ['No rollers'],
  };
  const plan = generatePlan({ today: TODAY, event: null, ctl: 40, hoursPerWeek: 8, days: [...WEEKDAYS], rules });
  let dataDir: string;
  let env: NodeJS.ProcessEnv;

  const runIn = (...argv: string[]) => runWith(env, argv);
  const writeJson = async (name: string, value: unknown) => {
    const file = path.join(dataDir, name);
    await writeFile(file, JSON.stringify(value));
    return file;
  };

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'coach-cli-'));
    env = { DATA_DIR: dataDir };
  });
  afterAll(async () => rm(dataDir, { recursive: true, force: true }));

  it('prints null and "no rules" before there are any', async () => {
    expect(await runIn('plan', '--json')).toEqual({ code: 0, out: 'null\n', err: '' });
    expect(JSON.parse((await runIn('rules', '--json')).out)).toEqual({ version: null, rules: [], notes: [] });
  });

  it('prints the bot’s plan and rules in the JSON contract, and the checker agrees with the bot', async () => {
    const database = await openDatabase({ databaseUrl: undefined, dataDir });
    await database.db.insert(rulesTable).values({ version: 1, rules, sourceText: 'Mondays off…' });
    const [v1] = await database.db.insert(plans).values({ version: 1, plan, reason: 'New plan: test' }).returning();
    await database.db.insert(plans).values({ version: 2, parentPlanId: v1!.id, plan, reason: 'Again' });
    await database.close();

    const printed = JSON.parse((await runIn('plan', '--json')).out);
    expect(Object.keys(printed)).toEqual(['version', 'parent_version', 'reason', 'created_at', 'goal', 'plan_overview', 'start_date', 'end_date', 'weeks']);
    expect(printed).toMatchObject({ version: 2, parent_version: 1, reason: 'Again', goal: null });
    expect(printed.created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    const workout = printed.weeks[1].workouts[0];
    expect(Object.keys(workout)).toEqual(['date', 'day', 'type', 'duration_minutes', 'planned_if', 'planned_tss', 'description', 'steps']);
    expect(Object.keys(workout.steps[0])).toEqual(['duration_s', 'target_pct_ftp']);
    expect(printed.weeks.every((w: { week_start: string }) => new Date(`${w.week_start}T00:00:00Z`).getUTCDay() === 1)).toBe(true);
    expect(JSON.parse((await runIn('plan', '--json', '--version', '1')).out)).toMatchObject({ version: 1, parent_version: null });
    expect(await runIn('plan', '--json', '--version', '7')).toEqual({ code: 1, out: '', err: 'there is no plan v7\n' });

    const printedRules = JSON.parse((await runIn('rules', '--json')).out);
    expect(printedRules).toEqual({ version: 1, rules: rules.rules, notes: ['No rollers'] });

    const check = await runIn('plan', 'check', await writeJson('plan.json', printed), '--rules', await writeJson('rules.json', printedRules), '--json');
    expect(check).toEqual({ code: 0, out: `${JSON.stringify({ ok: true, violations: [] }, null, 2)}\n`, err: '' });
  });

  it('exits 1 with the violations (day or week’s Monday) when the plan breaks the rules; IF/TSS claimed in the file are ignored', async () => {
    const printed = planJson(plan, { version: 1, parentVersion: null, reason: null, createdAt: new Date() });
    const tuesday = printed.weeks[1]!.workouts.find((w) => w.day !== 'monday')!;
    const monday = printed.weeks[1]!.week_start;
    // an hour at 100 % claimed as IF 0.5, moved onto the rest day
    printed.weeks[1]!.workouts = [
      ...printed.weeks[1]!.workouts.filter((w) => w !== tuesday),
      { ...tuesday, date: monday, day: 'monday', planned_if: 0.5, planned_tss: 25, steps: [{ duration_s: 3600, target_pct_ftp: 100 }] },
    ];
    const result = await runIn('plan', 'check', await writeJson('bad.json', printed), '--rules', await writeJson('r.json', rulesJson(rules, 1)), '--json');
    expect(result.code).toBe(1);
    const body = JSON.parse(result.out);
    expect(body.ok).toBe(false);
    expect(body.violations).toContainEqual({ kind: 'rest_day', date: monday, message: expect.stringContaining('is a rest day') });
    expect(body.violations.every((v: { date: string }) => /^\d{4}-\d\d-\d\d$/.test(v.date))).toBe(true);
  });

  it('a file that is not JSON or not a plan: exit 2 with one line', async () => {
    const rulesFile = await writeJson('ok-rules.json', rulesJson(rules, 1));
    const garbage = path.join(dataDir, 'garbage.json');
    await writeFile(garbage, '{ not json');
    const notJson = await runIn('plan', 'check', garbage, '--rules', rulesFile);
    expect(notJson.code).toBe(2);
    expect(notJson.err.trim().split('\n')).toHaveLength(1);
    const notPlan = await runIn('plan', 'check', await writeJson('np.json', { weeks: 'many' }), '--rules', rulesFile);
    expect(notPlan.code).toBe(2);
    expect(notPlan.err).toMatch(/not a plan: /);
    expect((await runIn('plan', 'check', garbage)).code).toBe(64);
  });

  it('says plainly to stop the bot first when it holds the embedded database', async () => {
    const database = await openDatabase({ databaseUrl: undefined, dataDir });
    try {
      const { code, err } = await runIn('plan', '--json');
      expect(code).toBe(3);
      expect(err).toContain('in use by another process');
      expect(err).toContain('stop the bot first');
    } finally {
      await database.close();
    }
    expect((await runIn('rules', '--json')).code).toBe(0); // released on close
  });
});

describe('coach rides', () => {
  let dataDir: string;
  let env: NodeJS.ProcessEnv;
  const runIn = (...argv: string[]) => runWith(env, argv);

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'coach-cli-rides-'));
    env = { DATA_DIR: dataDir };
  });
  afterAll(async () => rm(dataDir, { recursive: true, force: true }));

  it('lists the stored rides as JSON, oldest first, with their source and id; --since filters', async () => {
    expect(JSON.parse((await runIn('rides', '--json')).out)).toEqual([]);
    const database = await openDatabase({ databaseUrl: undefined, dataDir });
    try {
      const profiles = new ProfileService(database.db, 'UTC');
      const rides = new RideService({ db: database.db, profiles });
      await rides.importFile(syntheticRideFit({ start: new Date('2026-11-20T07:30:00Z'), seconds: 3600, powerW: 200 }), 'morning.fit');
      await rides.importFile(syntheticRideFit({ start: new Date('2026-11-28T16:00:00Z'), seconds: 1800, powerW: 250 }), 'i42.fit', {
        source: 'intervals',
        activityId: 'i42',
        name: 'Tempo',
      });
    } finally {
      await database.close();
    }
    const all = JSON.parse((await runIn('rides', '--json')).out) as Record<string, unknown>[];
    expect(all).toEqual([
      { id: 1, source: 'upload', source_activity_id: expect.stringMatching(/^[0-9a-f]{64}$/), start_time: '2026-11-20T07:30:00.000Z', name: 'morning', distance_m: expect.any(Number), np_w: 200, tss: expect.any(Number) },
      { id: 2, source: 'intervals', source_activity_id: 'i42', start_time: '2026-11-28T16:00:00.000Z', name: 'Tempo', distance_m: expect.any(Number), np_w: 250, tss: expect.any(Number) },
    ]);
    expect(all[0]!.tss).toBeCloseTo(100, 0);
    expect(JSON.parse((await runIn('rides', '--json', '--since', '2026-11-21')).out).map((r: { id: number }) => r.id)).toEqual([2]);
    expect(JSON.parse((await runIn('rides', '--json', '--since', '2026-11-28T16:00:00Z')).out).map((r: { id: number }) => r.id)).toEqual([2]);
    expect((await runIn('rides')).out).toMatch(/^1\t2026-11-20T07:30:00\.000Z\tupload\tmorning\tTSS 100\n2\t/);
    const bad = await runIn('rides', '--json', '--since', 'last week');
    expect(bad.code).toBe(64);
    expect(bad.err.trim()).toBe('--since must be a date (2026-11-01) or a date and time (2026-11-01T06:00:00Z)');
  });
});
