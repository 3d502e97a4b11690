/**
 * Concurrency-1 latency: one keep-alive connection, one request at a time, timed with
 * performance.now() from just before the request to the last body byte (and to the first body
 * byte, for streams' time to first byte). Used for the c=1 cells, where a sequential Node loop
 * is more precise than wrk's histogram.
 */
import { Client } from 'undici';

export type ProbeTarget = { name: string; url: string; apiKey: string | null };

export type ProbeResult = {
  /** Request start to last body byte, ms, one per measured request. */
  totals: number[];
  /** Request start to first body byte, ms. */
  firstBytes: number[];
  /** Requests answered 200 with a body, warm-up included. */
  acknowledged: number;
  failures: number;
  bodyBytes: number;
  /** Status and start of the body of the last failed request, for the progress line. */
  lastError: string;
};

/** A reusable probe: the connection stays open across rounds so each round starts warm. */
export class LatencyProbe {
  private readonly client: Client;
  private readonly headers: Record<string, string>;

  constructor(readonly target: ProbeTarget) {
    this.client = new Client(target.url, { pipelining: 1, keepAliveTimeout: 120_000, headersTimeout: 30_000, bodyTimeout: 30_000 });
    this.headers = { 'content-type': 'application/json' };
    if (target.apiKey !== null) this.headers.authorization = `Bearer ${target.apiKey}`;
  }

  /** Sends `warmup` unmeasured then `count` measured requests with `body`. */
  async run(body: Buffer, warmup: number, count: number): Promise<ProbeResult> {
    const result: ProbeResult = { totals: [], firstBytes: [], acknowledged: 0, failures: 0, bodyBytes: 0, lastError: '' };
    for (let i = 0; i < warmup + count; i++) {
      const started = performance.now();
      let firstByte = NaN;
      let bytes = 0;
      let head = '';
      const response = await this.client.request({ method: 'POST', path: '/v1/chat/completions', headers: this.headers, body });
      for await (const chunk of response.body) {
        if (bytes === 0) firstByte = performance.now();
        if (response.statusCode !== 200 && head.length < 300) head += (chunk as Buffer).toString('utf8');
        bytes += (chunk as Buffer).length;
      }
      const ended = performance.now();
      if (response.statusCode !== 200 || bytes === 0) {
        result.failures += 1;
        result.lastError = `${response.statusCode} ${head.slice(0, 300)}`;
        continue;
      }
      result.acknowledged += 1;
      result.bodyBytes = bytes;
      if (i < warmup) continue;
      result.totals.push(ended - started);
      result.firstBytes.push(firstByte - started);
    }
    return result;
  }

  close(): Promise<void> {
    return this.client.close();
  }
}
