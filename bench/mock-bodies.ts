/**
 * Pre-serialized vLLM-shaped answers for the bench mock engine. Everything is built once at start
 * so the mock only copies bytes per request and is never the bottleneck on a 2-core box. Shapes
 * follow vLLM >= 0.10.2 with `return_token_ids: true` and `logprobs: true, top_logprobs: 0`.
 */

/** Prompt and completion lengths of one body profile (S, M: bench/README.md). */
export type BodySize = { promptTokens: number; completionTokens: number };

export const BODY_SIZES = {
  S: { promptTokens: 2048, completionTokens: 256 },
  M: { promptTokens: 8192, completionTokens: 1024 },
} as const satisfies Record<string, BodySize>;

export type BodySizeName = keyof typeof BODY_SIZES;

/** One profile's bytes: the unary body, and the SSE stream as separate frames. */
export type MockBodies = {
  unary: Buffer;
  /** First frame (role delta + prompt_token_ids), sent alone as vLLM does after prefill. */
  firstFrame: Buffer;
  /** One frame per token, then the finish frame, the usage frame and `data: [DONE]`. */
  restFrames: Buffer[];
  /** `restFrames` concatenated, for unpaced streams. */
  rest: Buffer;
};

const WORDS = [' the', ' to', 'ing', ' a', ' of', 'ed', ' in', 'er', ' is', ' and', ' model', ' value'];

/** Small deterministic PRNG (mulberry32) so every run serves the same bytes. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Token ids skewed towards small values, as frequent tokens are in real vocabularies (~150k). */
const zipfId = (random: () => number): number => Math.floor(random() ** 3 * 150_000);

type Token = { id: number; text: string; logprob: number };

function makeTokens(count: number, random: () => number): Token[] {
  const tokens: Token[] = [];
  for (let i = 0; i < count; i++) {
    const word = WORDS[Math.floor(random() * WORDS.length)] ?? ' the';
    // Full-precision doubles, as Python's float repr prints vLLM's logprobs.
    tokens.push({ id: zipfId(random), text: word, logprob: Math.log(random() * 0.999 + 0.001) });
  }
  return tokens;
}

const logprobEntry = (token: Token) => ({
  token: token.text,
  logprob: token.logprob,
  bytes: [...Buffer.from(token.text, 'utf8')],
  top_logprobs: [],
});

const frame = (payload: unknown): Buffer => Buffer.from(`data: ${JSON.stringify(payload)}\n\n`, 'utf8');

/** Builds the unary body and SSE frames of one profile. */
export function buildMockBodies(size: BodySize, seed = 7): MockBodies {
  const random = prng(seed);
  const promptIds = Array.from({ length: size.promptTokens }, () => zipfId(random));
  const tokens = makeTokens(size.completionTokens, random);
  const id = 'chatcmpl-bench0000000000000000000000';
  const head = { id, created: 1_750_000_000, model: 'mock-model' };
  const usage = {
    prompt_tokens: size.promptTokens,
    total_tokens: size.promptTokens + size.completionTokens,
    completion_tokens: size.completionTokens,
    prompt_tokens_details: null,
  };
  const unary = {
    id,
    object: 'chat.completion',
    created: head.created,
    model: head.model,
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: tokens.map((t) => t.text).join(''), refusal: null, annotations: null, audio: null, function_call: null, tool_calls: [], reasoning_content: null },
        logprobs: { content: tokens.map(logprobEntry) },
        finish_reason: 'length',
        stop_reason: null,
        token_ids: tokens.map((t) => t.id),
      },
    ],
    service_tier: null,
    system_fingerprint: null,
    usage,
    prompt_logprobs: null,
    prompt_token_ids: promptIds,
    kv_transfer_params: null,
  };
  const chunk = { ...head, object: 'chat.completion.chunk' };
  const firstFrame = frame({
    ...chunk,
    choices: [{ index: 0, delta: { role: 'assistant', content: '' }, logprobs: null, finish_reason: null }],
    prompt_token_ids: promptIds,
  });
  const restFrames = tokens.map((token) =>
    frame({
      ...chunk,
      choices: [{ index: 0, delta: { content: token.text }, logprobs: { content: [logprobEntry(token)] }, finish_reason: null, token_ids: [token.id] }],
    }),
  );
  restFrames.push(frame({ ...chunk, choices: [{ index: 0, delta: { content: '' }, logprobs: null, finish_reason: 'length', stop_reason: null, token_ids: [] }] }));
  restFrames.push(frame({ ...chunk, choices: [], usage }));
  restFrames.push(Buffer.from('data: [DONE]\n\n', 'utf8'));
  return { unary: Buffer.from(JSON.stringify(unary), 'utf8'), firstFrame, restFrames, rest: Buffer.concat(restFrames) };
}
