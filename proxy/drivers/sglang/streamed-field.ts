/**
 * SGLang streams `/generate` in one of two shapes, chosen by a server flag the request cannot see
 * (`_handle_batch_output` in `python/sglang/srt/managers/tokenizer_manager.py`):
 *
 * - cumulative (default): every event repeats the whole `output_ids`, `text` and
 *   `meta_info.output_token_logprobs` so far;
 * - incremental (`--incremental-streaming-output`, 2026): every event holds only what is new.
 *   Its 2025 predecessor `--stream-output` made only `output_ids` incremental: text and logprobs
 *   stayed cumulative.
 *
 * So each field is read on its own. `meta_info.completion_tokens` is cumulative in every shape
 * and decides: a list as long as the total is cumulative, one that brings the running length to
 * the total is incremental. Both readings agree on a sequence's first event. Where the count
 * cannot decide (a build whose `output_ids` leaves out the final EOS), a list that extends what
 * was seen is read as cumulative. A driver option can force the shape instead.
 */
export type StreamShape = 'cumulative' | 'incremental';

const extendsList = <T>(items: readonly T[], seen: readonly T[], same: (a: T, b: T) => boolean): boolean =>
  items.length >= seen.length && seen.every((value, i) => same(value, items[i] as T));

export class StreamedList<T> {
  private items: T[] = [];
  private decided: StreamShape | null;

  constructor(forced: StreamShape | null, private readonly same: (a: T, b: T) => boolean) {
    this.decided = forced;
  }

  get all(): T[] {
    return this.items;
  }

  get shape(): StreamShape | null {
    return this.decided;
  }

  /** Feeds one event's list and returns the items new in it; `total` is `completion_tokens`. */
  push(items: readonly T[], total: number | null): T[] {
    const shape = this.decided ?? this.decide(items, total);
    if (shape === 'cumulative') {
      const fresh = extendsList(items, this.items, this.same) ? items.slice(this.items.length) : [];
      this.items = items.slice();
      this.decided = shape;
      return fresh;
    }
    if (shape !== null) this.decided = shape;
    this.items.push(...items);
    return items.slice();
  }

  private decide(items: readonly T[], total: number | null): StreamShape | null {
    if (this.items.length === 0) return null;
    if (total !== null) {
      const cumulative = items.length === total;
      const incremental = this.items.length + items.length === total;
      if (cumulative !== incremental) return cumulative ? 'cumulative' : 'incremental';
    }
    return extendsList(items, this.items, this.same) ? 'cumulative' : 'incremental';
  }
}

/** Streamed text follows the shape its logprobs (or ids) were found to have. */
export class StreamedText {
  private text = '';

  get all(): string {
    return this.text;
  }

  push(text: string, shape: StreamShape | null): string {
    const cumulative = shape === 'cumulative' || (shape === null && this.text !== '' && text.startsWith(this.text));
    if (!cumulative) {
      this.text += text;
      return text;
    }
    const fresh = text.startsWith(this.text) ? text.slice(this.text.length) : '';
    this.text = text;
    return fresh;
  }
}
