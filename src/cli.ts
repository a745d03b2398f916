/**
 * coach route FILE.gpx [--json]
 * coach ride FILE.fit|gpx|tcx [--ftp W] [--json]
 * The same domain code the bot uses, from a terminal. JSON field names are
 * snake_case with units (a contract scripts rely on). A bad file: exit 2, one line.
 */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { InvalidInput } from './domain/errors.ts';
import { parseGpx } from './domain/gpx.ts';
import { resolveProfile } from './domain/profile.ts';
import { computeRideMetrics, type RideMetrics } from './domain/ride.ts';
import { decodeRideFile } from './domain/ride-file.ts';
import { analyseRoute, type RouteAnalysis } from './domain/route.ts';
import { gearLabel } from './services/routes.ts';

const USAGE = 'usage: coach route FILE.gpx [--json] | coach ride FILE.fit|gpx|tcx [--ftp W] [--json]';

const round = (x: number | null | undefined, digits = 0): number | null =>
  x === null || x === undefined || !Number.isFinite(x) ? null : Number(x.toFixed(digits));

export function routeJson(a: RouteAnalysis) {
  return {
    name: a.name ?? null,
    points: a.points,
    distance_m: round(a.distanceM, 1),
    ascent_m: a.hasElevation ? round(a.ascentM, 1) : null,
    descent_m: a.hasElevation ? round(a.descentM, 1) : null,
    min_elevation_m: round(a.minElevationM, 1),
    max_elevation_m: round(a.maxElevationM, 1),
    est_time_s: round(a.estTimeS),
    sections: a.sections.map((s) => ({
      start_m: round(s.startM, 1),
      end_m: round(s.endM, 1),
      distance_m: round(s.distanceM, 1),
      ascent_m: a.hasElevation ? round(s.ascentM, 1) : null,
      grade_avg_pct: a.hasElevation ? round(s.gradeAvgPct, 2) : null,
      grade_max_pct: a.hasElevation ? round(s.gradeMaxPct, 2) : null,
      kind: s.kind,
      category: s.category,
      min_gear: gearLabel(s.minGear),
      est_time_s: round(s.estTimeS),
    })),
    assumptions: a.assumptions,
  };
}

export function rideJson(m: RideMetrics) {
  return {
    sport: m.sport,
    start_time: m.startTimeMs === null ? null : new Date(m.startTimeMs).toISOString(),
    elapsed_s: round(m.elapsedS),
    moving_s: round(m.movingS),
    distance_m: round(m.distanceM, 1),
    ascent_m: round(m.ascentM, 1),
    avg_power_w: round(m.avgPowerW, 1),
    max_power_w: round(m.maxPowerW),
    np_w: round(m.normalizedPowerW, 1),
    if: round(m.intensityFactor, 3),
    tss: round(m.tss, 1),
    vi: round(m.variabilityIndex, 3),
    ef: round(m.efficiencyFactor, 3),
    decoupling_pct: round(m.decouplingPct, 2),
    work_kj: round(m.workKj, 1),
    avg_hr: round(m.avgHrBpm, 1),
    max_hr: round(m.maxHrBpm),
    avg_cadence: round(m.avgCadenceRpm, 1),
    hrss: round(m.hrss, 1),
    eftp_w: round(m.eftpW, 1),
    power_curve: m.powerCurve ? Object.fromEntries(m.powerCurve.map((p) => [String(p.durationS), round(p.powerW, 1)])) : null,
    time_in_power_zones_s: m.powerZones ? m.powerZones.map((z) => z.seconds) : null,
    time_in_hr_zones_s: m.hrZones ? m.hrZones.zones.map((z) => z.seconds) : null,
    unavailable: m.unavailable,
  };
}

function routeText(a: RouteAnalysis): string {
  const lines = [
    `${a.name ?? 'Route'}: ${(a.distanceM / 1000).toFixed(1)} km, ${a.points} points`,
    a.hasElevation ? `ascent ${Math.round(a.ascentM)} m, descent ${Math.round(a.descentM)} m` : 'no elevation',
    `estimated time ${Math.round(a.estTimeS / 60)} min`,
    ...a.sections
      .filter((s) => s.kind === 'climb')
      .map(
        (s) =>
          `climb at ${(s.startM / 1000).toFixed(1)} km: ${(s.distanceM / 1000).toFixed(1)} km at ${s.gradeAvgPct.toFixed(1)} % (max ${s.gradeMaxPct.toFixed(1)} %), ${s.category ? `cat ${s.category}` : 'uncategorised'}, gear ${gearLabel(s.minGear) ?? '-'}`,
      ),
    `assumed: ${a.assumptions.join('; ')}`,
  ];
  return lines.join('\n');
}

function rideText(m: RideMetrics): string {
  const f = (label: string, v: number | null, unit = '', digits = 0) => (v === null ? null : `${label} ${v.toFixed(digits)}${unit}`);
  return [
    `${m.sport}${m.indoor ? ' (indoor)' : ''}, ${m.startTimeMs ? new Date(m.startTimeMs).toISOString() : 'no start time'}`,
    [f('moving', m.movingS === null ? null : m.movingS / 60, ' min'), f('distance', m.distanceM === null ? null : m.distanceM / 1000, ' km', 1)]
      .filter(Boolean)
      .join(', '),
    [f('NP', m.normalizedPowerW, ' W'), f('avg', m.avgPowerW, ' W'), f('IF', m.intensityFactor, '', 2), f('TSS', m.tss), f('eFTP', m.eftpW, ' W')]
      .filter(Boolean)
      .join(', '),
    [f('HR avg', m.avgHrBpm, ' bpm'), f('max', m.maxHrBpm, ' bpm'), f('HRSS', m.hrss)].filter(Boolean).join(', '),
    ...Object.entries(m.unavailable).map(([metric, why]) => `${metric}: ${why}`),
  ]
    .filter((l) => l.length > 0)
    .join('\n');
}

export async function runCli(argv: string[], out: (line: string) => void, err: (line: string) => void): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, options: { json: { type: 'boolean' }, ftp: { type: 'string' } } });
  } catch (error) {
    err(`${(error as Error).message}\n${USAGE}`);
    return 64;
  }
  const [command, file] = parsed.positionals;
  if (!file || (command !== 'route' && command !== 'ride')) {
    err(USAGE);
    return 64;
  }
  const ftp = parsed.values.ftp === undefined ? undefined : Number(parsed.values.ftp);
  if (ftp !== undefined && !(Number.isInteger(ftp) && ftp >= 50 && ftp <= 600)) {
    err('--ftp must be a whole number of watts between 50 and 600');
    return 64;
  }
  let bytes: Uint8Array;
  try {
    bytes = await readFile(file);
  } catch (error) {
    err(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    return 2;
  }
  try {
    const { profile, defaultsUsed } = resolveProfile(ftp ? { ftpW: ftp } : {});
    if (command === 'route') {
      const analysis = analyseRoute(parseGpx(bytes), profile, defaultsUsed);
      out(parsed.values.json ? JSON.stringify(routeJson(analysis), null, 2) : routeText(analysis));
    } else {
      const ride = decodeRideFile(bytes, file);
      const computed = computeRideMetrics(ride, profile);
      // a device whose clock was never set dates its rides 1989-12-31: say unknown instead
      const metrics = ride.clockSet ? computed : { ...computed, startTimeMs: null };
      out(parsed.values.json ? JSON.stringify(rideJson(metrics), null, 2) : rideText(metrics));
    }
    return 0;
  } catch (error) {
    if (error instanceof InvalidInput) {
      err(`${file}: ${error.riderMessage}`);
      return 2;
    }
    throw error;
  }
}

