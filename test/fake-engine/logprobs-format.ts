/**
 * Logprob payloads in vLLM's two shapes, for a run of generated tokens.
 *
 * Chat (`_create_chat_logprobs`): one `{token, logprob, bytes, top_logprobs}` per id. `token` is the
 * id decoded alone (or "token_id:N"), `bytes` the UTF-8 of the *decoded* string — also with
 * `return_tokens_as_token_ids`, while the top entries then carry the bytes of "token_id:N", a quirk
 * kept on purpose. The engine's per-step dict is the sampled token followed by the top
 * alternatives; `top_logprobs: N` shows its first N entries (0 → an empty list).
 *
 * Completions (`_create_completion_logprobs`): `{text_offset, token_logprobs, tokens,
 * top_logprobs}`; `logprobs: k` shows k + 1 entries of the dict, keyed by token string (ids that
 * decode alike collapse, as in Python), hence a `Map` to keep Python's key order on the wire.
 */
import type { TokenLogprob } from './generator.ts';
import type { FakeTokenizer } from './tokenizer.ts';

export interface ChatTopLogprob {
  token: string;
  logprob: number;
  bytes: number[];
}

export interface ChatLogprobEntry extends ChatTopLogprob {
  top_logprobs: ChatTopLogprob[];
}

export interface CompletionLogprobs {
  text_offset: number[];
  token_logprobs: number[];
  tokens: string[];
  top_logprobs: Array<Map<string, number>>;
}

/** The generated run a payload is built for: a whole choice or one stream step of it. */
export interface LogprobRun {
  ids: readonly number[];
  logprobs: readonly number[];
  alternatives: ReadonlyArray<readonly TokenLogprob[]>;
}

const encoder = new TextEncoder();
const utf8 = (text: string): number[] => Array.from(encoder.encode(text));

function tokenString(tokenizer: FakeTokenizer, id: number, asTokenIds: boolean): string {
  return asTokenIds ? `token_id:${id}` : tokenizer.decodeToken(id);
}

/** Python `len()` of a string: code points, not UTF-16 units. */
function pyLength(text: string): number {
  let length = 0;
  for (const _ of text) length += 1;
  return length;
}

function stepDict(run: LogprobRun, i: number): TokenLogprob[] {
  return [{ id: run.ids[i] ?? 0, logprob: run.logprobs[i] ?? 0 }, ...(run.alternatives[i] ?? [])];
}

export function chatLogprobEntries(
  tokenizer: FakeTokenizer,
  run: LogprobRun,
  topLogprobs: number,
  asTokenIds: boolean,
): ChatLogprobEntry[] {
  return run.ids.map((id, i) => {
    const top = stepDict(run, i)
      .slice(0, topLogprobs)
      .map((entry) => {
        const token = tokenString(tokenizer, entry.id, asTokenIds);
        return { token, logprob: entry.logprob, bytes: utf8(token) };
      });
    return {
      token: tokenString(tokenizer, id, asTokenIds),
      logprob: run.logprobs[i] ?? 0,
      bytes: utf8(tokenizer.decodeToken(id)),
      top_logprobs: top,
    };
  });
}

export function completionLogprobs(
  tokenizer: FakeTokenizer,
  run: LogprobRun,
  logprobs: number,
  asTokenIds: boolean,
  initialTextOffset: number,
): CompletionLogprobs {
  const out: CompletionLogprobs = { text_offset: [], token_logprobs: [], tokens: [], top_logprobs: [] };
  let lastTokenLength = 0;
  run.ids.forEach((id, i) => {
    const token = tokenString(tokenizer, id, asTokenIds);
    out.tokens.push(token);
    out.token_logprobs.push(run.logprobs[i] ?? 0);
    const top = new Map<string, number>();
    for (const entry of stepDict(run, i).slice(0, logprobs + 1)) {
      top.set(tokenString(tokenizer, entry.id, asTokenIds), entry.logprob);
    }
    out.top_logprobs.push(top);
    const previous = out.text_offset.at(-1);
    out.text_offset.push(previous === undefined ? initialTextOffset : previous + lastTokenLength);
    lastTokenLength = pyLength(token);
  });
  return out;
}
