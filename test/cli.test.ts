import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { runCli } from '../src/cli.ts';

const fixture = (path: string) => new URL(`./fixtures/${path}`, import.meta.url).pathname;

async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runCli(argv, (l) => (out += `${l}\n`), (l) => (err += `${l}\n`));
  return { code, out, err };
}

describe('coach route', () => {
  it('prints the analysis as JSON with the contract field names', async () => {
    const { code, out } = await run('route', fixture('gpx/gpxpy__korita-zbevnica.gpx'), '--json');
    expect(code).toBe(0);
    const json = JSON.parse(out);
    expect(Object.keys(json)).toEqual(
      expect.arrayContaining(['name', 'points', 'distance_m', 'ascent_m', 'descent_m', 'min_elevation_m', 'max_elevation_m', 'est_time_s', 'sections']),
    );
    expect(json.points).toBe(871);
    expect(json.distance_m).toBeCloseTo(14_897, -2); // SOURCES.md: 14.897 km, within 0.5 %
    expect(json.sections.length).toBeGreaterThan(0);
    for (const s of json.sections) {
      expect(Object.keys(s)).toEqual(
        expect.arrayContaining(['start_m', 'end_m', 'distance_m', 'ascent_m', 'grade_avg_pct', 'grade_max_pct', 'kind', 'category', 'min_gear', 'est_time_s']),
      );
    }
    const total = json.sections.reduce((sum: number, s: { est_time_s: number }) => sum + s.est_time_s, 0);
    expect(Math.abs(total - json.est_time_s)).toBeLessThanOrEqual(json.sections.length);
  });

  it('exits 2 with one line on a bad file', async () => {
    const { code, out, err } = await run('route', fixture('gpx/ticofab__garminBaseCampExport-noclosingtag.gpx'));
    expect(code).toBe(2);
    expect(out).toBe('');
    expect(err.trim().split('\n')).toHaveLength(1);
    expect(err).toContain('cut off before its end');
  });

  it('exits 2 on a missing file and 64 on a usage error', async () => {
    expect((await run('route', '/nonexistent.gpx')).code).toBe(2);
    expect((await run('fly', 'x')).code).toBe(64);
    expect((await run('ride', fixture('fit/sweatpy__4078723797.fit'), '--ftp', 'lots')).code).toBe(64);
  });
});

describe('coach ride', () => {
  it('prints the ride metrics as JSON with the contract field names, at the given FTP', async () => {
    const { code, out } = await run('ride', fixture('fit/sweatpy__4078723797.fit'), '--ftp', '280', '--json');
    expect(code).toBe(0);
    const json = JSON.parse(out);
    for (const key of [
      'sport', 'start_time', 'elapsed_s', 'moving_s', 'distance_m', 'ascent_m', 'avg_power_w', 'max_power_w', 'np_w', 'if', 'tss', 'vi', 'ef',
      'decoupling_pct', 'work_kj', 'avg_hr', 'max_hr', 'avg_cadence', 'hrss', 'eftp_w', 'power_curve', 'time_in_power_zones_s', 'time_in_hr_zones_s',
    ]) {
      expect(json).toHaveProperty(key);
    }
    expect(json.sport).toBe('cycling');
    expect(json.if).toBeCloseTo(json.np_w / 280, 2);
    expect(json.time_in_power_zones_s).toHaveLength(7);
    expect(json.power_curve['1200']).toBeGreaterThan(0);
    expect(json.start_time).toBe('2019-09-20T14:10:03.000Z');
  });

  it('gives start_time null when the device clock was never set', async () => {
    const { code, out } = await run('ride', fixture('fit/fitparse__compressed-speed-distance.fit'), '--json');
    expect(code).toBe(0);
    const json = JSON.parse(out);
    expect(json.start_time).toBeNull();
    expect(json.elapsed_s).toBe(3880);
  });

  it('exits 2 with one line on a file that is not a ride', async () => {
    const { code, err } = await run('ride', fixture('gpx/georust-gpx__badcharacter.xml'));
    expect(code).toBe(2);
    expect(err.trim().split('\n')).toHaveLength(1);
  });
});

describe('bin/coach.js', () => {
  it('runs the CLI as an installed command would', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [new URL('../bin/coach.js', import.meta.url).pathname, 'route', fixture('gpx/gpxpy__cerknicko-jezero.gpx'), '--json']);
    expect(JSON.parse(stdout).points).toBe(296);
  });
});
