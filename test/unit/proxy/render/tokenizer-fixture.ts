import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RenderRequest } from '../../../../proxy/drivers/driver-types.ts';
import type { ChatMessage } from '../../../../src/wire/openai-chat.ts';

/** The hand-made Qwen2-style model folder of `test/fixtures/tokenizers/qwen2-tiny/` (see its README). */
export const QWEN2_TINY = fileURLToPath(new URL('../../../fixtures/tokenizers/qwen2-tiny/', import.meta.url));

/** Its added tokens; byte tokens have the byte's value as id ("H" is 72), "user" is 258. */
export const IDS = { imStart: 285, imEnd: 286, toolCall: 287, toolCallEnd: 288, toolResponse: 289, toolResponseEnd: 290, think: 291, thinkEnd: 292, user: 258, assistant: 266, system: 271, newline: 10 } as const;

export const request = (messages: readonly ChatMessage[], options: Partial<Omit<RenderRequest, 'messages'>> = {}): RenderRequest => ({
  messages,
  tools: undefined,
  addGenerationPrompt: true,
  chatTemplateKwargs: undefined,
  ...options,
});

/**
 * A copy of the fixture folder in a temporary directory, with files replaced or removed
 * (`null`), for the error cases and the layouts the fixture does not show. Call `remove()` after.
 */
export function variantFolder(files: Record<string, string | null>): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'rollcall-render-'));
  cpSync(QWEN2_TINY, dir, { recursive: true });
  for (const [name, content] of Object.entries(files)) {
    if (content === null) rmSync(join(dir, name));
    else writeFileSync(join(dir, name), content);
  }
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** The fixture's tokenizer_config.json with some keys replaced. */
export function configWith(changes: Record<string, unknown>): string {
  const config = JSON.parse(readFileSync(join(QWEN2_TINY, 'tokenizer_config.json'), 'utf8')) as Record<string, unknown>;
  return JSON.stringify({ ...config, ...changes });
}
