import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { RollcallError } from '../../src/errors/rollcall-error.ts';
import { isRecord } from '../drivers/engine-json.ts';

/**
 * What a Hugging Face model folder holds for rendering prompts: `tokenizer.json` (the fast
 * tokenizer), `tokenizer_config.json` (special tokens and, usually, the chat template) and,
 * where transformers >= 4.50 saved it apart, `chat_template.jinja`. The separate file wins over
 * the config's key, as in transformers' `from_pretrained` ("clobbers any template in the config").
 * Everything is read synchronously, once, at start: a bad folder stops the proxy before it serves.
 */
export type ModelFolder = {
  dir: string;
  tokenizerJson: Record<string, unknown>;
  tokenizerConfig: Record<string, unknown>;
  /** The unnamed template, and named ones (`chat_template: [{name, template}]` in the config). */
  templates: { default: string | null; named: Readonly<Record<string, string>> };
  /** `bos_token`, `eos_token`, … as strings, the variables transformers hands every template. */
  specialTokens: Readonly<Record<string, string | string[]>>;
};

/** transformers' SPECIAL_TOKENS_ATTRIBUTES: the keys of `special_tokens_map`. */
const SPECIAL_TOKEN_KEYS = ['bos_token', 'eos_token', 'unk_token', 'sep_token', 'pad_token', 'cls_token', 'mask_token'] as const;

export const folderError = (dir: string, detail: string, cause?: unknown): RollcallError =>
  new RollcallError('RC_ERR_RENDER_TEMPLATE', { modelDir: dir, detail }, cause === undefined ? {} : { cause });

function readJsonObject(dir: string, name: string): Record<string, unknown> {
  const file = join(dir, name);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (cause) {
    const code = isRecord(cause) && typeof cause.code === 'string' ? cause.code : 'unreadable';
    throw folderError(dir, `cannot read ${file} (${code}); tokenizerPath must be a local model folder with tokenizer.json and tokenizer_config.json`, cause);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw folderError(dir, `${file} is not valid JSON (${cause instanceof Error ? cause.message : String(cause)})`, cause);
  }
  if (!isRecord(json)) throw folderError(dir, `${file} does not hold a JSON object`);
  return json;
}

/** A special token as the config writes it: a string, or an AddedToken object `{content, …}`. */
function tokenText(value: unknown): string | null {
  if (typeof value === 'string') return value;
  return isRecord(value) && typeof value.content === 'string' ? value.content : null;
}

function specialTokensOf(config: Record<string, unknown>): Record<string, string | string[]> {
  const tokens: Record<string, string | string[]> = {};
  for (const key of SPECIAL_TOKEN_KEYS) {
    const text = tokenText(config[key]);
    if (text !== null) tokens[key] = text;
  }
  const extra = config.additional_special_tokens;
  if (Array.isArray(extra)) tokens.additional_special_tokens = extra.map(tokenText).filter((t): t is string => t !== null);
  return tokens;
}

function templatesOf(dir: string, config: Record<string, unknown>): ModelFolder['templates'] {
  const separate = join(dir, 'chat_template.jinja');
  if (existsSync(separate)) return { default: readFileSync(separate, 'utf8'), named: {} };
  const source = config.chat_template;
  if (typeof source === 'string') return { default: source, named: {} };
  if (Array.isArray(source)) {
    const named: Record<string, string> = {};
    for (const entry of source) {
      if (isRecord(entry) && typeof entry.name === 'string' && typeof entry.template === 'string') named[entry.name] = entry.template;
    }
    return { default: named.default ?? null, named };
  }
  throw folderError(dir, `${join(dir, 'tokenizer_config.json')} has no chat_template, and there is no ${separate}`);
}

export function readModelFolder(modelDir: string): ModelFolder {
  const dir = resolve(modelDir);
  const tokenizerConfig = readJsonObject(dir, 'tokenizer_config.json');
  const tokenizerJson = readJsonObject(dir, 'tokenizer.json');
  return { dir, tokenizerJson, tokenizerConfig, templates: templatesOf(dir, tokenizerConfig), specialTokens: specialTokensOf(tokenizerConfig) };
}
