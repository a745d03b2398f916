import { readFile } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import { Encoder, Profile } from '@garmin/fitsdk';
import { sql } from 'drizzle-orm';
import type { Message } from 'grammy/types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidInput } from '../../src/domain/errors.ts';
import { decodeRideFile } from '../../src/domain/ride-file.ts';
import { startHarness, type Harness } from '../support/app.ts';
import { syntheticRideFit } from '../support/fit-writer.ts';

const fixture = async (dir: 'fit' | 'gpx', name: string) =>
  new Uint8Array(await readFile(new URL(`../fixtures/${dir}/${name}`, import.meta.url)));
const NO_RIDES = /^No rides yet — send a \.fit file/;
let h: Harness;

beforeAll(async () => {
  // the analyses are their own suite (analyses.test.ts): here rides stay queued
  h = await startHarness({}, undefined, { analysisWorker: false });
});

afterAll(async () => {
  await h?.close();
});

const rideFit = (start: Date, seconds: number, powerW: number) => syntheticRideFit({ start, seconds, powerW, hrBpm: 140 });

/** Each ride with the status of its analysis (null: not queued, as for a run). */
async function workoutRows(): Promise<{ id: number; type: string; has_streams: boolean; analysis: string | null }[]> {
  const result = (await h.app.database.db.execute(
    sql`select w.id, w.type, w.streams is not null as has_streams, (select string_agg(a.status, ',') from analyses a where a.workout_id = w.id) as analysis from workouts w order by w.id`,
  )) as unknown as { rows: { id: number; type: string; has_streams: boolean; analysis: string | null }[] };
  return result.rows;
}

function isPng(bytes: Buffer): boolean {
  return bytes.subarray(0, 8).equals(Buffer.from('89504e470d0a1a0a', 'hex'));
}


/** The summary text of a ride answer: the caption, plus the message after the photo when it did not fit. */
const summaryOf = (messages: Message[]) => messages.map((m) => m.caption ?? m.text ?? '').join('\n');

/** The rider sentence decodeRideFile gives for these bytes (the same one the chat must show). */
async function decodeError(bytes: Uint8Array, name: string): Promise<string> {
  try {
    await decodeRideFile(bytes, name);
  } catch (error) {
    if (error instanceof InvalidInput) return error.riderMessage;
    throw error;
  }
  throw new Error(`${name} decoded fine`);
}

describe('before any ride', () => {
  it.each(['/rides', '/fitness', '/curve'])('%s answers with the empty state', async (command) => {
    h.owner.send(command);
    expect((await h.owner.nextReply()).text).toMatch(NO_RIDES);
  });
});

describe('a FIT ride dropped in the chat', () => {
  let firstAnswer: Message[];

  it('gets the ride chart with the summary: NP, IF, TSS, zones, eFTP and the defaults used', async () => {
    const since = h.tg.mark();
    const u = h.owner.sendDocument({ fileName: 'morning-ride.fit', bytes: await fixture('fit', 'sweatpy__4078723797.fit') });
    firstAnswer = await h.answerTo(u);
    const [photo] = firstAnswer;
    expect(photo!.photo).toBeDefined();
    expect(isPng(await h.owner.download(photo!.photo!.at(-1)!.file_id))).toBe(true);
    expect(photo!.caption!.length).toBeLessThanOrEqual(1024);
    const summary = summaryOf(firstAnswer);
    expect(summary).toMatch(/^morning-ride · ride 1/);
    expect(summary).toMatch(/2 h 1\d min moving \(2 h 19 min total\) · 57\.6 km/);
    expect(summary).toMatch(/Power: NP 26\d W · avg 219 W · max 1,022 W/);
    expect(summary).toMatch(/IF 1\.3\d · TSS 4\d\d · VI 1\.2\d · 1,8\d\d kJ \(FTP 200 W\)/);
    expect(summary).toMatch(/Power zones: Z1 \d+ min · Z2 \d+ min · Z3 \d+ min · Z4 \d+ min · Z5 \d+ min · Z6 \d+ min · Z7 \d+ min/);
    expect(summary).toMatch(/HR zones \(max HR\): Z1/);
    expect(summary).toMatch(/Heart rate: avg 165 · max 190 bpm · EF \d\.\d\d · decoupling -?\d+\.\d %/);
    expect(summary).toMatch(/eFTP 29\d W/);
    expect(summary).toContain('Defaults used: FTP 200 W, max HR 185 bpm, resting HR 60 bpm — set yours with /profile, e.g. /profile ftp 265.');
    const button = firstAnswer.at(-1)!.reply_markup?.inline_keyboard[0]?.[0];
    expect(button).toMatchObject({ text: expect.stringMatching(/^Update FTP to 29\d W$/), callback_data: 'rd:f:1' });
    const actions = h.tg.calls.slice(since).filter((c) => c.method === 'sendChatAction').map((c) => c.params.action);
    expect(actions).toEqual(['typing', 'upload_photo']);
    expect(await workoutRows()).toEqual([{ id: 1, type: 'cycling', has_streams: true, analysis: 'queued' }]);
  });

  it('the same file again answers "already have this ride" and stores nothing new', async () => {
    const u = h.owner.sendDocument({ fileName: 'again.fit', bytes: await fixture('fit', 'sweatpy__4078723797.fit') });
    const again = await h.answerTo(u);
    expect(summaryOf(again)).toContain('I already have this ride (ride 1).');
    expect(await workoutRows()).toHaveLength(1);
  });

  it('the FTP button sets the FTP in one tap, goes away, and /profile shows it; a second tap changes nothing', async () => {
    const withButton = firstAnswer.at(-1)!;
    const proposed = Number(/(\d+) W$/.exec(withButton.reply_markup!.inline_keyboard[0]![0]!.text)![1]);
    const since = h.tg.mark();
    const u = h.owner.press(withButton, 'rd:f:1');
    const replies = await h.answerTo(u);
    const edited = replies.find((m) => m.message_id === withButton.message_id)!;
    expect(edited.reply_markup?.inline_keyboard.flat() ?? []).toHaveLength(0);
    expect(replies.at(-1)!.text).toBe(`FTP updated to ${proposed} W (was 200 W). New rides use it for IF, TSS and zones.`);
    const answered = h.tg.calls.slice(since).find((c) => c.method === 'answerCallbackQuery');
    expect(answered!.params.text).toMatch(/^FTP updated/);

    h.owner.send('/profile');
    expect((await h.owner.nextReply()).text).toMatch(new RegExp(`FTP: ${proposed} W`));

    // the older copy of the summary (the duplicate answer) still carries the button
    const stale = h.owner.messages().filter((m) => m.reply_markup?.inline_keyboard.flat().some((b) => 'callback_data' in b && b.callback_data === 'rd:f:1'));
    expect(stale.length).toBeGreaterThan(0);
    const since2 = h.tg.mark();
    const u2 = h.owner.press(stale[0]!, 'rd:f:1');
    await h.answerTo(u2);
    const second = h.tg.calls.slice(since2).find((c) => c.method === 'answerCallbackQuery');
    expect(second!.params.text).toBe(`Already updated: your FTP is ${proposed} W.`);
    h.owner.send('/profile');
    expect((await h.owner.nextReply()).text).toMatch(new RegExp(`FTP: ${proposed} W`));
  });
});

describe('other ride files', () => {
  it('a recorded GPX with power and heart rate becomes a ride (not a route)', async () => {
    const before = (await workoutRows()).length;
    const u = h.owner.sendDocument({ fileName: 'strava.gpx', bytes: await fixture('gpx', 'sweatpy__4078723797_strava.gpx') });
    const answer = await h.answerTo(u, 90_000);
    expect(answer[0]!.photo).toBeDefined();
    expect(summaryOf(answer)).toMatch(/Power: NP 26\d W · avg 219 W/);
    // the FTP is set by now (the button above): the example names the first value still missing
    expect(summaryOf(answer)).toContain('Defaults used: max HR 185 bpm, resting HR 60 bpm — set yours with /profile, e.g. /profile maxhr 188.');
    expect(await workoutRows()).toHaveLength(before + 1);
    const routes = (await h.app.database.db.execute(sql`select count(*)::int as n from routes`)) as unknown as { rows: { n: number }[] };
    expect(routes.rows[0]!.n).toBe(0);
  });

  it('a TCX ride gets its summary and chart', async () => {
    const u = h.owner.sendDocument({ fileName: 'short.tcx', bytes: await fixture('gpx', 'sweatpy__activity_5039744860.tcx') });
    const answer = await h.answerTo(u);
    expect(answer[0]!.photo).toBeDefined();
    const summary = summaryOf(answer);
    expect(summary).toMatch(/Power: NP 149 W/);
    expect(summary).toMatch(/No eFTP: needs at least 20 minutes of power\./);
  });

  // Every fixture is odd in its own way: each is stored whole and says what it is or what is missing.
  it.each([
    ['fitparse__Edge810-Vector-2013-08-16-15-35-10.fit', 'cycling', /Power: NP 30\d W/],
    ['fitparse__activity-small-fenix2-run.fit', 'running', /This is a run \(running\), not a ride: I stored it for your training load, without power metrics\./],
    ['fitparse__activity-unexpected-eof.fit', 'running', /This file was cut off/],
    ['fitparse__compressed-speed-distance.fit', 'running', /^.* · ride \d+\ndate unknown \(the device clock was not set\) · run\n(?![\s\S]*clock)[\s\S]*not a ride[\s\S]*Load from heart rate: HRSS \d+/],
    ['fitparse__coros-pace-2-cycling-misaligned-fields.fit', 'cycling', /No NP, IF, TSS, VI, EF, decoupling, eFTP, power zones: no power meter data in the file\./],
    ['fitparse__developer-types-sample.fit', 'running', /not a ride/],
    ['fitparse__elemnt-bolt-no-application-id-inside-developer-data-id.fit', 'cycling', /No EF, heart rate, HRSS: no heart-rate data\./],
    ['fitparse__garmin-edge-500-activity.fit', 'cycling', /Load from heart rate: HRSS \d+/],
    ['fitparse__sample-activity-indoor-trainer.fit', 'cycling', /· indoor ride\n[\s\S]*Power: NP 22\d W[\s\S]*No distance: no distance or GPS in the file\./],
    ['sweatpy__2020-06-01-16-52-40.fit', 'cycling', /Power: NP 149 W/],
    ['sweatpy__6449921903_ACTIVITY.fit', 'cycling', /· indoor ride\n[\s\S]*Power: NP 130 W/],
  ])('%s: one row with its streams, and a sentence saying what it is', async (name, sport, sentence) => {
    const before = await workoutRows();
    const u = h.owner.sendDocument({ fileName: name, bytes: await fixture('fit', name) });
    const answer = await h.answerTo(u);
    expect(answer.length).toBeGreaterThan(0);
    expect(summaryOf(answer)).toMatch(sentence);
    const after = await workoutRows();
    expect(after).toHaveLength(before.length + 1);
    expect(after.at(-1)).toMatchObject({ type: sport, has_streams: true, analysis: sport === 'cycling' ? 'queued' : null });
  });

  it('a FIT file cut in half is stored with the part before the cut and says so', async () => {
    const whole = await fixture('fit', 'sweatpy__4078723797.fit');
    const u = h.owner.sendDocument({ fileName: 'cut.fit', bytes: whole.subarray(0, 150_000) });
    const summary = summaryOf(await h.answerTo(u));
    expect(summary).toContain('This file was cut off: the numbers cover the part before the cut.');
    expect(summary).toMatch(/Power: NP \d+ W/);
  });

  const damaged = async () => {
    const bytes = await fixture('fit', 'sweatpy__2020-06-01-16-52-40.fit');
    bytes.fill(0, 14, 40);
    return bytes;
  };
  const course = async () => {
    const enc = new Encoder();
    enc.writeMesg({ mesgNum: Profile.MesgNum.FILE_ID!, type: 'course', manufacturer: 'development', product: 0 } as Parameters<Encoder['writeMesg']>[0]);
    enc.writeMesg({ mesgNum: Profile.MesgNum.RECORD!, timestamp: new Date(), positionLat: 1, positionLong: 1 } as Parameters<Encoder['writeMesg']>[0]);
    return enc.close();
  };
  it.each([
    ['not a FIT file at all', 'notes.fit', async () => new TextEncoder().encode('this is not a fit file'), undefined, /isn't a FIT file/],
    ['a FIT file damaged after its header', 'damaged.fit', damaged, undefined, /damaged/],
    ['a FIT course, not an activity', 'course.fit', course, undefined, /course file, not a recorded ride/],
    ['a gzipped FIT', 'ride.fit.gz', async () => gzipSync(await fixture('fit', 'sweatpy__2020-06-01-16-52-40.fit')), undefined, /compressed/],
    ['a Garmin Connect .zip export', 'activity_123.zip', async () => Buffer.from('504b0304140000000800', 'hex'), undefined, /unpack it/],
    ['a TCX with no activity', 'empty.tcx', async () => new TextEncoder().encode('<?xml version="1.0"?><TrainingCenterDatabase><Activities/></TrainingCenterDatabase>'), undefined, /no recorded activity/],
    ['a planned GPX route sent as a ride', 'plan.gpx', () => fixture('gpx', 'georust-gpx__strava_route_example.gpx'), 'my ride', /planned route/],
    ['a GPX cut off before its end, sent as a ride', 'cut.gpx', () => fixture('gpx', 'ticofab__garminBaseCampExport-noclosingtag.gpx'), 'ride', /cut off/],
  ])('%s gets one clear sentence and stores nothing', async (_what, fileName, bytes, caption, sentence) => {
    const before = await workoutRows();
    const data = await bytes();
    const u = h.owner.sendDocument({ fileName, bytes: data, ...(caption ? { caption } : {}) });
    const answer = await h.answerTo(u);
    expect(answer).toHaveLength(1);
    expect(answer[0]!.text).toBe(await decodeError(data, fileName));
    expect(answer[0]!.text).toMatch(sentence);
    expect(await workoutRows()).toEqual(before);
  });

  it('a ride file over 20 MB is refused before downloading', async () => {
    const since = h.tg.mark();
    h.owner.sendDocument({ fileName: 'huge.fit', bytes: Buffer.alloc(21 * 1024 * 1024, 1) });
    expect((await h.owner.nextReply()).text).toMatch(/^That file is 21\.0 MB, and Telegram lets me download at most 20 MB/);
    expect(h.tg.calls.slice(since).some((c) => c.method === 'getFile')).toBe(false);
  });
});

describe('/rides, /fitness and /curve once rides exist', () => {
  it('/rides lists rides newest first with a button each; a tap shows the summary and chart again', async () => {
    const total = (await workoutRows()).length;
    h.owner.send('/rides');
    const list = await h.owner.nextReply();
    expect(list.text).toBe(`Your rides (${total}, page 1 of ${Math.ceil(total / 8)}). Tap one for its numbers and chart.`);
    const buttons = list.reply_markup!.inline_keyboard.flat();
    expect(buttons.filter((b) => 'callback_data' in b && /^rd:s:\d+$/.test(b.callback_data!))).toHaveLength(8);
    expect(buttons.at(-1)).toMatchObject({ text: 'Older ▶', callback_data: 'rd:p:1' });
    for (const b of buttons) expect(Buffer.byteLength('callback_data' in b ? b.callback_data! : '')).toBeLessThanOrEqual(64);

    // newest ride first: the 2021 indoor ride, then 2020, then the 2019 ride 1
    const dates = buttons.filter((b) => 'callback_data' in b && b.callback_data!.startsWith('rd:s:')).map((b) => b.text);
    expect(dates[0]).toMatch(/^\d+ \w+ 2\d /);
    const ride1 = buttons.find((b) => 'callback_data' in b && b.callback_data === 'rd:s:1');
    expect(ride1?.text).toMatch(/^20 Sept? 19 morning-ride · 58 km · TSS 4\d\d$/);

    const u = h.owner.press(list, 'rd:p:1');
    const [page2] = await h.answerTo(u);
    expect(page2!.message_id).toBe(list.message_id);
    expect(page2!.text).toMatch(/page 2 of/);
    expect(page2!.reply_markup!.inline_keyboard.flat().at(-1)).toMatchObject({ text: '◀ Newer', callback_data: 'rd:p:0' });
    const [page1] = await h.answerTo(h.owner.press(page2!, 'rd:p:0'));
    expect(page1!.text).toMatch(/page 1 of/);

    const u2 = h.owner.press(page1!, 'rd:s:1');
    const shown = await h.answerTo(u2);
    expect(shown[0]!.photo).toBeDefined();
    expect(summaryOf(shown)).toMatch(/^morning-ride · ride 1/);
  });

  it('/curve says there is no power in the last 365 days while every ride is older', async () => {
    h.owner.send('/curve');
    expect((await h.owner.nextReply()).text).toMatch(/^No rides with power in the last 365 days/);
  });

  it('/fitness and /curve send their charts with today’s numbers once a recent ride is in', async () => {
    const yesterday = new Date(Date.now() - 86_400_000);
    const u = h.owner.sendDocument({ fileName: 'yesterday.fit', bytes: rideFit(yesterday, 25 * 60, 250) });
    await h.answerTo(u);

    h.owner.send('/fitness');
    const fitness = await h.owner.nextReply({ timeoutMs: 20_000 });
    expect(isPng(await h.owner.download(fitness.photo!.at(-1)!.file_id))).toBe(true);
    expect(fitness.caption).toMatch(/^Fitness, last 90 days \(1 ride\)\nToday, \d{4}-\d\d-\d\d: fitness \(CTL\) \d+ · fatigue \(ATL\) \d+ · form \(TSB\) [+-]?\d+/);
    expect(fitness.caption).toContain('Europe/Ljubljana');

    h.owner.send('/curve');
    const curve = await h.owner.nextReply({ timeoutMs: 20_000 });
    expect(isPng(await h.owner.download(curve.photo!.at(-1)!.file_id))).toBe(true);
    expect(curve.caption).toMatch(/^Power curve: last 42 days \(1 ride\) against your season best \(the last 365 days, 1 ride\)/);
    expect(curve.caption).toContain('20 min: 250 W / best 250 W');
  });

  it('a document that is no ride gets the sentence naming both routes and rides', async () => {
    h.owner.sendDocument({ fileName: 'notes.pdf', bytes: Buffer.from('%PDF-1.4') });
    expect((await h.owner.nextReply()).text).toMatch(/^I read GPX routes: send a \.gpx file.*\.fit, \.gpx or \.tcx ride/);
  });
});
