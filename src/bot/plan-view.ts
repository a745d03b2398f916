/**
 * How plans read in the chat: a proposal before the tap, a week with its chart,
 * violations. HTML through `html`, numbers are ours (computed from the steps).
 */
import { addDays, mondayOf } from '../domain/calendar.ts';
import { dateWords, duration, whole } from '../domain/coach/words.ts';
import type { Violation } from '../domain/plan/checker.ts';
import { diffPlans } from '../domain/plan/diff.ts';
import type { Plan, Week } from '../domain/plan/plan.ts';
import { stepWords, workoutLine } from '../domain/plan/workout-words.ts';
import { html, joinHtml, type Html } from './html.ts';
import { visibleLength } from './messages.ts';

/** Lines of a diff or a list shown in one message before "and N more". */
const MAX_LINES = 30;

export function weekTotals(week: Pick<Week, 'workouts'>): { minutes: number; tss: number } {
  return week.workouts.reduce((t, w) => ({ minutes: t.minutes + w.durationMinutes, tss: t.tss + w.plannedTss }), { minutes: 0, tss: 0 });
}

function capped(lines: Html[]): Html[] {
  return lines.length > MAX_LINES ? [...lines.slice(0, MAX_LINES - 1), html`… and ${lines.length - MAX_LINES + 1} more.`] : lines;
}

export function violationLines(violations: readonly Violation[]): Html[] {
  return capped(violations.map((v) => html`• ${v.message}`));
}

/** A plan week by week: focus and totals, then each workout in a line. */
export function planLines(plan: Plan, today: string): Html[] {
  return capped(
    plan.weeks.flatMap((week) => {
      const { minutes, tss } = weekTotals(week);
      return [
        html`<b>Week of ${dateWords(week.weekStart, today)}</b> — ${week.focus} (${duration(minutes * 60)}, TSS ${whole(tss)})`,
        ...week.workouts.map((w) => html`${dateWords(w.date, today)}: ${workoutLine(w)} · IF ${w.plannedIf.toFixed(2)}, TSS ${whole(w.plannedTss)}`),
      ];
    }),
  );
}

export interface ProposalView {
  title: Html;
  plan: Plan;
  /** The plan in force, when there is one: the proposal is shown as its changes. */
  current: Plan | undefined;
  repairs: readonly string[];
  today: string;
  notes?: Html[];
}

/** A plan waiting for Approve / Reject: what changes, what code repaired, and why. */
export function proposalMessage(view: ProposalView): string {
  const { plan, current, today } = view;
  const changes = current ? diffPlans(current, plan, today) : [];
  return joinHtml([
    view.title,
    html`<i>${plan.overview}</i>`,
    ...(view.notes ?? []),
    html``,
    ...(current
      ? changes.length
        ? [html`<b>Changes to the plan in force:</b>`, ...capped(changes.map((c) => html`• ${c}`))]
        : [html`No change to the plan in force.`]
      : planLines(plan, today)),
    ...(view.repairs.length ? [html``, html`<b>I fixed these to keep your rules:</b>`, ...capped(view.repairs.map((r) => html`• ${r}`))] : []),
    html``,
    html`Nothing changes until you tap Approve.`,
  ]).value;
}

export interface DayView {
  date: string;
  plannedTss: number;
  completedTss: number;
}

/** The Monday-to-Sunday days of the week holding `day`, with planned and completed load. */
export function weekDays(plan: Plan, monday: string, completed: Map<string, number>): DayView[] {
  return Array.from({ length: 7 }, (_, i) => {
    const date = addDays(monday, i);
    const workout = plan.weeks.find((w) => w.weekStart === monday)?.workouts.find((w) => w.date === date);
    return { date, plannedTss: workout?.plannedTss ?? 0, completedTss: completed.get(date) ?? 0 };
  });
}

/** Telegram's limit on a photo caption. */
const CAPTION_LIMIT = 1024;

/**
 * The caption under the week's chart: each day (today marked, rides done ticked),
 * totals, the next workout's steps in watts at `ftpW` when they fit in Telegram's
 * 1024 characters, and the goal line.
 */
export function weekCaption(input: { version: number; plan: Plan; monday: string; today: string; completed: Map<string, number>; ftpW: number; goalLine?: Html }): string {
  const { plan, monday, today, completed } = input;
  const week = plan.weeks.find((w) => w.weekStart === monday);
  const lines = Array.from({ length: 7 }, (_, i) => {
    const date = addDays(monday, i);
    const workout = week?.workouts.find((w) => w.date === date);
    const done = completed.get(date);
    const label = dateWords(date, today);
    const what = workout ? `${workoutLine(workout)}, TSS ${whole(workout.plannedTss)}` : date < plan.startDate || date > plan.endDate ? '—' : 'rest';
    const ridden = done !== undefined ? ` ✓ ${whole(done)}` : '';
    return date === today ? html`▶ <b>${label} (today): ${what}</b>${ridden}` : html`${label}: ${what}${ridden}`;
  });
  const planned = week ? weekTotals(week) : { minutes: 0, tss: 0 };
  const doneTss = [...completed.values()].reduce((s, x) => s + x, 0);
  const caption = (extra: Html[]) =>
    joinHtml([
      html`<b>Plan v${input.version}</b> · week of ${dateWords(monday, today)}${week ? html` — ${week.focus}` : ''}`,
      ...lines,
      html`Planned ${duration(planned.minutes * 60)}, TSS ${whole(planned.tss)}; ridden TSS ${whole(doneTss)}.`,
      ...extra,
      ...(input.goalLine ? [input.goalLine] : []),
    ]).value;
  const next = week?.workouts.find((w) => w.date >= today);
  const withSteps = next && caption([html`<b>Next, ${dateWords(next.date, today)}:</b> ${next.steps.map((x) => stepWords(x, input.ftpW)).join(' → ')}`]);
  return withSteps && visibleLength(withSteps) <= CAPTION_LIMIT ? withSteps : caption([]);
}

/** The week shown first: this week, or the plan's first/last week when today is outside it. */
export function weekToShow(plan: Plan, today: string): string {
  const monday = mondayOf(today);
  const first = plan.weeks[0]!.weekStart;
  const last = plan.weeks[plan.weeks.length - 1]!.weekStart;
  return monday < first ? first : monday > last ? last : monday;
}
