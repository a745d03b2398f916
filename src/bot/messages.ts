/**
 * Splits text into Telegram messages (4096 characters) at line breaks, keeping a
 * <pre> block balanced in every part.
 */
export const MESSAGE_LIMIT = 4096;
export const CAPTION_LIMIT = 1024;

export function splitPreBlock(header: string, lines: string[], limit = MESSAGE_LIMIT): string[] {
  const parts: string[] = [];
  let current: string[] = [];
  const render = (body: string[], withHeader: boolean) => `${withHeader ? header : ''}<pre>${body.join('\n')}</pre>`;
  for (const line of lines) {
    const candidate = [...current, line];
    // counted on the raw HTML: an over-estimate of what Telegram counts, never an under-estimate
    if (current.length > 0 && render(candidate, parts.length === 0).length > limit) {
      parts.push(render(current, parts.length === 0));
      current = [line];
    } else {
      current = candidate;
    }
  }
  if (current.length > 0) parts.push(render(current, parts.length === 0));
  return parts;
}

/** The length Telegram counts: text after tags are stripped and entities decoded. */
export function visibleLength(html: string): number {
  return html
    .replace(/<[^>]+>/g, '')
    .replace(/&(lt|gt|amp|quot);/g, '_').length;
}
