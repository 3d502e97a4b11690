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

/**
 * Index just past the first blank line at or after `from` (the end of an event), or -1. Engines
 * send "\n\n"; "\r\n\r\n" is accepted too. Uses the native `indexOf` scan.
 */
function findEventEnd(buffer: Buffer, from: number): number {
  let at = buffer.indexOf(LF, from);
  while (at !== -1) {
    const next = buffer[at + 1];
    if (next === LF) return at + 2;
    if (next === 0x0d && buffer[at + 2] === LF) return at + 3;
    at = buffer.indexOf(LF, at + 1);
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
    const incoming = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    this.pending = this.pending.length === 0 ? incoming : Buffer.concat([this.pending, incoming]);
    const events: SseEvent[] = [];
    let start = 0;
    let end = findEventEnd(this.pending, this.scanFrom);
    while (end !== -1) {
      // Events are views into the chunk: the chunk is not reused by undici once yielded.
      const raw = this.pending.subarray(start, end);
      const parsed = parseEventText(raw.toString('utf8'));
      if (parsed !== null) events.push({ ...parsed, raw });
      start = end;
      end = findEventEnd(this.pending, start);
    }
    this.pending = start === 0 ? this.pending : Buffer.from(this.pending.subarray(start));
    this.scanFrom = Math.max(0, this.pending.length - 2);
    return events;
  }

  /** Bytes of an event that never completed (the stream ended mid-event). */
  get leftover(): number {
    return this.pending.length;
  }
}
