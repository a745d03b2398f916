import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { dailyLoads, fitnessSeries, localDay } from '../../src/domain/load.ts';

const vectors: { id: string; input: Record<string, unknown>; expected: unknown; source: string }[] = JSON.parse(
  readFileSync(new URL('../fixtures/metrics/published-examples.json', import.meta.url), 'utf8'),
).vectors;

const floor2 = (x: number) => Math.floor(x * 100) / 100;
const addDays = (day: string, n: number) => new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

describe('fitnessSeries (CTL 42 d, ATL 7 d, TSB = yesterday CTL - ATL)', () => {
  it('a constant daily load L for n days gives CTL = L(1 - e^{-n/42}), ATL = L(1 - e^{-n/7})', () => {
    const L = 80;
    const loads = new Map<string, number>();
    for (let d = 0; d < 100; d++) loads.set(addDays('2024-01-01', d), L);
    const series = fitnessSeries(loads, '2024-01-01', addDays('2024-01-01', 99));
    for (const n of [1, 7, 42, 100]) {
      const row = series[n - 1]!;
      expect(row.ctl).toBeCloseTo(L * (1 - Math.exp(-n / 42)), 9);
      expect(row.atl).toBeCloseTo(L * (1 - Math.exp(-n / 7)), 9);
    }
  });

  it('form for a day is the previous day\'s CTL - ATL, before that day\'s ride', () => {
    const series = fitnessSeries(new Map([['2024-03-02', 100]]), '2024-03-01', '2024-03-04');
    expect(series.map((r) => r.load)).toEqual([0, 100, 0, 0]);
    expect(series[0]!.tsb).toBe(0);
    expect(series[1]!.tsb).toBe(0); // the ride of 03-02 is not in 03-02's form
    expect(series[2]!.tsb).toBeCloseTo(series[1]!.ctl - series[1]!.atl, 12);
    expect(series[2]!.tsb).toBeLessThan(0);
  });

  it('Elevate fitness-trend checkpoints, floored to 2 dp (elevate fitness.service.spec.ts:3688-3993)', () => {
    const v = vectors.find((x) => x.id === 'elevate.pmc.trend')!;
    const start = v.input.start_date as string;
    const daily = v.input.daily_load as number[];
    const loads = new Map(daily.map((l, i) => [addDays(start, i), l] as const));
    const series = fitnessSeries(loads, start, addDays(start, daily.length - 1));
    const expected = v.expected as Record<string, { ctl_floor2: number; atl_floor2: number; tsb_floor2: number }>;
    expect(Object.keys(expected)).toHaveLength(4);
    for (const [day, e] of Object.entries(expected)) {
      const row = series.find((r) => r.day === day)!;
      expect([floor2(row.ctl), floor2(row.atl), floor2(row.tsb)]).toEqual([e.ctl_floor2, e.atl_floor2, e.tsb_floor2]);
    }
  });

  it('continues from a seed exactly as one long run would', () => {
    const loads = new Map([['2024-05-01', 120], ['2024-05-03', 60], ['2024-05-09', 200]]);
    const whole = fitnessSeries(loads, '2024-05-01', '2024-05-12');
    const head = fitnessSeries(loads, '2024-05-01', '2024-05-05');
    const tail = fitnessSeries(loads, '2024-05-06', '2024-05-12', head.at(-1)!);
    expect([...head, ...tail]).toEqual(whole);
  });

  it('spans month ends and a DST change as plain calendar days', () => {
    const series = fitnessSeries(new Map(), '2024-03-30', '2024-04-01');
    expect(series.map((r) => r.day)).toEqual(['2024-03-30', '2024-03-31', '2024-04-01']);
  });

  it('refuses a malformed day', () => {
    expect(() => fitnessSeries(new Map(), '2024-2-30', '2024-03-01')).toThrow(RangeError);
    expect(() => fitnessSeries(new Map(), '2024-02-30', '2024-03-01')).toThrow(RangeError);
  });
});

describe('dailyLoads', () => {
  it('puts a ride at 23:30 local on the local day, not the UTC one', () => {
    // 23:30 in Ljubljana in summer (UTC+2) is 21:30Z the same day; 00:30 local is 22:30Z the day before.
    const late = Date.parse('2024-07-10T21:30:00Z');
    const afterMidnight = Date.parse('2024-07-10T22:30:00Z');
    const loads = dailyLoads([{ startTimeMs: late, load: 50 }, { startTimeMs: afterMidnight, load: 70 }], 'Europe/Ljubljana');
    expect([...loads]).toEqual([['2024-07-10', 50], ['2024-07-11', 70]]);
    // The same instants in UTC are both on 07-10.
    expect([...dailyLoads([{ startTimeMs: late, load: 50 }, { startTimeMs: afterMidnight, load: 70 }], 'UTC')]).toEqual([
      ['2024-07-10', 120],
    ]);
    // West of UTC: 23:30 on 07-10 in Los Angeles (UTC-7) is 06:30Z on 07-11.
    expect(localDay(Date.parse('2024-07-11T06:30:00Z'), 'America/Los_Angeles')).toBe('2024-07-10');
  });

  it('sums rides on the same day; the order rides arrive in does not matter', () => {
    const rides = [
      { startTimeMs: Date.parse('2024-05-02T06:00:00Z'), load: 40 },
      { startTimeMs: Date.parse('2024-05-01T06:00:00Z'), load: 100 },
      { startTimeMs: Date.parse('2024-05-02T17:00:00Z'), load: 25 },
    ];
    const inOrder = fitnessSeries(dailyLoads(rides, 'UTC'), '2024-05-01', '2024-05-05');
    const reversed = fitnessSeries(dailyLoads([...rides].reverse(), 'UTC'), '2024-05-01', '2024-05-05');
    expect(reversed).toEqual(inOrder);
    expect(inOrder.map((r) => r.load)).toEqual([100, 65, 0, 0, 0]);
  });

  it('skips rides without a usable load', () => {
    const loads = dailyLoads([{ startTimeMs: Date.parse('2024-05-01T06:00:00Z'), load: Number.NaN }], 'UTC');
    expect(loads.size).toBe(0);
  });
});
