/**
 * Zod's issues in plain words, for a rider or a model reading why a plan did
 * not hold together: "weeks[0].workouts[2].date: two workouts on 2024-11-14".
 */
import type { z } from 'zod';

/**
 * Plain words for zod's generic issues ("at most 300" rather than "Too big:
 * expected number to be <=300"). The schemas' own messages, e.g. "weeks start
 * on a Monday", take precedence over these.
 */
export const friendlyMessage: z.core.$ZodErrorMap = (issue) => {
  const count = (n: number | bigint, origin: string) => {
    const unit = origin === 'array' ? 'item' : origin === 'string' ? 'character' : '';
    return unit ? `${n} ${unit}${n === 1 ? '' : 's'}` : String(n);
  };
  switch (issue.code) {
    case 'invalid_type':
      return issue.input === undefined ? 'missing' : `expected ${issue.expected === 'tuple' ? 'a [low, high] range' : issue.expected}`;
    case 'too_big':
      return `${issue.inclusive === false ? 'below' : 'at most'} ${count(issue.maximum, issue.origin)}`;
    case 'too_small':
      return `${issue.inclusive === false ? 'above' : 'at least'} ${count(issue.minimum, issue.origin)}`;
    case 'invalid_value':
      return `one of ${issue.values.map(String).join(', ')}`;
    case 'unrecognized_keys':
      return `unknown field${issue.keys.length === 1 ? '' : 's'} ${issue.keys.join(', ')}`;
    case 'invalid_union':
      // The one union without a discriminator in these schemas is a step's target.
      return issue.discriminator && Array.isArray(issue.options) ? `one of ${issue.options.map(String).join(', ')}` : 'a % of FTP or a [low, high] range';
    default:
      return undefined;
  }
};

/** One issue with its path: "steps[0].durationS: at least 10"; `rename` maps our field names (e.g. to the JSON contract's). */
export function issueText(issue: { path: readonly PropertyKey[]; message: string }, rename: (key: string) => string = (key) => key): string {
  const path = issue.path.map((key, i) => (typeof key === 'number' ? `[${key}]` : `${i > 0 ? '.' : ''}${rename(String(key))}`)).join('');
  return path ? `${path}: ${issue.message}` : issue.message;
}
