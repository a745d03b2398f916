import { describe, expect, it } from 'vitest';
import type { CoachSnapshot, RideDigest } from '../../../src/domain/coach/context.ts';
import { athleteText, fitnessText, recentRidesText, todayText } from '../../../src/domain/coach/prompt-context.ts';
import { resolveProfile } from '../../../src/domain/profile.ts';

const ride = (over: Partial<RideDigest> = {}): RideDigest => ({
  id: 1,
  day: '2026-11-30',
  sport: 'cycling',
  indoor: false,
  durationS: 7200,
  movingS: 7000,
  distanceM: 57_600,
  ascentM: 640,
  avgPowerW: 190,
  normalizedPowerW: 205,
  intensityFactor: 0.774,
  tss: 119.6,
  variabilityIndex: 1.08,
  decouplingPct: 3.24,
  avgHrBpm: 141,
  eftpW: null,
  load: 119.6,
  loadSource: 'tss',
  ...over,
});

function snapshot(over: Partial<CoachSnapshot> = {}): CoachSnapshot {
  const { profile, defaultsUsed } = resolveProfile({ ftpW: 265, riderKg: 70 }, 'Europe/Ljubljana');
  return {
    today: '2026-12-02',
    timeZone: 'Europe/Ljubljana',
    profile,
    defaultsUsed,
    rideCount: 1,
    fitness: [
      { day: '2026-12-01', load: 0, ctl: 40.04, atl: 55.2, tsb: -12 },
      { day: '2026-12-02', load: 0, ctl: 39.1, atl: 48.3, tsb: -15.16 },
    ],
    ctlWeekAgo: 35,
    weeks: [
      { weekStart: '2026-11-30', load: 119.6, rides: 1, movingS: 7000, distanceM: 57_600 },
      { weekStart: '2026-11-23', load: 0, rides: 0, movingS: 0, distanceM: 0 },
    ],
    recentRides: [ride()],
    lastRide: null,
    bests: { durationsS: [5, 1200], recentW: [820, 248], seasonW: [900, null] },
    ...over,
  };
}

describe('the prompt context', () => {
  it('says the date and the zone', () => {
    expect(todayText(snapshot())).toBe('Wednesday, 2 December 2026 (2026-12-02, time zone Europe/Ljubljana)');
  });

  it('gives the athlete numbers, zones in whole watts as they are counted, bests, and which values are defaults', () => {
    const text = athleteText(snapshot());
    expect(text).toContain('FTP 265 W; rider 70 kg, so 3.79 W/kg; bike 9 kg (default, not set by the rider).');
    expect(text).toContain('Z1 0-145, Z2 146-198, Z3 199-238, Z4 239-278, Z5 279-317, Z6 318-397, Z7 ≥398');
    expect(text).toContain('Best power, last 42 days / last 365 days: 5-s 820 / 900 W; 20-min 248 / - W.');
    expect(text).toContain('Not set by the rider yet (defaults used above): bike weight, max HR, rest HR.');
  });

  it("gives this morning's form from the end of yesterday, the ramp, and weeks without rides as such", () => {
    const text = fitnessText(snapshot());
    expect(text).toContain('This morning: fitness (CTL) 40, fatigue (ATL) 55.2, form (TSB) -15.2.');
    expect(text).toContain('a ramp of +4.1 per week');
    expect(text).toContain('this week (from Mon 30 Nov, so far): 120 TSS, 1 ride, 1 h 57 min, 58 km; week of Mon 23 Nov: no rides.');
    expect(fitnessText(snapshot({ rideCount: 0, fitness: [] }))).toBe('No rides stored yet: fitness, fatigue and form are unknown.');
  });

  it('lists rides as numbers only, leaving out what is missing', () => {
    expect(recentRidesText(snapshot({ recentRides: [ride({ ascentM: null, avgHrBpm: null, decouplingPct: null })] }))).toBe(
      '- Mon 30 Nov: cycling, 2 h 00 min, moving 1 h 57 min, 57.6 km, NP 205 W, avg 190 W, IF 0.77, TSS 120, VI 1.08',
    );
  });

  it('names the last ride when none is in the last 42 days, and says when there is none at all', () => {
    const old = ride({ day: '2025-06-01', normalizedPowerW: null, avgPowerW: null, intensityFactor: null, tss: null, variabilityIndex: null, load: 80, loadSource: 'hrss' });
    const lastRide = { digest: old, review: {} as never };
    expect(recentRidesText(snapshot({ recentRides: [], lastRide }))).toBe(
      'No rides in the last 42 days. The last one:\n- Sun 1 Jun 2025: cycling, 2 h 00 min, moving 1 h 57 min, 57.6 km, 640 m climbing, avg HR 141 bpm, Pw:HR decoupling 3.2 %, HRSS 80',
    );
    expect(recentRidesText(snapshot({ recentRides: [], rideCount: 0 }))).toBe('No rides stored yet.');
  });
});
