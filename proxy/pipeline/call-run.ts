import type { EngineContext } from '../engine/engine-context.ts';
import type { CallStrategy, ChatCall } from '../strategies/call-strategy.ts';
import type { ClientAnswer } from './client-answer.ts';

/** One call on its way through the pipeline: the call, its engine, the strategy and the client. */
export type CallRun = {
  readonly engine: EngineContext;
  readonly strategy: CallStrategy;
  readonly call: ChatCall;
  readonly client: ClientAnswer;
};
