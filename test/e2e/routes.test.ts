import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GPX_ERRORS } from '../../src/domain/gpx.ts';
import { startHarness, type Harness } from '../support/app.ts';

const fixture = (name: string) => readFile(new URL(`../fixtures/gpx/${name}`, import.meta.url));
let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});

afterAll(async () => {
  await h?.close();
});

async function counts(): Promise<{ routes: number; sections: number; files: string[] }> {
  const q = async (table: string) =>
    ((await h.app.database.db.execute(sql.raw(`select count(*)::int as n from ${table}`))) as unknown as { rows: { n: number }[] }).rows[0]!.n;
  const files = await readdir(path.join(h.storage.dataDir, 'gpx')).catch(() => [] as string[]);
  return { routes: await q('routes'), sections: await q('sections'), files };
}

function isPng(bytes: Buffer): boolean {
  return bytes.subarray(0, 8).equals(Buffer.from('89504e470d0a1a0a', 'hex'));
}

describe('a GPX route dropped in the chat', () => {
  it('gets an elevation chart with the summary, then the climbs table, and is stored', async () => {
    h.owner.sendDocument({ fileName: 'korita.gpx', bytes: await fixture('gpxpy__korita-zbevnica.gpx') });
    const photo = await h.owner.nextReply({ timeoutMs: 20_000 });
    expect(photo.photo).toBeDefined();
    expect(isPng(await h.owner.download(photo.photo!.at(-1)!.file_id))).toBe(true);
    const caption = photo.caption ?? '';
    expect(caption).toMatch(/route 1/);
    expect(caption).toMatch(/14\.\d km · ↑ \d+ m · ↓ \d+ m/);
    expect(caption).toMatch(/Estimated time: \d+ (h|min)/);
    expect(caption).toMatch(/Climbs: \d+ \((\d+× )?(Cat \d|HC)/);
    expect(caption).toMatch(/lowest gear you need: \d+x\d+|beyond your gears/);
    expect(caption).toContain('Assumed:');
    expect(photo.reply_markup?.inline_keyboard[0]?.[0]).toMatchObject({ callback_data: 'rt:d:1' });
    const table = await h.owner.nextReply();
    expect(table.text).toMatch(/^Climbs \(km from start/);

    const stored = await counts();
    expect(stored.routes).toBe(1);
    expect(stored.sections).toBeGreaterThan(1);
    expect(stored.files).toHaveLength(1);
    expect(stored.files[0]).toMatch(/^[0-9a-f]{32}\.gpx$/);
    const [row] = ((await h.app.database.db.execute(sql`select * from sections where kind = 'climb' order by seq limit 1`)) as unknown as {
      rows: Record<string, unknown>[];
    }).rows;
    expect(row).toMatchObject({ gpx_file_path: `gpx/${stored.files[0]}` });
    expect(row!.distance_m).toBeGreaterThan(300);
    expect(row!.grade_avg).toBeGreaterThanOrEqual(3);
    expect(row!.min_gear).toMatch(/^\d+x\d+$|^beyond your gears$/);
    expect(row!.est_time_minutes).toBeGreaterThan(0);
  });

  it('the same file again answers "already saved as route 1" and stores nothing new', async () => {
    h.owner.sendDocument({ fileName: 'again.gpx', bytes: await fixture('gpxpy__korita-zbevnica.gpx') });
    const photo = await h.owner.nextReply({ timeoutMs: 20_000 });
    expect(photo.caption).toContain('Already saved as route 1.');
    await h.owner.nextReply(); // its table
    expect((await counts()).routes).toBe(1);
  });

  it('a route without elevation still gets distance and time, and says what is missing', async () => {
    h.owner.sendDocument({ fileName: 'flat.gpx', bytes: await fixture('gpxpy__cerknicko-jezero-without-elevations.gpx') });
    const reply = await h.owner.nextReply({ timeoutMs: 20_000 });
    expect(reply.photo).toBeUndefined();
    expect(reply.text).toMatch(/4\.5\d km · no elevation in this file/);
    expect(reply.text).toMatch(/Estimated time: \d+ min/);
    expect(reply.text).toMatch(/no elevation/i);
  });

  const billionLaughs = `<?xml version="1.0"?><!DOCTYPE gpx [<!ENTITY a "lol"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]><gpx version="1.1"><trk><name>&c;</name><trkseg><trkpt lat="1" lon="1"/></trkseg></trk></gpx>`;
  const xxe = `<?xml version="1.0"?><!DOCTYPE gpx [<!ENTITY x SYSTEM "file:///etc/passwd">]><gpx version="1.1"><trk><name>&x;</name><trkseg><trkpt lat="1" lon="1"/></trkseg></trk></gpx>`;
  const deep = `<gpx version="1.1">${'<a>'.repeat(1_000_000)}`;

  it.each([
    ['an unclosed root', 'cut.gpx', () => fixture('ticofab__garminBaseCampExport-noclosingtag.gpx'), GPX_ERRORS.truncated],
    ['a track with no points', 'empty.gpx', () => fixture('togeojson__empty_trk.gpx'), GPX_ERRORS.no_points],
    ['waypoints only', 'bom.gpx', () => fixture('gpxpy__unicode_with_bom.gpx'), GPX_ERRORS.waypoints_only],
    ['broken XML', 'bad.gpx', () => fixture('georust-gpx__badcharacter.xml'), GPX_ERRORS.malformed_xml],
    ['a TCX renamed to .gpx', 'ride.gpx', () => fixture('sweatpy__activity_5039744860.tcx'), GPX_ERRORS.not_gpx],
    ['an entity bomb', 'lol.gpx', async () => Buffer.from(billionLaughs), GPX_ERRORS.dtd_refused],
    ['an XXE', 'xxe.gpx', async () => Buffer.from(xxe), GPX_ERRORS.dtd_refused],
    ['a million-deep nesting', 'deep.gpx', async () => Buffer.from(deep), GPX_ERRORS.too_deep],
  ])('%s gets one clear sentence and leaves nothing behind', async (_what, fileName, bytes, sentence) => {
    const before = await counts();
    h.owner.sendDocument({ fileName, bytes: await bytes() });
    expect((await h.owner.nextReply({ timeoutMs: 20_000 })).text).toBe(sentence);
    expect(await counts()).toEqual(before);
  });

  it('a file over Telegram’s 20 MB download limit is refused before downloading', async () => {
    const since = h.tg.mark();
    h.owner.sendDocument({ fileName: 'huge.gpx', bytes: Buffer.alloc(21 * 1024 * 1024, 32) });
    expect((await h.owner.nextReply()).text).toMatch(/^That file is 21\.0 MB, and Telegram lets me download at most 20 MB/);
    expect(h.tg.calls.slice(since).some((c) => c.method === 'getFile')).toBe(false);
  });

  it('a recorded ride sent with the caption "route" is analysed as a route', async () => {
    h.owner.sendDocument({ fileName: 'saturday.gpx', caption: 'route', bytes: await fixture('sweatpy__4078723797_strava.gpx') });
    const photo = await h.owner.nextReply({ timeoutMs: 30_000 });
    expect(photo.caption).toMatch(/route \d+/);
    expect(photo.caption).toMatch(/57\.\d km/);
    await h.owner.nextReply({ timeoutMs: 10_000 }); // its climbs table
  });

  it('a file that is neither a route nor a ride gets a sentence saying what is accepted', async () => {
    h.owner.sendDocument({ fileName: 'notes.pdf', bytes: Buffer.from('%PDF-1.4') });
    expect((await h.owner.nextReply()).text).toMatch(/^I read GPX routes: send a \.gpx file/);
  });

  it('a GPX without the .gpx name is recognised by its content', async () => {
    h.owner.sendDocument({ fileName: 'route.xml', bytes: await fixture('gpxpy__cerknicko-jezero.gpx'), mimeType: 'text/xml' });
    const photo = await h.owner.nextReply({ timeoutMs: 20_000 });
    expect(photo.caption).toMatch(/route \d+/);
    await h.owner.nextReply().catch(() => undefined); // a table only when it has climbs
  });
});

describe('/routes, /route N and delete', () => {
  it('lists routes with a button each, shows one again, and deletes with confirmation', async () => {
    h.owner.send('/routes');
    const list = await h.owner.nextReply();
    expect(list.text).toMatch(/^Your routes \(\d+, page 1 of 1\)/);
    const buttons = list.reply_markup!.inline_keyboard.flat();
    expect(buttons[0]).toMatchObject({ callback_data: 'rt:s:1' });

    h.owner.press(list, 'rt:s:1');
    const photo = await h.owner.nextReply({ timeoutMs: 20_000 });
    expect(photo.caption).toMatch(/route 1/);
    await h.owner.nextReply();

    h.owner.send('/route 999');
    expect((await h.owner.nextReply()).text).toBe('There is no route 999. /routes lists the ones you have.');

    h.owner.press(photo, 'rt:d:1');
    const confirm = await h.owner.nextReply();
    expect(confirm.text).toMatch(/^Delete route 1 \(.+\) and its GPX file\?/);
    const filesBefore = (await counts()).files.length;
    h.owner.press(confirm, 'rt:y:1');
    expect((await h.owner.nextReply()).text).toBe('Route 1 deleted.');
    const after = await counts();
    expect(after.files).toHaveLength(filesBefore - 1);
    const left = ((await h.app.database.db.execute(sql`select count(*)::int as n from sections where route_id = 1`)) as unknown as {
      rows: { n: number }[];
    }).rows[0]!.n;
    expect(left).toBe(0);
  });
});
