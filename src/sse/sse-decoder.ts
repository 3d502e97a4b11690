/**
 * Incremental Server-Sent Events decoder. Works on bytes, so a UTF-8 character split across
 * network chunks is only decoded once its event is complete. Yields each event with its exact
 * raw bytes, so a proxy can forward complete events untouched and never a torn one.
 */
export type SseEvent = {
  /** The `event:` field, or null when absent (vLLM sends none; SGLang may send `sglext_ids`). */
  event: string | null;
  /** The `data:` lines joined with "\n". */
  data: string;
  /** The event's bytes as received, blank-line terminator included. */
  raw: Buffer;
};

const LF = 0x0a;
const CR = 0x0d;

/** Index just past the first blank line (the end of an event), or -1. */
function findEventEnd(buffer: Buffer, from: number): number {
  for (let i = Math.max(from, 1); i < buffer.length; i++) {
    if (buffer[i] !== LF) continue;
    if (buffer[i - 1] === LF) return i + 1;
    if (buffer[i - 1] === CR && i >= 3 && buffer[i - 2] === LF && buffer[i - 3] === CR) return i + 1;
    if (buffer[i - 1] === CR && i >= 2 && buffer[i - 2] === LF) return i + 1;
  }
  return -1;
}

export function parseEventText(text: string): { event: string | null; data: string } | null {
  let event: string | null = null;
  const data: string[] = [];
  for (const rawLine of text.split('\n')) {
    const line = rawLine.endsWith('\r') ? rawLine.slice(0, -1) : rawLine;
    if (line === '' || line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') data.push(value);
    else if (field === 'event') event = value;
  }
  if (data.length === 0 && event === null) return null;
  return { event, data: data.join('\n') };
}

export class SseDecoder {
  private pending: Buffer = Buffer.alloc(0);
  private scanFrom = 0;

  /** Feeds bytes; returns the events completed by them, in order. */
  push(chunk: Uint8Array): SseEvent[] {
    this.pending = this.pending.length === 0 ? Buffer.from(chunk) : Buffer.concat([this.pending, chunk]);
    const events: SseEvent[] = [];
    let start = 0;
    let end = findEventEnd(this.pending, this.scanFrom);
    while (end !== -1) {
      const raw = this.pending.subarray(start, end);
      const parsed = parseEventText(raw.toString('utf8'));
      if (parsed !== null) events.push({ ...parsed, raw: Buffer.from(raw) });
      start = end;
      end = findEventEnd(this.pending, start + 1);
    }
    this.pending = start === 0 ? this.pending : Buffer.from(this.pending.subarray(start));
    this.scanFrom = Math.max(0, this.pending.length - 3);
    return events;
  }

  /** Bytes of an event that never completed (the stream ended mid-event). */
  get leftover(): number {
    return this.pending.length;
  }
}
