import type { ChatParseOptions } from '../../../../src/parsing/chat-message-parser.ts';
import type { ToolSpec } from '../../../../src/parsing/qwen3-coder-values.ts';

/**
 * Completion texts shared by the parser tests: every tool, reasoning and malformed shape the
 * streaming property test cuts at every position. `onCloseDiffers` marks the one shape where the
 * `on-close` release mode knowingly streams something else than the non-streaming parser.
 */

export type CompletionCase = {
  name: string;
  text: string;
  options: Omit<ChatParseOptions, 'newToolCallId'>;
  onCloseDiffers?: boolean;
};

export const WEATHER_TOOLS: readonly ToolSpec[] = [
  {
    type: 'function',
    function: {
      name: 'get_weather',
      parameters: {
        type: 'object',
        properties: {
          city: { type: 'string' },
          days: { type: 'integer' },
          metric: { type: 'boolean' },
          threshold: { anyOf: [{ type: 'number' }, { type: 'null' }] },
          options: { type: 'object' },
          hours: { type: 'array' },
        },
      },
    },
  },
];

const hermes = { toolParser: 'hermes', reasoning: true } as const;
const inReasoning = { ...hermes, startsInReasoning: true } as const;
const qwen = { toolParser: 'qwen3_coder', reasoning: true, tools: WEATHER_TOOLS } as const;
const call = (name: string, args: string): string =>
  `<tool_call>\n{"name": "${name}", "arguments": ${args}}\n</tool_call>`;
const weather = call('get_weather', '{"city": "Paris"}');
const xml = (name: string, params: string): string =>
  `<tool_call>\n<function=${name}>\n${params}</function>\n</tool_call>`;
const param = (key: string, value: string): string => `<parameter=${key}>\n${value}\n</parameter>\n`;

export const HERMES_CASES: CompletionCase[] = [
  { name: 'plain content', text: 'Hello, world!', options: hermes },
  { name: 'empty output', text: '', options: hermes },
  { name: 'whitespace only', text: '\n\n  ', options: hermes },
  { name: 'single call', text: weather, options: hermes },
  { name: 'content before a call', text: `Let me check the weather.\n\n${weather}`, options: hermes },
  { name: 'parallel calls', text: `${weather}\n${call('get_time', '{"tz": "CET"}')}\n`, options: hermes },
  {
    name: 'nested arguments',
    text: call('search', '{"query": {"filters": [{"a": [1, 2.50, {"b": null}]}], "text": "a \\"q\\" } { </tool"}}'),
    options: hermes,
  },
  {
    name: 'unicode',
    text: `Voilà 🌍 日本語 ${call('get_weather', '{"city": "Zürich 🏔", "note": "\\u00e9"}')}`,
    options: hermes,
  },
  { name: 'text after a call', text: `${weather}\nI will wait for the result.`, options: hermes },
  { name: 'malformed JSON', text: `Checking. <tool_call>\n{"name": "f", "arguments": {"a": 1}\n</tool_call>`, options: hermes },
  { name: 'arguments as a string', text: call('f', '"{\\"a\\": 1}"'), options: hermes },
  { name: 'arguments as an array', text: call('f', '[1, 2]'), options: hermes },
  { name: 'missing name', text: '<tool_call>\n{"arguments": {}}\n</tool_call>', options: hermes },
  { name: 'missing </tool_call>', text: 'Let me check <tool_call>\n{"name": "f", "arguments": {', options: hermes },
  { name: 'blank before a malformed call', text: '\n<tool_call>oops</tool_call>\n', options: hermes },
  {
    name: 'valid call then malformed call',
    text: `Sure. ${weather}\n<tool_call>\n{"name": "g", "arguments": 3}\n</tool_call>`,
    options: hermes,
    onCloseDiffers: true,
  },
  {
    name: 'tool call inside reasoning',
    text: `<think>\nMaybe ${weather}? No.\n</think>\n\nNo call is needed.`,
    options: hermes,
  },
  { name: 'reasoning then a call', text: `<think>\nI need the weather.\n</think>\n\n${weather}`, options: hermes },
  { name: 'unterminated reasoning', text: '<think>\nhmm <tool_call>\n{"name"', options: hermes },
  { name: 'prompt ends inside reasoning', text: `plan 🌍\n</think>\n\n${weather}`, options: inReasoning },
  { name: 'prompt ends inside reasoning, no end', text: 'still thinking', options: inReasoning },
  { name: 'blank before <think>', text: '\n <think>x</think>\r\n\ny', options: hermes },
  { name: '<think> mid-text is content', text: 'Answer: <think> is a tag', options: hermes },
  { name: 'tag-like text', text: 'a <b> c < d <tool_cal x <thin </think', options: hermes },
  { name: 'cut-off tag at the end', text: 'Hello <tool_', options: hermes },
  { name: 'cut-off <think> only', text: '  <thi', options: hermes },
  { name: 'end tag without start', text: 'x </think> y', options: hermes },
  { name: 'empty reasoning', text: '<think></think>', options: hermes },
  { name: 'reasoning then blank', text: '<think>r</think>\n\n', options: hermes },
  { name: 'reasoning disabled', text: `<think>x</think>${weather}`, options: { toolParser: 'hermes', reasoning: false } },
  { name: 'no tool parser', text: `<think>x</think>\n${weather}`, options: { toolParser: 'none', reasoning: true } },
  { name: 'no parsers, blank', text: ' \n', options: { toolParser: 'none', reasoning: false } },
  { name: 'blank between calls', text: ` \n${weather} \n ${weather}\n\n`, options: hermes },
  { name: 'closing tag inside a string', text: call('f', '{"s": "</tool_call>"}'), options: hermes },
  { name: 'surrogate pairs everywhere', text: `<think>🌍🌍</think>🌍${call('f', '{"e": "🌍"}')}🌍`, options: hermes },
  {
    name: 'custom reasoning tags',
    text: '<reasoning>r</reasoning>\nc',
    options: { ...hermes, reasoningTags: { start: '<reasoning>', end: '</reasoning>' } },
  },
];

export const QWEN3_CODER_CASES: CompletionCase[] = [
  {
    name: 'typed parameters',
    text: `I'll look.\n${xml(
      'get_weather',
      param('city', 'Paris') + param('days', '3') + param('metric', 'True') + param('threshold', '1.50') +
        param('options', '{"unit": "C"}') + param('hours', '[6, 12]'),
    )}`,
    options: qwen,
  },
  { name: 'bare function', text: `<function=get_weather>\n${param('city', 'Berlin')}</function>`, options: qwen },
  { name: 'two calls', text: `${xml('get_weather', param('city', 'Oslo'))}\n${xml('noop', '')}`, options: qwen },
  { name: 'multi-line code value', text: xml('run', param('code', 'if a < b:\n    print("<tool_call>")\n')), options: qwen },
  { name: 'missing </parameter>', text: xml('get_weather', '<parameter=city>\nParis\n'), options: qwen },
  { name: 'unterminated function', text: 'Ok <function=get_weather>\n<parameter=city>\nParis', options: qwen },
  { name: 'text between parameters', text: xml('get_weather', `${param('city', 'Rome')}junk\n`), options: qwen },
  {
    name: 'reasoning then xml call',
    text: `<think>\n${xml('x', '')}\n</think>\n\n${xml('get_weather', param('city', 'Lima'))}`,
    options: qwen,
  },
  {
    name: 'untyped values without tools',
    text: xml('f', param('n', '42') + param('s', 'hello') + param('q', '"42"')),
    options: { toolParser: 'qwen3_coder', reasoning: false },
  },
];

export const ALL_CASES: CompletionCase[] = [...HERMES_CASES, ...QWEN3_CODER_CASES];
