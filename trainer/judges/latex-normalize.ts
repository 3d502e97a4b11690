/**
 * Text clean-up of an extracted answer before it is parsed as a number or compared as a string.
 *
 * Policy: only formatting is removed — LaTeX wrappers (`\text{}`, `\mathrm{}`, `\boxed{}`, math
 * delimiters, `\left`/`\right`, spacing commands `\, \! \; \:`, `^\circ`), markdown emphasis, a
 * leading "The answer is" / "x =" / "approximately", and trailing sentence punctuation. `\frac`,
 * `\dfrac`, `\tfrac` become `a/b` (a mixed `1\frac{1}{2}` becomes `1 1/2`), `×10^{k}` becomes `ek`,
 * Unicode minus signs become `-`. Units and currency are kept: number parsing decides about them.
 */

const UNWRAPPED_COMMANDS = [
  'boxed', 'fbox', 'text', 'textbf', 'textit', 'textrm', 'texttt', 'textnormal', 'mathrm',
  'mathbf', 'mathit', 'mathsf', 'mathtt', 'mbox', 'emph', 'operatorname', 'displaystyle',
];

/** Reads a `{…}` group with nested braces starting at `open`; null when unbalanced. */
export function readBraced(text: string, open: number): { content: string; end: number } | null {
  if (text[open] !== '{') return null;
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    const ch = text[i];
    if (ch === '\\') {
      i++; // an escaped brace `\{` does not open or close a group
    } else if (ch === '{') {
      depth++;
    } else if (ch === '}') {
      depth--;
      if (depth === 0) return { content: text.slice(open + 1, i), end: i + 1 };
    }
  }
  return null;
}

/** `\cmd{x}` → `x` for wrapper commands, innermost-safe because each pass rescans. */
function unwrapCommands(text: string): string {
  const pattern = new RegExp(String.raw`\\(?:${UNWRAPPED_COMMANDS.join('|')})(?![a-zA-Z])\s*`, 'g');
  let out = text;
  for (let match = pattern.exec(out); match !== null; match = pattern.exec(out)) {
    const openAt = match.index + match[0].length;
    const group = readBraced(out, openAt);
    const inner = group === null ? '' : group.content;
    const end = group === null ? openAt : group.end;
    out = out.slice(0, match.index) + inner + out.slice(end);
    pattern.lastIndex = match.index;
  }
  return out;
}

/** One `\frac` argument: a braced group or a single character (`\frac12`). */
function readFracArg(text: string, at: number): { content: string; end: number } | null {
  let i = at;
  while (text[i] === ' ') i++;
  if (text[i] === '{') return readBraced(text, i);
  const ch = text[i];
  return ch === undefined || ch === '\\' ? null : { content: ch, end: i + 1 };
}

function fracPart(arg: string): string {
  const inner = convertFractions(arg).trim();
  return /^[-−]?[\d.]+$|^[\p{L}]$/u.test(inner) ? inner : `(${inner})`;
}

export function convertFractions(text: string): string {
  let out = text.replace(/\\[dt]frac(?![a-zA-Z])/g, '\\frac');
  for (let at = out.indexOf('\\frac'); at !== -1; at = out.indexOf('\\frac', at + 1)) {
    const numerator = readFracArg(out, at + 5);
    const denominator = numerator === null ? null : readFracArg(out, numerator.end);
    if (numerator === null || denominator === null) continue;
    const mixed = /\d\s*$/.test(out.slice(0, at)) ? ' ' : '';
    const replacement = `${mixed}${fracPart(numerator.content)}/${fracPart(denominator.content)}`;
    out = out.slice(0, at).trimEnd() + replacement + out.slice(denominator.end);
  }
  return out;
}

function stripMathDelimiters(text: string): string {
  const match =
    /^\$\$([\s\S]*)\$\$$/.exec(text) ??
    /^\\\[([\s\S]*)\\\]$/.exec(text) ??
    /^\\\(([\s\S]*)\\\)$/.exec(text) ??
    /^\$((?:[^$\\]|\\.)*)\$$/.exec(text);
  return match?.[1] === undefined ? text : match[1].trim();
}

/** Keeps what follows the last `=` (`x = 5`, `3 \times 6 = 18`), but not `<=`, `>=`, `!=`, `==`. */
function afterLastEquals(text: string): string {
  const parts = text.split(/(?<![<>!=])=(?!=)/);
  const last = parts[parts.length - 1]?.trim() ?? '';
  return parts.length > 1 && last !== '' ? last : text;
}

const LEADING_PHRASE =
  /^(?:so,?\s+|therefore,?\s+|thus,?\s+)?(?:the\s+)?(?:final\s+)?answer\s*(?:is|:)?\s*:?\s*/i;
const LEADING_HEDGE = /^(?:\\approx|≈|~|approximately|approx\.|about|around|roughly|exactly)\s*/i;

export function normalizeAnswerText(raw: string): string {
  let text = raw.trim().replace(/^[*_`]+|[*_`]+$/g, '').trim();
  text = stripMathDelimiters(text);
  text = unwrapCommands(text);
  text = convertFractions(text)
    .replace(/\\(?:left|right)(?![a-zA-Z])/g, '')
    .replace(/\{,\}/g, ',')
    .replace(/\\([%$])/g, '$1')
    .replace(/\\[,!;:]/g, '')
    .replace(/\\ |~/g, ' ')
    .replace(/\^\s*\{?\s*\\circ\s*\}?|\\circ(?![a-zA-Z])|\\degree(?![a-zA-Z])|°/g, '')
    .replace(/(\d)\s*(?:\\times|\\cdot|×|\*)\s*10\s*\^\s*\{?\s*([-+]?\d+)\s*\}?/g, '$1e$2')
    .replace(/[\u2212\uFE63\uFF0D]/g, '-')
    .replace(/[\u00A0\u2007\u2009\u202F]/g, ' ');
  for (let pass = 0; pass < 2; pass++) {
    text = text.trim().replace(LEADING_PHRASE, '').replace(LEADING_HEDGE, '');
  }
  text = afterLastEquals(text).replace(LEADING_HEDGE, '');
  text = text.replace(/\s+/g, ' ').trim();
  const braced = /^\{(.*)\}$/.exec(text);
  if (braced?.[1] !== undefined && readBraced(text, 0)?.end === text.length) text = braced[1].trim();
  return text.replace(/[.,;:!?。]+$/u, '').trim();
}
