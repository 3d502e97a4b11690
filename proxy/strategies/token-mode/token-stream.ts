import { RollcallError } from '../../../src/errors/rollcall-error.ts';
import { toWireUsage } from '../../capture/call-capture.ts';
import type { GenerationStream } from '../../drivers/driver-types.ts';
import type { ChatStreamEvent, StreamEnd, StreamReader } from '../call-strategy.ts';
import { chatCompletionBody, chunk, type AnswerHead } from './token-answer.ts';
import { tokenCapture, tokenFindings } from './token-capture.ts';
import { ChoiceChunks } from './token-chunks.ts';
import type { TokenCall } from './token-call.ts';

/**
 * A streaming token-mode answer: completion tokens stream from the engine and the client gets
 * OpenAI chat chunks as text arrives, one choice entry per chunk (token-chunks.ts). The record is
 * built from the same pieces, so it equals the non-streaming record for the same seed; the
 * usage chunk, when the client asked for it, follows the commit.
 */
export class TokenStreamReader implements StreamReader {
  private readonly generation: GenerationStream;
  private readonly choices = new Map<number, ChoiceChunks>();

  constructor(
    private readonly call: TokenCall,
    private readonly head: AnswerHead,
  ) {
    this.generation = call.driver.newGenerationStream();
  }

  private choice(index: number): ChoiceChunks {
    let choice = this.choices.get(index);
    if (choice === undefined) {
      choice = new ChoiceChunks(index, this.call.request, this.call.parseOptions);
      this.choices.set(index, choice);
    }
    return choice;
  }

  push(payload: Record<string, unknown>): ChatStreamEvent[] {
    return this.generation
      .push(payload)
      .flatMap((delta) => this.choice(delta.index).take(delta))
      .map((entry) => ({ chunk: chunk(this.head, entry), raw: null }));
  }

  async finish(): Promise<StreamEnd> {
    const generation = this.generation.result();
    const { request, plan, driver } = this.call;
    const unfinished = driver.streamEndsWithoutDone === true && generation.choices.some((c) => c.finishReason === null);
    const choices = generation.choices.map((choice) => ({ generation: choice, message: this.choice(choice.index).message() }));
    const usage = toWireUsage(generation.usage);
    const capture = tokenCapture(plan.promptIds, generation, chatCompletionBody(this.head, request, choices, usage));
    const wantsUsage = request.stream_options?.include_usage === true && usage !== null;
    return {
      ...tokenFindings(plan, generation, choices.map((c) => c.message)),
      capture,
      broken: unfinished ? new RollcallError('RC_ERR_UPSTREAM_STREAM_BROKEN', { detail: 'the engine ended the stream before every sequence finished' }) : null,
      tail: wantsUsage ? [{ chunk: chunk(this.head, null, usage), raw: null }] : [],
    };
  }
}
