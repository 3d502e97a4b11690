/**
 * Turns a chat request's `messages` and `tools` into what the chat template sees, doing the same
 * preprocessing as vLLM: text content parts are joined with "\n" (the "string" content format),
 * assistant `tool_calls[].function.arguments` strings are `json.loads`-ed into objects (invalid JSON
 * is a 400; empty arguments become `{}`; vllm/entrypoints/chat_utils.py `_postprocess_messages`),
 * an assistant's `reasoning` (or the older `reasoning_content`) is kept for the template, and each
 * tool is dumped as the full `{"type": "function", "function": {...}}` object with null
 * `description`/`parameters` spelled out, as pydantic's `model_dump()` does.
 */
import { badRequest } from './errors.ts';
import { parsePyJson, PyJsonDecodeError } from './py-json-parse.ts';
import type { PyJson } from './py-json.ts';

export interface TemplateToolCall {
  name: string;
  /** Parsed arguments (`PyJson`, or a plain object sent as such): rendered back with `tojson`. */
  arguments: unknown;
}

export interface TemplateMessage {
  role: string;
  content: string | null;
  reasoning: string | null;
  toolCalls: TemplateToolCall[];
}

/** A tool exactly as the template's `tool | tojson` prints it. */
export interface TemplateTool {
  type: 'function';
  function: { name: string; description: unknown; parameters: unknown; strict?: unknown };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function contentText(content: unknown, path: string): string | null {
  if (content === null || content === undefined) return null;
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) throw badRequest(`${path} must be a string or a list of parts`, path);
  return content
    .map((part: unknown, i) => {
      if (isRecord(part) && part['type'] === 'text' && typeof part['text'] === 'string') {
        return part['text'];
      }
      throw badRequest(`fake engine: only text content parts are supported (${path}[${i}])`, path);
    })
    .join('\n');
}

function parseArguments(raw: unknown): unknown {
  if (raw === null || raw === undefined || raw === '') return new Map<string, PyJson>();
  if (typeof raw !== 'string') return raw;
  try {
    return parsePyJson(raw);
  } catch (error) {
    // json.JSONDecodeError is a ValueError: vLLM answers 400 with the exception text.
    if (error instanceof PyJsonDecodeError) throw badRequest(error.message);
    throw error;
  }
}

function toolCallsOf(message: Record<string, unknown>, path: string): TemplateToolCall[] {
  const raw = message['tool_calls'];
  if (raw === null || raw === undefined) return [];
  if (!Array.isArray(raw)) throw badRequest(`${path}.tool_calls must be a list`, path);
  return raw.map((call: unknown, i) => {
    const fn = isRecord(call) ? call['function'] : undefined;
    if (!isRecord(fn) || typeof fn['name'] !== 'string') {
      throw badRequest(`${path}.tool_calls[${i}].function.name must be a string`, path);
    }
    return { name: fn['name'], arguments: parseArguments(fn['arguments']) };
  });
}

function reasoningOf(message: Record<string, unknown>): string | null {
  for (const key of ['reasoning', 'reasoning_content']) {
    const value = message[key];
    if (typeof value === 'string') return value;
  }
  return null;
}

export function normalizeMessages(raw: unknown): TemplateMessage[] {
  if (!Array.isArray(raw) || raw.length === 0) {
    throw badRequest('messages must be a non-empty list', 'messages');
  }
  return raw.map((message: unknown, i) => {
    const path = `messages[${i}]`;
    if (!isRecord(message) || typeof message['role'] !== 'string') {
      throw badRequest(`${path}.role must be a string`, 'messages');
    }
    const role = message['role'];
    return {
      role,
      content: contentText(message['content'], `${path}.content`),
      reasoning: role === 'assistant' ? reasoningOf(message) : null,
      toolCalls: role === 'assistant' ? toolCallsOf(message, path) : [],
    };
  });
}

export function normalizeTools(raw: unknown): TemplateTool[] | null {
  if (raw === null || raw === undefined) return null;
  if (!Array.isArray(raw)) throw badRequest('tools must be a list', 'tools');
  return raw.map((tool: unknown, i) => {
    const fn = isRecord(tool) ? tool['function'] : undefined;
    if (!isRecord(tool) || tool['type'] !== 'function' || !isRecord(fn) || typeof fn['name'] !== 'string') {
      throw badRequest(`tools[${i}] must be {"type": "function", "function": {"name": ...}}`, 'tools');
    }
    const rendered: TemplateTool = {
      type: 'function',
      function: { name: fn['name'], description: fn['description'] ?? null, parameters: fn['parameters'] ?? null },
    };
    // FunctionDefinition's serializer drops `strict` when it is None.
    if (fn['strict'] !== null && fn['strict'] !== undefined) rendered.function.strict = fn['strict'];
    return rendered;
  });
}
