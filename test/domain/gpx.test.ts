import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { InvalidGpx } from '../../src/domain/errors.ts';
import { GPX_ERRORS, parseGpx, type ParsedGpx } from '../../src/domain/gpx.ts';
import { refusalOf } from '../support/refusal.ts';
const refusal = (input: Uint8Array | string, limits?: { maxPoints?: number }) => refusalOf(() => parseGpx(input, limits), InvalidGpx);

const fixture = (name: string): Buffer => readFileSync(new URL(`../fixtures/gpx/${name}`, import.meta.url));

/** The InvalidGpx a parse throws (fails the test when it parses or throws something else). */
const trackPoints = (g: ParsedGpx) => g.tracks.flatMap((t) => t.segments.flat());
const routePoints = (g: ParsedGpx) => g.routes.flatMap((r) => r.points);

const GPX11 = (body: string, head = '<?xml version="1.0" encoding="UTF-8"?>') =>
  `${head}\n<gpx version="1.1" creator="test" xmlns="http://www.topografix.com/GPX/1/1">${body}</gpx>`;
const trk = (points: string) => `<trk><trkseg>${points}</trkseg></trk>`;
const pt = (lat: number, lon: number, inner = '') => `<trkpt lat="${lat}" lon="${lon}">${inner}</trkpt>`;

describe('parseGpx on the fixture corpus (test/fixtures/gpx/SOURCES.md)', () => {
  // [file, trkpts, rtepts, version, creator, name]
  const reference: [string, number, number, string | undefined, string | undefined, string][] = [
    ['gpxpy__korita-zbevnica.gpx', 871, 0, '1.0', 'GPSBabel - http://www.gpsbabel.org', '03-OCT-10'],
    ['gpxpy__cerknicko-jezero.gpx', 296, 0, '1.0', 'GPSBabel - http://www.gpsbabel.org', 'ACTIVE LOG'],
    ['gpxpy__cerknicko-jezero-without-elevations.gpx', 296, 0, '1.0', 'GPSBabel - http://www.gpsbabel.org', 'ACTIVE LOG'],
    ['georust-gpx__ecology-trail-and-lovers-lane-loop.gpx', 0, 139, '1.1', 'AllTrails https://www.alltrails.com/ - Trail Planner Map', 'Trail Planner Map'],
    ['georust-gpx__strava_route_example.gpx', 113, 0, '1.1', 'StravaGPX', 'Afternoon Run'],
    ['georust-gpx__garmin-activity.gpx', 988, 0, '1.1', 'Garmin Connect', 'casual stroll'],
    ['georust-gpx__garmin_with_extensions.gpx', 3540, 0, '1.1', 'GPSMAP 64s', '2019-05-01 06:31:11 Tag'],
    ['gpxstudio__with_power_1.gpx', 80, 0, '1.1', 'https://gpx.studio', 'with_power'],
    ['gpxstudio__with_tracks_and_segments.gpx', 79, 0, '1.1', 'https://gpx.studio', 'with_tracks_and_segments'],
    ['sweatpy__4078723797_strava.gpx', 8357, 0, '1.1', 'StravaGPX', 'De benen op spanning zetten met Martijn'],
    ['ticofab__garminBaseCampExport.gpx', 10, 7, '1.1', 'Garmin Desktop App', 'My Track'],
  ];
  it.each(reference)('%s: %i track points, %i route points', (file, trkpts, rtepts, version, creator, name) => {
    const g = parseGpx(fixture(file));
    expect(trackPoints(g)).toHaveLength(trkpts);
    expect(routePoints(g)).toHaveLength(rtepts);
    expect(g.pointCount).toBe(trkpts + rtepts);
    expect(g.version).toBe(version);
    expect(g.creator).toBe(creator);
    expect(g.name).toBe(name);
  });

  it('keeps tracks and segments apart (2 trk x 2 trkseg) and reads track names and types', () => {
    const g = parseGpx(fixture('gpxstudio__with_tracks_and_segments.gpx'));
    expect(g.tracks.map((t) => t.segments.map((s) => s.length))).toEqual([[16, 34], [19, 10]]);
    expect(g.tracks.map((t) => t.name)).toEqual(['track 1', 'track 2']);
    const korita = parseGpx(fixture('gpxpy__korita-zbevnica.gpx'));
    expect(korita.tracks).toHaveLength(4);
    expect(korita.tracks[0]?.type).toBe('jkljkl');
    expect(korita.waypoints.map((w) => w.name)).toEqual(['001', '002']);
  });

  it('reads ele and time, and leaves out what a point does not have', () => {
    const korita = trackPoints(parseGpx(fixture('gpxpy__korita-zbevnica.gpx')));
    expect(korita.filter((p) => p.eleM !== undefined)).toHaveLength(871);
    expect(korita.filter((p) => p.timeMs !== undefined)).toHaveLength(513);
    expect(korita[0]).toMatchObject({ lat: 45.380600095, lon: 14.144491442, eleM: 733.623291 });

    const noEle = trackPoints(parseGpx(fixture('gpxpy__cerknicko-jezero-without-elevations.gpx')));
    expect(noEle.some((p) => p.eleM !== undefined)).toBe(false);
    expect(noEle.filter((p) => p.timeMs !== undefined)).toHaveLength(295);

    const ride = trackPoints(parseGpx(fixture('sweatpy__4078723797_strava.gpx')));
    expect(ride[0]?.timeMs).toBe(Date.UTC(2019, 8, 20, 14, 10, 3));
    expect(ride[ride.length - 1]?.timeMs).toBe(Date.UTC(2019, 8, 20, 16, 29, 19));
  });

  it('reads Strava <power> and Garmin TrackPointExtension hr/cad/atemp on a recorded ride', () => {
    const ride = trackPoints(parseGpx(fixture('sweatpy__4078723797_strava.gpx')));
    expect(ride[0]).toEqual({ lat: 50.392568, lon: 5.900304, eleM: 473.8, timeMs: Date.UTC(2019, 8, 20, 14, 10, 3), powerW: 0, tempC: 18, hrBpm: 111, cadenceRpm: 0 });
    expect(ride.filter((p) => p.powerW !== undefined)).toHaveLength(8357);
    expect(ride.filter((p) => p.hrBpm !== undefined)).toHaveLength(8357);
    // FIT twin of this ride (shared SOURCES.md): mean power 219.1 W with zeros, max 1022 W.
    const watts = ride.map((p) => p.powerW as number);
    expect(watts.reduce((a, b) => a + b, 0) / watts.length).toBeCloseTo(219.1, 0);
    expect(Math.max(...watts)).toBe(1022);
  });

  it('reads gpx.studio <power> (gpxstudio__with_power_1)', () => {
    const points = trackPoints(parseGpx(fixture('gpxstudio__with_power_1.gpx')));
    const watts = points.map((p) => p.powerW);
    expect(watts.filter((w) => w === 200)).toHaveLength(79);
    expect(watts.filter((w) => w === 210)).toHaveLength(1);
  });

  it('reads hr and cad under any prefix (ns3: in georust-gpx__garmin-activity)', () => {
    const points = trackPoints(parseGpx(fixture('georust-gpx__garmin-activity.gpx')));
    expect(points.slice(0, 3).map((p) => [p.hrBpm, p.cadenceRpm])).toEqual([[74, 79], [74, 0], [70, 0]]);
    expect(points.every((p) => p.hrBpm !== undefined && p.cadenceRpm !== undefined)).toBe(true);
  });

  it('does not take track-level extensions for point data (georust-gpx__garmin_with_extensions)', () => {
    const g = parseGpx(fixture('georust-gpx__garmin_with_extensions.gpx'));
    expect(g.tracks[0]?.segments.map((s) => s.length)).toEqual([35, 3505]);
    const points = trackPoints(g);
    expect(points.some((p) => p.hrBpm !== undefined || p.powerW !== undefined || p.cadenceRpm !== undefined)).toBe(false);
    expect(points[0]).toEqual({ lat: 47.4844814278, lon: 10.975689562, eleM: 860, timeMs: Date.UTC(2019, 4, 1, 4, 31, 11) });
  });
});

describe('parseGpx refuses malformed and hostile fixtures, each with its own code', () => {
  it.each([
    ['georust-gpx__badcharacter.xml', 'malformed_xml'],
    ['ticofab__garminBaseCampExport-noclosingtag.gpx', 'truncated'],
    ['togeojson__empty_trk.gpx', 'no_points'],
    ['gpxgo__iso8859-1encoded.gpx', 'waypoints_only'],
    ['gpxpy__unicode_with_bom.gpx', 'waypoints_only'],
    ['sweatpy__activity_5039744860.tcx', 'not_gpx'],
  ])('%s -> %s', (file, code) => {
    const e = refusal(fixture(file));
    expect(e.code).toBe(code);
    expect(e.riderMessage).toBe(GPX_ERRORS[code as keyof typeof GPX_ERRORS]);
  });

  it('says where malformed XML breaks', () => {
    expect(refusal(fixture('georust-gpx__badcharacter.xml')).message).toMatch(/1:\d+: disallowed character/);
  });

  it('got through the BOM and the ISO-8859-1 declaration to the waypoints', () => {
    expect(refusal(fixture('gpxgo__iso8859-1encoded.gpx')).message).toContain('8 waypoints');
    expect(refusal(fixture('gpxpy__unicode_with_bom.gpx')).message).toContain('1 waypoints');
  });

  it('gives every refusal a rider sentence', () => {
    for (const sentence of Object.values(GPX_ERRORS)) expect(sentence).toMatch(/^[A-Z].* — .*\.$/);
  });
});

describe('parseGpx on generated hostile input', () => {
  it('refuses a billion-laughs entity bomb at the DOCTYPE', () => {
    const levels = ['<!ENTITY lol0 "lol">'];
    for (let i = 1; i <= 9; i++) levels.push(`<!ENTITY lol${i} "${`&lol${i - 1};`.repeat(10)}">`);
    const bomb = `<?xml version="1.0"?>\n<!DOCTYPE gpx [${levels.join('')}]>\n<gpx version="1.1"><trk><name>&lol9;</name><trkseg>${pt(1, 1)}</trkseg></trk></gpx>`;
    expect(refusal(bomb).code).toBe('dtd_refused');
  });

  it('refuses an external entity (XXE)', () => {
    const xxe = `<?xml version="1.0"?><!DOCTYPE gpx [<!ENTITY x SYSTEM "file:///etc/passwd">]><gpx version="1.1"><trk><name>&x;</name><trkseg>${pt(1, 1)}</trkseg></trk></gpx>`;
    expect(refusal(xxe).code).toBe('dtd_refused');
    expect(refusal(new TextEncoder().encode(xxe)).code).toBe('dtd_refused');
  });

  it('treats an undeclared entity reference as malformed, without resolving it', () => {
    expect(refusal(GPX11(`<trk><name>&x;</name><trkseg>${pt(1, 1)}</trkseg></trk>`)).code).toBe('malformed_xml');
  });

  it('refuses 1,000,000-deep nesting without overflowing the stack', () => {
    const depth = 1_000_000;
    const deep = `<gpx version="1.1">${'<a>'.repeat(depth)}${'</a>'.repeat(depth)}</gpx>`;
    expect(refusal(deep).code).toBe('too_deep');
  });

  it('stops at the depth limit even before the end of the file', () => {
    expect(refusal(`<gpx>${'<x>'.repeat(100)}`).code).toBe('too_deep'); // not 'truncated'
    expect(parseGpx(GPX11(trk(pt(1, 1, `<extensions>${'<x>'.repeat(50)}${'</x>'.repeat(50)}</extensions>`)))).pointCount).toBe(1);
  });

  it('refuses too many points, as soon as the limit is passed', () => {
    const points = Array.from({ length: 20 }, (_, i) => pt(45 + i * 0.001, 6)).join('');
    expect(refusal(GPX11(trk(points)), { maxPoints: 10 }).code).toBe('too_many_points');
    expect(refusal(GPX11(trk(points)), { maxPoints: 10 }).riderMessage).toContain('10');
    // Cut off after point 20: the limit is reached first, so the file is never read to its end.
    expect(refusal(`<gpx><trk><trkseg>${points}`, { maxPoints: 10 }).code).toBe('too_many_points');
    expect(parseGpx(GPX11(trk(points)), { maxPoints: 20 }).pointCount).toBe(20);
  });

  it.each([
    ['lat above 90', '<trkpt lat="91" lon="6"/>'],
    ['lon below -180', '<trkpt lat="45" lon="-180.5"/>'],
    ['lat not a number', '<trkpt lat="north" lon="6"/>'],
    ['lon missing', '<trkpt lat="45"/>'],
    ['empty lat', '<trkpt lat="" lon="6"/>'],
  ])('refuses a point with %s', (_, point) => {
    expect(refusal(GPX11(trk(pt(45, 6) + point))).code).toBe('bad_coordinates');
  });

  it('refuses non-GPX roots and empty files', () => {
    expect(refusal('<?xml version="1.0"?><kml><Placemark/></kml>').code).toBe('not_gpx');
    expect(refusal('').code).toBe('not_gpx');
    expect(refusal(new Uint8Array()).code).toBe('not_gpx');
  });

  it('calls a file cut mid-tag truncated, and broken nesting malformed', () => {
    const whole = GPX11(trk(pt(45, 6, '<ele>100</ele>') + pt(45.001, 6, '<ele>101</ele>')));
    expect(refusal(whole.slice(0, whole.indexOf('<ele>101') + 6)).code).toBe('truncated');
    expect(refusal(GPX11(`<trk><trkseg>${pt(45, 6)}</trk></trkseg>`)).code).toBe('malformed_xml');
  });

  it('refuses a declared encoding it cannot decode', () => {
    const bytes = new TextEncoder().encode(GPX11(trk(pt(45, 6)), '<?xml version="1.0" encoding="x-no-such-encoding"?>'));
    expect(refusal(bytes).code).toBe('unsupported_encoding');
  });
});

describe('parseGpx text handling', () => {
  it('decodes a declared ISO-8859-1 file as Latin-1, not UTF-8', () => {
    const name = 'Côte de la Redoute, Liège–Bastogne'.replace('–', '-');
    const xml = GPX11(`<metadata><name>${name}</name></metadata>${trk(pt(50.5, 5.7))}`, '<?xml version="1.0" encoding="ISO-8859-1"?>');
    const bytes = Uint8Array.from(xml, (ch) => ch.charCodeAt(0)); // one byte per character: Latin-1
    expect(bytes.includes(0xf4)).toBe(true); // "ô" as one byte: invalid as UTF-8
    expect(parseGpx(bytes).name).toBe(name);
  });

  it('reads UTF-8 with or without a byte-order mark, bytes or string', () => {
    const xml = GPX11(`<metadata><name>Großglockner Hochalpenstraße</name></metadata>${trk(pt(47.07, 12.8))}`);
    const utf8 = new TextEncoder().encode(xml);
    const withBom = new Uint8Array([0xef, 0xbb, 0xbf, ...utf8]);
    expect(parseGpx(utf8).name).toBe('Großglockner Hochalpenstraße');
    expect(parseGpx(withBom).name).toBe('Großglockner Hochalpenstraße');
    expect(parseGpx(`\uFEFF${xml}`).name).toBe('Großglockner Hochalpenstraße');
  });

  it('reads UTF-16 with a byte-order mark', () => {
    const xml = GPX11(`<metadata><name>Passo dello Stelvio</name></metadata>${trk(pt(46.53, 10.45))}`, '<?xml version="1.0" encoding="UTF-16"?>');
    const bytes = new Uint8Array(2 + xml.length * 2);
    bytes.set([0xff, 0xfe]);
    for (let i = 0; i < xml.length; i++) bytes[2 + i * 2] = xml.charCodeAt(i);
    expect(parseGpx(bytes).name).toBe('Passo dello Stelvio');
  });

  it('unescapes names, reads CDATA, and takes the metadata name over the author and track names', () => {
    const g = parseGpx(
      GPX11(
        '<metadata><name>Col &amp; Pass &#233; &lt;1&gt;</name><author><name>Someone</name></author></metadata>' +
          `<trk><name><![CDATA[Tour <du> lac]]></name>${'<trkseg>'}${pt(45, 6)}</trkseg></trk>`,
      ),
    );
    expect(g.name).toBe('Col & Pass é <1>');
    expect(g.tracks[0]?.name).toBe('Tour <du> lac');
  });

  it('falls back to the first track name, then the first route name', () => {
    expect(parseGpx(GPX11(`<trk><trkseg>${pt(45, 6)}</trkseg></trk><trk><name>Second</name><trkseg>${pt(45, 6)}</trkseg></trk>`)).name).toBe('Second');
    expect(parseGpx(GPX11('<rte><name>Planned</name><rtept lat="45" lon="6"/></rte>')).name).toBe('Planned');
  });

  it('reads Garmin PowerExtension PowerInWatts and TrackPointExtension v2 speed, any prefix', () => {
    const ext =
      '<extensions><pwr:PowerExtension xmlns:pwr="http://www.garmin.com/xmlschemas/PowerExtension/v1"><pwr:PowerInWatts>245</pwr:PowerInWatts></pwr:PowerExtension>' +
      '<tpx:TrackPointExtension xmlns:tpx="http://www.garmin.com/xmlschemas/TrackPointExtension/v2"><tpx:hr>142</tpx:hr><tpx:cad>88</tpx:cad><tpx:atemp>21.5</tpx:atemp><tpx:speed>8.25</tpx:speed></tpx:TrackPointExtension></extensions>';
    const [p] = trackPoints(parseGpx(GPX11(trk(pt(45, 6, `<ele>512.5</ele><time>2024-06-01T08:00:00Z</time>${ext}`)))));
    expect(p).toEqual({ lat: 45, lon: 6, eleM: 512.5, timeMs: Date.UTC(2024, 5, 1, 8), powerW: 245, hrBpm: 142, cadenceRpm: 88, tempC: 21.5, speedMps: 8.25 });
  });

  it('reads route points and waypoints', () => {
    const g = parseGpx(
      GPX11('<wpt lat="46.1" lon="7.1"><ele>1500</ele><name>Café</name></wpt><rte><name>R</name><rtept lat="46" lon="7"><ele>1000</ele></rtept><rtept lat="46.01" lon="7"/></rte>'),
    );
    expect(g.waypoints).toEqual([{ lat: 46.1, lon: 7.1, eleM: 1500, name: 'Café' }]);
    expect(g.routes).toEqual([{ name: 'R', points: [{ lat: 46, lon: 7, eleM: 1000 }, { lat: 46.01, lon: 7 }] }]);
    expect(g.pointCount).toBe(2);
  });
});

