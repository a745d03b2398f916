/**
 * How a ride compares with the workout planned for its day: time, load, and
 * time in the zones the workout is for. Both sides of the zone comparison are
 * relative to FTP (step targets in % FTP, the ride's Coggan zones on the FTP it
 * was computed with), so no watts are needed.
 *
 * Intended Coggan zones by workout type: recovery Z1, endurance Z2, tempo Z3,
 * sweet spot Z3–Z4 (88–94 % straddles the 90 % threshold bound), threshold Z4,
 * VO2max Z5, anaerobic Z6; a race has none (it is ridden as it comes).
 * Planned seconds in them: the steps whose target midpoint falls in one of
 * those zones (a step's zone is the highest whose lower bound it reaches).
 * Ridden seconds: the ride's seconds in those zones.
 */
import { COGGAN_ZONES, zoneIndex } from '../power.ts';
import type { RideMetrics } from '../ride.ts';
import { targetFraction } from '../plan/plan.ts';
import type { Step, Workout, WorkoutType } from '../plan/plan.ts';
import { workoutLine } from '../plan/workout-words.ts';
import { rideSeconds } from './ride-kind.ts';
import { duration, minutes, whole } from './words.ts';

export interface PlanComparison {
  planned: { line: string; type: WorkoutType; durationS: number; tss: number };
  ridden: { durationS: number | null; load: number | null; loadSource: 'tss' | 'hrss' | null };
  /** Time in the workout's intended zones; null without power on the ride or when the workout has no intended zone (race). */
  zones: { label: string; plannedS: number; riddenS: number } | null;
}

/** 0-based indexes into COGGAN_ZONES (and RideMetrics.powerZones), lowest first and consecutive. */
export const INTENDED_ZONES: Record<WorkoutType, readonly number[]> = {
  recovery: [0],
  endurance: [1],
  tempo: [2],
  sweet_spot: [2, 3],
  threshold: [3],
  vo2max: [4],
  anaerobic: [5],
  race: [],
};

/** Coggan's zone names as a rider says them in a label. */
const ZONE_WORDS = ['recovery', 'endurance', 'tempo', 'threshold', 'VO2max', 'anaerobic', 'neuromuscular'] as const;

/** Lower bounds as fractions of FTP, divided the same way targetFraction divides, so 75 % is exactly on Z3's bound. */
const ZONE_FRACTIONS = COGGAN_ZONES.map((z) => z.lowerPct / 100);

/** "Z2 (endurance)", "Z3–Z4 (tempo to threshold)". */
export function zoneLabel(zones: readonly number[]): string {
  const first = zones[0]!;
  const last = zones[zones.length - 1]!;
  return first === last
    ? `Z${first + 1} (${ZONE_WORDS[first]})`
    : `Z${first + 1}–Z${last + 1} (${ZONE_WORDS[first]} to ${ZONE_WORDS[last]})`;
}

/** Seconds of the steps whose target midpoint is in one of the zones. */
export function plannedSecondsIn(steps: readonly Step[], zones: readonly number[]): number {
  return steps
    .filter((s) => zones.includes(zoneIndex(targetFraction(s.targetPctFtp), ZONE_FRACTIONS)))
    .reduce((sum, s) => sum + s.durationS, 0);
}

export function compareRideToPlan(metrics: RideMetrics, workout: Workout): PlanComparison {
  const intended = INTENDED_ZONES[workout.type];
  const powerZones = metrics.powerZones;
  return {
    planned: {
      line: workoutLine(workout),
      type: workout.type,
      durationS: workout.steps.reduce((sum, s) => sum + s.durationS, 0),
      tss: workout.plannedTss,
    },
    ridden: { durationS: rideSeconds(metrics), load: metrics.load, loadSource: metrics.loadSource },
    zones:
      powerZones === null || intended.length === 0
        ? null
        : {
            label: zoneLabel(intended),
            plannedS: plannedSecondsIn(workout.steps, intended),
            riddenS: intended.reduce((sum, i) => sum + (powerZones[i]?.seconds ?? 0), 0),
          },
  };
}

/**
 * "Planned: 2x20' sweet spot 75 min (TSS 62). Ridden: 1 h 32 min of 1 h 15 min,
 * TSS 103 of 62, 38 of 40 min in Z3–Z4." A missing number drops its part; HRSS
 * says so ("HRSS 70 of TSS 62"); the zone part only when the plan has time in
 * those zones.
 */
export function comparisonText(c: PlanComparison): string {
  const planned = `Planned: ${c.planned.line} (TSS ${whole(c.planned.tss)}).`;
  const parts: string[] = [];
  if (c.ridden.durationS !== null) parts.push(`${duration(c.ridden.durationS)} of ${duration(c.planned.durationS)}`);
  if (c.ridden.load !== null && c.ridden.loadSource !== null) {
    const plannedTss = whole(c.planned.tss);
    parts.push(
      c.ridden.loadSource === 'tss'
        ? `TSS ${whole(c.ridden.load)} of ${plannedTss}`
        : `HRSS ${whole(c.ridden.load)} of TSS ${plannedTss}`,
    );
  }
  if (c.zones !== null && c.zones.plannedS > 0) {
    parts.push(`${whole(c.zones.riddenS / 60)} of ${minutes(c.zones.plannedS)} in ${c.zones.label.split(' ')[0]}`);
  }
  return parts.length > 0 ? `${planned} Ridden: ${parts.join(', ')}.` : `${planned} The ride has no time or load to compare.`;
}
