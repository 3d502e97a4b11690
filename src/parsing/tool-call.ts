import { getRandomValues } from 'node:crypto';
import type { WireChunkToolCallDelta, WireToolCall } from '../wire/openai-chat.ts';

/**
 * A parsed tool call — its shape, its id, its OpenAI wire forms — and the dialect contract of
 * rollcall's own tool-call parsers (token mode: the proxy, not the engine, turns completion text
 * into tool calls). A dialect is the tags that open and close a call block plus a function that
 * reads one block's body; block scanning, the content rules and the malformed policy are shared
 * (`tool-call-extraction.ts`, `streaming-tool-scanner.ts`).
 */

/** The tags that delimit one tool-call block, e.g. `<tool_call>` … `</tool_call>`. */
export type ToolBlockTag = { readonly open: string; readonly close: string };

/** One tool call read from a block. */
export type ParsedToolCall = {
  id: string;
  name: string;
  /** Compact JSON object text, what OpenAI clients get as `function.arguments`. */
  arguments: string;
  /** The exact text the model wrote for the arguments (see each dialect for what that covers). */
  rawArguments: string;
};

/** What a dialect makes of one block body: a call without its id, or why the block is malformed. */
export type ToolBlockResult =
  | { readonly ok: true; readonly name: string; readonly arguments: string; readonly rawArguments: string }
  | { readonly ok: false; readonly reason: string };

export type ToolCallDialect = {
  /** Block tags in matching priority; their opening tags must not be prefixes of each other. */
  readonly blocks: readonly ToolBlockTag[];
  /** Reads the text between `tag.open` and `tag.close`. */
  parseBlock(tag: ToolBlockTag, body: string): ToolBlockResult;
};

/** The result of parsing a text for tool calls. */
export type ToolParseResult = {
  /** Text outside the call blocks (whitespace-only pieces dropped), or null when none is left. */
  content: string | null;
  toolCalls: ParsedToolCall[];
  /** Set when a block was malformed: then `content` is the whole text and `toolCalls` is empty. */
  malformed: { reason: string } | null;
};

/** Makes the id of a new tool call; injectable so that tests are deterministic. */
export type ToolCallIdFactory = () => string;

// Ids in OpenAI's shape: `call_` + 24 base62 characters (about 143 bits), so a client never sees
// two calls with one id within a rollout.
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const ID_LENGTH = 24;
// Bytes at or above 248 (= 4 × 62) are rejected so that every character is equally likely.
const UNBIASED_LIMIT = 248;

/**
 * A fresh random tool-call id.
 *
 * @example createToolCallId() // → 'call_3fK9x0QmZ2vR7bT1yL5wN8cD'
 */
export function createToolCallId(): string {
  let id = 'call_';
  const bytes = new Uint8Array(ID_LENGTH * 2);
  while (id.length < 5 + ID_LENGTH) {
    getRandomValues(bytes);
    for (const byte of bytes) {
      if (byte >= UNBIASED_LIMIT) continue;
      id += BASE62[byte % 62];
      if (id.length === 5 + ID_LENGTH) break;
    }
  }
  return id;
}

/**
 * A deterministic id factory for tests and replays: `call_0`, `call_1`, …
 *
 * @example const next = sequentialToolCallIds('t'); next(); next() // → 't0', then 't1'
 */
export function sequentialToolCallIds(prefix = 'call_'): () => string {
  let next = 0;
  return () => `${prefix}${next++}`;
}

/**
 * The OpenAI form of a parsed call.
 *
 * @example toWireToolCall({ id: 'call_1', name: 'f', arguments: '{}', rawArguments: '{}' })
 * // → { id: 'call_1', type: 'function', function: { name: 'f', arguments: '{}' } }
 */
export function toWireToolCall(call: ParsedToolCall): WireToolCall {
  return { id: call.id, type: 'function', function: { name: call.name, arguments: call.arguments } };
}

/**
 * The single streaming delta that carries a whole call (rollcall sends each call complete).
 *
 * @example toWireToolCallDelta({ index: 0, id: 'call_1', name: 'f', arguments: '{}', rawArguments: '{}' })
 * // → { index: 0, id: 'call_1', type: 'function', function: { name: 'f', arguments: '{}' } }
 */
export function toWireToolCallDelta(call: ParsedToolCall & { index: number }): WireChunkToolCallDelta {
  return {
    index: call.index,
    id: call.id,
    type: 'function',
    function: { name: call.name, arguments: call.arguments },
  };
}
