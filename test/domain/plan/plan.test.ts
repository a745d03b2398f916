import { describe, expect, it } from 'vitest';
import { completePlan, isHard, planInput, plannedIf, plannedTss, withNumbers, type PlanInput, type Step } from '../../../src/domain/plan/plan.ts';

const step = (minutes: number, targetPctFtp: Step['targetPctFtp']): Step => ({ durationS: minutes * 60, targetPctFtp });

describe('planned IF and TSS, worked by hand', () => {
  it('60 min at 100 % is IF 1, TSS 100', () => {
    expect(plannedIf([step(60, 100)])).toBe(1);
    expect(plannedTss([step(60, 100)])).toBe(100);
  });

  it('2 h at 65 % is IF 0.65, TSS 2 × 0.65² × 100 = 84.5', () => {
    expect(plannedIf([step(120, 65)])).toBe(0.65);
    expect(plannedTss([step(120, 65)])).toBe(84.5);
  });

  it('30 min at 50 % then 30 min at 100 %: the fourth-power mean, not the average', () => {
    // (½ × 0.5⁴ + ½ × 1⁴)^¼ = 0.53125^¼ = 0.85374 → 0.854 (the plain mean would say 0.75)
    // TSS = 1 h × 0.854² × 100 = 72.93 → 72.9
    const steps = [step(30, 50), step(30, 100)];
    expect(plannedIf(steps)).toBe(0.854);
    expect(plannedTss(steps)).toBe(72.9);
    expect(isHard(withNumbers({ date: '2024-12-03', type: 'threshold', description: 'x', steps }))).toBe(true);
  });

  it('weights by duration: 45 min at 100 % and 15 min at 50 % differ from the reverse', () => {
    // (¾ × 1 + ¼ × 0.0625)^¼ = 0.765625^¼ = 0.9354 → 0.935; TSS = 0.935² × 100 = 87.4
    expect(plannedIf([step(45, 100), step(15, 50)])).toBe(0.935);
    expect(plannedTss([step(45, 100), step(15, 50)])).toBe(87.4);
    // (¼ × 1 + ¾ × 0.0625)^¼ = 0.296875^¼ = 0.7381 → 0.738
    expect(plannedIf([step(15, 100), step(45, 50)])).toBe(0.738);
  });

  it('a range counts as its midpoint: [85, 95] is 90 %', () => {
    expect(plannedIf([step(60, [85, 95])])).toBe(0.9);
    expect(plannedTss([step(60, [85, 95])])).toBe(81);
    expect(plannedIf([step(60, [85, 95])])).toBe(plannedIf([step(60, 90)]));
  });

  it('exactly 0.85 is hard; 0.849 is not', () => {
    const at = (pct: number) => withNumbers({ date: '2024-12-03', type: 'sweet_spot', description: 'x', steps: [step(60, pct)] });
    expect(at(85).plannedIf).toBe(0.85);
    expect(isHard(at(85))).toBe(true);
    expect(isHard(at(84.9))).toBe(false);
  });

  it('no steps: IF and TSS 0', () => {
    expect(plannedIf([])).toBe(0);
    expect(plannedTss([])).toBe(0);
  });
});

describe('completePlan and planInput', () => {
  const input: PlanInput = {
    overview: 'Two rides',
    goal: null,
    startDate: '2024-12-02',
    endDate: '2024-12-08',
    weeks: [{
      weekStart: '2024-12-02',
      focus: 'base',
      workouts: [
        { date: '2024-12-07', type: 'endurance', description: 'long', steps: [{ durationS: 90, targetPctFtp: 65 }, step(120, 65)] },
        { date: '2024-12-03', type: 'threshold', description: 'hour', steps: [step(60, 100)] },
      ],
    }],
  };

  it('puts our numbers on every workout, in date order', () => {
    const plan = completePlan(input);
    expect(plan.weeks[0]!.workouts.map((w) => [w.date, w.durationMinutes, w.plannedIf, w.plannedTss])).toEqual([
      ['2024-12-03', 60, 1, 100],
      ['2024-12-07', 121.5, 0.65, 85.6], // 2.025 h × 0.4225 × 100 = 85.56
    ]);
  });

  it('planInput strips the numbers back off', () => {
    const back = planInput(completePlan(input));
    expect(back.weeks[0]!.workouts.map((w) => Object.keys(w).sort())).toEqual([
      ['date', 'description', 'steps', 'type'],
      ['date', 'description', 'steps', 'type'],
    ]);
    expect(completePlan(back)).toEqual(completePlan(input));
  });
});
