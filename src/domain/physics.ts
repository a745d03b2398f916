/**
 * Riding physics and gearing, as METRICS.md "Speed, time and gears" defines them.
 *
 * Power balance on a grade g = rise/run, no wind (Martin et al. 1998, "Validation
 * of a mathematical model for road cycling power", without the kinetic term):
 *   P · (1 − loss) = v · (m·g·sin(atan g) + m·g·Crr·cos(atan g) + ½·ρ·CdA·v²)
 */
import { InvalidInput } from './errors.ts';

/** Standard gravity, m/s². */
export const GRAVITY = 9.80665;
/** Air density at sea level and 15 °C (ISA), kg/m³. */
export const SEA_LEVEL_RHO = 1.225;
/** Isothermal scale height R·T/(M·g) at T = 288.15 K: 8.31446·288.15 / (0.0289644·9.80665). */
const SCALE_HEIGHT_M = (8.31446 * 288.15) / (0.0289644 * GRAVITY);

export const PHYSICS_DEFAULTS = {
  cdaM2: 0.32,
  crr: 0.004,
  drivetrainLoss: 0.03,
  /** Descent speed cap: nobody plans a ride faster than 60 km/h. */
  maxSpeedMps: 60 / 3.6,
} as const;

export interface RideConditions {
  /** Rider + bike, kg. */
  massKg: number;
  altitudeM?: number;
  cdaM2?: number;
  crr?: number;
  drivetrainLoss?: number;
  maxSpeedMps?: number;
}

/** Barometric formula, isothermal at 15 °C: ρ = ρ0 · exp(−h / H), H ≈ 8,434 m. */
export function airDensityKgM3(altitudeM: number): number {
  return SEA_LEVEL_RHO * Math.exp(-altitudeM / SCALE_HEIGHT_M);
}

/** Grade-dependent force m·g·(sin θ + Crr·cos θ), θ = atan(grade), without trigonometry. */
function gravityRollingN(grade: number, c: RideConditions): number {
  const hyp = Math.sqrt(1 + grade * grade);
  return (c.massKg * GRAVITY * (grade + (c.crr ?? PHYSICS_DEFAULTS.crr))) / hyp;
}

function aeroK(c: RideConditions): number {
  return 0.5 * airDensityKgM3(c.altitudeM ?? 0) * (c.cdaM2 ?? PHYSICS_DEFAULTS.cdaM2);
}

/** Power at the cranks needed to ride at `speedMps` on `grade` (0.06 = 6 %); negative means braking. */
export function powerForSpeedW(speedMps: number, grade: number, c: RideConditions): number {
  const efficiency = 1 - (c.drivetrainLoss ?? PHYSICS_DEFAULTS.drivetrainLoss);
  return (speedMps * (gravityRollingN(grade, c) + aeroK(c) * speedMps * speedMps)) / efficiency;
}

/**
 * Steady speed for a crank power on a grade, capped at `maxSpeedMps`: the
 * positive root of f(v) = a·v³ + b·v − P·(1−loss). Newton from an upper bound
 * (f is convex for v > 0 and, past its minimum, increasing), so it converges
 * from above without overshooting; this holds on descents (b < 0) too, where
 * P = 0 gives the coasting speed √(−b/a).
 */
export function speedForPowerMps(powerW: number, grade: number, c: RideConditions): number {
  const cap = c.maxSpeedMps ?? PHYSICS_DEFAULTS.maxSpeedMps;
  const a = aeroK(c);
  const b = gravityRollingN(grade, c);
  const p = Math.max(0, powerW) * (1 - (c.drivetrainLoss ?? PHYSICS_DEFAULTS.drivetrainLoss));
  if (cap * (b + a * cap * cap) - p <= 0) return cap; // the root is at or beyond the cap
  // f(v0) >= 0: a·v0³ >= 2p and a·v0² >= −2b give a·v0³ + b·v0 >= p.
  let v = Math.max(Math.cbrt((2 * p) / a), Math.sqrt(Math.max(0, (-2 * b) / a)), 1e-9);
  for (let i = 0; i < 50; i++) {
    const f = v * (b + a * v * v) - p;
    const next = v - f / (3 * a * v * v + b);
    if (!(next < v) || v - next < 1e-9) break;
    v = next;
  }
  return v;
}

// ---------------------------------------------------------------- gearing

export interface Gearing {
  /** Teeth, e.g. [50, 34]. */
  chainrings: number[];
  /** Teeth, e.g. [11, 12, ..., 32]. */
  cogs: number[];
  wheelCircumferenceM: number;
  cadenceFloorRpm: number;
}

/**
 * What "11-32" means when the rider names a range, not the sprockets: the most
 * common cassette with those end sprockets (Shimano road unless noted).
 */
export const KNOWN_CASSETTES: Record<string, { speeds: number; cogs: number[]; model: string }> = {
  '11-23': { speeds: 10, cogs: [11, 12, 13, 14, 15, 16, 17, 19, 21, 23], model: 'Shimano 10-speed' },
  '12-23': { speeds: 10, cogs: [12, 13, 14, 15, 16, 17, 18, 19, 21, 23], model: 'Shimano 10-speed' },
  '12-25': { speeds: 10, cogs: [12, 13, 14, 15, 16, 17, 19, 21, 23, 25], model: 'Shimano 10-speed' },
  '12-27': { speeds: 10, cogs: [12, 13, 14, 15, 16, 17, 19, 21, 24, 27], model: 'Shimano 10-speed' },
  '11-25': { speeds: 11, cogs: [11, 12, 13, 14, 15, 16, 17, 19, 21, 23, 25], model: 'Shimano 11-speed' },
  '11-28': { speeds: 11, cogs: [11, 12, 13, 14, 15, 17, 19, 21, 23, 25, 28], model: 'Shimano 11-speed' },
  '11-30': { speeds: 11, cogs: [11, 12, 13, 14, 15, 17, 19, 21, 24, 27, 30], model: 'Shimano 11-speed' },
  '11-32': { speeds: 11, cogs: [11, 12, 13, 14, 16, 18, 20, 22, 25, 28, 32], model: 'Shimano 11-speed' },
  '11-34': { speeds: 11, cogs: [11, 13, 15, 17, 19, 21, 23, 25, 27, 30, 34], model: 'Shimano 11-speed' },
  '12-28': { speeds: 11, cogs: [12, 13, 14, 15, 16, 17, 19, 21, 23, 25, 28], model: 'Shimano 11-speed' },
  '11-36': { speeds: 12, cogs: [11, 12, 13, 14, 15, 17, 19, 21, 24, 27, 30, 36], model: 'Shimano 12-speed' },
  '11-42': { speeds: 11, cogs: [11, 13, 15, 17, 19, 21, 24, 28, 32, 37, 42], model: 'Shimano GRX/Deore 11-speed' },
  '10-26': { speeds: 12, cogs: [10, 11, 12, 13, 14, 15, 16, 17, 19, 21, 23, 26], model: 'SRAM AXS 12-speed' },
  '10-28': { speeds: 12, cogs: [10, 11, 12, 13, 14, 15, 16, 17, 19, 21, 24, 28], model: 'SRAM AXS 12-speed' },
  '10-33': { speeds: 12, cogs: [10, 11, 12, 13, 14, 15, 17, 19, 21, 24, 28, 33], model: 'SRAM AXS 12-speed' },
  '10-36': { speeds: 12, cogs: [10, 11, 12, 13, 15, 17, 19, 21, 24, 28, 32, 36], model: 'SRAM XPLR 12-speed' },
  '10-42': { speeds: 11, cogs: [10, 12, 14, 16, 18, 21, 24, 28, 32, 36, 42], model: 'SRAM 1x 11-speed' },
  '10-44': { speeds: 12, cogs: [10, 11, 13, 15, 17, 19, 21, 24, 28, 32, 38, 44], model: 'SRAM XPLR 12-speed' },
};

const TEETH = /^\d{1,2}$/;

function teethList(text: string, separators: RegExp): number[] | null {
  const parts = text.trim().split(separators).filter((p) => p !== '');
  if (parts.length === 0 || !parts.every((p) => TEETH.test(p))) return null;
  return parts.map(Number);
}

/** "50/34", "53-39", "48/35/24", "40" (1x) -> teeth, largest first. */
export function parseChainrings(text: string): number[] {
  const rings = teethList(text, /\s*[/,\-x ]\s*/);
  if (!rings || rings.length > 3 || rings.some((t) => t < 20 || t > 60) || new Set(rings).size !== rings.length) {
    throw new InvalidInput(
      'bad_chainrings',
      'I could not read your chainrings — send them like 50/34 (or 40 for a single ring).',
      `chainrings "${text}"`,
    );
  }
  return rings.sort((a, b) => b - a);
}

/**
 * "11-32" (a known range, see KNOWN_CASSETTES) or a full list
 * "11,12,13,14,16,18,20,22,25,28,32" -> teeth, smallest first.
 */
export function parseCassette(text: string): number[] {
  const trimmed = text.trim();
  const range = /^(\d{1,2})\s*-\s*(\d{1,2})$/.exec(trimmed);
  if (range) {
    const known = KNOWN_CASSETTES[`${Number(range[1])}-${Number(range[2])}`];
    if (known) return [...known.cogs];
    throw new InvalidInput(
      'bad_cassette',
      `I don't know which sprockets a ${trimmed} cassette has — send them all, e.g. 11,12,13,14,16,18,20,22,25,28,32.`,
      `unknown range "${trimmed}"`,
    );
  }
  const cogs = teethList(trimmed, /\s*[,; ]\s*/);
  const sorted = cogs ? [...cogs].sort((a, b) => a - b) : [];
  if (!cogs || cogs.length < 5 || cogs.length > 14 || sorted.some((t, i) => t < 9 || t > 60 || t === sorted[i - 1])) {
    throw new InvalidInput(
      'bad_cassette',
      'I could not read your cassette — send the range, like 11-32, or every sprocket, like 11,12,13,14,16,18,20,22,25,28,32.',
      `cassette "${text}"`,
    );
  }
  return sorted;
}

/** Metres travelled per crank revolution. */
export function developmentM(chainring: number, cog: number, wheelCircumferenceM: number): number {
  return (wheelCircumferenceM * chainring) / cog;
}

/** speed = cadence/60 × wheel circumference × chainring/cog (METRICS.md). */
export function speedAtCadenceMps(chainring: number, cog: number, cadenceRpm: number, wheelCircumferenceM: number): number {
  return (cadenceRpm / 60) * developmentM(chainring, cog, wheelCircumferenceM);
}

export function cadenceAtSpeedRpm(chainring: number, cog: number, speedMps: number, wheelCircumferenceM: number): number {
  return (speedMps * 60) / developmentM(chainring, cog, wheelCircumferenceM);
}

export interface Gear {
  chainring: number;
  cog: number;
  ratio: number;
  developmentM: number;
}

/**
 * The minimum gear for a climbing speed (METRICS.md): the largest
 * chainring/cog ratio at which the rider still turns the cranks at the cadence
 * floor or faster. `beyond_gears` when even the smallest ratio is too big.
 * Cross-chained gears are not advised (no rider climbs in 52x30 when 36x21 is
 * the same ratio): with two or more rings and five or more cogs, the big ring
 * skips the two largest cogs and the small ring the two smallest.
 */
export type GearAdvice =
  | {
      kind: 'ok';
      speedMps: number;
      /** The largest ratio that keeps cadence >= the floor. */
      gear: Gear;
      /** Cadence in that gear at this speed, rpm. */
      cadenceRpm: number;
      /** Easier (smaller-ratio) gears left beyond it. */
      easierGearsLeft: number;
    }
  | {
      kind: 'beyond_gears';
      speedMps: number;
      /** The easiest gear the bike has. */
      easiest: Gear;
      /** Cadence in the easiest gear at this speed, rpm (below the floor). */
      cadenceRpm: number;
      /** The ratio that would allow the cadence floor, e.g. 0.9 (34/38). */
      ratioNeeded: number;
    };

export function minimumGear(speedMps: number, gearing: Gearing): GearAdvice {
  const { chainrings, cogs, wheelCircumferenceM: wheel, cadenceFloorRpm } = gearing;
  const ratioNeeded = (speedMps * 60) / (cadenceFloorRpm * wheel);
  const gears: Gear[] = [];
  const bigRing = Math.max(...chainrings);
  const smallRing = Math.min(...chainrings);
  const byCog = [...cogs].sort((a, b) => a - b);
  const [smallestCogs, largestCogs] = cogs.length > 4 ? [byCog.slice(0, 2), byCog.slice(-2)] : [[], []];
  for (const chainring of chainrings) {
    for (const cog of cogs) {
      const crossed = chainrings.length > 1 && ((chainring === bigRing && largestCogs.includes(cog)) || (chainring === smallRing && smallestCogs.includes(cog)));
      if (!crossed) gears.push({ chainring, cog, ratio: chainring / cog, developmentM: developmentM(chainring, cog, wheel) });
    }
  }
  if (gears.length === 0) throw new InvalidInput('bad_gearing', 'I need your chainrings and cassette to suggest gears.');
  gears.sort((a, b) => a.ratio - b.ratio);
  const easiest = gears[0] as Gear;
  // Float tolerance: a gear that gives exactly the floor cadence counts as holding it.
  const fits = gears.filter((g) => g.ratio <= ratioNeeded * (1 + 1e-9));
  if (fits.length === 0) {
    return { kind: 'beyond_gears', speedMps, easiest, cadenceRpm: (speedMps * 60) / easiest.developmentM, ratioNeeded };
  }
  const gear = fits[fits.length - 1] as Gear;
  const easierGearsLeft = fits.filter((g) => g.ratio < gear.ratio).length;
  return { kind: 'ok', speedMps, gear, cadenceRpm: (speedMps * 60) / gear.developmentM, easierGearsLeft };
}
