import type { ChatParseOptions } from '../../../src/parsing/chat-message-parser.ts';
import type { ChatRequest } from '../../../src/wire/openai-chat.ts';
import type { TokenDriver } from '../../drivers/driver-types.ts';
import type { PromptPlan } from './token-prompt.ts';

/** One prepared token-mode call: what its answer paths (whole or streamed) need. */
export type TokenCall = {
  readonly driver: TokenDriver;
  readonly request: ChatRequest;
  readonly plan: PromptPlan;
  readonly parseOptions: ChatParseOptions;
  /** The model named in answers: the request's, else the engine's first. */
  readonly model: string;
};
