/** A chat message as the agent keeps it (OpenAI's shape). */
export type Msg = {
  role: 'system' | 'user' | 'assistant' | 'tool';
  content: string | null;
  name?: string;
  tool_calls?: { id: string; type: 'function'; function: { name: string; arguments: string } }[];
  tool_call_id?: string;
};

/** The agent's in-memory conversation, oldest first. */
export class InMemoryMemory {
  private readonly messages: Msg[] = [];

  add(...messages: Msg[]): void {
    this.messages.push(...messages);
  }

  get(): Msg[] {
    return [...this.messages];
  }

  size(): number {
    return this.messages.length;
  }

  clear(): void {
    this.messages.length = 0;
  }
}
