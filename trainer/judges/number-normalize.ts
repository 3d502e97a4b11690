/**
 * Parsing a normalized answer (see `latex-normalize.ts`) into a number.
 *
 * Rules:
 * - digits may be grouped by commas (`1,000`) or single spaces (`1 000`) in groups of three; a comma
 *   that does not group thousands (`1,5`) makes the answer non-numeric rather than guessing;
 * - decimals may omit the leading zero (`.5`) and carry trailing zeros (`18.50`);
 * - fractions `3/4`, mixed numbers `1 1/2`, and an exponent (`1.5e3`, from `1.5\times10^{3}`);
 * - an integer power right after the number (`2^{10}` → 1024, `10^3`, `2^{-1}`); a sign before it
 *   applies after the power, as in mathematics (`-2^{2}` → -4);
 * - a sign before or after a currency prefix (`-$5`, `$-5`); `(5)` is NOT read as negative;
 * - currency prefixes `$ € £ ¥ ₹ US$ USD EUR GBP Rs` are dropped;
 * - a percent sign is dropped without scaling (`25%` → 25): GSM8K-style references give
 *   percentages as the bare number, so `0.25` does not match a reference of `25`;
 * - trailing unit words are dropped (`18 apples`, `5 hours`, `3 cm^2`, `12 km/h`, `18 dollars`,
 *   `18/hour`), but
 *   trailing text with further digits or symbols (`18 - 3`, `5 and 6`) makes the answer non-numeric.
 */

const GROUPED = String.raw`\d{1,3}(?:,\d{3})+|\d{1,3}(?: \d{3})+`;
const MIXED = String.raw`\d+ \d+\/\d+`;
const PLAIN = String.raw`(?:${GROUPED}|\d+)(?:\.\d+)?|\.\d+`;

/**
 * One number inside free text, as used by the last-number fallback: optional sign, comma-grouped
 * or plain digits, decimals, `a/b`, `a b/c` and `a^b`. It never starts inside a word or another number
 * (`x2`, `v1.2`), and a `-` directly after a digit or letter is subtraction, not a sign (`16-3`).
 */
export const NUMBER_IN_TEXT_SOURCE = String.raw`(?<![\p{L}\d_.])(?:(?<![\p{L}\d])[-−])?(?:\d+ \d+\/\d+(?![\d\/])|(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:\/\d+|\^\{?[-+]?\d+\}?)?|\.\d+)(?!\d)`;

const CURRENCY_PREFIX = String.raw`US\$|USD|EUR|GBP|Rs\.?|[$€£¥₹]`;
const NUMERIC_ANSWER = new RegExp(
  String.raw`^(?<sign>[-+])?\s*(?:${CURRENCY_PREFIX})?\s*(?<sign2>[-+])?\s*` +
    String.raw`(?<num>${MIXED}|(?:${PLAIN})(?:\/(?:${PLAIN}))?)(?:\^\s*(?:\{\s*(?<braced>[-+]?\d+)\s*\}|(?<power>[-+]?\d+)))?` +
    String.raw`(?<exp>e[-+]?\d+)?(?<rest>.*)$`,
  'iu',
);

const UNIT_REST = /^[%$€£¥₹]?\s*(?:(?:\/\s*|per\s+)?\p{L}[\p{L}\p{M}\s.'’/·-]*)?$/u;

function isUnitSuffix(rest: string): boolean {
  const withoutPowers = rest.replace(/\^\s*\{?\s*\d+\s*\}?|[²³]/g, '').trim();
  return UNIT_REST.test(withoutPowers);
}

function parsePlain(text: string): number {
  return Number(text.replace(/[, ]/g, ''));
}

function parseMagnitude(num: string): number | null {
  const mixed = /^(\d+) (\d+)\/(\d+)$/.exec(num);
  if (mixed?.[1] !== undefined && mixed[2] !== undefined && mixed[3] !== undefined) {
    const denominator = Number(mixed[3]);
    return denominator === 0 ? null : Number(mixed[1]) + Number(mixed[2]) / denominator;
  }
  const slash = num.indexOf('/');
  if (slash === -1) return parsePlain(num);
  const denominator = parsePlain(num.slice(slash + 1));
  return denominator === 0 ? null : parsePlain(num.slice(0, slash)) / denominator;
}

/** The numeric value of a normalized answer, or null when it is not a single number. */
export function parseNumericAnswer(normalized: string): number | null {
  const match = NUMERIC_ANSWER.exec(normalized.trim());
  const groups = match?.groups;
  if (groups?.num === undefined) return null;
  if (groups.sign !== undefined && groups.sign2 !== undefined) return null;
  if (!isUnitSuffix(groups.rest ?? '')) return null;
  const base = parseMagnitude(groups.num);
  if (base === null) return null;
  const power = groups.braced ?? groups.power;
  // A power of a fraction is ambiguous as written (`3/2^2`): not a number.
  if (power !== undefined && groups.num.includes('/')) return null;
  const magnitude = power === undefined ? base : base ** Number(power);
  const exponent = groups.exp === undefined ? 0 : Number(groups.exp.slice(1));
  const sign = (groups.sign ?? groups.sign2) === '-' ? -1 : 1;
  const value = sign * magnitude * 10 ** exponent;
  return Number.isFinite(value) ? value : null;
}
