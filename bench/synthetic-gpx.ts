/** Generated GPX for the benchmarks (not a benchmark itself: bench/run.ts runs *.bench.ts only). */
import { random } from '../test/support/random.ts';

/**
 * A 1 Hz ride at ~20 km/h over rolling hills and a few long climbs; `recorded: false` gives a planned route (25 m apart, no time).
 * With `shape.seed`, a different course for each seed: a wandering heading, its own climbs (amplitudes,
 * lengths and phases drawn from the seed), points `shape.stepM` metres apart (default as without a seed)
 * and the name "Bench route <seed>". Without `shape`, the output is the same as it always was.
 */
export function generateGpx(points: number, recorded = true, shape: { seed?: number; stepM?: number } = {}): string {
  const stepDeg = shape.stepM !== undefined ? shape.stepM / 111_195 : recorded ? 0.00005 : 0.000225; // ~5.6 m or ~25 m of latitude
  const course = shape.seed === undefined ? undefined : seededCourse(shape.seed, stepDeg * 111_195);
  const name = shape.seed === undefined ? 'Bench ride' : `Bench route ${shape.seed}`;
  const out: string[] = [
    '<?xml version="1.0" encoding="UTF-8"?>\n<gpx version="1.1" creator="bench" xmlns="http://www.topografix.com/GPX/1/1"',
    ` xmlns:gpxtpx="http://www.garmin.com/xmlschemas/TrackPointExtension/v1">\n<metadata><name>${name}</name></metadata>\n<trk><name>${name}</name><trkseg>\n`,
  ];
  const t0 = Date.UTC(2024, 5, 1, 6);
  for (let i = 0; i < points; i++) {
    let lat: string, lon: string, ele: string;
    if (course) {
      [lat, lon, ele] = course(i);
    } else {
      lat = (45 + i * stepDeg).toFixed(7);
      lon = (6 + 0.01 * Math.sin(i / 900)).toFixed(7);
      const x = i * stepDeg * 111_195; // metres along
      ele = (600 + 400 * Math.sin(x / 9_000) + 40 * Math.sin(x / 700) + 3 * Math.sin(i * 1.7)).toFixed(1);
    }
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

/** Point i of a seeded course `stepM` apart: [lat, lon, ele] as written. Called with i = 0, 1, 2, … in order. */
function seededCourse(seed: number, stepM: number): (i: number) => [string, string, string] {
  const rand = random(seed);
  const between = (lo: number, hi: number) => lo + (hi - lo) * rand();
  // long climbs (200-500 m up, over 10-20 km: ≤ 8 %), hills (≤ 6 %), rollers: some 2,000-5,000 m up in 200 km
  const waves = [
    { a: between(200, 500), p: between(6_000, 12_000), phase: between(0, 2 * Math.PI) },
    { a: between(20, 60), p: between(1_000, 2_500), phase: between(0, 2 * Math.PI) },
    { a: between(2, 6), p: between(150, 400), phase: between(0, 2 * Math.PI) },
  ];
  const base = 80 + waves.reduce((sum, w) => sum + w.a, 0) + between(0, 400);
  let lat = between(44, 47);
  let lon = between(5, 15);
  let heading = between(0, 2 * Math.PI);
  let turn = 0;
  return (i) => {
    if (i > 0) {
      turn = 0.98 * turn + (rand() - 0.5) * 0.004; // gentle bends, now and then a long curve
      heading += turn;
      lat += (stepM * Math.cos(heading)) / 111_195;
      lon += (stepM * Math.sin(heading)) / (111_195 * Math.cos((lat * Math.PI) / 180));
    }
    const x = i * stepM;
    const ele = waves.reduce((sum, w) => sum + w.a * Math.sin(x / w.p + w.phase), base) + 0.5 * Math.sin(i * 1.7);
    return [lat.toFixed(7), lon.toFixed(7), ele.toFixed(1)];
  };
}
