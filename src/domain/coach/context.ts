/**
 * What the coach knows when it speaks: our computed numbers, the rider's
 * profile and recent load. The same snapshot feeds the built-in coach and the
 * AI prompt, so both coaches see exactly the same facts. No coordinates, no
 * raw streams, no file or ride names: only numbers and dates.
 */
import type { FitnessDay } from '../load.ts';
import type { ResolvedProfile, RiderProfile } from '../profile.ts';
import type { RideMetrics } from '../ride.ts';

/** CTL / ATL / TSB at one moment. */
export interface Form {
  ctl: number;
  atl: number;
  tsb: number;
}

/** Everything the built-in coach reads to review one ride. */
export interface RideReviewInput {
  metrics: RideMetrics;
  profile: ResolvedProfile;
  /** Form the morning of the ride (TSB = what the rider brought to it); null when unknown. */
  formBefore: Form | null;
  /** CTL / ATL at the end of the ride's day, TSB = what tomorrow morning looks like. */
  formAfter: Form | null;
  /** CTL seven days before the ride day (for the ramp); null without earlier rides. */
  ctlWeekBefore: number | null;
  /** Sum of daily load over the 7 days ending with the ride's day (this ride included). */
  load7d: number;
  /** Mean 7-day load over the 28 days before those 7; null without rides then. */
  avgLoad7dBefore: number | null;
  /** Best mean power per standard duration over the 365 days before this ride, this ride excluded. */
  previousBestsW: { durationS: number; powerW: number }[];
}

/** One Monday-to-Sunday week of load, in the rider's zone. */
export interface WeekLoad {
  /** Monday, YYYY-MM-DD. */
  weekStart: string;
  load: number;
  rides: number;
  movingS: number;
  distanceM: number;
}

/** A recent ride in a line: date and our numbers, nothing that locates or names it. */
export interface RideDigest {
  id: number;
  /** Local day YYYY-MM-DD; null when the device clock was never set. */
  day: string | null;
  sport: string;
  indoor: boolean;
  durationS: number | null;
  movingS: number | null;
  distanceM: number | null;
  ascentM: number | null;
  avgPowerW: number | null;
  normalizedPowerW: number | null;
  intensityFactor: number | null;
  tss: number | null;
  variabilityIndex: number | null;
  decouplingPct: number | null;
  avgHrBpm: number | null;
  eftpW: number | null;
  /** TSS, or HRSS without power. */
  load: number | null;
  loadSource: 'tss' | 'hrss' | null;
}

/** The coach's view of the rider right now. */
export interface CoachSnapshot {
  /** Today, YYYY-MM-DD in the rider's zone, and that zone. */
  today: string;
  timeZone: string;
  profile: ResolvedProfile;
  /** Profile values the rider never set (their defaults are in `profile`). */
  defaultsUsed: (keyof RiderProfile)[];
  /** How many rides are stored at all. */
  rideCount: number;
  /** Today's row (TSB = this morning's form) and the 6 days before, oldest first; empty without rides. */
  fitness: FitnessDay[];
  /** CTL seven days before today; null without rides then. */
  ctlWeekAgo: number | null;
  /** This week (Monday to today) first, then the three weeks before it. */
  weeks: WeekLoad[];
  /** Newest first, up to 10, from the last 42 days. */
  recentRides: RideDigest[];
  /** The newest ride with everything needed to review it; null without rides. */
  lastRide: { digest: RideDigest; review: RideReviewInput } | null;
  /** Best power per standard duration: last 42 days and last 365 days (equal-length lists). */
  bests: { durationsS: number[]; recentW: (number | null)[]; seasonW: (number | null)[] };
}
