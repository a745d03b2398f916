import { describe, expect, it } from 'vitest';
import { compareRideToPlan, comparisonText, plannedSecondsIn, zoneLabel } from '../../../src/domain/coach/ride-vs-plan.ts';
import type { RideMetrics } from '../../../src/domain/ride.ts';
import { withNumbers } from '../../../src/domain/plan/plan.ts';
import type { WorkoutInput } from '../../../src/domain/plan/plan.ts';
import { rideMetrics } from '../../support/metrics.ts';

const FTP = 250;

/** A ride's metrics with only what the comparison reads set; `zoneS` seconds per Coggan zone, null without power. */
function metrics(over: { movingS?: number | null; load?: number | null; loadSource?: 'tss' | 'hrss' | null; zoneS?: number[] | null }): RideMetrics {
  const load = over.load === undefined ? 100 : over.load;
  return rideMetrics({
    ftpW: FTP,
    movingS: over.movingS === undefined ? 3600 : over.movingS,
    elapsedS: null,
    load,
    loadSource: over.loadSource === undefined ? (load === null ? null : 'tss') : over.loadSource,
    zoneS: over.zoneS === undefined ? [0, 0, 0, 0, 0, 0, 0] : over.zoneS,
  });
}

const min = (m: number) => m * 60;

/** 15' warm-up at 60 %, 2 × 20' at 88-94 % with 5' at 50 % between, 15' at 55 %: 40 min in Z3-Z4 of 75. */
const sweetSpot = withNumbers({
  date: '2024-12-03',
  type: 'sweet_spot',
  description: '2 x 20 min sweet spot',
  steps: [
    { durationS: min(15), targetPctFtp: 60 },
    { durationS: min(20), targetPctFtp: [88, 94] },
    { durationS: min(5), targetPctFtp: 50 },
    { durationS: min(20), targetPctFtp: [88, 94] },
    { durationS: min(15), targetPctFtp: 55 },
  ],
});

const workout = (type: WorkoutInput['type'], steps: WorkoutInput['steps']) =>
  withNumbers({ date: '2024-12-03', type, description: type, steps });

describe('compareRideToPlan', () => {
  it('a sweet-spot 2x20: time in Z3–Z4 planned from the steps, ridden from the zones', () => {
    expect(sweetSpot.plannedTss).toBe(80.4);
    const c = compareRideToPlan(metrics({ movingS: min(92), load: 103.4, zoneS: [300, 1500, 480, 1800, 120, 0, 0] }), sweetSpot);
    expect(c).toEqual({
      planned: { line: "2x20' sweet spot 75 min", type: 'sweet_spot', durationS: min(75), tss: 80.4 },
      ridden: { durationS: min(92), load: 103.4, loadSource: 'tss' },
      zones: { label: 'Z3–Z4 (tempo to threshold)', plannedS: min(40), riddenS: 2280 },
    });
    expect(comparisonText(c)).toBe(
      "Planned: 2x20' sweet spot 75 min (TSS 80). Ridden: 1 h 32 min of 1 h 15 min, TSS 103 of 80, 38 of 40 min in Z3–Z4.",
    );
  });

  it('a heart-rate-only ride: HRSS against the planned TSS, no zone part', () => {
    const c = compareRideToPlan(metrics({ movingS: min(70), load: 70.2, loadSource: 'hrss', zoneS: null }), sweetSpot);
    expect(c.zones).toBeNull();
    expect(c.ridden).toEqual({ durationS: min(70), load: 70.2, loadSource: 'hrss' });
    expect(comparisonText(c)).toBe("Planned: 2x20' sweet spot 75 min (TSS 80). Ridden: 1 h 10 min of 1 h 15 min, HRSS 70 of TSS 80.");
  });

  it('a race has no intended zone, even with power', () => {
    const race = workout('race', [{ durationS: min(150), targetPctFtp: 80 }]);
    const c = compareRideToPlan(metrics({ movingS: min(140), load: 160, zoneS: [0, 0, 3000, 3000, 2400, 0, 0] }), race);
    expect(c.zones).toBeNull();
    expect(comparisonText(c)).toBe('Planned: race 2 h 30 min (TSS 160). Ridden: 2 h 20 min of 2 h 30 min, TSS 160 of 160.');
  });

  it('endurance counts Z2 only: a step on 75 % is tempo, one on 55 % endurance', () => {
    const w = workout('endurance', [
      { durationS: min(10), targetPctFtp: 50 },
      { durationS: min(30), targetPctFtp: 55 },
      { durationS: min(20), targetPctFtp: [70, 74] },
      { durationS: min(5), targetPctFtp: 75 },
    ]);
    const c = compareRideToPlan(metrics({ zoneS: [600, 2400, 300, 60, 0, 0, 0] }), w);
    expect(c.zones).toEqual({ label: 'Z2 (endurance)', plannedS: min(50), riddenS: 2400 });
  });

  it('names each type by its zones', () => {
    expect(zoneLabel([0])).toBe('Z1 (recovery)');
    expect(zoneLabel([3])).toBe('Z4 (threshold)');
    expect(zoneLabel([4])).toBe('Z5 (VO2max)');
    expect(zoneLabel([5])).toBe('Z6 (anaerobic)');
    const zoneOf = (type: WorkoutInput['type'], pct: number) =>
      compareRideToPlan(metrics({}), workout(type, [{ durationS: 600, targetPctFtp: pct }])).zones;
    expect(zoneOf('vo2max', 110)).toMatchObject({ label: 'Z5 (VO2max)', plannedS: 600 });
    expect(zoneOf('threshold', 105)).toMatchObject({ label: 'Z4 (threshold)', plannedS: 0 });
    expect(zoneOf('anaerobic', 130)).toMatchObject({ label: 'Z6 (anaerobic)', plannedS: 600 });
    expect(zoneOf('recovery', 54)).toMatchObject({ label: 'Z1 (recovery)', plannedS: 600 });
    expect(zoneOf('tempo', 89)).toMatchObject({ label: 'Z3 (tempo)', plannedS: 600 });
    expect(zoneOf('tempo', 90)).toMatchObject({ label: 'Z3 (tempo)', plannedS: 0 }); // 90 % is on threshold's bound
  });

  it('reads a range by its midpoint', () => {
    // 86-94 -> 90 %: threshold, not tempo; 70-80 -> 75 %: tempo.
    expect(plannedSecondsIn([{ durationS: 600, targetPctFtp: [86, 94] }], [3])).toBe(600);
    expect(plannedSecondsIn([{ durationS: 600, targetPctFtp: [86, 94] }], [2])).toBe(0);
    expect(plannedSecondsIn([{ durationS: 600, targetPctFtp: [70, 80] }], [2])).toBe(600);
  });

  it('leaves out what the ride lacks, and the zone part when the plan has no time there', () => {
    const tempo = workout('tempo', [{ durationS: min(60), targetPctFtp: 70 }]);
    const c = compareRideToPlan(metrics({ movingS: null, load: null, zoneS: [0, 3600, 0, 0, 0, 0, 0] }), tempo);
    expect(c.ridden).toEqual({ durationS: 3600, load: null, loadSource: null }); // seconds with power stand in for moving time
    expect(c.zones).toEqual({ label: 'Z3 (tempo)', plannedS: 0, riddenS: 0 });
    expect(comparisonText(c)).toBe('Planned: tempo 60 min (TSS 49). Ridden: 1 h 00 min of 1 h 00 min.');
    const nothing = compareRideToPlan(metrics({ movingS: null, load: null, zoneS: null }), tempo);
    expect(comparisonText(nothing)).toBe('Planned: tempo 60 min (TSS 49). The ride has no time or load to compare.');
  });
});
