// A ride's metrics for tests of code that reads only some of them: every field empty
// (an hour of cycling, FTP 250 W) unless given. `zoneS`: seconds per Coggan zone.
import { COGGAN_ZONES } from '../../src/domain/power.ts';
import type { RideMetrics } from '../../src/domain/ride.ts';

export function rideMetrics(over: Partial<RideMetrics> & { zoneS?: number[] | null } = {}): RideMetrics {
  const { zoneS = null, ...fields } = over;
  const ftpW = fields.ftpW ?? 250;
  const load = fields.load ?? null;
  return {
    sport: 'cycling', indoor: false, startTimeMs: null, ftpW, sampling: 'records-1hz', recordCount: 0,
    powerSampleCount: zoneS === null ? 0 : zoneS.reduce((a, b) => a + b, 0),
    elapsedS: 3600, movingS: 3600,
    distanceM: null, distanceSource: null, avgSpeedMps: null, ascentM: null, descentM: null,
    avgPowerW: null, maxPowerW: null, normalizedPowerW: null, intensityFactor: null, tss: null, variabilityIndex: null,
    efficiencyFactor: null, decouplingPct: null, workKj: null, eftpW: null, powerCurve: null,
    powerZones: zoneS === null ? null : COGGAN_ZONES.map((z, i) => ({
      zone: i + 1, name: z.name, minW: (ftpW * z.lowerPct) / 100,
      maxW: i + 1 < COGGAN_ZONES.length ? (ftpW * COGGAN_ZONES[i + 1]!.lowerPct) / 100 : null, seconds: zoneS[i]!,
    })),
    avgHrBpm: null, maxHrBpm: null, hrZones: null, avgCadenceRpm: null, maxCadenceRpm: null, cadenceAverage: 'excludes-zeros',
    trimp: null, hrss: null, lthrBpm: null, lthrEstimated: false,
    load, loadSource: load === null ? null : 'tss',
    unavailable: {}, notes: [],
    ...fields,
  };
}
