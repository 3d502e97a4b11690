import type { StoredCall } from '../../src/store/records.ts';
import type { Sample } from '../../src/trajectory/index.ts';
import type { TokenMark, TokenOverview, TokenPage } from '../api/view-wire.ts';
import type { RunSource } from '../sources/run-source.ts';
import { decodePage } from '../tokens/token-decoder.ts';
import { findSample, loadRollout, trainedRow, type LoadedRollout } from './rollout-samples.ts';

/**
 * The Tokens page: a sample's tokens with their loss mask, logprobs and the call each came from,
 * a page at a time, and the whole sample at a glance (mask and confidence per token, and marks
 * where calls begin, drift was found, a fork starts or the caps cut it). Positions come from the
 * calls themselves: a call's prompt is a prefix of every sample it is in (that is how samples are
 * built), so its completion starts at its prompt's length.
 */

export const MAX_PAGE_TOKENS = 4096;

type Span = { callId: number; seq: number; promptFrom: number; pos: number; end: number };

function callSpans(sample: Sample, callsById: ReadonlyMap<number, StoredCall>): Span[] {
  let promptFrom = 0;
  return sample.callIds.map((callId, i) => {
    const call = callsById.get(callId) as StoredCall;
    const choice = call.choices.find((c) => c.index === sample.choices[i]) ?? call.choices[0];
    const pos = Math.min(call.promptIds?.length ?? 0, sample.tokens.length);
    const end = Math.min(pos + (choice?.completionIds.length ?? 0), sample.tokens.length);
    const span = { callId, seq: call.seq, promptFrom, pos, end };
    promptFrom = end;
    return span;
  });
}

function marksOf(loaded: LoadedRollout, sample: Sample, spans: readonly Span[]): TokenMark[] {
  const marks: TokenMark[] = spans.map((s) => ({ kind: 'call', pos: s.pos, end: s.end, callId: s.callId, seq: s.seq, promptFrom: s.promptFrom }));
  const root = spans[0];
  const firstCall = [...loaded.calls].sort((a, b) => a.seq - b.seq)[0];
  for (const drift of loaded.built.stats.driftEvents) {
    if (!sample.callIds.includes(drift.callId)) continue;
    marks.push({ kind: 'drift', pos: Math.min(drift.index, sample.tokens.length), callId: drift.callId, parentCallId: drift.parentCallId, expected: drift.expected, actual: drift.actual });
  }
  if (root !== undefined && firstCall !== undefined && root.callId !== firstCall.id) {
    marks.push({ kind: 'fork', pos: 0, callId: root.callId, note: `this sample starts at call ${root.seq}: its prompt continues no earlier sample's tokens` });
  }
  if (sample.truncated) marks.push({ kind: 'truncated', pos: sample.tokens.length, note: `cut at ${sample.tokens.length} tokens by the run's sample caps` });
  return marks.sort((a, b) => a.pos - b.pos);
}

/** Confidence bucket of a trained token: p = exp(logprob) in tenths, 'a' (p < 0.1) … 'j' (p ≥ 0.9). */
export function confidenceChar(logprob: number): string {
  const bucket = Math.max(0, Math.min(9, Math.floor(Math.exp(logprob) * 10)));
  return String.fromCharCode(97 + bucket);
}

export async function tokenOverview(run: RunSource, rolloutId: string, sampleId: string): Promise<TokenOverview> {
  const loaded = loadRollout(run, rolloutId);
  const sample = findSample(run, loaded, sampleId);
  const trained = await trainedRow(run, loaded, sample);
  let confidence = '';
  let trainedTokens = 0;
  for (let i = 0; i < sample.tokens.length; i++) {
    const isTrained = sample.lossMask[i] === 1;
    if (isTrained) trainedTokens += 1;
    confidence += isTrained ? confidenceChar(sample.logprobs[i] as number) : '.';
  }
  return {
    sampleId,
    length: sample.tokens.length,
    trainedTokens,
    contextTokens: sample.tokens.length - trainedTokens,
    mask: sample.lossMask.join(''),
    confidence,
    marks: marksOf(loaded, sample, callSpans(sample, loaded.callsById)),
    // Decoding the first tokens tells whether the decoder works now (an engine may be gone).
    decoder: (await decodePage(run.decoder(), sample.tokens, 0, Math.min(8, sample.tokens.length))).info,
    batch: trained === null ? null : { advantage: trained.entry.advantage, lossWeight: trained.entry.lossWeight, matchesStore: trained.matchesStore },
  };
}

export async function tokenPage(run: RunSource, rolloutId: string, sampleId: string, offset: number, limit: number): Promise<TokenPage> {
  const loaded = loadRollout(run, rolloutId);
  const sample = findSample(run, loaded, sampleId);
  const from = Math.min(offset, sample.tokens.length);
  const to = Math.min(sample.tokens.length, from + Math.min(limit, MAX_PAGE_TOKENS));
  const spans = callSpans(sample, loaded.callsById);
  const call: number[] = [];
  let k = 0;
  for (let pos = from; pos < to; pos++) {
    while (k < spans.length - 1 && pos >= (spans[k] as Span).end) k += 1;
    call.push(k);
  }
  const decoder = run.decoder();
  const textKey = `text:${rolloutId}/${sampleId}/${from}/${to}`;
  const decoded = await run.memo.get(textKey, decoder.info.detail, () => decodePage(decoder, sample.tokens, from, to));
  // A page shown as ids because the decoder failed (an engine that is gone) is not kept.
  if (decoded.info.kind !== decoder.info.kind) run.memo.forget(textKey);
  const trained = await trainedRow(run, loaded, sample);
  return {
    sampleId,
    offset: from,
    ids: sample.tokens.slice(from, to),
    text: decoded.text,
    mask: sample.lossMask.slice(from, to),
    logprobs: sample.logprobs.slice(from, to),
    call,
    advantages: trained === null ? null : trained.advantages.slice(from, to),
    decoder: decoded.info,
  };
}
