import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { InvalidFit, InvalidGpx } from '../../src/domain/errors.ts';
import { PROFILE_DEFAULTS } from '../../src/domain/profile.ts';
import { decodeRideFile, sniffRideFormat } from '../../src/domain/ride-file.ts';
import { computeRideMetrics } from '../../src/domain/ride.ts';
import type { RideMetrics } from '../../src/domain/ride.ts';
import { rejectionOf } from '../support/refusal.ts';
const thrown = (f: () => Promise<unknown>) => rejectionOf(f);

const read = (path: string) => new Uint8Array(readFileSync(new URL(`../fixtures/${path}`, import.meta.url)));
const utf8 = (s: string) => new TextEncoder().encode(s);
const metrics = async (bytes: Uint8Array, name: string) => computeRideMetrics(await decodeRideFile(bytes, name), PROFILE_DEFAULTS);

function expectSamePower(a: RideMetrics, b: RideMetrics): void {
  expect(a.powerSampleCount).toBe(b.powerSampleCount);
  expect(Math.abs(a.normalizedPowerW! - b.normalizedPowerW!)).toBeLessThanOrEqual(1);
  expect(a.powerCurve!.map((p) => p.durationS)).toEqual(b.powerCurve!.map((p) => p.durationS));
  a.powerCurve!.forEach((p, i) => expect(Math.abs(p.powerW - b.powerCurve![i]!.powerW)).toBeLessThanOrEqual(1));
}

const gpx = (body: string, type = '') => utf8(`<?xml version="1.0" encoding="UTF-8"?>
<gpx version="1.1" creator="test" xmlns="http://www.topografix.com/GPX/1/1"><trk>${type}${body}</trk></gpx>`);
const trkpt = (t: string, lat = 46.05) => `<trkpt lat="${lat}" lon="14.5"><ele>300</ele><time>${t}</time></trkpt>`;

describe('the same ride in two formats gives the same numbers (pairs from SOURCES.md)', () => {
  it('FIT vs Strava GPX of ride 4078723797: NP and power curve within 1 W', async () => {
    const fit = await metrics(read('fit/sweatpy__4078723797.fit'), 'a.fit');
    const gpxRide = await decodeRideFile(read('gpx/sweatpy__4078723797_strava.gpx'), 'a.gpx');
    expect(gpxRide.format).toBe('gpx');
    expect(gpxRide.sport).toBe('cycling'); // Strava <type>1</type>
    expect(gpxRide.samples).toHaveLength(8357);
    const fromGpx = computeRideMetrics(gpxRide, PROFILE_DEFAULTS);
    expectSamePower(fit, fromGpx);
    expect(fromGpx.powerCurve!.length).toBeGreaterThanOrEqual(15);
    // Distance: the Edge's odometer vs haversine over the GPX points, within 0.1 %.
    expect(fromGpx.distanceSource).toBe('gps');
    expect(Math.abs(fromGpx.distanceM! / fit.distanceM! - 1)).toBeLessThan(0.001);
  });

  it('FIT vs Garmin Connect TCX of the 2020-06-01 ride: NP and power curve within 1 W', async () => {
    const fit = await metrics(read('fit/sweatpy__2020-06-01-16-52-40.fit'), 'b.fit');
    const tcx = await metrics(read('gpx/sweatpy__activity_5039744860.tcx'), 'b.tcx');
    expectSamePower(fit, tcx);
    expect(tcx.avgHrBpm).toBeCloseTo(fit.avgHrBpm!, 6);
  });
});

describe('format sniffing', () => {
  const fitBytes = read('fit/sweatpy__2020-06-01-16-52-40.fit');
  const tcxBytes = read('gpx/sweatpy__activity_5039744860.tcx');

  it('trusts the bytes over the file name', async () => {
    expect((await decodeRideFile(fitBytes, 'ride.gpx')).format).toBe('fit');
    expect((await decodeRideFile(tcxBytes, 'ride.gpx')).format).toBe('tcx');
    expect((await decodeRideFile(gpx(`<trkseg>${trkpt('2024-05-01T10:00:00Z')}</trkseg>`), 'ride.fit')).format).toBe('gpx');
  });

  it('finds the XML root past a BOM, the declaration, comments and whitespace', async () => {
    const xml = '\uFEFF<?xml version="1.0"?>\n<!-- <gpx> in a comment -->\n  <TrainingCenterDatabase xmlns="x"/>';
    expect(sniffRideFormat(utf8(xml))).toBe('tcx');
    expect(sniffRideFormat(utf8('<g:gpx xmlns:g="http://www.topografix.com/GPX/1/1"/>'))).toBe('gpx');
    expect(sniffRideFormat(utf8('<kml/>'))).toBeUndefined();
  });

  it('falls back to the extension when the bytes say nothing', async () => {
    expect(await thrown(() => decodeRideFile(utf8('garbage that is not a ride'), 'Morning_Ride.FIT'))).toBeInstanceOf(InvalidFit);
    expect(await thrown(() => decodeRideFile(utf8('garbage'), 'x.gpx'))).toBeInstanceOf(InvalidGpx);
  });

  it('unknown format: one sentence naming the formats we accept', async () => {
    const e = await thrown(() => decodeRideFile(utf8('hello'), 'notes.txt'));
    expect(e.code).toBe('unknown_format');
    expect(e.riderMessage).toMatch(/\.fit, \.gpx and \.tcx/);
    expect((await thrown(() => decodeRideFile(new Uint8Array(0)))).code).toBe('unknown_format');
  });

  it('a zipped or gzipped file gets its own sentence', async () => {
    const e = await thrown(() => decodeRideFile(new Uint8Array([0x1f, 0x8b, 8, 0, 0, 0]), 'ride.fit.gz'));
    expect(e.code).toBe('compressed_file');
    expect(e.riderMessage).toMatch(/unpack/);
  });
});

describe('GPX rides', () => {
  it('joins all segments in time order and maps the track type to a sport', async () => {
    const body =
      `<trkseg>${trkpt('2024-05-01T10:10:00Z')}${trkpt('2024-05-01T10:10:01Z')}</trkseg>` +
      `<trkseg>${trkpt('2024-05-01T10:00:00Z')}${trkpt('2024-05-01T10:00:01Z')}</trkseg>`;
    const ride = await decodeRideFile(gpx(body, '<type>running</type>'), 'r.gpx');
    expect(ride.sport).toBe('running');
    expect(ride.samples.map((s) => new Date(s.timeMs!).toISOString().slice(11, 19))).toEqual([
      '10:00:00', '10:00:01', '10:10:00', '10:10:01',
    ]);
    expect(ride.startTimeMs).toBe(Date.parse('2024-05-01T10:00:00Z'));
  });

  it('a GPX without a type is treated as a ride, and says so', async () => {
    const ride = await decodeRideFile(gpx(`<trkseg>${trkpt('2024-05-01T10:00:00Z')}</trkseg>`), 'r.gpx');
    expect(ride.sport).toBe('cycling');
    expect(ride.notes.join(' ')).toMatch(/treated as a ride/);
  });

  it('a planned route (no timestamps) is not a ride', async () => {
    const noTimes = gpx('<trkseg><trkpt lat="46" lon="14"/><trkpt lat="46.1" lon="14"/></trkseg>');
    expect((await thrown(() => decodeRideFile(noTimes, 'r.gpx'))).code).toBe('gpx_no_times');
    const route = utf8('<gpx version="1.1"><rte><rtept lat="46" lon="14"/><rtept lat="46.1" lon="14"/></rte></gpx>');
    expect((await thrown(() => decodeRideFile(route, 'r.gpx'))).code).toBe('gpx_route_not_ride');
  });
});
