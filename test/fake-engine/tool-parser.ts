/**
 * vLLM's hermes tool parser (vllm/tool_parsers/hermes_tool_parser.py), used for Qwen2.5/Qwen3.
 *
 * Non-streaming: regex `<tool_call>(.*?)</tool_call>|<tool_call>(.*)` (dotall) over the generated
 * text; each body is `json.loads`-ed into `{"name", "arguments"}` and `arguments` re-serialised with
 * `json.dumps(..., ensure_ascii=False)`. `content` is the text before the first `<tool_call>`, null
 * when empty or blank. Any failure returns the whole text as content and no calls.
 *
 * Streaming: the current text is re-parsed at every step and diffed against what was sent; text that
 * might be the start of a `<tool_call>` tag is held back; a call's first delta carries
 * `{id, type, index, function: {name}}` once the name is complete, later ones
 * `{index, function: {arguments}}` with the model's raw argument text (not re-serialised).
 */
import { randomUUID } from 'node:crypto';

import { isCompletePyJson, parsePyJson } from './py-json-parse.ts';
import { pyJsonDumps } from './py-json.ts';

const START = '<tool_call>';
const END = '</tool_call>';
const CALL_RE = /<tool_call>([\s\S]*?)<\/tool_call>|<tool_call>([\s\S]*)/g;

export interface ParsedToolCall {
  id: string;
  name: string;
  /** `json.dumps(arguments, ensure_ascii=False)`. */
  arguments: string;
}

export interface HermesResult {
  toolsCalled: boolean;
  content: string | null;
  toolCalls: ParsedToolCall[];
}

/** vLLM's `make_tool_call_id()`: "chatcmpl-tool-" + a uuid4 in hex. */
export function makeToolCallId(): string {
  return `chatcmpl-tool-${randomUUID().replaceAll('-', '')}`;
}

function parseCall(body: string): { name: string; arguments: string } {
  const parsed = parsePyJson(body);
  if (!(parsed instanceof Map)) throw new TypeError('tool call body is not an object');
  const name = parsed.get('name');
  if (typeof name !== 'string') throw new TypeError('tool call name is not a string');
  if (!parsed.has('arguments')) throw new TypeError("tool call has no 'arguments'");
  return { name, arguments: pyJsonDumps(parsed.get('arguments')) };
}

export function parseHermes(text: string): HermesResult {
  if (!text.includes(START)) return { toolsCalled: false, content: text, toolCalls: [] };
  try {
    const calls = [...text.matchAll(CALL_RE)].map((match) => parseCall(match[1] || match[2] || ''));
    const before = text.slice(0, text.indexOf(START));
    return {
      toolsCalled: true,
      content: before.trim() === '' ? null : before,
      toolCalls: calls.map((call) => ({ id: makeToolCallId(), ...call })),
    };
  } catch {
    return { toolsCalled: false, content: text, toolCalls: [] };
  }
}

/** One entry of a streamed `delta.tool_calls`, with vLLM's field order. */
export interface DeltaToolCall {
  id?: string;
  type?: 'function';
  index: number;
  function: { name: string } | { arguments: string };
}

export interface HermesDelta {
  content: string | null;
  toolCalls: DeltaToolCall[];
}

/** Length of the longest suffix of `text` that is a proper prefix of `tag`. */
export function partialTagOverlap(text: string, tag: string): number {
  for (let k = Math.min(tag.length - 1, text.length); k > 0; k -= 1) {
    if (text.endsWith(tag.slice(0, k))) return k;
  }
  return 0;
}

/** Exactly the `arguments` value, by bracket matching; a partial value is returned as is. */
function extractArgs(json: string, isComplete: boolean): string | null {
  const match = /"arguments"\s*:\s*/.exec(json);
  if (match === null) return null;
  let raw = json.slice(match.index + match[0].length);
  if (raw === '' || !'{['.includes(raw[0] ?? '')) {
    if (isComplete) {
      raw = raw.trimEnd();
      if (raw.endsWith('}')) raw = raw.slice(0, -1).trimEnd();
    }
    return raw;
  }
  const open = raw[0];
  const close = open === '{' ? '}' : ']';
  let depth = 0;
  let inString = false;
  let escaped = false;
  for (let i = 0; i < raw.length; i += 1) {
    const c = raw[i];
    if (inString) {
      if (escaped) escaped = false;
      else if (c === '\\') escaped = true;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') inString = true;
    else if (c === open) depth += 1;
    else if (c === close && --depth === 0) return raw.slice(0, i + 1);
  }
  return raw;
}

/** Streaming state for one choice; `update` takes the whole text generated so far. */
export class HermesStreamParser {
  #sentContent = 0;
  readonly #names: Array<string | undefined> = [];
  readonly #sentArgs: string[] = [];

  update(current: string): HermesDelta | null {
    const content = this.#content(current);
    const toolCalls: DeltaToolCall[] = [];
    const regions = toolCallRegions(current);
    for (let i = 0; i < regions.length; i += 1) {
      const [json, isComplete] = regions[i] ?? ['', false];
      if (i >= this.#sentArgs.length) {
        this.#names.push(undefined);
        this.#sentArgs.push('');
      }
      if (this.#names[i] === undefined) {
        const name = /"name"\s*:\s*"([^"]+)"/.exec(json)?.[1];
        if (name === undefined) break; // call i+1 cannot start before call i has a name
        this.#names[i] = name;
        toolCalls.push({ id: makeToolCallId(), type: 'function', index: i, function: { name } });
      }
      const args = extractArgs(json, isComplete);
      const sent = this.#sentArgs[i] ?? '';
      if (args !== null && args.length > sent.length) {
        this.#sentArgs[i] = args;
        toolCalls.push({ index: i, function: { arguments: args.slice(sent.length) } });
      }
    }
    if ((content === null || content === '') && toolCalls.length === 0) return null;
    return { content, toolCalls };
  }

  #content(current: string): string | null {
    const sendable = current.includes(START)
      ? current.indexOf(START)
      : current.length - partialTagOverlap(current, START);
    if (sendable <= this.#sentContent) return null;
    const content = current.slice(this.#sentContent, sendable);
    this.#sentContent = sendable;
    return content;
  }
}

/** `(json_text, is_complete)` for each `<tool_call>` region of the text. */
function toolCallRegions(text: string): Array<[string, boolean]> {
  const regions: Array<[string, boolean]> = [];
  let pos = 0;
  for (;;) {
    const start = text.indexOf(START, pos);
    if (start === -1) return regions;
    const jsonStart = start + START.length;
    const jsonEnd = text.indexOf(END, jsonStart);
    if (jsonEnd !== -1) {
      regions.push([text.slice(jsonStart, jsonEnd).trim(), true]);
      pos = jsonEnd + END.length;
      continue;
    }
    let raw = text.slice(jsonStart);
    const overlap = partialTagOverlap(raw, END);
    if (overlap > 0) raw = raw.slice(0, -overlap);
    const json = raw.trim();
    regions.push([json, json !== '' && isCompletePyJson(json)]);
    return regions;
  }
}
