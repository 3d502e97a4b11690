import { z } from 'zod';

type JsonSchema = {
  type?: string | string[];
  description?: string;
  default?: unknown;
  enum?: unknown[];
  const?: unknown;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  additionalProperties?: JsonSchema | boolean;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  format?: string;
  minimum?: number;
  maximum?: number;
};

export type ConfigRow = { path: string; type: string; default: string; description: string };

function typeOf(schema: JsonSchema): string {
  if (schema.const !== undefined) return JSON.stringify(schema.const);
  if (schema.enum !== undefined) return schema.enum.map((v) => JSON.stringify(v)).join(' \\| ');
  const variants = schema.anyOf ?? schema.oneOf;
  if (variants !== undefined) return variants.map(typeOf).filter((t, i, all) => all.indexOf(t) === i).join(' \\| ');
  if (schema.type === 'array') return `${schema.items === undefined ? 'any' : typeOf(schema.items)}[]`;
  if (schema.type === 'object' && schema.additionalProperties !== undefined && typeof schema.additionalProperties === 'object' && schema.properties === undefined) {
    return `map of ${typeOf(schema.additionalProperties)}`;
  }
  const base = Array.isArray(schema.type) ? schema.type.join(' \\| ') : (schema.type ?? 'any');
  return schema.format === undefined ? base : `${base} (${schema.format})`;
}

const show = (value: unknown): string => (value === undefined ? '' : `\`${JSON.stringify(value)}\``);

function walk(schema: JsonSchema, path: string, rows: ConfigRow[], required: boolean): void {
  const variants = schema.oneOf ?? schema.anyOf;
  const objects = variants?.filter((v) => v.properties !== undefined) ?? [];
  if (schema.properties === undefined && objects.length > 1) {
    rows.push({ path, type: 'one of the forms below', default: show(schema.default), description: schema.description ?? '' });
    for (const variant of objects) {
      const tag = Object.entries(variant.properties ?? {}).find(([, p]) => p.const !== undefined);
      const label = tag === undefined ? path : `${path} (${tag[0]}: ${JSON.stringify(tag[1].const)})`;
      walk({ ...variant, description: variant.description ?? '' }, label, rows, true);
    }
    return;
  }
  if (schema.properties !== undefined) {
    if (path !== '') rows.push({ path, type: 'section', default: '', description: schema.description ?? '' });
    for (const [key, child] of Object.entries(schema.properties)) {
      walk(child, path === '' ? key : `${path}.${key}`, rows, schema.required?.includes(key) === true);
    }
    return;
  }
  const description = [schema.description ?? '', required && schema.default === undefined ? '(required)' : ''].filter(Boolean).join(' ');
  rows.push({ path, type: typeOf(schema), default: show(schema.default), description });
}

/** One row per configuration key, from a zod schema's JSON Schema (input side, with defaults). */
export function configRows(schema: z.ZodType): ConfigRow[] {
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  const rows: ConfigRow[] = [];
  walk(json, '', rows, true);
  return rows;
}

export function renderConfigTable(rows: readonly ConfigRow[]): string {
  const escape = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  return ['| key | type | default | meaning |', '|---|---|---|---|', ...rows.map((r) => `| \`${r.path}\` | ${r.type} | ${r.default} | ${escape(r.description)} |`)].join('\n');
}
