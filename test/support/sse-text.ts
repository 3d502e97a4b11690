/** The `data:` payloads of an SSE body, in order (`[DONE]` included). */
export function sseData(text: string): string[] {
  return text
    .split('\n\n')
    .filter((event) => event.startsWith('data: '))
    .map((event) => event.slice(6));
}

/** The error events of an SSE body, parsed: OpenAI's `{ error: { message, type, param, code } }`. */
export function sseErrors(text: string): { error: { message: string; type: string; param: string | null; code: string } }[] {
  return sseData(text)
    .filter((data) => data !== '[DONE]')
    .map((data) => JSON.parse(data) as Record<string, any>)
    .filter((event) => event.error !== undefined) as { error: { message: string; type: string; param: string | null; code: string } }[];
}
