import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { InvalidTcx } from '../../src/domain/errors.ts';
import { decodeTcx } from '../../src/domain/tcx.ts';
import { refusalOf } from '../support/refusal.ts';
const thrown = (f: () => unknown) => refusalOf(f, InvalidTcx);

const fixture = () =>
  new Uint8Array(readFileSync(new URL('../fixtures/gpx/sweatpy__activity_5039744860.tcx', import.meta.url)));
const utf8 = (s: string) => new TextEncoder().encode(s);

/** A minimal TCX activity around the given trackpoint XML. */
function tcx(trackpoints: string, { sport = 'Biking', tpx = 'ns3' } = {}): Uint8Array {
  return utf8(`<?xml version="1.0" encoding="UTF-8"?>
<TrainingCenterDatabase xmlns="http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2"
  xmlns:${tpx}="http://www.garmin.com/xmlschemas/ActivityExtension/v2">
  <Activities><Activity Sport="${sport}"><Id>2024-05-01T10:00:00Z</Id>
    <Lap StartTime="2024-05-01T10:00:00Z"><TotalTimeSeconds>2</TotalTimeSeconds><DistanceMeters>17</DistanceMeters>
      <Track>${trackpoints}</Track>
    </Lap></Activity></Activities>
</TrainingCenterDatabase>`);
}
const point = (time: string, watts: number, tpx = 'ns3') => `<Trackpoint><Time>${time}</Time>
  <Position><LatitudeDegrees>46.05</LatitudeDegrees><LongitudeDegrees>14.5</LongitudeDegrees></Position>
  <AltitudeMeters>295.5</AltitudeMeters><DistanceMeters>8.5</DistanceMeters>
  <HeartRateBpm><Value>141</Value></HeartRateBpm><Cadence>88</Cadence>
  <Extensions><${tpx}:TPX><${tpx}:Speed>8.25</${tpx}:Speed><${tpx}:Watts>${watts}</${tpx}:Watts></${tpx}:TPX></Extensions>
</Trackpoint>`;

describe('decodeTcx on the Garmin Connect export (same ride as sweatpy__2020-06-01-16-52-40.fit)', () => {
  const ride = decodeTcx(fixture());

  it('reads the activity: sport, 96 instants (lap-boundary twins merged), power on 95', () => {
    expect(ride.format).toBe('tcx');
    expect(ride.sport).toBe('cycling');
    expect(ride.subSport).toBe('Biking');
    expect(ride.indoor).toBe(false);
    expect(ride.samples).toHaveLength(96); // 100 trackpoints, 4 repeated at lap starts
    expect(ride.samples.filter((s) => s.powerW !== undefined)).toHaveLength(95);
    expect(ride.startTimeMs).toBe(Date.parse('2020-06-01T14:52:40Z'));
    expect(ride.device?.product).toBe('Garmin Edge 1000');
  });

  it('reads every trackpoint field, the TPX extension included', () => {
    expect(ride.samples[0]).toEqual({
      timeMs: Date.parse('2020-06-01T14:52:40Z'),
      lat: 52.15776275843382,
      lon: 4.491067975759506,
      eleM: -20.200000762939453,
      distanceM: 6.590000152587891,
      hrBpm: 154,
      cadenceRpm: 90,
      speedMps: 6.438000202178955,
      powerW: 162,
    });
  });

  it('sums the laps into the device summary', () => {
    expect(ride.deviceSummary?.distanceM).toBeCloseTo(668.19, 1);
    expect(ride.deviceSummary?.maxHrBpm).toBe(156);
    expect(ride.deviceSummary?.maxPowerW).toBe(434);
  });
});

describe('decodeTcx on small documents', () => {
  it('matches extension elements by local name, whatever the prefix', () => {
    for (const prefix of ['ns3', 'ax', 'tpx']) {
      const ride = decodeTcx(tcx(point('2024-05-01T10:00:00Z', 210, prefix), { tpx: prefix }));
      expect(ride.samples[0]?.powerW).toBe(210);
      expect(ride.samples[0]?.speedMps).toBe(8.25);
    }
  });

  it('maps the Sport attribute', () => {
    expect(decodeTcx(tcx(point('2024-05-01T10:00:00Z', 0), { sport: 'Running' })).sport).toBe('running');
    expect(decodeTcx(tcx(point('2024-05-01T10:00:00Z', 0), { sport: 'Other' })).sport).toBe('other');
  });

  it('reads a time without a zone as UTC, whatever the server zone', () => {
    const ride = decodeTcx(tcx(point('2024-05-01T10:00:00', 100)));
    expect(ride.startTimeMs).toBe(Date.parse('2024-05-01T10:00:00Z'));
  });

  it('puts out-of-order trackpoints back in time order and says so', () => {
    const ride = decodeTcx(tcx(point('2024-05-01T10:00:05Z', 2) + point('2024-05-01T10:00:00Z', 1)));
    expect(ride.samples.map((s) => s.powerW)).toEqual([1, 2]);
    expect(ride.notes.join(' ')).toMatch(/out of time order/);
  });

  it('a trackpoint without GPS: indoor', () => {
    const ride = decodeTcx(tcx('<Trackpoint><Time>2024-05-01T10:00:00Z</Time><Cadence>90</Cadence></Trackpoint>'));
    expect(ride.indoor).toBe(true);
  });

  it.each([
    ['DTD / entity declarations', '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><TrainingCenterDatabase>&a;</TrainingCenterDatabase>', 'tcx_dtd_refused'],
    ['an external entity (XXE)', '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><TrainingCenterDatabase>&e;</TrainingCenterDatabase>', 'tcx_dtd_refused'],
    ['an undeclared entity', '<TrainingCenterDatabase>&boom;</TrainingCenterDatabase>', 'tcx_malformed_xml'],
    ['a truncated document', '<TrainingCenterDatabase><Activities><Activity Sport="Biking">', 'tcx_malformed_xml'],
    ['a GPX root', '<gpx version="1.1"><trk/></gpx>', 'tcx_not_tcx'],
    ['an empty file', '', 'tcx_not_tcx'],
    ['a course, no activity', '<TrainingCenterDatabase><Courses><Course><Name>x</Name></Course></Courses></TrainingCenterDatabase>', 'tcx_no_activity'],
    ['an activity without trackpoints', '<TrainingCenterDatabase><Activities><Activity Sport="Biking"><Lap/></Activity></Activities></TrainingCenterDatabase>', 'tcx_no_trackpoints'],
  ])('refuses %s', (_, xml, code) => {
    const e = thrown(() => decodeTcx(utf8(xml)));
    expect(e.code).toBe(code);
    expect(e.riderMessage.length).toBeGreaterThan(20);
  });

  it('refuses more trackpoints than the limit', () => {
    const xml = tcx(point('2024-05-01T10:00:00Z', 1) + point('2024-05-01T10:00:01Z', 2) + point('2024-05-01T10:00:02Z', 3));
    expect(decodeTcx(xml, { maxPoints: 3 }).samples).toHaveLength(3);
    expect(thrown(() => decodeTcx(xml, { maxPoints: 2 })).code).toBe('tcx_too_many_points');
  });
});
