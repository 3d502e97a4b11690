/**
 * Reasoning split, like vLLM's `--reasoning-parser qwen3`: when the output contains a `<think>`
 * token, the text between it and `</think>` is `reasoning` and the rest is `content` (null when
 * empty). The tags are single added tokens here, so the split works per token and a stream and the
 * non-streamed response always agree. `token_ids` keep the tag ids either way.
 */
import { THINK_END_ID, THINK_START_ID } from './tokenizer.ts';

export type TokenRegion = 'content' | 'reasoning' | 'tag';

/** The region of each token, or null when the output has no `<think>` (no reasoning parsing). */
export function tokenRegions(ids: readonly number[]): TokenRegion[] | null {
  if (!ids.includes(THINK_START_ID)) return null;
  const regions: TokenRegion[] = [];
  let state: 'before' | 'inside' | 'after' = 'before';
  for (const id of ids) {
    if (state === 'before' && id === THINK_START_ID) {
      regions.push('tag');
      state = 'inside';
    } else if (state === 'inside' && id === THINK_END_ID) {
      regions.push('tag');
      state = 'after';
    } else {
      regions.push(state === 'inside' ? 'reasoning' : 'content');
    }
  }
  return regions;
}

export interface ReasoningSplit {
  reasoning: string | null;
  /** The text the tool parser and `message.content` work from. */
  content: string;
  /** Whether reasoning parsing applied (then an empty content is reported as null). */
  isSplit: boolean;
}

/** Splits a finished output, given its per-token text deltas. */
export function splitReasoning(ids: readonly number[], textDeltas: readonly string[]): ReasoningSplit {
  const regions = tokenRegions(ids);
  if (regions === null) return { reasoning: null, content: textDeltas.join(''), isSplit: false };
  let reasoning = '';
  let content = '';
  regions.forEach((region, i) => {
    if (region === 'reasoning') reasoning += textDeltas[i] ?? '';
    else if (region === 'content') content += textDeltas[i] ?? '';
  });
  return { reasoning, content, isSplit: true };
}
