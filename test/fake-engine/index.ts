/**
 * The vLLM-protocol fake engine used by rollcall's unit and integration tests.
 * See server.ts for the engine and test/fixtures/vllm/README.md for the shapes it follows.
 */
export { startFakeEngine, type FakeEngine, type FakeEngineOptions, type RecordedRequest } from './server.ts';
export { NO_FAULTS, type Faults } from './faults.ts';
export type { TemplateVariant } from './chat-template.ts';
export { renderChatTemplate } from './chat-template.ts';
export { normalizeMessages, normalizeTools } from './chat-messages.ts';
export { FakeTokenizer, ADDED_TOKENS, EOS_ID, VOCAB_SIZE } from './tokenizer.ts';
export { parseHermes } from './tool-parser.ts';
export { pyJsonDumps } from './py-json.ts';
export { parsePyJson } from './py-json-parse.ts';
