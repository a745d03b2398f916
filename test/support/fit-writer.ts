import { Encoder, Profile } from '@garmin/fitsdk';
import { random } from './random.ts';

/**
 * A synthetic ride written with the FIT SDK's encoder: 1 record a second, constant power/HR.
 * With `seed`, a plausible road ride instead, different for each seed: hills (altitude), intervals,
 * coasting downhill, HR lagging power, cadence, speed from the grade and a wandering GPS track;
 * `powerW` and `hrBpm` (default 200 W, 140 bpm) set its level. Without `seed`, the same file as always.
 */
export function syntheticRideFit(opts: {
  start: Date;
  seconds: number;
  powerW?: number;
  hrBpm?: number;
  sport?: 'cycling' | 'running';
  seed?: number;
}): Uint8Array {
  const enc = new Encoder();
  const write = (name: string, fields: Record<string, unknown>) =>
    enc.writeMesg({ mesgNum: Profile.MesgNum[name]!, ...fields } as Parameters<Encoder['writeMesg']>[0]);
  write('FILE_ID', { type: 'activity', manufacturer: 'development', product: 0, timeCreated: opts.start });
  write('SPORT', { sport: opts.sport ?? 'cycling', subSport: 'road' });
  const varied = opts.seed === undefined ? undefined : variedRide(opts.seed, opts.powerW ?? 200, opts.hrBpm ?? 140);
  for (let s = 0; s < opts.seconds; s++) {
    if (varied) {
      write('RECORD', { timestamp: new Date(opts.start.getTime() + s * 1000), ...varied(s) });
      continue;
    }
    write('RECORD', {
      timestamp: new Date(opts.start.getTime() + s * 1000),
      positionLat: 547_000_000 + s * 1000,
      positionLong: 174_000_000,
      distance: s * 8,
      speed: 8,
      ...(opts.powerW !== undefined ? { power: opts.powerW, cadence: 90 } : {}),
      ...(opts.hrBpm !== undefined ? { heartRate: opts.hrBpm } : {}),
    });
  }
  return enc.close();
}

/** The fields of second s of a seeded ride (called with s = 0, 1, 2, … in order). */
function variedRide(seed: number, powerW: number, hrBpm: number): (s: number) => Record<string, unknown> {
  const rand = random(seed);
  const between = (lo: number, hi: number) => lo + (hi - lo) * rand();
  const semicircles = (deg: number) => Math.round((deg * 2 ** 31) / 180);
  const climb = { a: between(100, 300), p: between(500, 1_200), phase: between(0, 2 * Math.PI) };
  const hill = { a: between(15, 50), p: between(120, 250), phase: between(0, 2 * Math.PI) };
  const base = 50 + climb.a + hill.a + between(0, 500);
  const intervalEvery = Math.round(between(900, 1_800));
  const intervalS = Math.round(between(120, 480));
  const intervalW = between(0.3, 0.6) * powerW;
  let lat = between(44, 52);
  let lon = between(2, 16);
  let heading = between(0, 2 * Math.PI);
  let hr = hrBpm - 45;
  let distance = 0;
  return (s) => {
    const altitude = base + climb.a * Math.sin(s / climb.p + climb.phase) + hill.a * Math.sin(s / hill.p + hill.phase);
    const climbRate = (climb.a / climb.p) * Math.cos(s / climb.p + climb.phase) + (hill.a / hill.p) * Math.cos(s / hill.p + hill.phase); // m/s
    const effort = s % intervalEvery < intervalS ? intervalW : 0;
    const coasting = climbRate < -0.25 && rand() < 0.7;
    const power = coasting ? 0 : Math.max(0, Math.round(powerW + effort + 150 * climbRate + 0.2 * powerW * (rand() - 0.5)));
    hr += (hrBpm - 40 + 0.25 * power - hr) / 30;
    const speed = Math.max(2, 8 - 8 * climbRate + (power - powerW) / 60 + rand() * 0.3);
    heading += (rand() - 0.5) * 0.03;
    lat += (speed * Math.cos(heading)) / 111_195;
    lon += (speed * Math.sin(heading)) / (111_195 * Math.cos((lat * Math.PI) / 180));
    distance += speed;
    return {
      positionLat: semicircles(lat),
      positionLong: semicircles(lon),
      altitude,
      distance,
      speed,
      power,
      cadence: coasting ? 0 : Math.round(82 + rand() * 12),
      heartRate: Math.round(hr),
    };
  };
}
