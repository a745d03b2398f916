/**
 * The coach model's Markdown as Telegram HTML messages. Three steps:
 *  1. a small block parser: lines → paragraphs, headings, lists, quotes, code, tables;
 *  2. an inline renderer: each line → runs of plain text, each run carrying the tags around it;
 *  3. a splitter that cuts the *text* of those runs, never the markup, and writes each message
 *     by opening and closing tags around its own runs — so every message is balanced, and its
 *     length is exactly what Telegram counts (the text, in UTF-16 units).
 * The model's text is always escaped (HTML it writes is shown, never interpreted).
 */
import { escapeHtml } from './html.ts';
import { MESSAGE_LIMIT } from './messages.ts';

export function markdownToTelegramHtml(markdown: string, limit = MESSAGE_LIMIT): string[] {
  const text = markdown
    .replace(/\r\n?/g, '\n')
    // A lone surrogate is not valid UTF-8, which Telegram rejects outright.
    .replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
  const doc = new Doc();
  renderBlocks(doc, parseBlocks(text.split('\n')), []);
  return doc.split(limit);
}

// ---------------------------------------------------------------------------------------------
// Blocks

type Block =
  | { kind: 'paragraph'; lines: string[] }
  | { kind: 'heading'; text: string }
  | { kind: 'rule' }
  | { kind: 'code'; lang: string | undefined; lines: string[] }
  | { kind: 'table'; lines: string[] }
  | { kind: 'quote'; blocks: Block[] }
  /** `spaced`: a blank line before it, as between two lists (or items of a loose list). */
  | { kind: 'item'; depth: number; marker: string; lines: string[]; spaced: boolean };

const HEADING = /^ {0,3}(#{1,6})(?:[ \t]+(.*))?$/;
const RULE = /^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$/;
const QUOTE = /^ {0,3}> ?(.*)$/;
const ITEM = /^([ \t]*)([-*+]|\d{1,9}[.)])(?:[ \t]+(.*))?$/;
const FENCE = /^([ \t]*)(`{3,}|~{3,})[ \t]*(.*)$/;
const CLOSING_FENCE = /^[ \t]*(`{3,}|~{3,})[ \t]*$/;

interface Fence {
  indent: number;
  marker: string;
  lang: string | undefined;
}

function fenceAt(line: string): Fence | undefined {
  const m = FENCE.exec(line);
  if (!m) return undefined;
  const [, indent = '', marker = '', info = ''] = m;
  if (marker.startsWith('`') && info.includes('`')) return undefined; // ```x``` is inline code
  const lang = info.split(/\s/)[0];
  // The language goes into an attribute; anything unusual is just dropped.
  return { indent: indent.length, marker, lang: lang && /^[\w#+.-]{1,32}$/.test(lang) ? lang : undefined };
}

function closesFence(line: string, fence: Fence): boolean {
  const marker = CLOSING_FENCE.exec(line)?.[1];
  return marker !== undefined && marker[0] === fence.marker[0] && marker.length >= fence.marker.length;
}

/** Cells of a table row, raw; `\|` is a pipe inside a cell. */
function rowCells(line: string): string[] {
  const row = line.trim().replace(/^\|/, '').replace(/(?<!\\)\|$/, '');
  return row.split(/(?<!\\)\|/).map((cell) => cell.trim());
}

const isDelimiterRow = (line: string) => line.includes('|') && rowCells(line).every((c) => /^:?-+:?$/.test(c));
const isTableStart = (lines: string[], i: number) => lines[i]!.includes('|') && isDelimiterRow(lines[i + 1] ?? '');
const isBlank = (line: string) => line.trim() === '';
const indentWidth = (indent: string) => indent.replace(/\t/g, '    ').length;

/** Lines that begin a block of their own, and so end a paragraph or a list item. */
function startsBlock(lines: string[], i: number): boolean {
  const line = lines[i]!;
  return [HEADING, RULE, QUOTE, ITEM].some((re) => re.test(line)) || fenceAt(line) !== undefined || isTableStart(lines, i);
}

function parseBlocks(lines: string[]): Block[] {
  const blocks: Block[] = [];
  let listIndents: number[] = []; // indentation of each open list level: indentation → depth
  let i = 0;
  while (i < lines.length) {
    const line = lines[i]!;
    const fence = fenceAt(line);
    if (isBlank(line)) {
      i++;
    } else if (fence) {
      // An unclosed fence runs to the end, as it does in every Markdown renderer.
      const body: string[] = [];
      for (i++; i < lines.length && !closesFence(lines[i]!, fence); i++) {
        body.push(lines[i]!.replace(new RegExp(`^[ \\t]{0,${fence.indent}}`), '').trimEnd());
      }
      i++;
      while (body.length > 0 && body[0] === '') body.shift();
      while (body.length > 0 && body[body.length - 1] === '') body.pop();
      if (body.length > 0) blocks.push({ kind: 'code', lang: fence.lang, lines: body });
    } else if (HEADING.test(line)) {
      const text = (HEADING.exec(line)![2] ?? '').replace(/(?:^|[ \t]+)#+[ \t]*$/, '').trim();
      if (text) blocks.push({ kind: 'heading', text });
      listIndents = [];
      i++;
    } else if (RULE.test(line)) {
      blocks.push({ kind: 'rule' });
      listIndents = [];
      i++;
    } else if (QUOTE.test(line)) {
      const quoted: string[] = [];
      for (; i < lines.length && QUOTE.test(lines[i]!); i++) quoted.push(QUOTE.exec(lines[i]!)![1]!);
      blocks.push({ kind: 'quote', blocks: parseBlocks(quoted) });
      listIndents = [];
    } else if (isTableStart(lines, i)) {
      const rows = [rowCells(line)];
      const aligns = rowCells(lines[i + 1]!).map((c) => (/-:$/.test(c) ? 'right' : 'left'));
      for (i += 2; i < lines.length && !isBlank(lines[i]!) && lines[i]!.includes('|'); i++) rows.push(rowCells(lines[i]!));
      blocks.push({ kind: 'table', lines: layOutTable(rows, aligns) });
      listIndents = [];
    } else if (ITEM.test(line)) {
      const [, indent = '', marker = '', first = ''] = ITEM.exec(line)!;
      const width = indentWidth(indent);
      while (listIndents.length > 0 && width < listIndents[listIndents.length - 1]!) listIndents.pop();
      if (listIndents.length === 0 || width > listIndents[listIndents.length - 1]!) listIndents.push(width);
      const item = {
        kind: 'item' as const,
        depth: listIndents.length - 1,
        marker: /\d/.test(marker) ? marker : '•',
        lines: [first.trim()],
        spaced: i > 0 && isBlank(lines[i - 1]!),
      };
      // Continuation lines; after a blank line only indented ones (else the list has ended).
      for (i++; i < lines.length; ) {
        let next = i;
        while (next < lines.length && isBlank(lines[next]!)) next++;
        if (next === lines.length || startsBlock(lines, next)) break;
        if (next > i) {
          if (!/^[ \t]{2,}/.test(lines[next]!)) break;
          item.lines.push('');
        }
        item.lines.push(lines[next]!.trim());
        i = next + 1;
      }
      blocks.push(item);
    } else {
      const paragraph: string[] = [];
      do paragraph.push(lines[i++]!.trim());
      while (i < lines.length && !isBlank(lines[i]!) && !startsBlock(lines, i));
      blocks.push({ kind: 'paragraph', lines: paragraph });
      listIndents = [];
    }
  }
  return blocks;
}

/** A table as aligned monospace lines: Telegram has no tables, and a <pre> keeps the columns. */
function layOutTable(rows: string[][], aligns: string[]): string[] {
  const cells = rows.map((row) => row.map((cell) => plainText(parseInline(cell))));
  const widths: number[] = [];
  for (const row of cells) row.forEach((cell, c) => (widths[c] = Math.max(widths[c] ?? 0, cell.length)));
  const line = (row: string[]) =>
    row
      .map((cell, c) => (aligns[c] === 'right' ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!)))
      .join(' | ')
      .trimEnd();
  const [header = [], ...body] = cells;
  return [line(header), widths.map((w) => '-'.repeat(w)).join('-+-'), ...body.map(line)];
}

// ---------------------------------------------------------------------------------------------
// Rendering blocks into the document

interface Tag {
  readonly open: string;
  readonly close: string;
  /** Inside <pre> leading spaces are indentation, so they survive trimming. */
  readonly pre?: true;
  /** A link's URL size, which Telegram counts against the message (see Doc.windowEnd). */
  readonly linkBytes?: number;
}

// A fresh object per element: the splitter tells two adjacent elements apart by identity.
const tag = (name: string): Tag => ({ open: `<${name}>`, close: `</${name}>` });
const preTag = (lang: string | undefined): Tag =>
  lang ? { open: `<pre><code class="language-${escapeHtml(lang)}">`, close: '</code></pre>', pre: true } : { ...tag('pre'), pre: true };

const INDENT = '   ';
const MAX_ENTITIES = 100;
const MAX_LINK_BYTES = 4000;
/** Where a message may end, besides spaces: between blocks is best, then between lines. */
const BETWEEN_BLOCKS = 2;
const BETWEEN_LINES = 1;

function renderBlocks(doc: Doc, blocks: Block[], outer: readonly Tag[]): void {
  blocks.forEach((block, i) => {
    const before = blocks[i - 1];
    if (before) {
      const tight = before.kind === 'item' && block.kind === 'item' && !block.spaced;
      // A heading stays with what follows it.
      doc.gap(tight ? '\n' : '\n\n', before.kind === 'heading' ? BETWEEN_LINES : BETWEEN_BLOCKS, outer);
    }
    renderBlock(doc, block, outer);
  });
}

function renderLines(doc: Doc, lines: string[], tags: readonly Tag[], renderLine: (line: string, i: number) => void): void {
  lines.forEach((line, i) => {
    if (i > 0) doc.gap('\n', BETWEEN_LINES, tags);
    renderLine(line, i);
  });
}

function renderBlock(doc: Doc, block: Block, outer: readonly Tag[]): void {
  switch (block.kind) {
    case 'paragraph':
      return renderLines(doc, block.lines, outer, (line) => renderInline(doc, parseInline(line), outer));
    case 'heading':
      return renderInline(doc, parseInline(block.text), [...outer, tag('b')]);
    case 'rule':
      return doc.add('———', outer);
    case 'code':
    case 'table': {
      const tags = [...outer, preTag(block.kind === 'code' ? block.lang : undefined)];
      return renderLines(doc, block.lines, tags, (line) => doc.add(line, tags));
    }
    case 'quote':
      // Telegram does not nest quotes: an inner quote is part of the outer one.
      return renderBlocks(doc, block.blocks, outer.some((t) => t.open === '<blockquote>') ? outer : [...outer, tag('blockquote')]);
    case 'item':
      doc.add(`${INDENT.repeat(block.depth)}${block.marker} `, outer);
      return renderLines(doc, block.lines, outer, (line, i) => {
        if (i > 0 && line) doc.add(INDENT.repeat(block.depth + 1), outer);
        renderInline(doc, parseInline(line), outer);
      });
  }
}

// ---------------------------------------------------------------------------------------------
// Inline: code spans, links, emphasis

interface Delimiter {
  kind: 'delimiter';
  char: string;
  /** Markers left over, shown literally. */
  count: number;
  canOpen: boolean;
  canClose: boolean;
  /** Tags this run opens (outermost first) or closes (innermost first). */
  opens: Tag[];
  closes: Tag[];
}

type Inline = { kind: 'text'; text: string } | { kind: 'code'; text: string } | { kind: 'link'; href: string; children: Inline[] } | Delimiter;

const ASCII_PUNCTUATION = /^[!-/:-@[-`{-~]$/;
const SAFE_URL = /^(?:https?:\/\/|tg:\/\/|mailto:)\S+$/i;
// Bounds keep a line full of unmatched '[' linear.
const MAX_LINK_TEXT = 1000;
const MAX_URL = 2048;

const isSpace = (ch: string) => /\s/u.test(ch);
const isPunctuation = (ch: string) => /[\p{P}\p{S}]/u.test(ch);
const isAsciiAlphanumeric = (ch: string) => /^[A-Za-z0-9]$/.test(ch);

function runLength(src: string, i: number): number {
  let end = i;
  while (src[end] === src[i]) end++;
  return end - i;
}

/** A code span opening at `i`: backticks closed by a run of the same length. */
function codeSpanAt(src: string, i: number): { text: string; end: number } | undefined {
  const n = runLength(src, i);
  for (let j = src.indexOf('`', i + n); j !== -1; j = src.indexOf('`', j)) {
    const m = runLength(src, j);
    if (m === n) {
      const text = src.slice(i + n, j);
      return { text: /^ .*[^ ].* $/.test(text) ? text.slice(1, -1) : text, end: j + m };
    }
    j += m;
  }
  return undefined;
}

/** `[text](url)` at `i`, with a URL we are willing to link; anything else stays text. */
function linkAt(src: string, i: number): { text: string; href: string; end: number } | undefined {
  let j = i + 1;
  for (let depth = 0; j < src.length && j - i <= MAX_LINK_TEXT; j++) {
    const ch = src[j];
    if (ch === '\\') j++;
    else if (ch === '`') j = (codeSpanAt(src, j)?.end ?? j + runLength(src, j)) - 1;
    else if (ch === '[') depth++;
    else if (ch === ']' && depth-- === 0) break;
  }
  if (src[j] !== ']' || src[j + 1] !== '(') return undefined;
  let k = j + 2;
  for (let depth = 0; k < src.length && k - j <= MAX_URL; k++) {
    const ch = src[k]!;
    if (ch === '(') depth++;
    else if (ch === ')' && depth-- === 0) break;
  }
  const href = src.slice(j + 2, k);
  if (src[k] !== ')' || !SAFE_URL.test(href)) return undefined;
  return { text: src.slice(i + 1, j), href, end: k + 1 };
}

function charBefore(src: string, i: number): string {
  if (i === 0) return ' '; // a line's edges count as whitespace
  const low = src.charCodeAt(i - 1);
  return i >= 2 && low >= 0xdc00 && low <= 0xdfff ? src.slice(i - 2, i) : src[i - 1]!;
}

const charAfter = (src: string, i: number) => (i < src.length ? String.fromCodePoint(src.codePointAt(i)!) : ' ');

/** A run of `*`, `_` or `~` with CommonMark's flanking rules for whether it can open or close. */
function delimiterAt(src: string, i: number, length: number): Delimiter {
  const char = src[i]!;
  const before = charBefore(src, i);
  const after = charAfter(src, i + length);
  const left = !isSpace(after) && (!isPunctuation(after) || isSpace(before) || isPunctuation(before));
  const right = !isSpace(before) && (!isPunctuation(before) || isSpace(after) || isPunctuation(after));
  // Inside a word a marker is text: snake_case_names, 2*3*4, x**2. For `*` and `~` only ASCII
  // letters and digits make a word, so CJK text (no spaces between words) can still be bold.
  const endsWord = char === '_' ? isPunctuation : (ch: string) => !isAsciiAlphanumeric(ch);
  return {
    kind: 'delimiter',
    char,
    count: length,
    canOpen: left && (!right || endsWord(before)),
    canClose: right && (!left || endsWord(after)),
    opens: [],
    closes: [],
  };
}

function parseInline(src: string, inLink = false): Inline[] {
  const tokens: Inline[] = [];
  const delimiters: Delimiter[] = [];
  let text = '';
  const push = (token: Inline) => {
    if (text) tokens.push({ kind: 'text', text });
    text = '';
    tokens.push(token);
  };
  for (let i = 0; i < src.length; ) {
    const ch = src[i]!;
    const code = ch === '`' ? codeSpanAt(src, i) : undefined;
    const link = ch === '[' && !inLink ? linkAt(src, i) : undefined;
    if (ch === '\\' && ASCII_PUNCTUATION.test(src[i + 1] ?? '')) {
      text += src[i + 1];
      i += 2;
    } else if (code) {
      push({ kind: 'code', text: code.text });
      i = code.end;
    } else if (link) {
      // An empty text would drop the link with it, so show the address instead.
      const children = link.text.trim() ? parseInline(link.text, true) : [{ kind: 'text' as const, text: link.href }];
      push({ kind: 'link', href: link.href, children });
      i = link.end;
    } else if (ch === '`') {
      // Unmatched: the whole run is text, so its tail cannot open a shorter span.
      const n = runLength(src, i);
      text += src.slice(i, i + n);
      i += n;
    } else if (ch === '*' || ch === '_' || (ch === '~' && src[i + 1] === '~')) {
      const delimiter = delimiterAt(src, i, runLength(src, i));
      delimiters.push(delimiter);
      push(delimiter);
      i += delimiter.count;
    } else {
      text += ch;
      i++;
    }
  }
  if (text) tokens.push({ kind: 'text', text });
  matchDelimiters(delimiters);
  return tokens;
}

/**
 * CommonMark's "process emphasis", without the rule of three: each closer takes the nearest
 * opener of its kind, and the delimiters between them become text — so tags always nest.
 */
function matchDelimiters(delimiters: Delimiter[]): void {
  const previous = delimiters.map((_, i) => i - 1); // a linked list of the still-active ones
  const bottom: Record<string, number> = { '*': -1, _: -1, '~': -1 }; // no opener at or below
  for (let c = 0; c < delimiters.length; c++) {
    const closer = delimiters[c]!;
    const need = closer.char === '~' ? 2 : 1;
    while (closer.canClose && closer.count >= need) {
      let o = previous[c]!;
      while (o > bottom[closer.char]! && !isOpenerFor(delimiters[o]!, closer.char, need)) o = previous[o]!;
      if (o <= bottom[closer.char]!) {
        bottom[closer.char] = previous[c]!;
        break;
      }
      const opener = delimiters[o]!;
      const n = need === 2 || (opener.count >= 2 && closer.count >= 2) ? 2 : 1;
      const t = tag(closer.char === '~' ? 's' : n === 2 ? 'b' : 'i');
      opener.count -= n;
      closer.count -= n;
      opener.opens.unshift(t);
      closer.closes.push(t);
      previous[c] = opener.count > 0 ? o : previous[o]!;
    }
    if ((closer.count < need || !closer.canOpen) && c + 1 < delimiters.length) previous[c + 1] = previous[c]!;
  }
}

const isOpenerFor = (d: Delimiter, char: string, need: number) => d.char === char && d.canOpen && d.count >= need;

/** Emphasis nested deeper than anyone writes is shown plain: it keeps the tags on a run few. */
const MAX_EMPHASIS_DEPTH = 4;

function renderInline(doc: Doc, tokens: Inline[], outer: readonly Tag[]): void {
  let tags = outer;
  const plain = new Set<Tag>(); // too deep: never opened, so never closed
  for (const token of tokens) {
    if (token.kind === 'text') doc.add(token.text, tags);
    else if (token.kind === 'code') doc.add(token.text, [...tags, tag('code')]);
    else if (token.kind === 'link') {
      const link = { open: `<a href="${escapeHtml(token.href)}">`, close: '</a>', linkBytes: Buffer.byteLength(token.href) };
      renderInline(doc, token.children, [...tags, link]);
    } else {
      for (const t of token.closes) if (!plain.has(t)) tags = tags.slice(0, tags.lastIndexOf(t));
      doc.add(token.char.repeat(token.count), tags);
      for (const t of token.opens) {
        if (tags.length - outer.length < MAX_EMPHASIS_DEPTH) tags = [...tags, t];
        else plain.add(t);
      }
    }
  }
}

/** Inline Markdown as plain text, for table cells (a <pre> holds no formatting). */
function plainText(tokens: Inline[]): string {
  return tokens
    .map((t) => (t.kind === 'link' ? `${plainText(t.children)} (${t.href})` : t.kind === 'delimiter' ? t.char.repeat(t.count) : t.text))
    .join('');
}

// ---------------------------------------------------------------------------------------------
// The document: text in runs, and the places it may be split

interface Run {
  start: number;
  text: string;
  tags: readonly Tag[];
}

/** Characters [start, end) that are dropped when a message ends here. */
interface Cut {
  start: number;
  end: number;
  rank: number;
}

/** Index of the first item for which `before` is false; items are sorted by it. */
function partitionPoint<T>(items: readonly T[], before: (item: T) => boolean): number {
  let lo = 0;
  let hi = items.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (before(items[mid]!)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

class Doc {
  private text = '';
  private readonly runs: Run[] = [];
  private readonly gaps: Cut[] = [];

  add(text: string, tags: readonly Tag[]): void {
    if (!text) return;
    this.runs.push({ start: this.text.length, text, tags });
    this.text += text;
  }

  gap(separator: string, rank: number, tags: readonly Tag[]): void {
    this.gaps.push({ start: this.text.length, end: this.text.length + separator.length, rank });
    this.add(separator, tags);
  }

  /** Messages of at most `limit` characters of text, each trimmed and non-empty. */
  split(limit: number): string[] {
    const { text } = this;
    // A block too big for any message is split anyway: let it start in the one before.
    const gaps = [...this.gaps];
    for (let k = gaps.length - 1, nextBlock = text.length; k >= 0; k--) {
      const gap = gaps[k]!;
      if (gap.rank !== BETWEEN_BLOCKS) continue;
      if (nextBlock - gap.end > limit) gaps[k] = { ...gap, rank: BETWEEN_LINES };
      nextBlock = gap.start;
    }
    const messages: string[] = [];
    let start = 0;
    for (;;) {
      // Telegram trims every message; trimming first keeps our count exact.
      while (start < text.length && isSpace(text[start]!) && !this.isIndentation(start)) start++;
      if (start >= text.length) return messages;
      const max = this.windowEnd(start, limit);
      const cut = max === text.length ? { start: max, end: max } : this.cutBefore(gaps, start, max);
      let end = cut.start;
      while (end > start && isSpace(text[end - 1]!)) end--;
      if (/\S/.test(text.slice(start, end))) messages.push(this.render(start, end));
      start = cut.end;
    }
  }

  /**
   * How far a message from `from` may run: `limit` characters, and few enough entities that
   * Telegram keeps them all (past 100 it silently drops formatting; past ~10 KB of entities, mostly
   * link URLs, it refuses the message with ENTITIES_TOO_LONG). The first run always fits.
   */
  private windowEnd(from: number, limit: number): number {
    const end = Math.min(from + limit, this.text.length);
    const seen = new Set<Tag>();
    let linkBytes = 0;
    const first = this.runIndex(from);
    for (let k = first; k < this.runs.length && this.runs[k]!.start < end; k++) {
      for (const t of this.runs[k]!.tags) {
        if (!seen.has(t)) linkBytes += t.linkBytes ?? 0;
        seen.add(t);
      }
      if (k > first && (seen.size > MAX_ENTITIES || linkBytes > MAX_LINK_BYTES)) return this.runs[k]!.start;
    }
    return end;
  }

  /** Where to end a message that starts at `from` and may run to `max`: the last of the best kind. */
  private cutBefore(gaps: Cut[], from: number, max: number): Cut {
    let best: Cut | undefined;
    for (let k = partitionPoint(gaps, (g) => g.start <= from); k < gaps.length && gaps[k]!.start <= max; k++) {
      if (!best || gaps[k]!.rank >= best.rank) best = gaps[k]!;
    }
    if (best) return best;
    for (let i = max; i > from; i--) if (isSpace(this.text[i]!)) return { start: i, end: i + 1, rank: 0 };
    // One enormous word: cut it, but never between the two halves of a surrogate pair.
    const high = this.text.charCodeAt(max - 1);
    const end = max - 1 > from && high >= 0xd800 && high <= 0xdbff ? max - 1 : max;
    return { start: end, end, rank: 0 };
  }

  /** A code line's leading spaces are code: they stay even at the start of a message. */
  private isIndentation(offset: number): boolean {
    return this.text[offset] !== '\n' && this.runs[this.runIndex(offset)]!.tags.some((t) => t.pre);
  }

  private runIndex(offset: number): number {
    return partitionPoint(this.runs, (r) => r.start <= offset) - 1;
  }

  /** HTML for the text [from, to): tags opened and closed around these runs only. */
  private render(from: number, to: number): string {
    let html = '';
    let open: readonly Tag[] = [];
    const close = (tags: readonly Tag[]) => tags.map((t) => t.close).reverse().join('');
    for (let k = this.runIndex(from); k < this.runs.length && this.runs[k]!.start < to; k++) {
      const run = this.runs[k]!;
      const text = run.text.slice(Math.max(0, from - run.start), to - run.start);
      if (!text) continue;
      let same = 0;
      while (same < open.length && open[same] === run.tags[same]) same++;
      html += close(open.slice(same)) + run.tags.slice(same).map((t) => t.open).join('') + escapeHtml(text);
      open = run.tags;
    }
    return html + close(open);
  }
}
