import { isJsonObject, minifyJson, parseJsonText } from './json-text.ts';

/**
 * How a Qwen3-Coder `<parameter=KEY>` value (always text in the XML) becomes a JSON value.
 *
 * - The parameter's JSON-schema type is known (from the request's `tools`: `type`, a `type` list,
 *   or the `type`s of `anyOf`/`oneOf` members, as pydantic writes `Optional[int]`): the value is
 *   converted to the first allowed type it fits, tried in the order null (`null`), boolean
 *   (`true`/`false`, any case, as vLLM lowercases), integer (a JSON integer literal), number,
 *   object, array; otherwise it stays a string. A value that fits none of its types stays a
 *   string, as in vLLM: the tool's own validation is the one to reject it.
 * - The type is unknown (no tools given, unknown function or parameter, no `type` in the schema):
 *   the value is a JSON number, boolean, null, object or array when the whole value parses as
 *   one, and a string otherwise (so `42` is a number, `"42"` with quotes a string, `Paris` a string).
 *
 * Converted values keep the model's literal text (minified), so big integers stay exact.
 */

/** What the parser needs to know about the request's tools: name → parameter → allowed types. */
export type ParameterTypeTable = ReadonlyMap<string, ReadonlyMap<string, readonly string[]>>;

/** A tool definition as a request carries it: `{ type: 'function', function: { name, parameters } }`. */
export type ToolSpec = { readonly type?: unknown; readonly function?: unknown };

function schemaTypes(schema: unknown): string[] {
  if (!isJsonObject(schema)) return [];
  const types: string[] = [];
  if (typeof schema.type === 'string') types.push(schema.type);
  if (Array.isArray(schema.type)) types.push(...schema.type.filter((t): t is string => typeof t === 'string'));
  for (const union of [schema.anyOf, schema.oneOf]) {
    if (!Array.isArray(union)) continue;
    for (const member of union) types.push(...schemaTypes(member));
  }
  return types;
}

/**
 * Reads the parameter types of every function tool; malformed definitions are skipped (the
 * request validation is not this module's job, and a missing type only means "guess from JSON").
 *
 * @example buildParameterTypeTable([{ type: 'function', function: { name: 'f',
 *   parameters: { properties: { n: { type: 'integer' } } } } }]).get('f')?.get('n') // → ['integer']
 */
export function buildParameterTypeTable(tools: readonly ToolSpec[]): ParameterTypeTable {
  const table = new Map<string, Map<string, readonly string[]>>();
  for (const tool of tools) {
    const fn = tool.function;
    if (!isJsonObject(fn) || typeof fn.name !== 'string') continue;
    const parameters = new Map<string, readonly string[]>();
    const properties = isJsonObject(fn.parameters) ? fn.parameters.properties : undefined;
    if (isJsonObject(properties)) {
      for (const [key, schema] of Object.entries(properties)) {
        const types = schemaTypes(schema);
        if (types.length > 0) parameters.set(key, types);
      }
    }
    table.set(fn.name, parameters);
  }
  return table;
}

const INTEGER_LITERAL = /^-?(?:0|[1-9]\d*)$/;
const TYPE_ORDER = ['null', 'boolean', 'integer', 'number', 'object', 'array'] as const;
type ConvertibleType = (typeof TYPE_ORDER)[number];

function convertTo(type: ConvertibleType, trimmed: string, parsed: unknown): string | null {
  switch (type) {
    case 'null':
      return trimmed === 'null' ? 'null' : null;
    case 'boolean':
      return /^(?:true|false)$/i.test(trimmed) ? trimmed.toLowerCase() : null;
    case 'integer':
      return INTEGER_LITERAL.test(trimmed) ? trimmed : null;
    case 'number':
      return typeof parsed === 'number' ? trimmed : null;
    case 'object':
      return isJsonObject(parsed) ? minifyJson(trimmed) : null;
    case 'array':
      return Array.isArray(parsed) ? minifyJson(trimmed) : null;
  }
}

/**
 * The JSON text of one parameter value; `types` null means the schema type is unknown.
 *
 * @example convertParameterValue('3', ['integer']) // → '3'
 * @example convertParameterValue('3', ['string']) // → '"3"'
 * @example convertParameterValue('Paris', null) // → '"Paris"'
 */
export function convertParameterValue(value: string, types: readonly string[] | null): string {
  const trimmed = value.trim();
  const parsed = parseJsonText(trimmed);
  const parsedValue = parsed.ok ? parsed.value : undefined;
  if (types === null) {
    return parsed.ok && typeof parsedValue !== 'string' ? minifyJson(trimmed) : JSON.stringify(value);
  }
  for (const type of TYPE_ORDER) {
    if (!types.includes(type)) continue;
    const converted = convertTo(type, trimmed, parsedValue);
    if (converted !== null) return converted;
  }
  return JSON.stringify(value);
}
