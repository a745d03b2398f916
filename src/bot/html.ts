/**
 * The one way we build Telegram HTML: every interpolated value is escaped unless
 * it was itself built by `html` (or marked with `raw` for trusted markup).
 */
const TRUSTED = Symbol('trusted-html');

export interface Html {
  readonly [TRUSTED]: true;
  readonly value: string;
  toString(): string;
}

function trusted(value: string): Html {
  return { [TRUSTED]: true, value, toString: () => value };
}

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function isHtml(value: unknown): value is Html {
  return typeof value === 'object' && value !== null && TRUSTED in value;
}

type Interpolation = string | number | Html | null | undefined | readonly Interpolation[];

function render(value: Interpolation): string {
  if (value === null || value === undefined) return '';
  if (Array.isArray(value)) return value.map(render).join('');
  if (isHtml(value)) return value.value;
  return escapeHtml(String(value));
}

export function html(strings: TemplateStringsArray, ...values: Interpolation[]): Html {
  let out = strings[0] ?? '';
  values.forEach((value, i) => {
    out += render(value) + (strings[i + 1] ?? '');
  });
  return trusted(out);
}

/** Markup we wrote ourselves and know to be well-formed. */
export function raw(markup: string): Html {
  return trusted(markup);
}

export function joinHtml(parts: Html[], separator = '\n'): Html {
  return trusted(parts.map((p) => p.value).join(separator));
}
