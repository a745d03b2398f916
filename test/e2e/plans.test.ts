import { readFile } from 'node:fs/promises';
import { asc, count } from 'drizzle-orm';
import type { Message } from 'grammy/types';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { conversationState, goal, plans, proposals, rules } from '../../src/db/schema.ts';
import { addDays, mondayOf, WEEKDAYS } from '../../src/domain/calendar.ts';
import { localDay } from '../../src/domain/load.ts';
import { checkPlan } from '../../src/domain/plan/checker.ts';
import type { RuleSet } from '../../src/domain/plan/rules.ts';
import { startHarness, type Harness } from '../support/app.ts';
import { FakeAi } from '../support/fake-ai.ts';

const TZ = 'Europe/Ljubljana';
const today = () => localDay(Date.now(), TZ);
const textOf = (messages: Message[]) => messages.map((m) => m.text ?? m.caption ?? '').join('\n');
const buttonsOf = (m: Message | undefined) => m?.reply_markup?.inline_keyboard.flat().flatMap((b) => ('callback_data' in b ? [b.callback_data] : [])) ?? [];
const withButton = (messages: Message[], prefix: string) => {
  const found = [...messages].reverse().find((m) => buttonsOf(m).some((d) => d.startsWith(prefix)));
  if (!found) throw new Error(`no message with a ${prefix} button in:\n${textOf(messages)}`);
  return found;
};
const button = (m: Message, prefix: string) => buttonsOf(m).find((d) => d.startsWith(prefix))!;

async function planRows(h: Harness) {
  return h.app.database.db.select().from(plans).orderBy(asc(plans.version));
}
async function activeRules(h: Harness): Promise<RuleSet> {
  const rows = await h.app.database.db.select().from(rules).orderBy(asc(rules.version));
  return rows.at(-1)?.rules ?? { rules: [], notes: [] };
}

/** Every plan version the bot ever saved keeps the rules that were in force at the end, from today on. */
async function expectNoViolations(h: Harness): Promise<void> {
  const set = await activeRules(h);
  const latest = (await planRows(h)).at(-1);
  if (latest) expect(checkPlan(latest.plan, set, { eventDate: latest.plan.goal?.date ?? null, from: today() })).toEqual([]);
}

/** Goes through the goal dialog: an event 10 weeks out, 6 h, Tue Thu Sat Sun, the profile's FTP. */
async function setGoal(h: Harness, event = 'Gran Fondo'): Promise<string> {
  const date = addDays(today(), 70);
  const [ask] = await h.answerTo(h.owner.send('/goal'));
  expect(ask!.text).toContain('What is the event called?');
  expect(textOf(await h.answerTo(h.owner.send(event)))).toContain(`When is ${event}?`);
  const [hours] = await h.answerTo(h.owner.send(date));
  expect(hours!.text).toContain('How many hours a week');
  const [days] = await h.answerTo(h.owner.press(hours!, 'gl:h:6'));
  expect(days!.text).toContain('Which days can you ride?');
  const [ftp] = await h.answerTo(h.owner.send('Tue Thu Sat Sun'));
  expect(ftp!.text).toContain('Which FTP should I plan with?');
  const done = textOf(await h.answerTo(h.owner.press(ftp!, 'gl:f')));
  expect(done).toContain(`Goal saved: ${event}`);
  return date;
}

async function saveRules(h: Harness, text: string): Promise<Message[]> {
  const read = await h.answerTo(h.owner.send(`/rules ${text}`));
  const proposal = withButton(read, 'rl:s:');
  return h.answerTo(h.owner.press(proposal, button(proposal, 'rl:s:')));
}

describe('plans under the rider’s rules, with the built-in coach (no AI key)', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => h?.close());

  it('from a fresh chat: goal, rules in plain words, /plan_new, Approve → plan v1 keeping every rule, visible in /plan with its chart', async () => {
    const eventDate = await setGoal(h);
    const [stored] = await h.app.database.db.select().from(goal);
    expect(stored).toMatchObject({ eventName: 'Gran Fondo', eventDate, hoursPerWeek: 6, days: ['tuesday', 'thursday', 'saturday', 'sunday'], ftpW: null });

    const read = await h.answerTo(h.owner.send('/rules Thursday is my rest day. At most 2 hard days a week, never back to back. Long ride on Sunday. I hate the rollers.'));
    const shown = textOf(read);
    expect(shown).toContain('Rest day: Thursday');
    expect(shown).toContain('At most 2 hard days a week');
    expect(shown).toContain('Long ride on Sunday');
    expect(shown).toContain('I hate the rollers'); // kept as a note
    expect(await h.app.database.db.select({ n: count() }).from(rules)).toEqual([{ n: 0 }]); // nothing saved before the tap
    const proposal = withButton(read, 'rl:s:');
    expect(textOf(await h.answerTo(h.owner.press(proposal, button(proposal, 'rl:s:'))))).toContain('Saved — rules v1');
    expect((await activeRules(h)).notes.join(' ')).toContain('I hate the rollers');

    const built = await h.answerTo(h.owner.send('/plan_new'));
    const offer = withButton(built, 'pl:a:');
    expect(offer.text).toContain('New plan by the built-in coach');
    expect(offer.text).toContain('Nothing changes until you tap Approve');
    expect(await planRows(h)).toEqual([]);

    const approved = await h.answerTo(h.owner.press(offer, button(offer, 'pl:a:')));
    expect(textOf(approved)).toContain('Approved — plan v1');
    const week = approved.find((m) => m.photo);
    expect(week?.caption).toContain('Plan v1');
    expect(week?.caption).toContain('(today)');
    const [v1] = await planRows(h);
    expect(v1).toMatchObject({ version: 1, parentPlanId: null });
    expect(v1!.plan.goal).toEqual({ event: 'Gran Fondo', date: eventDate, routeId: null });
    expect(v1!.plan.endDate).toBe(eventDate);
    const set = await activeRules(h);
    expect(checkPlan(v1!.plan, set, { eventDate, from: today() })).toEqual([]);
    const days = v1!.plan.weeks.flatMap((w) => w.workouts.map((x) => x.date));
    expect(days.every((d) => ['tuesday', 'saturday', 'sunday'].includes(WEEKDAYS[(new Date(`${d}T00:00:00Z`).getUTCDay() + 6) % 7]!))).toBe(true);

    // the decision replaced the buttons
    expect(buttonsOf(h.owner.messages().find((m) => m.message_id === offer.message_id))).toEqual([]);
  });

  it('/plan pages through the weeks by editing the photo, and marks today', async () => {
    const [shown] = await h.answerTo(h.owner.send('/plan'));
    expect(shown!.photo).toBeDefined();
    expect(shown!.caption).toMatch(new RegExp(`week of .*`));
    const next = button(shown!, 'pl:w:');
    expect(next).toBe(`pl:w:${addDays(mondayOf(today()), 7)}`);
    const [edited] = await h.answerTo(h.owner.press(shown!, next));
    expect(edited!.message_id).toBe(shown!.message_id);
    expect(edited!.caption).not.toContain('(today)');
    expect(buttonsOf(edited)).toContain(`pl:w:${mondayOf(today())}`);
  });

  it('a double tap and two taps at once on Approve make one version', async () => {
    const offer = withButton(await h.answerTo(h.owner.send('/plan_new')), 'pl:a:');
    const data = button(offer, 'pl:a:');
    const first = h.owner.press(offer, data);
    const second = h.owner.press(offer, data);
    await h.answerTo(first);
    await h.answerTo(second);
    const rows = await planRows(h);
    expect(rows.map((r) => r.version)).toEqual([1, 2]);
    expect(rows[1]!.parentPlanId).toBe(rows[0]!.id);
    const answered = h.tg.calls.filter((c) => c.method === 'answerCallbackQuery').slice(-2);
    expect(answered.map((c) => c.params.text)).toEqual(['Plan v2 saved', 'Already approved: plan v2']);
  });

  it('a rules change re-checks the plan in force and proposes the repair; /plan_history, /plan_diff and rollback', async () => {
    const saved = await saveRules(h, 'Saturday is my rest day');
    expect(textOf(saved)).toContain('Saved — rules v2');
    const repair = withButton(saved, 'pl:a:');
    expect(repair.text).toContain('breaks the new rules');
    // the rider rides Tue and Sun now (Thu and Sat rest): Saturday's workouts have no other day to go to
    expect(repair.text).toMatch(/Removed .* from Sat \d+ \w+ \(rest day\): no other day that week could take it\./);
    expect(repair.text).toMatch(/Sat \d+ \w+: − .* \(now rest\)/);
    await h.answerTo(h.owner.press(repair, button(repair, 'pl:a:')));
    const rows = await planRows(h);
    expect(rows.at(-1)).toMatchObject({ version: 3, reason: 'Repaired for rules v2' });
    await expectNoViolations(h);

    const history = textOf(await h.answerTo(h.owner.send('/plan_history')));
    expect(history).toContain('v3');
    expect(history).toContain('Repaired for rules v2');
    const diff = textOf(await h.answerTo(h.owner.send('/plan_diff 2 3')));
    expect(diff).toMatch(/Sat \d+ \w+: − .*/);

    // v2 has workouts on Saturdays: it breaks today's rules, so going back to it is refused or repaired, never saved as is
    const [list] = await h.answerTo(h.owner.send('/plan_history'));
    const back = await h.answerTo(h.owner.press(list!, 'pl:r:2'));
    const words = textOf(back);
    if (words.includes('Approve')) {
      await h.answerTo(h.owner.press(withButton(back, 'pl:a:'), button(withButton(back, 'pl:a:'), 'pl:a:')));
    }
    await expectNoViolations(h);
    const latest = (await planRows(h)).at(-1)!;
    expect(latest.reason).toBe('Rolled back to v2');
    expect(latest.version).toBe(4);
  });

  it('rules written as the answer to the bot’s question', async () => {
    const [shown] = await h.answerTo(h.owner.send('/rules'));
    const [asked] = await h.answerTo(h.owner.press(shown!, 'rl:w'));
    expect(asked!.text).toContain('Send your rules in plain words');
    const read = await h.answerTo(h.owner.send('No more than 9 hours a week'));
    expect(textOf(read)).toContain('At most 9 hours a week');
    const cancel = withButton(read, 'rl:c:');
    expect(textOf(await h.answerTo(h.owner.press(cancel, button(cancel, 'rl:c:'))))).toContain('Cancelled: your rules are unchanged.');
    expect((await activeRules(h)).rules.some((r) => r.kind === 'max_weekly_hours')).toBe(false);
  });

  it('rules history and rollback by button make a new version', async () => {
    const [list] = await h.answerTo(h.owner.send('/rules_history'));
    expect(list!.text).toContain('v2');
    expect(list!.text).toContain('Saturday is my rest day');
    const back = textOf(await h.answerTo(h.owner.press(list!, 'rl:r:1')));
    expect(back).toContain('saved as rules v3');
    const rows = await h.app.database.db.select().from(rules).orderBy(asc(rules.version));
    expect(rows.map((r) => r.version)).toEqual([1, 2, 3]);
    expect(rows[2]!.rules).toEqual(rows[0]!.rules);
    expect(rows[2]!.parentRuleId).toBe(rows[1]!.id);
  });

  it('/rules clear asks before removing every rule; Cancel keeps them', async () => {
    const before = await activeRules(h);
    const [asked] = await h.answerTo(h.owner.send('/rules clear'));
    expect(asked!.text).toContain('Remove every rule?');
    expect(asked!.text).toContain('Your rules if saved:\n• none');
    expect(textOf(await h.answerTo(h.owner.press(asked!, button(asked!, 'rl:c:'))))).toBe('Cancelled: your rules are unchanged.');
    expect(await activeRules(h)).toEqual(before);
  });

  it('words it cannot read, contradictions and bad /plan_diff arguments get one clear sentence and change nothing', async () => {
    const before = await h.app.database.db.select({ n: count() }).from(proposals);
    expect(textOf(await h.answerTo(h.owner.send('/rules Sunday is my rest day and my long ride is on Sunday')))).toContain('cannot all hold');
    expect(textOf(await h.answerTo(h.owner.send('/plan_diff one two')))).toBe('Send two versions: /plan_diff 2 3 (see /plan_history).');
    expect(textOf(await h.answerTo(h.owner.send('/plan_diff 1 99')))).toContain('There is no plan v99');
    expect(await h.app.database.db.select({ n: count() }).from(proposals)).toEqual(before);
  });
});

describe('the goal dialog', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => h?.close());

  it('resumes after a restart in the middle, its state in the database', async () => {
    await h.answerTo(h.owner.send('/goal'));
    expect(textOf(await h.answerTo(h.owner.send('Marmotte')))).toContain('When is Marmotte?');
    expect(await h.app.database.db.select({ n: count() }).from(conversationState)).toEqual([{ n: 1 }]);
    await h.restart();
    const [hours] = await h.answerTo(h.owner.send(addDays(today(), 30)));
    expect(hours!.text).toContain('How many hours a week');
    expect(textOf(await h.answerTo(h.owner.send('seven and a half')))).toContain('Send the hours a week');
    const [days] = await h.answerTo(h.owner.send('7.5'));
    // the day buttons toggle, edited in place, then Done
    const [toggled] = await h.answerTo(h.owner.press(days!, 'gl:d:monday'));
    expect(toggled!.message_id).toBe(days!.message_id);
    const [ftp] = await h.answerTo(h.owner.press(toggled!, 'gl:dd'));
    expect(textOf(await h.answerTo(h.owner.send('3000')))).toContain('from 50 to 600');
    expect(ftp!.text).toContain('Which FTP');
    expect(textOf(await h.answerTo(h.owner.send('280')))).toContain('Goal saved: Marmotte');
    const [stored] = await h.app.database.db.select().from(goal);
    expect(stored).toMatchObject({ eventName: 'Marmotte', hoursPerWeek: 7.5, days: WEEKDAYS.slice(1), ftpW: 280 });
  });

  it('/cancel leaves it with the goal unchanged; another command leaves it and runs', async () => {
    await h.answerTo(h.owner.send('/goal'));
    await h.answerTo(h.owner.send('Another event'));
    expect(textOf(await h.answerTo(h.owner.send('/cancel')))).toContain('your goal is unchanged');
    expect((await h.app.database.db.select().from(goal))[0]!.eventName).toBe('Marmotte');
    expect(textOf(await h.answerTo(h.owner.send('What should I ride tomorrow?')))).not.toContain('When is');

    await h.answerTo(h.owner.send('/goal'));
    const [reply] = await h.answerTo(h.owner.send('/rules'));
    expect(reply!.text).toContain('No rules yet');
    expect(textOf(await h.answerTo(h.owner.send('2027-01-01')))).not.toContain('How many hours');
  });

  it('a bad date gets one sentence and the question again', async () => {
    await h.answerTo(h.owner.send('/goal'));
    await h.answerTo(h.owner.send('Race'));
    expect(textOf(await h.answerTo(h.owner.send('yesterday-ish')))).toBe('Send the date like 2027-05-17 or 17 May.');
    expect(textOf(await h.answerTo(h.owner.send('2020-01-01')))).toContain('not ahead of us');
    await h.answerTo(h.owner.send('/cancel'));
  });

  it('a goal on a saved route: the route from the library’s buttons, climb-length work in build weeks, the predicted time in /plan', async () => {
    const gpx = await readFile(new URL('../fixtures/gpx/gpxpy__korita-zbevnica.gpx', import.meta.url));
    await h.answerTo(h.owner.sendDocument({ fileName: 'korita.gpx', bytes: gpx }));
    await h.answerTo(h.owner.send('/goal'));
    await h.answerTo(h.owner.send('Korita climb race'));
    const [routes] = await h.answerTo(h.owner.send(addDays(today(), 56)));
    expect(routes!.text).toContain('one of your saved routes');
    const routeButton = button(routes!, 'gl:r:');
    expect(routeButton).not.toBe('gl:r:none');
    const [hours] = await h.answerTo(h.owner.press(routes!, routeButton));
    const [days] = await h.answerTo(h.owner.press(hours!, 'gl:h:8'));
    const [ftp] = await h.answerTo(h.owner.press(days!, 'gl:dd'));
    await h.answerTo(h.owner.press(ftp!, 'gl:f'));
    expect((await h.app.database.db.select().from(goal))[0]!.routeId).toBe(Number(routeButton.split(':')[2]));

    const offer = withButton(await h.answerTo(h.owner.send('/plan_new')), 'pl:a:');
    const approved = await h.answerTo(h.owner.press(offer, button(offer, 'pl:a:')));
    const plan = (await planRows(h)).at(-1)!.plan;
    expect(plan.goal?.routeId).toBe(Number(routeButton.split(':')[2]));
    expect(plan.basis?.predictedFinishS).toBeGreaterThan(0);
    const climbWork = plan.weeks.filter((w) => /build|peak/i.test(w.focus)).flatMap((w) => w.workouts).filter((w) => /goal climb/.test(w.description));
    expect(climbWork.length).toBeGreaterThan(0);
    expect(approved.find((m) => m.photo)?.caption).toMatch(/🎯 Korita climb race: .* predicted on .* at your FTP and weight today \(as when the plan began\)\./);
    // a stronger rider is faster on it, and /plan says by how much
    await h.answerTo(h.owner.send('/profile ftp 300'));
    const [week] = await h.answerTo(h.owner.send('/plan'));
    expect(week!.caption).toMatch(/predicted on .* \(−\d+ min since the plan began\)/);
  });

  it('a long-ride day the rider cannot ride: /plan_new says which rule and where to change it, and builds nothing', async () => {
    await h.app.database.db.insert(rules).values({ version: 1, rules: { rules: [{ kind: 'long_ride_day', day: 'sunday' }], notes: [] }, sourceText: 'long ride on Sunday' });
    await h.app.database.db.update(goal).set({ days: ['tuesday', 'thursday', 'saturday'] });
    const before = await h.app.database.db.select({ n: count() }).from(proposals);
    expect(textOf(await h.answerTo(h.owner.send('/plan_new')))).toBe(
      'No plan can keep your rules and the days you ride: Sunday is both the long ride day and a rest day. (A day you cannot ride counts as a rest day.) Change one with /rules or /goal.',
    );
    expect(await h.app.database.db.select({ n: count() }).from(proposals)).toEqual(before);
    await h.app.database.db.delete(rules);
  });

  it('/plan_new without a goal offers to set one, or to go on with a general plan', async () => {
    await h.app.database.db.delete(goal);
    const [offer] = await h.answerTo(h.owner.send('/plan_new'));
    expect(offer!.text).toContain('no goal set yet');
    const built = await h.answerTo(h.owner.press(offer!, 'pl:nogoal'));
    const proposal = withButton(built, 'pl:a:');
    expect(proposal.text).toContain('4 weeks');
    const [dialog] = await h.answerTo(h.owner.press(offer!, 'pl:goal'));
    expect(dialog!.text).toContain('What is the event called?');
    await h.answerTo(h.owner.send('/cancel'));
  });
});

describe('plans from the AI', () => {
  let h: Harness;
  let ai: FakeAi;

  beforeAll(async () => {
    ai = await FakeAi.start();
    h = await startHarness({ OPENROUTER_API_KEY: ai.apiKey, AI_BASE_URL: ai.baseUrl, AI_MODEL: 'test/plan-model', AI_TIMEOUT_S: '2' });
    await h.app.database.db.insert(goal).values({ id: 1, hoursPerWeek: 6, days: [...WEEKDAYS], ftpW: null });
    ai.enqueue({ kind: 'json', value: { rules: [{ kind: 'max_hard_days_per_week', count: 1 }, { kind: 'rest_day', day: 'monday' }], notes: [], replaces_current: true } });
    await saveRules(h, 'one hard day a week please, and Mondays off');
  });
  afterAll(async () => {
    await h?.close();
    await ai?.stop();
  });
  beforeEach(() => ai.reset());

  /** A 4-week plan as a model writes it, with `hardDays` threshold sessions each week and nothing else odd. */
  function modelPlan(opts: { hardDays: string[]; extra?: (date: string) => object | undefined }) {
    const start = addDays(today(), 1);
    const weeks = [0, 1, 2, 3].map((k) => addDays(mondayOf(start), 7 * k));
    return {
      plan_overview: 'Four weeks of aerobic base with threshold work.',
      weeks: weeks.map((monday) => ({
        week_start: monday,
        focus: 'Base',
        workouts: ['tuesday', 'wednesday', 'thursday', 'saturday']
          .map((day) => addDays(monday, WEEKDAYS.indexOf(day as never)))
          .filter((date) => date >= start)
          .map((date) => {
            const hard = opts.hardDays.includes(WEEKDAYS[(new Date(`${date}T00:00:00Z`).getUTCDay() + 6) % 7]!);
            return {
              date,
              type: hard ? 'threshold' : 'endurance',
              description: hard ? '2x20 at threshold' : 'Steady endurance',
              steps: hard
                ? [{ duration_s: 900, low_pct_ftp: 60, high_pct_ftp: 60 }, { duration_s: 1200, low_pct_ftp: 95, high_pct_ftp: 105 }, { duration_s: 300, low_pct_ftp: 50, high_pct_ftp: 50 }, { duration_s: 1200, low_pct_ftp: 95, high_pct_ftp: 105 }, { duration_s: 600, low_pct_ftp: 50, high_pct_ftp: 50 }]
                : [{ duration_s: 3600, low_pct_ftp: 65, high_pct_ftp: 70 }],
              ...(opts.extra?.(date) ?? {}),
            };
          }),
      })),
    };
  }

  it('a model plan that breaks the rules beyond repair is never saved: the rider gets ours, with the reasons', async () => {
    ai.enqueue({ kind: 'json', value: modelPlan({ hardDays: ['tuesday', 'thursday', 'saturday'] }) });
    const built = await h.answerTo(h.owner.send('/plan_new'));
    const offer = withButton(built, 'pl:a:');
    expect(offer.text).toContain('The AI’s plan broke your rules');
    expect(offer.text).toMatch(/over your limit of 1/);
    expect(offer.text).toContain('by the built-in coach');
    const [request] = ai.requests;
    const prompt = JSON.stringify(request!.body.messages);
    expect(prompt).toContain('At most 1 hard day a week');
    expect(prompt).toContain('Rest day: Monday');
    await h.answerTo(h.owner.press(offer, button(offer, 'pl:a:')));
    await expectNoViolations(h);
    expect((await planRows(h)).at(-1)!.reason).toMatch(/^New plan: /);
  });

  it('a model plan with an obvious break is repaired by code, said so, and its IF/TSS are ours', async () => {
    ai.enqueue({ kind: 'json', value: modelPlan({ hardDays: ['thursday'], extra: (date) => (WEEKDAYS[(new Date(`${date}T00:00:00Z`).getUTCDay() + 6) % 7] === 'wednesday' ? { date: addDays(date, -2) } : undefined) }) });
    const built = await h.answerTo(h.owner.send('/plan_new'));
    const offer = withButton(built, 'pl:a:');
    expect(offer.text).toContain('by the AI');
    expect(offer.text).toContain('I fixed these to keep your rules');
    expect(offer.text).toMatch(/Moved endurance .* \(rest day\)/);
    await h.answerTo(h.owner.press(offer, button(offer, 'pl:a:')));
    const saved = (await planRows(h)).at(-1)!;
    expect(saved.reason).toMatch(/^New plan by the AI/);
    const threshold = saved.plan.weeks.flatMap((w) => w.workouts).find((w) => w.type === 'threshold')!;
    // 15' @60, 2x20' @100 with 5' @50, 10' @50: (Σ d·t⁴ / Σ d)^¼
    const ifExpected = ((900 * 0.6 ** 4 + 2400 * 1 + 900 * 0.5 ** 4) / 4200) ** 0.25;
    expect(threshold.plannedIf).toBeCloseTo(ifExpected, 3);
    expect(threshold.plannedTss).toBeCloseTo((4200 / 3600) * Math.round(ifExpected * 1000) ** 2 / 10_000, 1);
    await expectNoViolations(h);
  });

  it('a model plan that does not hold together (a week starting on a Tuesday) is replaced by ours, with the reason', async () => {
    const broken = modelPlan({ hardDays: ['thursday'] });
    broken.weeks[1]!.week_start = addDays(broken.weeks[1]!.week_start, 1);
    ai.enqueue({ kind: 'json', value: broken });
    const offer = withButton(await h.answerTo(h.owner.send('/plan_new')), 'pl:a:');
    expect(offer.text).toContain('The AI’s plan did not hold together');
    expect(offer.text).toContain('weeks start on a Monday');
    expect(offer.text).toContain('by the built-in coach');
    await h.answerTo(h.owner.press(offer, button(offer, 'pl:x:')));
  });

  it('rules the AI cannot read come back from the phrase parser, with one sentence why', async () => {
    ai.setDefault({ kind: 'status', status: 500, message: 'upstream down' });
    const read = textOf(await h.answerTo(h.owner.send('/rules max 3 hard days a week')));
    expect(read).toContain('by my phrase parser');
    expect(read).toContain('At most 3 hard days a week');
    expect(read.split('\n')[0]).toMatch(/^ℹ️ /);
  });

  it('a plan approved after the rules changed under it is refused, not saved', async () => {
    ai.enqueue({ kind: 'json', value: modelPlan({ hardDays: ['thursday'] }) });
    const offer = withButton(await h.answerTo(h.owner.send('/plan_new')), 'pl:a:');
    const versions = (await planRows(h)).length;
    ai.enqueue({ kind: 'json', value: { rules: [{ kind: 'rest_day', day: 'thursday' }], notes: [], replaces_current: false } });
    const saved = await saveRules(h, 'Thursdays off too');
    // the plan in force is repaired for the new rule: approve that, then tap the old offer
    const repair = saved.find((m) => buttonsOf(m).some((d) => d.startsWith('pl:a:')));
    if (repair) await h.answerTo(h.owner.press(repair, button(repair, 'pl:a:')));
    const late = textOf(await h.answerTo(h.owner.press(offer, button(offer, 'pl:a:'))));
    expect(late).toMatch(/Out of date|breaks them/);
    expect((await planRows(h)).length).toBe(versions + (repair ? 1 : 0));
    await expectNoViolations(h);
  });
});
