import { Encoder, Profile } from '@garmin/fitsdk';

/** A synthetic ride written with the FIT SDK's encoder: 1 record a second, constant power/HR. */
export function syntheticRideFit(opts: {
  start: Date;
  seconds: number;
  powerW?: number;
  hrBpm?: number;
  sport?: 'cycling' | 'running';
}): Uint8Array {
  const enc = new Encoder();
  const write = (name: string, fields: Record<string, unknown>) =>
    enc.writeMesg({ mesgNum: Profile.MesgNum[name]!, ...fields } as Parameters<Encoder['writeMesg']>[0]);
  write('FILE_ID', { type: 'activity', manufacturer: 'development', product: 0, timeCreated: opts.start });
  write('SPORT', { sport: opts.sport ?? 'cycling', subSport: 'road' });
  for (let s = 0; s < opts.seconds; s++) {
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
