import { describe, expect, it } from 'vitest';
import { markdownToTelegramHtml } from '../../src/bot/markdown.ts';
import { MESSAGE_LIMIT } from '../../src/bot/messages.ts';
import { parseTelegramHtml } from '../support/telegram-html.ts';
import { random } from '../support/random.ts';

/**
 * Converts and checks what Telegram would: every part parses, fits, is trimmed and non-empty, and
 * has at most 100 entities (Telegram silently drops formatting past that).
 */
function convert(markdown: string, limit = MESSAGE_LIMIT): string[] {
  const parts = markdownToTelegramHtml(markdown, limit);
  for (const part of parts) {
    const { text, entities } = parseTelegramHtml(part); // strict: a stray '&' fails too
    expect(text.length, part).toBeLessThanOrEqual(limit); // UTF-16 units, as Telegram counts
    expect(entities.length).toBeLessThanOrEqual(100);
    expect(text.trim(), part).not.toBe('');
    expect(part).toBe(part.trim());
  }
  return parts;
}

const one = (markdown: string) => {
  const parts = convert(markdown);
  expect(parts).toHaveLength(1);
  return parts[0]!;
};
const visible = (parts: string[]) => parts.map((p) => parseTelegramHtml(p).text);
const words = (text: string) => text.split(/\s+/).filter(Boolean);

describe('markdownToTelegramHtml: constructs', () => {
  it('keeps paragraphs and the line breaks inside them', () => {
    expect(one('Easy ride today.\nKeep it in zone 2.\n\n\n\nThen rest.')).toBe('Easy ride today.\nKeep it in zone 2.\n\nThen rest.');
  });

  it('renders bold, italic and strikethrough', () => {
    expect(one('**bold** __bold__ *italic* _italic_ ~~gone~~')).toBe('<b>bold</b> <b>bold</b> <i>italic</i> <i>italic</i> <s>gone</s>');
    expect(one('***both*** and *it **in** it*')).toBe('<i><b>both</b></i> and <i>it <b>in</b> it</i>');
    expect(one('**Note:** rest, (**bold**).')).toBe('<b>Note:</b> rest, (<b>bold</b>).');
  });

  it('leaves markers inside words and unclosed markers as text', () => {
    expect(one('snake_case_names, 2*3*4, x**2 + y**2, ~20 km')).toBe('snake_case_names, 2*3*4, x**2 + y**2, ~20 km');
    expect(one('a **b and *c and _d and ~~e')).toBe('a **b and *c and _d and ~~e');
    expect(one('5 * 3 * 2 and a ** b **')).toBe('5 * 3 * 2 and a ** b **');
  });

  it('formats words of scripts without spaces (CJK)', () => {
    expect(one('**粗体**文字')).toBe('<b>粗体</b>文字');
  });

  it('renders inline code literally, markers and HTML included', () => {
    expect(one('Run `npm **test** <x> & y` now')).toBe('Run <code>npm **test** &lt;x&gt; &amp; y</code> now');
    expect(one('``a ` b`` and `unclosed')).toBe('<code>a ` b</code> and `unclosed');
  });

  it('renders fenced code blocks, with or without a language', () => {
    expect(one('Try:\n```ts\nif (a < b && c) {\n  go();\n}\n```\nDone.')).toBe(
      'Try:\n\n<pre><code class="language-ts">if (a &lt; b &amp;&amp; c) {\n  go();\n}</code></pre>\n\nDone.',
    );
    expect(one('```\nplain\n```')).toBe('<pre>plain</pre>');
    expect(one('~~~python\nx = 1\n~~~')).toBe('<pre><code class="language-python">x = 1</code></pre>');
    expect(one('```"><script>\nx\n```')).toBe('<pre>x</pre>'); // an odd info string is dropped
  });

  it('runs an unclosed fence to the end, and only a long enough fence closes it', () => {
    expect(one('```js\nconst a = 1;\n\nmore **text**')).toBe('<pre><code class="language-js">const a = 1;\n\nmore **text**</code></pre>');
    expect(one('````\n```\ninner\n```\n````\nafter')).toBe('<pre>```\ninner\n```</pre>\n\nafter');
    expect(convert('```\n```')).toEqual([]); // nothing to show
  });

  it('renders a code block indented inside a list', () => {
    expect(one('1. Install:\n   ```bash\n   npm i\n     nested\n   ```\n2. Run')).toBe(
      '1. Install:\n\n<pre><code class="language-bash">npm i\n  nested</code></pre>\n\n2. Run',
    );
  });

  it('turns headings into bold lines', () => {
    expect(one('# Plan\n## Week **1** ##\n###### Small\n#hashtag\n####### seven')).toBe(
      '<b>Plan</b>\n\n<b>Week <b>1</b></b>\n\n<b>Small</b>\n\n#hashtag\n####### seven',
    );
  });

  it('renders bullet lists with nesting, and numbered lists as written', () => {
    expect(one('- one\n* two\n  - nested\n    - deeper\n      continued\n+ three')).toBe(
      '• one\n• two\n   • nested\n      • deeper\n         continued\n• three',
    );
    expect(one('Steps:\n1. warm up\n2. **intervals**\n10) cool down')).toBe('Steps:\n\n1. warm up\n2. <b>intervals</b>\n10) cool down');
    expect(one('- a\n\n  more about a\n- b\n\nAfter.')).toBe('• a\n\n   more about a\n• b\n\nAfter.');
    expect(one('- a\n\n1. b')).toBe('• a\n\n1. b');
  });

  it('renders block quotes, nested ones flattened', () => {
    expect(one('> **Tip:** eat\n> early\n>\n>> inner\n\nout')).toBe('<blockquote><b>Tip:</b> eat\nearly\n\ninner</blockquote>\n\nout');
  });

  it('links only http(s), tg and mailto URLs, quote-escaped', () => {
    expect(one('[site](https://x.com/a?b=1&c="2") [me](tg://user?id=1) [mail](mailto:a@b.c)')).toBe(
      '<a href="https://x.com/a?b=1&amp;c=&quot;2&quot;">site</a> <a href="tg://user?id=1">me</a> <a href="mailto:a@b.c">mail</a>',
    );
    expect(one('[wiki](https://en.wikipedia.org/wiki/Cadence_(cycling)).')).toBe(
      '<a href="https://en.wikipedia.org/wiki/Cadence_(cycling)">wiki</a>.',
    );
    expect(one('[**bold** link](http://a.b) [](https://empty.io)')).toBe(
      '<a href="http://a.b"><b>bold</b> link</a> <a href="https://empty.io">https://empty.io</a>',
    );
    expect(one('[x](javascript:alert(1)) [y](ftp://h) [z](/relative) [w](https://a b)')).toBe(
      '[x](javascript:alert(1)) [y](ftp://h) [z](/relative) [w](https://a b)',
    );
  });

  it('turns horizontal rules into a line', () => {
    expect(one('above\n\n---\n\nbelow\n***\n_ _ _')).toBe('above\n\n———\n\nbelow\n\n———\n\n———');
  });

  it('keeps tables as an aligned monospace block', () => {
    const table = '| Zone | % FTP |\n|:-----|------:|\n| **Z2** | 56–75 |\n| Z5 \\| VO2 | 106–120 |\n| [x](https://a.b) |';
    expect(one(`Zones:\n${table}`)).toBe(
      'Zones:\n\n<pre>Zone            |   % FTP\n----------------+--------\nZ2              |   56–75\nZ5 | VO2        | 106–120\nx (https://a.b)</pre>',
    );
  });

  it('unescapes backslash-escaped characters', () => {
    expect(one('\\*not italic\\* \\_nor\\_ \\# \\\\ \\w')).toBe('*not italic* _nor_ # \\ \\w');
    expect(one('\\# not a heading\n\\- not a list')).toBe('# not a heading\n- not a list');
  });

  it('shows HTML in the text literally', () => {
    expect(one('<b>hi</b> & <script>alert(1)</script> &nbsp; &amp;')).toBe(
      '&lt;b&gt;hi&lt;/b&gt; &amp; &lt;script&gt;alert(1)&lt;/script&gt; &amp;nbsp; &amp;amp;',
    );
  });

  it('gives nothing for empty input', () => {
    expect(convert('')).toEqual([]);
    expect(convert(' \n\t\r\n  ')).toEqual([]);
  });
});

describe('markdownToTelegramHtml: nasty input', () => {
  const cases: Record<string, string> = {
    comparisons: 'a < b && c > d, so 3<4 & 5>2',
    script: '<script>alert("x")</script><b>not bold</b></i>',
    entity: '&nbsp; &lt; &#60; &amp &',
    unclosedBold: 'This is **important and never closed',
    overlap: '**bold _italic** x_',
    javascriptLink: '[x](javascript:alert(1))',
    unbalancedFences: '```\na\n```\n```py\nb\n````\nc ```',
    backticksInBold: '**run `npm test` then `git push`** now',
    emoji: '💪 **Strong** 🚴‍♂️ _ride_ 👍🏽 `🔥` ~~🙃~~',
    brackets: '[[x]] [a](b [c](https://d.e)',
    stars: '**** ** * *** ___ __ _ ~~~~ ~~',
  };
  for (const [name, markdown] of Object.entries(cases)) {
    it(`handles ${name}`, () => {
      const parts = convert(markdown);
      expect(parts.length).toBeGreaterThan(0);
    });
  }

  it('keeps every word of text without markup', () => {
    for (const markdown of [cases.comparisons!, cases.script!, cases.entity!]) {
      expect(words(visible(convert(markdown)).join(' '))).toEqual(words(markdown));
    }
  });

  it('renders the overlap and backticks-in-bold sensibly', () => {
    expect(one(cases.overlap!)).toBe('<b>bold _italic</b> x_');
    expect(one(cases.backticksInBold!)).toBe('<b>run <code>npm test</code> then <code>git push</code></b> now');
    expect(one(cases.emoji!)).toBe('💪 <b>Strong</b> 🚴‍♂️ <i>ride</i> 👍🏽 <code>🔥</code> <s>🙃</s>');
    expect(one(cases.unbalancedFences!)).toBe('<pre>a</pre>\n\n<pre><code class="language-py">b</code></pre>\n\nc ```');
  });

  it('shows emphasis nested deeper than four levels plain, and stays fast on absurd nesting', () => {
    expect(one('*1 **2 _3 ~~4 **5** 4~~ 3_ 2** 1*')).toBe('<i>1 <b>2 <i>3 <s>4 5 4</s> 3</i> 2</b> 1</i>');
    const absurd = `${'*a '.repeat(5000)}${'b* '.repeat(5000)}`;
    expect(visible(convert(absurd)).join('').replace(/[^ab]/g, '')).toBe(absurd.replace(/[^ab]/g, ''));
  });

  it('reads CRLF and lone CR line endings', () => {
    const parts = convert('**Plan**\r\n\r\n- one\r\n- two\r\n```\r\ncode\r\n```\rend');
    expect(parts).toEqual(['<b>Plan</b>\n\n• one\n• two\n\n<pre>code</pre>\n\nend']);
  });

  it('replaces a lone surrogate (not valid UTF-8)', () => {
    expect(one('bad \uD83D here')).toBe('bad \uFFFD here');
  });
});

describe('markdownToTelegramHtml: splitting', () => {
  it('packs whole paragraphs and prefers to split between them', () => {
    const paragraph = (n: number) => `Paragraph ${n}: ${'lorem ipsum '.repeat(25).trim()}.`; // ~320 characters
    const markdown = Array.from({ length: 40 }, (_, n) => paragraph(n)).join('\n\n');
    const parts = convert(markdown);
    expect(parts.length).toBe(Math.ceil(markdown.length / (Math.floor(4096 / 322) * 322)));
    for (const part of parts) expect(part).toMatch(/^Paragraph \d+: .*\.$/s);
    expect(parts.join('\n\n')).toBe(markdown);
  });

  it('splits a long paragraph between lines, then at a space', () => {
    expect(convert('first line\nsecond line\nthird', 24)).toEqual(['first line\nsecond line', 'third']);
    expect(convert('alpha beta gamma delta', 12)).toEqual(['alpha beta', 'gamma delta']);
  });

  it('keeps formatting balanced across a split', () => {
    expect(convert('**alpha beta gamma** [link text here](https://x.y)', 12)).toEqual([
      '<b>alpha beta</b>',
      '<b>gamma</b> <a href="https://x.y">link</a>',
      '<a href="https://x.y">text here</a>',
    ]);
    expect(convert('> one two\n> three four', 10)).toEqual(['<blockquote>one two</blockquote>', '<blockquote>three four</blockquote>']);
  });

  it('keeps a heading with what follows it', () => {
    expect(convert('Intro text here.\n\n## Heading\n\nBody text.', 30)).toEqual(['Intro text here.', '<b>Heading</b>\n\nBody text.']);
  });

  it('splits a code block larger than the limit into balanced <pre> blocks', () => {
    const lines = Array.from({ length: 400 }, (_, i) => `    value_${i} = compute(${i}) & mask  # line ${i}`);
    const parts = convert(`Here:\n\n\`\`\`python\n${lines.join('\n')}\n\`\`\`\n\nThat's all.`);
    expect(parts.length).toBeGreaterThan(3);
    // the block cannot be whole anyway, so it starts right after its introduction
    expect(parts[0]).toMatch(/^Here:\n\n<pre><code class="language-python">/);
    for (const part of parts.slice(1, -1)) expect(part).toMatch(/^<pre><code class="language-python">[^]*<\/code><\/pre>$/);
    const code = visible(parts).join('\n').split('\n').filter((l) => l.includes('value_'));
    expect(code).toEqual(lines); // indentation kept, even at the start of a message
  });

  it('hard-splits one enormous word, never inside a surrogate pair', () => {
    const word = 'x'.repeat(10_000);
    const parts = convert(`Before ${word} after`);
    expect(visible(parts)).toEqual(['Before', word.slice(0, 4096), word.slice(4096, 8192), `${word.slice(8192)} after`]);
    const emoji = '🚴'.repeat(50);
    const small = convert(emoji, 7);
    expect(visible(small).join('')).toBe(emoji);
    expect(visible(small).slice(0, -1).every((text) => text === '🚴🚴🚴')).toBe(true); // 6 of 7 units: the 7th would split one
  });

  it('starts a new message before the 101st entity, between blocks', () => {
    const markdown = Array.from({ length: 150 }, (_, i) => `- **Day ${i}:** \`Z2\` ride`).join('\n');
    const parts = convert(markdown);
    expect(parts.map((p) => parseTelegramHtml(p).entities.length)).toEqual([100, 100, 100]);
    for (const part of parts) expect(part).toMatch(/^• <b>Day \d+:<\/b>[^]*ride$/); // whole items
    expect(visible(parts).join('\n').match(/Day \d+/g)).toHaveLength(150);
  });

  it('keeps the link URLs of one message within a budget (ENTITIES_TOO_LONG)', () => {
    const url = `https://example.com/${'p'.repeat(180)}`;
    const parts = convert(Array.from({ length: 60 }, (_, i) => `[link ${i}](${url})`).join(' '));
    expect(parts.length).toBeGreaterThan(2);
    for (const part of parts) {
      const urls = parseTelegramHtml(part).entities.map((e) => (e.type === 'text_link' ? e.url.length : 0));
      expect(urls.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(4000);
    }
  });

  it('splits a 20,000-character answer losing and repeating nothing', () => {
    let n = 0;
    const w = () => `w${++n}`;
    const sentence = (k: number) => Array.from({ length: k }, w).join(' ');
    const chunks: string[] = [];
    while (chunks.join('\n\n').length < 20_000) {
      chunks.push(
        `## ${sentence(3)}`,
        `${sentence(20)} **${sentence(3)}** a < b && c > d _${w()}_ \`${w()}\` [${w()}](https://example.com/page).\n${sentence(15)}`,
        `- ${sentence(6)}\n- ${sentence(4)}\n  - ${sentence(5)}\n1. ${sentence(8)}\n2. ${sentence(3)}`,
        `\`\`\`ts\n${Array.from({ length: 8 }, () => `const ${w()} = a < b && ${w()};`).join('\n')}\n\`\`\``,
        `> ${sentence(12)}\n> ${sentence(4)}`,
        `| ${w()} | ${w()} |\n|---|---|\n| ${w()} | ${w()} |`,
      );
      if (chunks.length === 12) chunks.push(`\`\`\`\n${Array.from({ length: 200 }, () => `  step ${w()} of the long listing`).join('\n')}\n\`\`\``);
    }
    const markdown = chunks.join('\n\n');
    expect(markdown.length).toBeGreaterThan(20_000);
    const parts = convert(markdown);
    const texts = visible(parts);
    const total = texts.reduce((sum, t) => sum + t.length, 0);
    expect(parts.length).toBeLessThanOrEqual(Math.ceil(total / 4096) + 2); // packed, not one block per message
    expect(texts.join('\n').match(/w\d+/g)).toEqual(Array.from({ length: n }, (_, i) => `w${i + 1}`));
  });
});

describe('markdownToTelegramHtml: random input', () => {
  const ALPHABET = [...'*_~`[]()<>&#->\n\\|!:.1', 'abc', 'ab', ' ', ' ', '   ', '\n\n', '```', '**', '🚴'];

  it('turns 500 random strings into parts that parse, keeping every letter', () => {
    const next = random(20240607);
    for (let run = 0; run < 500; run++) {
      const length = Math.floor(next() * 120);
      const markdown = Array.from({ length }, () => ALPHABET[Math.floor(next() * ALPHABET.length)]).join('');
      const limit = [MESSAGE_LIMIT, 40, 12][run % 3]!;
      const parts = convert(markdown, limit);
      // A fence's info string becomes the language, not text; otherwise no letter is lost or repeated.
      if (!/^[ \t>]*(```|~~~)/m.test(markdown)) {
        expect(visible(parts).join('').replace(/[^abc]/g, ''), JSON.stringify(markdown)).toBe(markdown.replace(/[^abc]/g, ''));
      }
    }
  });
});
