/**
 * An AgentScope-style toolkit: tool functions registered with a JSON-schema description of their
 * parameters, exposed to the model as OpenAI `tools`, and called by name with parsed arguments.
 */
export type ToolFunction = (args: Record<string, unknown>, signal?: AbortSignal) => Promise<string> | string;

export type ToolSchema = {
  type: 'function';
  function: { name: string; description: string; parameters: Record<string, unknown> };
};

export type ToolResponse = { ok: boolean; content: string };

export class Toolkit {
  private readonly tools = new Map<string, { schema: ToolSchema; fn: ToolFunction }>();

  /**
   * Registers a tool.
   *
   * @example
   * toolkit.register('add', 'Add two numbers', { type: 'object', properties: { a: { type: 'number' }, b: { type: 'number' } }, required: ['a', 'b'] },
   *   ({ a, b }) => String(Number(a) + Number(b)));
   */
  register(name: string, description: string, parameters: Record<string, unknown>, fn: ToolFunction): this {
    if (!/^[a-zA-Z0-9_-]{1,64}$/.test(name)) throw new Error(`tool name "${name}" must be 1–64 letters, digits, _ or -`);
    if (this.tools.has(name)) throw new Error(`tool "${name}" is already registered`);
    this.tools.set(name, { schema: { type: 'function', function: { name, description, parameters } }, fn });
    return this;
  }

  schemas(): ToolSchema[] {
    return [...this.tools.values()].map((t) => t.schema);
  }

  /**
   * Calls a tool the model asked for. Every failure — an unknown tool, arguments that are not a
   * JSON object, missing required arguments, a tool that throws — comes back as an error message
   * the model can read and act on, never as an exception.
   */
  async call(name: string, argumentsJson: string, signal?: AbortSignal): Promise<ToolResponse> {
    const tool = this.tools.get(name);
    if (tool === undefined) return { ok: false, content: `error: unknown tool "${name}"; available: ${[...this.tools.keys()].join(', ')}` };
    let args: unknown;
    try {
      args = JSON.parse(argumentsJson === '' ? '{}' : argumentsJson);
    } catch {
      return { ok: false, content: `error: the arguments of ${name} are not valid JSON: ${argumentsJson.slice(0, 200)}` };
    }
    if (args === null || typeof args !== 'object' || Array.isArray(args)) return { ok: false, content: `error: the arguments of ${name} must be a JSON object` };
    const required = (tool.schema.function.parameters.required ?? []) as string[];
    const missing = required.filter((key) => !(key in (args as Record<string, unknown>)));
    if (missing.length > 0) return { ok: false, content: `error: ${name} needs ${missing.join(', ')}` };
    try {
      return { ok: true, content: await tool.fn(args as Record<string, unknown>, signal) };
    } catch (error) {
      return { ok: false, content: `error: ${name} failed: ${error instanceof Error ? error.message : String(error)}` };
    }
  }
}
