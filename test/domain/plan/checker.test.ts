import { describe, expect, it } from 'vitest';
import { addDays } from '../../../src/domain/calendar.ts';
import { checkPlan, type CheckOptions } from '../../../src/domain/plan/checker.ts';
import type { Plan, WorkoutInput } from '../../../src/domain/plan/plan.ts';
import type { Rule } from '../../../src/domain/plan/rules.ts';
import { hard, plan, ride } from '../../support/plans.ts';

// December 2024: Mon 2, Mon 9, Mon 16, Mon 23.

const check = (p: Plan, rules: Rule[], options: CheckOptions = { eventDate: null }) => checkPlan(p, { rules, notes: [] }, options);
const dates = (p: Plan, rules: Rule[], options?: CheckOptions) => check(p, rules, options).map((v) => v.date);

describe('rest_day', () => {
  const rules: Rule[] = [{ kind: 'rest_day', day: 'monday' }];

  it('a workout on the rest day breaks it, said with the day and the workout', () => {
    expect(check(plan([ride('2024-12-02', 60), ride('2024-12-03', 60)]), rules)).toEqual([
      { kind: 'rest_day', date: '2024-12-02', message: 'Mon 2 Dec is a rest day, but the plan has endurance 60 min on it.' },
    ]);
  });

  it('nothing on the rest day keeps it', () => {
    expect(check(plan([ride('2024-12-03', 60), ride('2024-12-10', 60)]), rules)).toEqual([]);
  });

  it('days before `from` are history', () => {
    const p = plan([ride('2024-12-02', 60), ride('2024-12-09', 60)]);
    expect(dates(p, rules)).toEqual(['2024-12-02', '2024-12-09']);
    expect(dates(p, rules, { eventDate: null, from: '2024-12-03' })).toEqual(['2024-12-09']);
    expect(dates(p, rules, { eventDate: null, from: '2024-12-09' })).toEqual(['2024-12-09']);
  });
});

describe('max_weekly_hours', () => {
  const rules: Rule[] = [{ kind: 'max_weekly_hours', hours: 3 }];

  it('a week over the limit breaks it, dated on its Monday', () => {
    expect(check(plan([ride('2024-12-03', 120), ride('2024-12-07', 90), ride('2024-12-10', 180)]), rules)).toEqual([
      { kind: 'max_weekly_hours', date: '2024-12-02', message: 'The week of Mon 2 Dec has 3 h 30 min of riding, over your limit of 3 hours a week.' },
    ]);
  });

  it('up to half a minute over is rounding, not a violation', () => {
    expect(check(plan([ride('2024-12-03', 120), ride('2024-12-07', 60.4)]), rules)).toEqual([]);
    expect(dates(plan([ride('2024-12-03', 120), ride('2024-12-07', 61)]), rules)).toEqual(['2024-12-02']);
  });

  it('a week is checked while its Sunday is not history, with all its days counted', () => {
    const p = plan([ride('2024-12-03', 120), ride('2024-12-08', 120)]);
    expect(dates(p, rules, { eventDate: null, from: '2024-12-08' })).toEqual(['2024-12-02']);
    expect(dates(p, rules, { eventDate: null, from: '2024-12-09' })).toEqual([]);
  });

  it('says fractional limits as they are', () => {
    const [v] = check(plan([ride('2024-12-03', 100)]), [{ kind: 'max_weekly_hours', hours: 1.5 }]);
    expect(v!.message).toBe('The week of Mon 2 Dec has 1 h 40 min of riding, over your limit of 1 h 30 min a week.');
  });
});

describe('max_hard_days_per_week', () => {
  const rules: Rule[] = [{ kind: 'max_hard_days_per_week', count: 1 }];

  it('more hard days than the limit breaks it, naming them', () => {
    expect(check(plan([hard('2024-12-03'), ride('2024-12-04', 60), hard('2024-12-05')]), rules)).toEqual([
      { kind: 'max_hard_days_per_week', date: '2024-12-02', message: 'The week of Mon 2 Dec has 2 hard days (Tue 3 Dec, Thu 5 Dec), over your limit of 1.' },
    ]);
  });

  it('as many as the limit keeps it, weeks counted apart', () => {
    expect(check(plan([hard('2024-12-03'), ride('2024-12-05', 60), hard('2024-12-10')]), rules)).toEqual([]);
  });

  it('a single step at 85 % is hard (IF exactly 0.85); at 84 % it is not', () => {
    expect(dates(plan([hard('2024-12-03'), ride('2024-12-05', 60, 85)]), rules)).toEqual(['2024-12-02']);
    expect(dates(plan([hard('2024-12-03'), ride('2024-12-05', 60, 84)]), rules)).toEqual([]);
  });
});

describe('no_back_to_back_hard_days', () => {
  const rules: Rule[] = [{ kind: 'no_back_to_back_hard_days' }];

  it('two hard days in a row break it, dated on the second', () => {
    expect(check(plan([hard('2024-12-03'), hard('2024-12-04')]), rules)).toEqual([
      {
        kind: 'no_back_to_back_hard_days',
        date: '2024-12-04',
        message: "Tue 3 Dec (threshold 60' 60 min at IF 1.00) and Wed 4 Dec (threshold 60' 60 min at IF 1.00) are hard days back to back.",
      },
    ]);
  });

  it('an easy day or a rest day between keeps it', () => {
    expect(check(plan([hard('2024-12-03'), ride('2024-12-04', 60), hard('2024-12-05'), hard('2024-12-07')]), rules)).toEqual([]);
  });

  it('across the week boundary too: Sunday then Monday', () => {
    expect(dates(plan([hard('2024-12-08'), hard('2024-12-09')]), rules)).toEqual(['2024-12-09']);
  });

  it('three in a row are two violations', () => {
    expect(dates(plan([hard('2024-12-03'), hard('2024-12-04'), hard('2024-12-05')]), rules)).toEqual(['2024-12-04', '2024-12-05']);
  });

  it('a hard day of history still counts for the first day checked', () => {
    const p = plan([hard('2024-12-08'), hard('2024-12-09')]);
    expect(dates(p, rules, { eventDate: null, from: '2024-12-09' })).toEqual(['2024-12-09']);
    expect(dates(p, rules, { eventDate: null, from: '2024-12-10' })).toEqual([]);
  });
});

describe('long_ride_day', () => {
  const rules: Rule[] = [{ kind: 'long_ride_day', day: 'saturday' }];

  it('the longest ride of a week on another day breaks it, dated on the long-ride day', () => {
    expect(check(plan([ride('2024-12-07', 90), ride('2024-12-08', 180), ride('2024-12-14', 180), ride('2024-12-15', 60)]), rules)).toEqual([
      { kind: 'long_ride_day', date: '2024-12-07', message: "Sat 7 Dec is your long-ride day, but that week's longest ride is endurance 3 h 00 min on Sun 8 Dec." },
    ]);
  });

  it('a free long-ride day in a week with rides breaks it too', () => {
    expect(dates(plan([ride('2024-12-03', 60)]), rules)).toEqual(['2024-12-07']);
  });

  it('a tie for the longest is fine when one of them is on the long-ride day', () => {
    expect(check(plan([ride('2024-12-04', 180), ride('2024-12-07', 180)]), rules)).toEqual([]);
  });

  it('skips a week without workouts', () => {
    expect(check(plan([ride('2024-12-07', 180)]), rules)).toEqual([]);
  });

  it('skips a week whose long-ride day is outside the plan', () => {
    const p = plan([ride('2024-12-03', 60), ride('2024-12-10', 120)], '2024-12-02', '2024-12-13');
    expect(dates(p, rules)).toEqual(['2024-12-07']);
    const late = plan([ride('2024-12-08', 60), ride('2024-12-09', 120)], '2024-12-08', '2024-12-15');
    expect(dates(late, rules)).toEqual(['2024-12-14']); // the first week holds only Sunday
  });

  it('skips a week whose long-ride day is history', () => {
    const p = plan([ride('2024-12-08', 120), ride('2024-12-10', 120)]);
    expect(dates(p, rules, { eventDate: null, from: '2024-12-08' })).toEqual(['2024-12-14']);
  });
});

describe('max_minutes_on_day', () => {
  const rules: Rule[] = [{ kind: 'max_minutes_on_day', day: 'wednesday', minutes: 60 }];

  it('a longer workout on that weekday breaks it', () => {
    expect(check(plan([ride('2024-12-04', 120), ride('2024-12-05', 120)]), rules)).toEqual([
      { kind: 'max_minutes_on_day', date: '2024-12-04', message: 'Wed 4 Dec has endurance 2 h 00 min, over your limit of 60 min on Wednesdays.' },
    ]);
  });

  it('up to the limit and half a minute keeps it', () => {
    expect(check(plan([ride('2024-12-04', 60.4), ride('2024-12-11', 60)]), rules)).toEqual([]);
    expect(dates(plan([ride('2024-12-04', 61)]), rules)).toEqual(['2024-12-04']);
  });

  it('days before `from` are history', () => {
    expect(dates(plan([ride('2024-12-04', 120), ride('2024-12-11', 120)]), rules, { eventDate: null, from: '2024-12-05' })).toEqual(['2024-12-11']);
  });
});

describe('taper_before_event', () => {
  const rules: Rule[] = [{ kind: 'taper_before_event', days: 7 }];
  // Event Mon 23 Dec: the taper is Mon 16 to Sun 22 Dec, its lead-in Mon 25 Nov to Sun 15 Dec.
  const event: CheckOptions = { eventDate: '2024-12-23' };
  const leadIn = ['2024-11-25', '2024-12-02', '2024-12-09'].flatMap((monday) => [1, 3, 5].map((d) => ride(addDays(monday, d), 120))); // 6 h a week
  const taperPlan = (taper: WorkoutInput[], startDate = '2024-11-25') => plan([...leadIn.filter((w) => w.date >= startDate), ...taper], startDate, '2024-12-23');

  it('less riding a week in the taper than before it, and nothing hard, keeps it', () => {
    expect(check(taperPlan([ride('2024-12-17', 60), ride('2024-12-19', 60), ride('2024-12-21', 60)]), rules, event)).toEqual([]);
  });

  it('as much riding a week as before breaks it, dated on the window\'s first day', () => {
    expect(check(taperPlan([ride('2024-12-17', 120), ride('2024-12-19', 120), ride('2024-12-21', 120)]), rules, event)).toEqual([
      {
        kind: 'taper_before_event',
        date: '2024-12-16',
        message: 'Your 7-day taper before the event on Mon 23 Dec (from Mon 16 Dec) has 6 h 00 min of riding a week, not less than the 6 h 00 min a week before it.',
      },
    ]);
  });

  it('a hard workout in the window breaks it, dated on its day', () => {
    expect(check(taperPlan([ride('2024-12-17', 60), hard('2024-12-19', 45)]), rules, event)).toEqual([
      {
        kind: 'taper_before_event',
        date: '2024-12-19',
        message: "Thu 19 Dec is in your 7-day taper before the event on Mon 23 Dec, but the plan has threshold 45' 45 min at IF 1.00 on it.",
      },
    ]);
  });

  it('no riding in the taper keeps it, even after weeks without riding', () => {
    expect(check(plan([], '2024-11-25', '2024-12-23'), rules, event)).toEqual([]);
    expect(dates(plan([ride('2024-12-17', 30)], '2024-11-25', '2024-12-23'), rules, event)).toEqual(['2024-12-16']);
  });

  it('the event day itself is not in the window', () => {
    expect(check(taperPlan([ride('2024-12-17', 60), hard('2024-12-23', 30)]), rules, event)).toEqual([]);
  });

  it('no event, or a window outside the plan: nothing to check', () => {
    const p = taperPlan([hard('2024-12-17'), hard('2024-12-19'), ride('2024-12-21', 480)]);
    expect(check(p, rules)).toEqual([]);
    expect(check(p, rules, { eventDate: '2025-03-01' })).toEqual([]);
  });

  it('compares with the lead-in days inside the plan, as a weekly average', () => {
    // Plan from Mon 2 Dec: 14 days of lead-in, 720 min, so 360 min a week.
    const taper = (minutes: number) => taperPlan([ride('2024-12-18', minutes)], '2024-12-02');
    expect(dates(taper(360), rules, event)).toEqual(['2024-12-16']);
    expect(dates(taper(359), rules, event)).toEqual([]);
  });

  it('scales a window longer than a week to a week', () => {
    // 14 days from Mon 9 Dec; lead-in Mon 18 Nov to Sun 8 Dec inside a plan from 18 Nov: 6 h a week.
    const p = (minutes: number) =>
      plan([...leadIn.filter((w) => w.date < '2024-12-09'), ride('2024-11-19', 360), ride('2024-12-10', minutes / 2), ride('2024-12-17', minutes / 2)], '2024-11-18', '2024-12-23');
    const long: Rule[] = [{ kind: 'taper_before_event', days: 14 }];
    expect(dates(p(720), long, event)).toEqual(['2024-12-09']); // 720 × 7 / 14 = 360
    expect(dates(p(700), long, event)).toEqual([]);
  });

  it('skips the volume with fewer than 7 lead-in days in the plan', () => {
    const big = [ride('2024-12-17', 300), ride('2024-12-19', 300)];
    expect(dates(taperPlan(big, '2024-12-09'), rules, event)).toEqual(['2024-12-16']); // 7 days: 360 a week before, 600 in the taper
    expect(dates(taperPlan(big, '2024-12-10'), rules, event)).toEqual([]); // 6 days
  });

  it('history: hard days before `from` are not checked; the volume is while the window is not all history', () => {
    const p = taperPlan([hard('2024-12-16'), ride('2024-12-19', 400)]);
    expect(dates(p, rules, event)).toEqual(['2024-12-16', '2024-12-16']);
    expect(dates(p, rules, { ...event, from: '2024-12-17' })).toEqual(['2024-12-16']);
    expect(dates(p, rules, { ...event, from: '2024-12-23' })).toEqual([]);
  });
});

describe('checkPlan', () => {
  it('sorts by date, then kind', () => {
    const rules: Rule[] = [
      { kind: 'rest_day', day: 'monday' },
      { kind: 'max_minutes_on_day', day: 'monday', minutes: 30 },
      { kind: 'max_weekly_hours', hours: 1 },
      { kind: 'no_back_to_back_hard_days' },
    ];
    const p = plan([hard('2024-12-02'), hard('2024-12-03'), hard('2024-12-09')]);
    expect(check(p, rules).map((v) => [v.date, v.kind])).toEqual([
      ['2024-12-02', 'max_minutes_on_day'],
      ['2024-12-02', 'max_weekly_hours'],
      ['2024-12-02', 'rest_day'],
      ['2024-12-03', 'no_back_to_back_hard_days'],
      ['2024-12-09', 'max_minutes_on_day'],
      ['2024-12-09', 'rest_day'],
    ]);
  });

  it('no rules, no violations', () => {
    expect(check(plan([hard('2024-12-02'), hard('2024-12-03')]), [])).toEqual([]);
  });
});
