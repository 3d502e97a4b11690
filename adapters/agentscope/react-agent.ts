import type { ChatModel } from './chat-model.ts';
import { InMemoryMemory, type Msg } from './memory.ts';
import type { Toolkit } from './toolkit.ts';

export type ReActAgentOptions = {
  name: string;
  sysPrompt: string;
  model: ChatModel;
  toolkit: Toolkit;
  /** Reason–act rounds before the agent must stop (default 10). */
  maxIters?: number;
  memory?: InMemoryMemory;
};

/**
 * An AgentScope-style ReAct agent: each round the model reasons and may call tools; the agent
 * runs them and feeds their results back (observe), until the model answers without a tool call
 * or `maxIters` rounds have passed.
 *
 * @example
 * const agent = new ReActAgent({ name: 'math', sysPrompt: 'Solve it. Answer in \\boxed{}.', model, toolkit });
 * const reply = await agent.reply({ role: 'user', content: 'What is 6*7?' });
 */
export class ReActAgent {
  readonly name: string;
  readonly memory: InMemoryMemory;
  private readonly maxIters: number;

  constructor(private readonly options: ReActAgentOptions) {
    this.name = options.name;
    this.maxIters = options.maxIters ?? 10;
    this.memory = options.memory ?? new InMemoryMemory();
    if (this.memory.size() === 0) this.memory.add({ role: 'system', content: options.sysPrompt });
  }

  /** Answers a message; returns the final assistant message (the last one when rounds ran out). */
  async reply(message: Msg, signal?: AbortSignal): Promise<Msg> {
    this.memory.add(message);
    let last: Msg = { role: 'assistant', content: null };
    for (let iter = 0; iter < this.maxIters; iter++) {
      last = await this.options.model.chat(this.memory.get(), this.options.toolkit.schemas(), signal);
      this.memory.add(last);
      const calls = last.tool_calls ?? [];
      if (calls.length === 0) return last;
      for (const call of calls) {
        const result = await this.options.toolkit.call(call.function.name, call.function.arguments, signal);
        this.memory.add({ role: 'tool', tool_call_id: call.id, name: call.function.name, content: result.content });
      }
    }
    return last;
  }
}
