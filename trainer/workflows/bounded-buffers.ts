/**
 * Byte-bounded capture of a child's output streams. A runaway agent can print gigabytes; the
 * trainer keeps thousands of rollouts in flight, so each keeps at most a fixed amount in memory:
 * the head of stdout (the answer must fit; more is an error) and the tail of stderr (the last
 * lines before a crash are the useful ones).
 */

/** Keeps the first `maxBytes`; reports overflow instead of growing. */
export class HeadBuffer {
  readonly #chunks: Buffer[] = [];
  #size = 0;
  #overflowed = false;
  readonly maxBytes: number;

  constructor(maxBytes: number) {
    this.maxBytes = maxBytes;
  }

  /** Appends `chunk`; returns false once the limit is passed (the chunk is then dropped). */
  push(chunk: Buffer): boolean {
    if (this.#overflowed) return false;
    if (this.#size + chunk.length > this.maxBytes) {
      this.#overflowed = true;
      this.#chunks.length = 0;
      return false;
    }
    this.#chunks.push(chunk);
    this.#size += chunk.length;
    return true;
  }

  get overflowed(): boolean {
    return this.#overflowed;
  }

  text(): string {
    return Buffer.concat(this.#chunks, this.#size).toString('utf8');
  }
}

/** Keeps the last `maxBytes`, dropping whole old chunks first and trimming the oldest kept one. */
export class TailBuffer {
  readonly #chunks: Buffer[] = [];
  #size = 0;
  #droppedBytes = 0;
  readonly maxBytes: number;

  constructor(maxBytes: number) {
    this.maxBytes = maxBytes;
  }

  push(chunk: Buffer): void {
    this.#chunks.push(chunk);
    this.#size += chunk.length;
    let oldest = this.#chunks[0];
    while (oldest !== undefined && this.#size - oldest.length >= this.maxBytes) {
      this.#chunks.shift();
      this.#size -= oldest.length;
      this.#droppedBytes += oldest.length;
      oldest = this.#chunks[0];
    }
  }

  /** The kept tail as text, marked when something was dropped before it. */
  text(): string {
    const all = Buffer.concat(this.#chunks, this.#size);
    const excess = Math.max(0, all.length - this.maxBytes);
    const dropped = this.#droppedBytes + excess;
    const tail = all.subarray(excess).toString('utf8');
    return dropped === 0 ? tail : `[… ${dropped} earlier bytes dropped]\n${tail}`;
  }
}
