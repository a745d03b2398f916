/** Generated GPX for the benchmarks (not a benchmark itself: bench/run.ts runs *.bench.ts only). */

/** A 1 Hz ride at ~20 km/h over rolling hills and a few long climbs; `recorded: false` gives a planned route (25 m apart, no time). */
export function generateGpx(points: number, recorded = true): string {
  const stepDeg = recorded ? 0.00005 : 0.000225; // ~5.6 m or ~25 m of latitude
  const out: string[] = [
    '<?xml version="1.0" encoding="UTF-8"?>\n<gpx version="1.1" creator="bench" xmlns="http://www.topografix.com/GPX/1/1"',
    ' xmlns:gpxtpx="http://www.garmin.com/xmlschemas/TrackPointExtension/v1">\n<metadata><name>Bench ride</name></metadata>\n<trk><name>Bench ride</name><trkseg>\n',
  ];
  const t0 = Date.UTC(2024, 5, 1, 6);
  for (let i = 0; i < points; i++) {
    const lat = (45 + i * stepDeg).toFixed(7);
    const lon = (6 + 0.01 * Math.sin(i / 900)).toFixed(7);
    const x = i * stepDeg * 111_195; // metres along
    const ele = (600 + 400 * Math.sin(x / 9_000) + 40 * Math.sin(x / 700) + 3 * Math.sin(i * 1.7)).toFixed(1);
    if (!recorded) {
      out.push(`<trkpt lat="${lat}" lon="${lon}"><ele>${ele}</ele></trkpt>\n`);
      continue;
    }
    const time = new Date(t0 + i * 1000).toISOString().replace('.000Z', 'Z');
    out.push(
      `<trkpt lat="${lat}" lon="${lon}"><ele>${ele}</ele><time>${time}</time><extensions><power>${180 + ((i * 37) % 120)}</power>` +
        `<gpxtpx:TrackPointExtension><gpxtpx:hr>${120 + (i % 40)}</gpxtpx:hr><gpxtpx:cad>${80 + (i % 15)}</gpxtpx:cad></gpxtpx:TrackPointExtension></extensions></trkpt>\n`,
    );
  }
  out.push('</trkseg></trk>\n</gpx>\n');
  return out.join('');
}
