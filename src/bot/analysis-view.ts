/**
 * How an analysis reads in the chat: the ride's numbers (ours), how it went
 * against the plan, the coach's words, and the change proposed as lines a
 * rider reads, all in one message under Telegram's 4,096 characters.
 */
import { dateWords, duration, km, oneDecimal, signed, whole } from '../domain/coach/words.ts';
import type { RideFeedback } from '../domain/coach/feedback.ts';
import type { AnalysisFacts, AnalysisRow } from '../services/analyses.ts';
import type { StoredRide } from '../services/rides.ts';
import { comparisonText } from '../domain/coach/ride-vs-plan.ts';
import { html, joinHtml, type Html } from './html.ts';
import { MESSAGE_LIMIT, visibleLength } from './messages.ts';
import { planLines } from './plan-view.ts';

export interface AnalysisView {
  row: AnalysisRow;
  ride: StoredRide;
  today: string;
  /** The decision, once taken: "✅ Approved — plan v4". */
  verdict?: Html;
}

/** How much of the coach's words fit: tried in order until the message does. */
const BUDGETS = [
  { items: 5, chars: 400, lines: 20 },
  { items: 3, chars: 240, lines: 12 },
  { items: 2, chars: 160, lines: 8 },
  { items: 1, chars: 120, lines: 5 },
] as const;
type Budget = (typeof BUDGETS)[number];

export function analysisMessage(view: AnalysisView): string {
  for (const budget of BUDGETS) {
    const text = render(view, budget).value;
    if (visibleLength(text) <= MESSAGE_LIMIT) return text;
  }
  return render(view, BUDGETS[BUDGETS.length - 1]!, true).value;
}

function render(view: AnalysisView, budget: Budget, bare = false): Html {
  const { row, ride, today } = view;
  const facts = row.facts as unknown as AnalysisFacts | null;
  const feedback = row.feedback as unknown as RideFeedback | null;
  const day = facts?.rideDay ? dateWords(facts.rideDay, today) : 'date unknown';
  const author = row.author === 'ai' ? `by the AI coach${row.model ? ` (${row.model})` : ''}` : 'by the built-in coach';
  const head: Html[] = [
    ...(view.verdict ? [view.verdict, html``] : []),
    html`🚴 <b>Ride ${ride.workout.id}</b> · ${day}${feedback ? html` · analysis ${row.id}, ${author}` : ''}`,
    html`${numbersLine(ride)}`,
    ...(facts?.comparison ? [html`📋 ${comparisonText(facts.comparison)}`] : []),
    ...(facts?.formBefore && facts.formAfter
      ? [html`📈 Form (TSB) ${signed(facts.formBefore.tsb, 1)} → ${signed(facts.formAfter.tsb, 1)}, fitness (CTL) ${oneDecimal(facts.formBefore.ctl)} → ${oneDecimal(facts.formAfter.ctl)}`]
      : []),
  ];
  if (!feedback) {
    return joinHtml([...head, html``, html`⚠️ I could not analyse this ride (${row.lastError ?? 'unknown error'}). /analyse ${ride.workout.id} tries again.`]);
  }
  const cut = (s: string) => (s.length > budget.chars ? `${s.slice(0, budget.chars - 1)}…` : s);
  const list = (title: string, items: readonly string[]) =>
    items.length && !bare ? [html`<b>${title}</b>`, ...items.slice(0, budget.items).map((s) => html`• ${cut(s)}`)] : [];
  return joinHtml([
    ...head,
    html``,
    html`<b>Score ${feedback.performance_score}/10.</b> ${cut(feedback.performance_summary)}`,
    ...list('Went well', feedback.strengths),
    ...list('To work on', feedback.areas_for_improvement),
    ...list('Coming weeks', feedback.training_suggestions),
    ...list('Next days', feedback.next_workout_recommendations),
    ...proposalLines(view, facts, budget),
    ...(row.notes.length ? [html``, ...row.notes.slice(0, bare ? 2 : 6).map((n) => html`<i>${cut(n)}</i>`)] : []),
  ]);
}

function proposalLines(view: AnalysisView, facts: AnalysisFacts | null, budget: Budget): Html[] {
  const { row, today } = view;
  if (!row.draft) return [];
  const more = (n: number) => (n > 0 ? [html`… and ${n} more (/plan_diff after approving).`] : []);
  if (row.basePlanId === null) {
    const lines = planLines(row.draft, today);
    return [
      html``,
      html`<b>No plan yet — a first plan</b>, ${dateWords(row.draft.startDate, today)} to ${dateWords(row.draft.endDate, today)}:`,
      html`<i>${row.draft.overview}</i>`,
      ...lines.slice(0, budget.lines),
      ...more(lines.length - budget.lines),
      ...(view.verdict ? [] : [html`Nothing changes until you tap Approve.`]),
    ];
  }
  return [
    html``,
    html`<b>Proposed change to plan v${facts?.planVersion ?? '?'}</b>${row.changeReason ? html`: ${row.changeReason}` : ''}`,
    ...row.changes.slice(0, budget.lines).map((c) => html`• ${c}`),
    ...more(row.changes.length - budget.lines),
    ...(view.verdict ? [] : [html`Nothing changes until you tap Approve.`]),
  ];
}

/** "1 h 32 min · 45.2 km · NP 231 W · IF 0.82 · TSS 103 · avg HR 142 bpm": ours, from the file. */
function numbersLine({ metrics: m }: StoredRide): string {
  const parts: string[] = [];
  const time = m.movingS ?? m.elapsedS;
  if (time !== null) parts.push(duration(time));
  if (m.distanceM !== null && m.distanceM > 0) parts.push(km(m.distanceM));
  if (m.normalizedPowerW !== null) parts.push(`NP ${whole(m.normalizedPowerW)} W`);
  if (m.intensityFactor !== null) parts.push(`IF ${m.intensityFactor.toFixed(2)}`);
  if (m.tss !== null) parts.push(`TSS ${whole(m.tss)}`);
  else if (m.load !== null && m.loadSource === 'hrss') parts.push(`HRSS ${whole(m.load)}`);
  if (m.avgHrBpm !== null) parts.push(`avg HR ${whole(m.avgHrBpm)} bpm`);
  return parts.join(' · ');
}
