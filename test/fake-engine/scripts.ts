/**
 * Scripted replies. A request follows script NAME when its prompt text (the rendered chat template,
 * or the decoded token ids of a `/v1/completions` prompt) contains the marker `[[script:NAME]]`.
 * Reply k is used where k is the number of assistant turns already closed in the prompt, so a
 * multi-turn agent loop walks through the list; past the end, the last reply repeats. Working from
 * the prompt text makes chat and token-id prompts behave the same.
 *
 * A marker naming an unregistered script is answered with a 400: a test double that silently fell
 * back to random text would hide a typo.
 */
import { badRequest } from './errors.ts';

const MARKER_RE = /\[\[script:([A-Za-z0-9_.:-]+)\]\]/;
const NAME_RE = /^[A-Za-z0-9_.:-]+$/;
const ASSISTANT_OPEN = '<|im_start|>assistant';
const TURN_END = '<|im_end|>';

/** Assistant turns in the prompt that are closed by `<|im_end|>` (the generation prompt is not). */
export function closedAssistantTurns(promptText: string): number {
  let count = 0;
  let at = promptText.indexOf(ASSISTANT_OPEN);
  while (at !== -1) {
    const next = promptText.indexOf(ASSISTANT_OPEN, at + ASSISTANT_OPEN.length);
    const end = promptText.indexOf(TURN_END, at);
    if (end !== -1 && (next === -1 || end < next)) count += 1;
    at = next;
  }
  return count;
}

export class ScriptBook {
  readonly #scripts = new Map<string, readonly string[]>();
  /** Scripts chosen by text the prompt contains, for agents whose prompts carry no marker. */
  readonly #byText: { needle: string; replies: readonly string[] }[] = [];

  /** Registers replies for every prompt containing `needle` (first registered match wins). */
  setForText(needle: string, replies: readonly string[]): void {
    if (needle === '') throw badRequest('the text to match must not be empty', 'whenPromptContains');
    if (replies.length === 0 || replies.some((reply) => typeof reply !== 'string')) {
      throw badRequest('replies must be a non-empty list of strings', 'replies');
    }
    this.#byText.push({ needle, replies: Object.freeze([...replies]) });
  }

  /** Registers (or replaces) a script; `replies` are raw model text, e.g. a `<tool_call>` block. */
  set(name: string, replies: readonly string[]): void {
    if (!NAME_RE.test(name)) throw badRequest(`script name must match ${NAME_RE.source}`, 'name');
    if (replies.length === 0 || replies.some((reply) => typeof reply !== 'string')) {
      throw badRequest('replies must be a non-empty list of strings', 'replies');
    }
    this.#scripts.set(name, Object.freeze([...replies]));
  }

  /** The reply text this prompt gets, or null when the prompt carries no marker. */
  replyFor(promptText: string): string | null {
    const match = MARKER_RE.exec(promptText);
    if (match === null) {
      const byText = this.#byText.find((entry) => promptText.includes(entry.needle));
      if (byText === undefined) return null;
      return byText.replies[Math.min(closedAssistantTurns(promptText), byText.replies.length - 1)] ?? '';
    }
    const name = match[1] ?? '';
    const replies = this.#scripts.get(name);
    if (replies === undefined) {
      throw badRequest(`fake engine: no script named '${name}' (register it with engine.script())`);
    }
    const turn = closedAssistantTurns(promptText);
    return replies[Math.min(turn, replies.length - 1)] ?? '';
  }
}
