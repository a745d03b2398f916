import type { RouteAnalysis, RouteSection } from '../domain/route.ts';
import type { StoredRoute } from '../services/routes.ts';
import { gearLabel } from '../services/routes.ts';
import { formatDuration } from './format.ts';
import { html, joinHtml, type Html } from './html.ts';
import { CAPTION_LIMIT, splitPreBlock, visibleLength } from './messages.ts';

/** How a route reads in the chat: a caption for the chart, then the climbs table. */

const km = (m: number) => (m / 1000).toFixed(m < 10_000 ? 2 : 1);
const metres = (m: number) => Math.round(m).toLocaleString('en-US');
const pct = (p: number) => `${p.toFixed(1)} %`;

export function categoryLabel(section: RouteSection): string {
  return section.category === 'HC' ? 'HC' : section.category ? `Cat ${section.category}` : 'uncat.';
}

export function climbsOf(analysis: RouteAnalysis): RouteSection[] {
  return analysis.sections.filter((s) => s.kind === 'climb');
}

function gearSentence(section: RouteSection): Html | undefined {
  const advice = section.minGear;
  if (!advice) return undefined;
  if (advice.kind === 'ok') {
    return html`lowest gear you need: ${advice.gear.chainring}x${advice.gear.cog} (${Math.round(advice.cadenceRpm)} rpm)`;
  }
  return html`beyond your gears — walk or change the cassette (${advice.easiest.chainring}x${advice.easiest.cog} gives only ${Math.round(advice.cadenceRpm)} rpm)`;
}

const CATEGORY_ORDER = ['HC', 'Cat 1', 'Cat 2', 'Cat 3', 'Cat 4', 'uncat.'];

/** "Cat 2, 4× Cat 3, 105× uncat.": hardest first, one entry per category, so a hilly 200 km stays within a caption. */
function climbCounts(climbs: RouteSection[]): string {
  const counts = new Map<string, number>();
  for (const climb of climbs) counts.set(categoryLabel(climb), (counts.get(categoryLabel(climb)) ?? 0) + 1);
  return CATEGORY_ORDER.filter((label) => counts.has(label))
    .map((label) => (counts.get(label) === 1 ? label : `${counts.get(label)}× ${label}`))
    .join(', ');
}

export function routeCaption(stored: StoredRoute, note?: string): { caption: Html; includesAssumptions: boolean } {
  const { route, analysis } = stored;
  const climbs = climbsOf(analysis);
  const hardest = [...climbs].sort((a, b) => (b.score ?? 0) - (a.score ?? 0))[0];
  const lines: Html[] = [
    html`<b>${route.name}</b> · route ${route.id}`,
    ...(note ? [html`<i>${note}</i>`] : []),
    analysis.hasElevation
      ? html`${km(analysis.distanceM)} km · ↑ ${metres(analysis.ascentM)} m · ↓ ${metres(analysis.descentM)} m · ${metres(analysis.minElevationM ?? 0)}–${metres(analysis.maxElevationM ?? 0)} m`
      : html`${km(analysis.distanceM)} km · no elevation in this file`,
    html`Estimated time: <b>${formatDuration(analysis.estTimeS)}</b>`,
  ];
  if (analysis.hasElevation) {
    lines.push(
      climbs.length === 0
        ? html`No categorised climbs.`
        : html`Climbs: ${climbs.length} (${climbCounts(climbs)})`,
    );
    if (hardest) {
      const gear = gearSentence(hardest);
      lines.push(
        html`Hardest: ${km(hardest.distanceM)} km at ${pct(hardest.gradeAvgPct)} (${categoryLabel(hardest)}, max ${pct(hardest.gradeMaxPct)})${gear ? html`, ${gear}` : ''}`,
      );
    }
  }
  const caption = joinHtml(lines);
  const withAssumptions = joinHtml([caption, html`<i>Assumed: ${analysis.assumptions.join('; ')}</i>`]);
  // the assumptions move to the table message when the caption would be too long
  return visibleLength(withAssumptions.value) <= CAPTION_LIMIT
    ? { caption: withAssumptions, includesAssumptions: true }
    : { caption, includesAssumptions: false };
}

/** The climbs table (monospace), split across messages within Telegram's limit. */
export function climbTables(stored: StoredRoute, captionHasAssumptions: boolean): string[] {
  const { analysis } = stored;
  const climbs = climbsOf(analysis);
  const assumptions = captionHasAssumptions ? '' : html`<i>Assumed: ${analysis.assumptions.join('; ')}</i>\n`.value;
  if (climbs.length === 0) return assumptions ? [assumptions.trim()] : [];
  const header = html`<b>Climbs</b> (km from start · length · gain · avg/max grade · category · lowest gear · time)\n`.value + assumptions;
  const rows = climbs.map((c, i) =>
    [
      `${String(i + 1).padStart(2)}`,
      `${km(c.startM).padStart(6)}`,
      `${km(c.distanceM).padStart(5)} km`,
      `${String(Math.round(c.ascentM)).padStart(5)} m`,
      `${c.gradeAvgPct.toFixed(1).padStart(5)}/${c.gradeMaxPct.toFixed(1).padStart(4)} %`,
      `${categoryLabel(c).padEnd(6)}`,
      `${(gearLabel(c.minGear) ?? '–').padEnd(7)}`,
      formatDuration(c.estTimeS),
    ].join(' '),
  );
  return splitPreBlock(header, rows.map((r) => html`${r}`.value));
}

/** Every climb of the table is shaded on the chart, uncategorised ones too (a steep 500 m counts). */
export function chartClimbs(analysis: RouteAnalysis): { startM: number; endM: number; label: string }[] {
  return climbsOf(analysis).map((c) => ({ startM: c.startM, endM: c.endM, label: `${categoryLabel(c)} · ${pct(c.gradeAvgPct)}` }));
}
