/**
 * Deterministic "sampling". A completion is the matching script's reply tokenized + EOS, or else a
 * pseudo-random sentence of 8–40 single-token words + EOS, chosen by a generator seeded from
 * (request seed or an engine counter, prompt ids, choice index). Greedy requests
 * (`temperature: 0`) ignore the seed and the choice index, like a real engine.
 *
 * Then the engine's stopping rules: `max_tokens` cuts the sequence (finish "length", no EOS), EOS
 * or a `stop_token_ids` id ends it (finish "stop"; ids kept, text dropped), a `stop` string ends it
 * with `stop_reason` = the string and the text cut before it. Logprobs are a pure function of
 * (seed key, position, token id), always negative and exactly float32-representable, EOS included.
 */
import { hashIds, hashWords, Prng, seedWord, unitFloat } from './prng.ts';
import type { ScriptBook } from './scripts.ts';
import { EOS_ID, type FakeTokenizer } from './tokenizer.ts';

export interface SamplingSpec {
  seed: number | null;
  temperature: number | null;
  /** The resolved output budget, at least 1. */
  maxTokens: number;
  n: number;
  stop: readonly string[];
  stopTokenIds: readonly number[];
  includeStopStrInOutput: boolean;
  skipSpecialTokens: boolean;
  /** Alternatives per position for top logprobs (0–20). */
  alternatives: number;
}

export interface TokenLogprob {
  id: number;
  logprob: number;
}

export interface GeneratedChoice {
  index: number;
  tokenIds: number[];
  logprobs: number[];
  /** Per position: `alternatives` other ids, best first, none equal to the sampled id. */
  alternatives: TokenLogprob[][];
  /** Per token: the text it adds (skip-special, EOS and stop truncation applied); joins to `text`. */
  textDeltas: string[];
  text: string;
  finishReason: 'stop' | 'length';
  stopReason: string | number | null;
}

const CAPITALISED = ['Sure', 'The', 'Well', 'Okay', 'Yes', 'So', 'First', 'Let', 'We', 'This'];
const WORDS = (
  ' the a cat dog number answer is of and to we can see that it result step value sum total two' +
  ' three four five more less than each time then so because after before model tool call code' +
  ' python compute check final problem apples books miles hours price cost money'
)
  .split(/(?= )/)
  .concat([',']);

/** Only words that are one token each, so a sentence of L words is L tokens. */
function singleTokenIds(tokenizer: FakeTokenizer, words: readonly string[]): number[] {
  return words.map((word) => tokenizer.encode(word)).filter((ids) => ids.length === 1).map((ids) => ids[0] ?? 0);
}

function negativeFloat32(magnitude: number): number {
  return Math.fround(-Math.max(magnitude, 1e-4));
}

export class Generator {
  readonly #tokenizer: FakeTokenizer;
  readonly #scripts: ScriptBook;
  readonly #capitalised: number[];
  readonly #words: number[];
  readonly #period: number;
  #unseededCalls = 0;

  constructor(tokenizer: FakeTokenizer, scripts: ScriptBook) {
    this.#tokenizer = tokenizer;
    this.#scripts = scripts;
    this.#capitalised = singleTokenIds(tokenizer, CAPITALISED);
    this.#words = singleTokenIds(tokenizer, WORDS);
    this.#period = tokenizer.encode('.')[0] ?? 13;
  }

  generate(promptIds: readonly number[], promptText: string, spec: SamplingSpec): GeneratedChoice[] {
    const reply = this.#scripts.replyFor(promptText);
    const scripted = reply === null ? null : [...this.#tokenizer.encode(reply), EOS_ID];
    const greedy = spec.temperature === 0;
    const base = greedy ? 0 : spec.seed !== null ? seedWord(spec.seed) : hashWords(0x5eed, ++this.#unseededCalls);
    const promptHash = hashIds(promptIds);
    const choices: GeneratedChoice[] = [];
    for (let index = 0; index < spec.n; index += 1) {
      const key = hashWords(base, promptHash, greedy ? 0 : index);
      const planned = scripted ?? this.#sentence(key);
      choices.push(this.#run(index, key, planned, scripted !== null, spec));
    }
    return choices;
  }

  #sentence(key: number): number[] {
    const prng = new Prng(key);
    const length = 8 + prng.nextInt(33);
    const ids = [this.#capitalised[prng.nextInt(this.#capitalised.length)] ?? 0];
    while (ids.length < length - 1) ids.push(this.#words[prng.nextInt(this.#words.length)] ?? 0);
    ids.push(this.#period, EOS_ID);
    return ids;
  }

  #logprob(key: number, position: number, id: number, scripted: boolean): number {
    const u = unitFloat(hashWords(key, position, id, 1));
    if (id === EOS_ID) return negativeFloat32(0.0001 + 0.05 * u);
    return negativeFloat32(scripted ? 0.0005 + 0.3 * u : 0.05 + 3 * u);
  }

  #alternatives(key: number, position: number, sampled: TokenLogprob, spec: SamplingSpec): TokenLogprob[] {
    const taken = new Set([sampled.id]);
    const out: TokenLogprob[] = [];
    for (let j = 0; out.length < spec.alternatives && j < 10_000; j += 1) {
      const h = hashWords(key, position, j, 2);
      const id = this.#words[h % this.#words.length] ?? 0;
      if (taken.has(id)) continue;
      taken.add(id);
      const u = unitFloat(hashWords(h, 3));
      // Greedy: the sampled token is the argmax. Sampling: an alternative may beat it.
      const magnitude = spec.temperature === 0 ? -sampled.logprob + 0.25 + 6 * u : 0.01 + 8 * u;
      out.push({ id, logprob: negativeFloat32(magnitude) });
    }
    return out.sort((a, b) => b.logprob - a.logprob);
  }

  #run(index: number, key: number, planned: readonly number[], scripted: boolean, spec: SamplingSpec): GeneratedChoice {
    const choice: GeneratedChoice = {
      index, tokenIds: [], logprobs: [], alternatives: [], textDeltas: [], text: '', finishReason: 'length', stopReason: null,
    };
    const decoder = new TextDecoder();
    const cumulative: number[] = [];
    let text = '';
    let finalLength: number | null = null;
    for (const id of planned) {
      if (choice.tokenIds.length >= spec.maxTokens) break;
      const position = choice.tokenIds.length;
      const sampled = { id, logprob: this.#logprob(key, position, id, scripted) };
      choice.tokenIds.push(id);
      choice.logprobs.push(sampled.logprob);
      choice.alternatives.push(this.#alternatives(key, position, sampled, spec));
      const isStopToken = id === EOS_ID || spec.stopTokenIds.includes(id);
      const hidden = isStopToken || (spec.skipSpecialTokens && this.#tokenizer.isSkippedSpecial(id));
      const before = text.length;
      if (!hidden) text += decoder.decode(this.#tokenizer.tokenBytes(id), { stream: true });
      cumulative.push(text.length);
      if (isStopToken) {
        choice.finishReason = 'stop';
        choice.stopReason = id === EOS_ID ? null : id;
        break;
      }
      const hit = findStop(text, before, spec.stop);
      if (hit !== null) {
        finalLength = spec.includeStopStrInOutput ? hit.at + hit.stop.length : hit.at;
        choice.finishReason = 'stop';
        choice.stopReason = hit.stop;
        break;
      }
    }
    text += decoder.decode();
    if (cumulative.length > 0) cumulative[cumulative.length - 1] = text.length;
    choice.text = finalLength === null ? text : text.slice(0, finalLength);
    let emitted = 0;
    for (const length of cumulative) {
      const upTo = Math.min(length, choice.text.length);
      choice.textDeltas.push(choice.text.slice(emitted, upTo));
      emitted = Math.max(emitted, upTo);
    }
    return choice;
  }
}

function findStop(text: string, before: number, stops: readonly string[]): { at: number; stop: string } | null {
  let best: { at: number; stop: string } | null = null;
  for (const stop of stops) {
    if (stop === '') continue;
    const at = text.indexOf(stop, Math.max(0, before - stop.length + 1));
    if (at !== -1 && (best === null || at < best.at)) best = { at, stop };
  }
  return best;
}
