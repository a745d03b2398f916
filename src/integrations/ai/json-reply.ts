import type { z } from 'zod';

/**
 * Reading a model's structured answer. Models that honour `response_format`
 * send bare JSON; others wrap it in a ```json fence or in prose. We take the
 * first JSON object we can find, then let zod decide.
 */

export type ReadResult<T> = { ok: true; value: T } | { ok: false; problem: string };

export function readJsonReply<T>(content: string, schema: z.ZodType<T>): ReadResult<T> {
  const candidate = extractJson(content);
  if (candidate === undefined) return { ok: false, problem: 'it contained no JSON object' };
  let parsed: unknown;
  try {
    parsed = JSON.parse(candidate);
  } catch (error) {
    return { ok: false, problem: `its JSON did not parse (${(error as Error).message})` };
  }
  const result = schema.safeParse(parsed);
  if (result.success) return { ok: true, value: result.data };
  const issues = result.error.issues.slice(0, 12).map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
  return { ok: false, problem: `it did not match the schema: ${issues.join('; ')}` };
}

/** The JSON text in a reply: a fenced block, else the first balanced {...} outside strings. */
export function extractJson(content: string): string | undefined {
  const fenced = /```(?:json|JSON)?\s*\n?([\s\S]*?)```/.exec(content);
  if (fenced?.[1]?.trim().startsWith('{')) return fenced[1].trim();
  for (let start = content.indexOf('{'); start !== -1; start = content.indexOf('{', start + 1)) {
    const end = balancedEnd(content, start);
    if (end !== -1) return content.slice(start, end + 1);
  }
  return undefined;
}

/** Index of the `}` closing the object opened at `start`, or -1 when it never closes. */
function balancedEnd(text: string, start: number): number {
  let depth = 0;
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') {
      depth--;
      if (depth === 0) return c === '}' ? i : -1;
    }
  }
  return -1;
}
