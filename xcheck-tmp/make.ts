import { writeFileSync } from 'node:fs';
import { createLocalRenderer } from '../proxy/render/local-renderer.ts';
import { templateMessages } from '../proxy/render/template-messages.ts';
const r = createLocalRenderer('test/fixtures/tokenizers/qwen2-tiny');
const tools = [{ type: 'function', function: { name: 'get_weather', description: 'Current weather', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } } }];
const conv: any[] = [
  { role: 'system', content: 'You are a weather bot.' },
  { role: 'user', content: 'Weather in Paris and Lyon?' },
  { role: 'assistant', content: null, tool_calls: [
    { id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris","unit":"°C","q":"a\\"b\\\\c\\n\\u0001 \\u2028 😀"}' } },
    { id: 'call_2', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Lyon","n":[1,2.5,{"x":null,"t":true}]}' } } ] },
  { role: 'tool', tool_call_id: 'call_1', content: '{"temp": 21}' },
  { role: 'tool', tool_call_id: 'call_2', content: '{"temp": 19}' },
  { role: 'assistant', content: 'Some text', tool_calls: [{ id: 'c3', type: 'function', function: { name: 'x', arguments: '' } }] },
  { role: 'tool', content: 'r' },
  { role: 'assistant', content: 'Paris 21°C, Lyon 19°C.' },
  { role: 'user', content: 'Thanks!' },
];
const cases = await Promise.all([
  { messages: conv, tools, add_generation_prompt: false, kwargs: {} },
  { messages: conv.slice(1), tools: null, add_generation_prompt: true, kwargs: { enable_thinking: false } },
  { messages: [{ role: 'user', content: 'Hi' }], tools, add_generation_prompt: true, kwargs: { enable_thinking: true } },
].map(async (c) => {
  const req = { messages: c.messages, tools: c.tools ?? undefined, addGenerationPrompt: c.add_generation_prompt, chatTemplateKwargs: c.kwargs };
  return { ...c, prepared: templateMessages(c.messages, false), text: r.renderText(req), ids: await r.render(req) };
}));
const texts = ['Hello world', '  multiple   spaces\n\n\nnewlines\t\ttabs  ', '数字123456 and émojis 😀 ok', '<|im_start|>user\nHi<|im_end|>\n', "don't I'll WE'RE", 'x<tool_call>y</tool_call>z <think>\n\n</think>\n\n', 'the user assistant system tool name', 'a\r\nb\u00a0c\u2028d', 'ﬁ Å (NFC?)', '<|im_start|><|im_end|><|endoftext|>'];
const plain = await Promise.all(texts.map(async (text) => ({ text, ids: await r.tokenizeText(text) })));
writeFileSync('xcheck-tmp/cases.json', JSON.stringify({ cases, plain }));
