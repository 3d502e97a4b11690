/** Encodes one SSE event the way OpenAI and vLLM frame them: `data: <json>\n\n`. */
export function encodeSseData(payload: unknown): string {
  return `data: ${typeof payload === 'string' ? payload : JSON.stringify(payload)}\n\n`;
}

export const SSE_DONE = 'data: [DONE]\n\n';

/** Encodes one named SSE event, as the Anthropic and OpenAI Responses streams frame theirs: `event: <name>` + `data: <json>`. */
export function encodeSseEvent(name: string, payload: unknown): string {
  return `event: ${name}\ndata: ${JSON.stringify(payload)}\n\n`;
}
