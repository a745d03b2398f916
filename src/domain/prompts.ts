/**
 * The AI's prompt templates: one per action, each with a fixed set of named
 * `{{placeholders}}` that our code fills with numbers and summaries. A template
 * must use every placeholder of its action and no other, so a rider's edit can
 * neither drop the ride's numbers nor ask for data we never send.
 */

export const PROMPT_ACTIONS = {
  coach_chat: {
    description: 'answers your questions in the chat',
    placeholders: ['today', 'athlete', 'fitness', 'recent_rides', 'plan', 'rules'],
  },
  workout_analysis: {
    description: 'analyses each ride',
    placeholders: ['today', 'athlete', 'fitness', 'ride', 'planned_workout', 'recent_rides', 'current_plan', 'goal', 'rules', 'reject_reasons'],
  },
  plan_generation: {
    description: 'builds a new training plan',
    placeholders: ['today', 'athlete', 'fitness', 'recent_rides', 'goal', 'availability', 'rules'],
  },
  plan_evolution: {
    description: 'proposes changes to the current plan',
    placeholders: ['today', 'athlete', 'fitness', 'recent_rides', 'current_plan', 'request', 'rules'],
  },
  rule_parsing: {
    description: 'turns your training rules in plain words into structure',
    placeholders: ['rule_text', 'current_rules'],
  },
} as const satisfies Record<string, { description: string; placeholders: readonly string[] }>;

export type PromptAction = keyof typeof PROMPT_ACTIONS;
export type PromptValues<A extends PromptAction> = Record<(typeof PROMPT_ACTIONS)[A]['placeholders'][number], string>;

export const PROMPT_ACTION_NAMES = Object.keys(PROMPT_ACTIONS) as PromptAction[];

export function isPromptAction(name: string): name is PromptAction {
  return Object.hasOwn(PROMPT_ACTIONS, name);
}

const PLACEHOLDER = /\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g;

/** The placeholders a template uses, each once, in order of first use. */
export function placeholdersIn(template: string): string[] {
  return [...new Set([...template.matchAll(PLACEHOLDER)].map((m) => m[1]!))];
}

export interface TemplateProblems {
  unknown: string[];
  missing: string[];
}

/** What is wrong with a template for this action; null when it is fine. */
export function checkTemplate(action: PromptAction, template: string): TemplateProblems | null {
  const allowed: readonly string[] = PROMPT_ACTIONS[action].placeholders;
  const used = placeholdersIn(template);
  const unknown = used.filter((name) => !allowed.includes(name));
  const missing = allowed.filter((name) => !used.includes(name));
  return unknown.length || missing.length ? { unknown, missing } : null;
}

/**
 * Fills every placeholder; values are inserted as they are (they are ours, never
 * the model's). A value the template has no place for (a rider's template
 * written before its action gained a placeholder) is appended under its name,
 * so the model always gets every number we meant to send.
 */
export function renderTemplate<A extends PromptAction>(template: string, values: PromptValues<A>): string {
  const given = values as Record<string, string>;
  const filled = template.replace(PLACEHOLDER, (whole, name: string) => given[name] ?? whole);
  const used = new Set(placeholdersIn(template));
  const missing = Object.keys(given).filter((name) => !used.has(name));
  return [filled, ...missing.map((name) => `${name.replaceAll('_', ' ')}:\n${given[name]}`)].join('\n\n');
}
