/**
 * The rider's numbers every estimate depends on. Stored values may be missing;
 * `resolveProfile` fills the gaps with the defaults of METRICS.md and says which
 * ones it used, so every reply can tell the rider what was assumed.
 */
export interface RiderProfile {
  ftpW?: number | null;
  riderKg?: number | null;
  bikeKg?: number | null;
  maxHrBpm?: number | null;
  restHrBpm?: number | null;
  lthrBpm?: number | null;
  /** Teeth per chainring, e.g. [50, 34]. */
  chainrings?: number[] | null;
  /** Teeth per cog, smallest first, e.g. [11, 12, ..., 32]. */
  cogs?: number[] | null;
  wheelCircumferenceM?: number | null;
  cadenceFloorRpm?: number | null;
  /** IANA zone, e.g. "Europe/Ljubljana". */
  timeZone?: string | null;
}

export type ResolvedProfile = { [K in keyof RiderProfile]-?: NonNullable<RiderProfile[K]> };

export const PROFILE_DEFAULTS: ResolvedProfile = {
  ftpW: 200,
  riderKg: 75,
  bikeKg: 9,
  maxHrBpm: 185,
  restHrBpm: 60,
  lthrBpm: 0, // 0 = unknown: HR zones fall back to max HR (METRICS.md)
  chainrings: [50, 34],
  cogs: [11, 12, 13, 14, 16, 18, 20, 22, 25, 28, 32],
  wheelCircumferenceM: 2.105, // 700x25C
  cadenceFloorRpm: 70,
  timeZone: 'UTC',
};

export interface ProfileResolution {
  profile: ResolvedProfile;
  /** Keys of RiderProfile that were unset and took the default. */
  defaultsUsed: (keyof RiderProfile)[];
}

export function resolveProfile(stored: RiderProfile, fallbackTimeZone = 'UTC'): ProfileResolution {
  const defaultsUsed: (keyof RiderProfile)[] = [];
  const profile = { ...PROFILE_DEFAULTS, timeZone: fallbackTimeZone } as ResolvedProfile;
  for (const key of Object.keys(PROFILE_DEFAULTS) as (keyof RiderProfile)[]) {
    const value = stored[key];
    const present = Array.isArray(value) ? value.length > 0 : value !== undefined && value !== null;
    if (present) (profile as Record<string, unknown>)[key] = value;
    else if (key !== 'lthrBpm') defaultsUsed.push(key);
  }
  return { profile, defaultsUsed };
}
