import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Tokenizer } from '@huggingface/tokenizers';
import { createLocalRenderer } from '../../../proxy/render/local-renderer.ts';
import type { ChatMessage } from '../../../src/wire/openai-chat.ts';
import { TEST_PYTHON } from '../../support/python.ts';

/**
 * The worker's pure-Python byte-level BPE (trainer/worker/rollcall_worker/bpe_tokenizer.py) gives
 * the ids of @huggingface/tokenizers, the JavaScript port of the Rust crate, over a varied corpus,
 * on the qwen2-tiny fixture and on variants of it: hundreds of learned merges, the small policy's
 * pre-tokenizer (Digits + ByteLevel with GPT-2's pattern), `ignore_merges`, added tokens that
 * strip whitespace. Its chat template renders the text of the proxy's local renderer (the
 * TypeScript port that was checked against transformers). The corpus leaves out U+0085 and U+FEFF, where JavaScript's `\s` and
 * Oniguruma's disagree (the Rust crate is Oniguruma's).
 */
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const FIXTURE = join(ROOT, 'test/fixtures/tokenizers/qwen2-tiny');
const PYTHONPATH = `${join(ROOT, 'trainer/worker')}:${join(ROOT, 'test/worker')}`;
const hasModules = (() => {
  try {
    execFileSync(TEST_PYTHON, ['-c', 'import regex, jinja2'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();
const skip = hasModules || process.env.ROLLCALL_REQUIRE_WORKER_TESTS === '1' ? false : `${TEST_PYTHON} lacks regex or jinja2 (apt-get install python3-regex python3-jinja2); CI requires this test`;

const HANDWRITTEN = [
  '',
  'Hello world',
  "I'LL say it's what we've done, they're sure I'd've",
  '  leading spaces, trailing spaces   ',
  'tabs\tand\t\ttabs\r\nCRLF lines\r\n\r\n\n\n   \n',
  'numbers 1234567890 3.14159 -42 1e10 0x1F 12,345',
  'héllo naïve café Straße Ωmega 中文字符 日本語 한국어 😀👍🏽 ✓',
  'e\u0301 composed by NFC: cafe\u0301',
  'def f(x):\n    return {"a": [1, 2, 3], \'b\': x ** 2}  # comment\n',
  'const y = (a) => a?.b ?? [...c];\n\tif (x !== y) { console.log(`t ${x}`); }',
  '<|im_start|>system\nYou are a tiny test model.<|im_end|>\n<|im_start|>user\nhi<|im_end|>\n<|im_start|>assistant\n',
  '<|im_end|><|im_end|><tool_call><|endoftext|>text<think></think>',
  '<tool_call>\n{"name": "execute_python_code", "arguments": {"code": "print(3 * 7)"}}\n</tool_call>',
  'returncode: 0\nstdout:\n21\n\nstderr:\n',
  'The code printed 21, so the answer is \\boxed{21}.',
  'A bakery sells 45 loaves at $3 each. How much money, in dollars?',
  'partial <|im_en and <tool_cal and </tool_response',
  '!!!??? ... --- ___ *** /// \\\\ ||| ~~~',
  'mixed  \u00a0nbsp\u2003em space\u3000ideographic',
];

/** A seeded stream of strings over letters, digits, punctuation, whitespace, unicode and tags. */
function randomCorpus(count: number, seed: number): string[] {
  const pool = [
    ...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789',
    ...' \t\n\r.,;:!?\'"()[]{}<>/\\-_=+*&^%$#@~`|',
    ...'éßΩ中文😀✓ñü', 'e\u0301', ' ', '  ', '\n\n', "'s", "'LL", ' the', 'user', 'assistant',
    '<|im_start|>', '<|im_end|>', '<tool_call>', '</tool_call>', '<think>', '<|endoftext|>',
  ];
  let state = seed;
  const next = (n: number): number => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state % n;
  };
  return Array.from({ length: count }, () => Array.from({ length: next(60) }, () => pool[next(pool.length)]).join(''));
}

const CORPUS = [...HANDWRITTEN, ...randomCorpus(400, 7)];
const TRAINING_TEXT = [...HANDWRITTEN, ...randomCorpus(400, 99)];

type PythonResult = { ids: number[][]; decoded: string[]; decodedSkip: string[] };

function python(args: string[], input: unknown): string {
  return execFileSync(TEST_PYTHON, [join(ROOT, 'test/worker/bpe_encode.py'), ...args], {
    input: JSON.stringify(input),
    env: { ...process.env, PYTHONPATH, PYTHONDONTWRITEBYTECODE: '1' },
    maxBuffer: 64 * 1024 * 1024,
  }).toString();
}

/** A copy of the fixture with tokenizer.json changed, optionally with merges learned from the training text. */
function variant(change: (spec: Record<string, any>) => void, extraMerges: number): string {
  const dir = mkdtempSync(join(tmpdir(), 'rollcall-bpe-'));
  cpSync(FIXTURE, join(dir, 'base'), { recursive: true });
  const file = join(dir, 'base', 'tokenizer.json');
  const spec = JSON.parse(readFileSync(file, 'utf8')) as Record<string, any>;
  change(spec);
  writeFileSync(file, JSON.stringify(spec));
  if (extraMerges === 0) return join(dir, 'base');
  python(['grow', join(dir, 'base'), join(dir, 'grown'), String(extraMerges)], { texts: TRAINING_TEXT });
  return join(dir, 'grown');
}

function assertParity(folder: string, label: string): void {
  const js = new Tokenizer(JSON.parse(readFileSync(join(folder, 'tokenizer.json'), 'utf8')), JSON.parse(readFileSync(join(folder, 'tokenizer_config.json'), 'utf8')));
  const py = JSON.parse(python(['encode'], { folder, texts: CORPUS })) as PythonResult;
  CORPUS.forEach((text, i) => {
    const expected = js.encode(text, { add_special_tokens: false }).ids;
    assert.deepEqual(py.ids[i], expected, `${label}: ids of ${JSON.stringify(text)}`);
    if (expected.length === 0) return;
    assert.equal(py.decoded[i], js.decode(expected, { skip_special_tokens: false }), `${label}: decode of ${JSON.stringify(text)}`);
    assert.equal(py.decodedSkip[i], js.decode(expected, { skip_special_tokens: true }), `${label}: decode without specials of ${JSON.stringify(text)}`);
    assert.equal(py.decoded[i], text.normalize('NFC'), `${label}: decode(encode(text)) is the NFC text`);
  });
}

const SMALL_POLICY_PRE_TOKENIZER = {
  type: 'Sequence',
  pretokenizers: [{ type: 'Digits', individual_digits: true }, { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true }],
};

test('the fixture as it is: ids and decoding equal @huggingface/tokenizers', { skip }, () => {
  assertParity(FIXTURE, 'qwen2-tiny');
});

test('with 400 learned merges', { skip }, () => {
  assertParity(variant(() => {}, 400), 'grown');
});

test("the small policy's pre-tokenizer (one token per digit, GPT-2's pattern), with learned merges", { skip }, () => {
  assertParity(variant((spec) => { spec.pre_tokenizer = SMALL_POLICY_PRE_TOKENIZER; }, 300), 'small-policy shape');
});

test('ignore_merges, and an added token that takes the whitespace around it', { skip }, () => {
  const folder = variant((spec) => {
    spec.model.ignore_merges = true;
    const think = (spec.added_tokens as { content: string; lstrip: boolean; rstrip: boolean }[]).find((t) => t.content === '<think>');
    Object.assign(think!, { lstrip: true, rstrip: true });
  }, 300);
  const js = new Tokenizer(JSON.parse(readFileSync(join(folder, 'tokenizer.json'), 'utf8')), JSON.parse(readFileSync(join(folder, 'tokenizer_config.json'), 'utf8')));
  const texts = ['a  <think>  b', 'user\n<think>\nthe', ...CORPUS.filter((t) => !t.includes('<think>'))];
  const py = JSON.parse(python(['encode'], { folder, texts })) as PythonResult;
  texts.forEach((text, i) => assert.deepEqual(py.ids[i], js.encode(text, { add_special_tokens: false }).ids, `ids of ${JSON.stringify(text)}`));
  assert.ok(!py.decoded[0]!.includes(' <think> '), 'the whitespace around <think> was absorbed');
});

const TOOLS = [{ type: 'function', function: { name: 'execute_python_code', description: 'Runs Python; "print" shows values ✓', parameters: { type: 'object', properties: { code: { type: 'string' } }, required: ['code'] } } }];
const CONVERSATIONS: { messages: ChatMessage[]; tools?: typeof TOOLS; addGenerationPrompt: boolean; kwargs?: Record<string, unknown> }[] = [
  { messages: [{ role: 'user', content: 'Hi' }], addGenerationPrompt: true },
  { messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Hi' }, { role: 'assistant', content: 'Hello!' }], addGenerationPrompt: false },
  { messages: [{ role: 'user', content: 'What is 3 × 7?' }], tools: TOOLS, addGenerationPrompt: true, kwargs: { enable_thinking: false } },
  {
    messages: [
      { role: 'user', content: 'What is 3 * 7?' },
      { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'execute_python_code', arguments: '{"code": "print(3 * 7)\\n# é \\u2028 😀"}' } }] },
      { role: 'tool', tool_call_id: 'c1', content: 'returncode: 0\nstdout:\n21\n' },
      { role: 'tool', tool_call_id: 'c2', content: 'second result' },
      { role: 'assistant', content: 'The answer is \\boxed{21}.' },
    ],
    tools: TOOLS,
    addGenerationPrompt: true,
  },
];

test('the chat template renders what the proxy\'s local renderer renders', { skip }, () => {
  const renderer = createLocalRenderer(FIXTURE);
  const py = JSON.parse(python(['chat'], { folder: FIXTURE, requests: CONVERSATIONS })) as { texts: string[] };
  CONVERSATIONS.forEach((c, i) => {
    const expected = renderer.renderText({ messages: c.messages, tools: c.tools, addGenerationPrompt: c.addGenerationPrompt, chatTemplateKwargs: c.kwargs });
    assert.equal(py.texts[i], expected, `conversation ${i}`);
  });
  assert.match(py.texts[2] as string, /<think>\n\n<\/think>\n\n$/, 'template kwargs reach the template');
  assert.match(py.texts[3] as string, /"arguments": \{"code": "print\(3 \* 7\)\\n# é \u2028 😀"\}/, 'tool arguments parsed and written back with tojson, without ASCII escapes');
});
