import { describe, expect, it } from 'vitest';
import { completePlan } from '../../../src/domain/plan/plan.ts';
import type { Plan } from '../../../src/domain/plan/plan.ts';
import { planFromJson, planJson, rulesFromJson, rulesJson } from '../../../src/domain/plan/plan-json.ts';
import type { RuleSet } from '../../../src/domain/plan/rules.ts';

const plan: Plan = completePlan({
  overview: 'Two weeks of build for the Ronde',
  goal: { event: 'Ronde van Vlaanderen', date: '2024-11-24', routeId: 7 },
  startDate: '2024-11-12',
  endDate: '2024-11-24',
  weeks: [
    {
      weekStart: '2024-11-11',
      focus: 'Build',
      workouts: [
        // Out of date order on purpose: the plan sorts its workouts.
        { date: '2024-11-16', type: 'endurance', description: 'Steady, flat', steps: [{ durationS: 9000, targetPctFtp: [60, 70] }] },
        {
          date: '2024-11-12',
          type: 'sweet_spot',
          description: '2x20 seated',
          steps: [
            { durationS: 600, targetPctFtp: 60 },
            { durationS: 1200, targetPctFtp: [88, 94] },
            { durationS: 300, targetPctFtp: 55 },
            { durationS: 1200, targetPctFtp: [88, 94] },
            { durationS: 1200, targetPctFtp: 50 },
          ],
        },
      ],
    },
    { weekStart: '2024-11-18', focus: 'Taper', workouts: [{ date: '2024-11-24', type: 'race', description: 'Race day', steps: [{ durationS: 14400, targetPctFtp: 80 }] }] },
  ],
});

const meta = { version: 3, parentVersion: 2, reason: 'Moved the long ride', createdAt: new Date('2024-11-11T07:30:00+01:00') };

/** The smallest valid plan JSON, changed by `edit`. */
function input(edit: (json: Record<string, any>) => void = () => {}): Record<string, any> {
  const json: Record<string, any> = {
    plan_overview: 'One week',
    weeks: [
      {
        week_start: '2024-11-11',
        focus: 'Base',
        workouts: [{ date: '2024-11-12', type: 'threshold', description: 'An hour at FTP', steps: [{ duration_s: 3600, target_pct_ftp: 100 }] }],
      },
    ],
  };
  edit(json);
  return json;
}

function problems(value: unknown): string[] {
  const read = planFromJson(value);
  if (read.ok) throw new Error('expected problems');
  return read.problems;
}

describe('planJson', () => {
  it('writes the snake_case contract, our numbers rounded, the time in UTC', () => {
    const json = planJson(plan, meta);
    expect(Object.keys(json)).toEqual(['version', 'parent_version', 'reason', 'created_at', 'goal', 'plan_overview', 'start_date', 'end_date', 'weeks']);
    expect(json).toMatchObject({
      version: 3,
      parent_version: 2,
      reason: 'Moved the long ride',
      created_at: '2024-11-11T06:30:00.000Z',
      goal: { event: 'Ronde van Vlaanderen', date: '2024-11-24', route_id: 7 },
      plan_overview: 'Two weeks of build for the Ronde',
      start_date: '2024-11-12',
      end_date: '2024-11-24',
    });
    expect(json.weeks[0]!.week_start).toBe('2024-11-11');
    expect(json.weeks[0]!.workouts[0]).toEqual({
      date: '2024-11-12',
      day: 'tuesday',
      type: 'sweet_spot',
      duration_minutes: 75,
      planned_if: 0.8, // 0.798 to two decimals
      planned_tss: 79.6,
      description: '2x20 seated',
      steps: [
        { duration_s: 600, target_pct_ftp: 60 },
        { duration_s: 1200, target_pct_ftp: [88, 94] },
        { duration_s: 300, target_pct_ftp: 55 },
        { duration_s: 1200, target_pct_ftp: [88, 94] },
        { duration_s: 1200, target_pct_ftp: 50 },
      ],
    });
    expect(json.weeks[1]!.workouts[0]).toMatchObject({ day: 'sunday', type: 'race' });
  });

  it('writes a plan without a goal with goal null', () => {
    expect(planJson({ ...plan, goal: null }, meta).goal).toBeNull();
  });
});

describe('planFromJson', () => {
  it('reads back what planJson wrote: the same plan', () => {
    const read = planFromJson(JSON.parse(JSON.stringify(planJson(plan, meta))));
    expect(read).toEqual({ ok: true, plan });
  });

  it('recomputes IF and TSS: a plan claiming IF 0.5 for an hour at 100 % is read as 1.0', () => {
    const read = planFromJson(input((j) => Object.assign(j.weeks[0].workouts[0], { planned_if: 0.5, planned_tss: 25, duration_minutes: 30, day: 'friday' })));
    expect(read.ok && read.plan.weeks[0]!.workouts[0]).toMatchObject({ plannedIf: 1, plannedTss: 100, durationMinutes: 60 });
  });

  it('defaults the dates to the first Monday and the last Sunday, and the goal to none', () => {
    const read = planFromJson(input());
    expect(read.ok && read.plan).toMatchObject({ startDate: '2024-11-11', endDate: '2024-11-17', goal: null });
  });

  it('reads a goal without a route', () => {
    const read = planFromJson(input((j) => (j.goal = { event: 'Club 100', date: '2024-11-17' })));
    expect(read.ok && read.plan.goal).toEqual({ event: 'Club 100', date: '2024-11-17', routeId: null });
  });

  it('ignores the meta fields', () => {
    expect(planFromJson(input((j) => Object.assign(j, { version: 9, parent_version: null, reason: 'x', created_at: 'whenever' }))).ok).toBe(true);
  });

  it('says what is wrong, where, in the names of the input', () => {
    expect(problems(42)).toEqual(['The plan is not a JSON object.']);
    expect(problems([])).toEqual(['The plan is not a JSON object.']);
    expect(problems(input((j) => (j.weeks[0].workouts[0].date = '2024-11-19')))).toContain(
      'weeks[0].workouts[0].date: 2024-11-19 is not in the week of 2024-11-11',
    );
    expect(problems(input((j) => (j.weeks[0].week_start = '2024-11-12')))).toContain('weeks[0].week_start: weeks start on a Monday');
    expect(problems(input((j) => j.weeks[0].workouts.push({ ...j.weeks[0].workouts[0], type: 'endurance' })))).toEqual([
      'weeks[0].workouts[1].date: two workouts on 2024-11-12',
    ]);
    expect(problems(input((j) => (j.weeks[0].workouts[0].steps[0].target_pct_ftp = 500)))).toEqual([
      'weeks[0].workouts[0].steps[0].target_pct_ftp: at most 300',
    ]);
    expect(problems(input((j) => (j.weeks[0].workouts[0].steps[0].target_pct_ftp = [95, 90])))).toEqual([
      'weeks[0].workouts[0].steps[0].target_pct_ftp: a range is [low, high]',
    ]);
    expect(problems(input((j) => delete j.weeks[0].workouts[0].steps))).toEqual(['weeks[0].workouts[0].steps: missing']);
    expect(problems(input((j) => (j.weeks[0].workouts[0].steps = [])))).toEqual(['weeks[0].workouts[0].steps: at least 1 item']);
    expect(problems(input((j) => (j.weeks[0].workouts[0].type = 'hard'))).join()).toMatch(/^weeks\[0]\.workouts\[0]\.type: one of recovery, endurance, /);
  });

  it('rejects a field it does not know rather than drop it', () => {
    expect(problems(input((j) => (j.weeks[0].workouts[0].steps[0].target_pct = 90)))).toEqual([
      'weeks[0].workouts[0].steps[0].target_pct: not a known field (known: duration_s, target_pct_ftp)',
    ]);
  });

  it('checks the plan dates against the weeks', () => {
    expect(problems(input((j) => Object.assign(j, { start_date: '2024-11-11', end_date: '2024-11-20' })))).toEqual([
      "start_date: the plan's days (2024-11-11 to 2024-11-20) lie within its weeks (2024-11-11 to 2024-11-17)",
    ]);
  });
});

describe('rules JSON', () => {
  const set: RuleSet = {
    rules: [
      { kind: 'rest_day', day: 'monday' },
      { kind: 'max_weekly_hours', hours: 10 },
      { kind: 'max_minutes_on_day', day: 'wednesday', minutes: 60 },
    ],
    notes: ['No intervals the day after a work trip'],
  };

  it('writes version, rules and notes, and reads them back', () => {
    const json = rulesJson(set, 4);
    expect(json).toEqual({ version: 4, rules: set.rules, notes: set.notes });
    expect(rulesFromJson(JSON.parse(JSON.stringify(json)))).toEqual({ ok: true, rules: set });
    expect(rulesJson(set, null).version).toBeNull();
  });

  it('reads a bare array of rules, with no notes', () => {
    expect(rulesFromJson(set.rules)).toEqual({ ok: true, rules: { rules: set.rules, notes: [] } });
  });

  it('says what is wrong, where', () => {
    expect(rulesFromJson([{ kind: 'rest_day', day: 'mon' }, { kind: 'max_weekly_hours' }])).toEqual({
      ok: false,
      problems: ['[0].day: one of monday, tuesday, wednesday, thursday, friday, saturday, sunday', '[1].hours: missing'],
    });
    const unknownKind = rulesFromJson({ rules: [{ kind: 'no_hills' }] });
    expect(!unknownKind.ok && unknownKind.problems[0]).toMatch(/^rules\[0]\.kind: one of rest_day, max_weekly_hours, /);
    expect(rulesFromJson({ rule: [] })).toEqual({ ok: false, problems: ['rule: not a known field (known: version, rules, notes)', 'rules: missing'] });
    expect(rulesFromJson('rest on Mondays')).toEqual({ ok: false, problems: ['The rules are neither a JSON object nor an array of rules.'] });
  });
});
