import { describe, expect, it } from 'vitest';
import { escapeHtml, html, joinHtml, raw } from '../../src/bot/html.ts';

describe('html', () => {
  it('escapes every interpolated value', () => {
    const name = '<script>"Tom & Jerry"</script>';
    expect(html`<b>${name}</b>`.value).toBe('<b>&lt;script&gt;&quot;Tom &amp; Jerry&quot;&lt;/script&gt;</b>');
  });

  it('does not escape markup built by html or raw, and joins lists', () => {
    const inner = html`<i>${'a<b'}</i>`;
    expect(html`${inner} ${raw('<code>x</code>')} ${[html`1`, '<2>']}`.value).toBe('<i>a&lt;b</i> <code>x</code> 1&lt;2&gt;');
    expect(joinHtml([html`a`, html`${'&'}`]).value).toBe('a\n&amp;');
  });

  it('renders numbers and drops null/undefined', () => {
    expect(html`${42} ${null}${undefined}.`.value).toBe('42 .');
    expect(escapeHtml('5 > 3')).toBe('5 &gt; 3');
  });
});
