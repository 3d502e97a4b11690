import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseCompletionText } from '../../../../src/parsing/chat-message-parser.ts';
import { StreamingChatParser } from '../../../../src/parsing/streaming-chat-parser.ts';
import type { ChatDelta } from '../../../../src/parsing/streaming-chat-parser.ts';
import type { ToolReleaseMode } from '../../../../src/parsing/streaming-tool-scanner.ts';
import { sequentialToolCallIds, toWireToolCall } from '../../../../src/parsing/tool-call.ts';
import { ALL_CASES, HERMES_CASES } from './completion-texts.ts';
import type { CompletionCase } from './completion-texts.ts';

const LONE_SURROGATE = /\p{Cs}/u;

function streamPieces(pieces: readonly string[], c: CompletionCase, release: ToolReleaseMode = 'on-finish') {
  const options = { ...c.options, newToolCallId: sequentialToolCallIds(), releaseToolCalls: release };
  const parser = new StreamingChatParser(options);
  const deltas: ChatDelta[] = [];
  for (const piece of pieces) deltas.push(...parser.push(piece));
  deltas.push(...parser.finish());
  return { deltas, summary: parser.summary };
}

/** The stream, reduced to what the non-streaming parser returns. */
function collect(pieces: readonly string[], c: CompletionCase, release: ToolReleaseMode = 'on-finish') {
  const { deltas, summary } = streamPieces(pieces, c, release);
  for (const delta of deltas) {
    const text = 'content' in delta ? delta.content : 'reasoning' in delta ? delta.reasoning : null;
    if (text === null) continue;
    assert.notEqual(text, '', 'no empty deltas');
    assert.doesNotMatch(text, LONE_SURROGATE, 'no delta splits a character');
  }
  return {
    content: deltas.map((d) => ('content' in d ? d.content : '')).join(''),
    reasoning: deltas.map((d) => ('reasoning' in d ? d.reasoning : '')).join(''),
    toolCalls: deltas.flatMap((d) => ('toolCall' in d ? [toWireToolCall(d.toolCall)] : [])),
    indexes: deltas.flatMap((d) => ('toolCall' in d ? [d.toolCall.index] : [])),
    summary,
  };
}

function expected(c: CompletionCase) {
  const message = parseCompletionText(c.text, { ...c.options, newToolCallId: sequentialToolCallIds() });
  return {
    content: message.content ?? '',
    reasoning: message.reasoning ?? '',
    toolCalls: message.toolCalls,
    indexes: message.toolCalls.map((_, i) => i),
    summary: {
      toolCalls: message.toolCalls,
      rawToolArguments: message.rawToolArguments,
      malformedToolCall: message.malformedToolCall,
      hasReasoning: message.reasoning !== null,
      unterminatedReasoning: message.unterminatedReasoning,
      finishReason: message.finishReason,
    },
  };
}

/** A small seeded generator (mulberry32), so that a failing split can be replayed. */
function seededRandom(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomPieces(text: string, random: () => number): string[] {
  const pieces: string[] = [];
  let i = 0;
  while (i < text.length) {
    const size = 1 + Math.floor(random() * 12);
    pieces.push(text.slice(i, i + size));
    i += size;
  }
  return pieces;
}

/** Every way the property is checked for one text: each cut point, 1-char pieces, random pieces. */
function splittings(text: string, seed: number): string[][] {
  const all: string[][] = [[text], [...text.split('')], ['', text, '']];
  for (let cut = 1; cut < text.length; cut++) all.push([text.slice(0, cut), text.slice(cut)]);
  for (let cut = 1; cut + 1 < text.length; cut += 3) {
    all.push([text.slice(0, cut), text.slice(cut, cut + 1), text.slice(cut + 1)]);
  }
  const random = seededRandom(seed);
  for (let round = 0; round < 25; round++) all.push(randomPieces(text, random));
  return all;
}

ALL_CASES.forEach((c, caseIndex) => {
  test(`streaming equals non-streaming at every split: ${c.name}`, () => {
    const want = expected(c);
    for (const pieces of splittings(c.text, caseIndex + 1)) {
      assert.deepEqual(collect(pieces, c), want, `pieces ${JSON.stringify(pieces)}`);
    }
  });
});

ALL_CASES.filter((c) => c.onCloseDiffers !== true).forEach((c, caseIndex) => {
  test(`on-close release equals non-streaming at every split: ${c.name}`, () => {
    const want = expected(c);
    for (const pieces of splittings(c.text, caseIndex + 101)) {
      assert.deepEqual(collect(pieces, c, 'on-close'), want, `pieces ${JSON.stringify(pieces)}`);
    }
  });
});

const FRAGMENTS = [
  '<think>', '</think>', '<tool_call>', '</tool_call>', '<function=f>', '<parameter=a>', '</parameter>', '</function>',
  '{"name": "f", "arguments": {"a": [1, "}"]}}', '{"name": "g", "arguments": 2}', '\n', ' ', '\n\n', 'ok', '🌍', '<',
  '<t', '</', 'x>', '\n1\n', '<think>\nr\n</think>\n\n',
  // Whole blocks, so that valid calls are common too.
  '<tool_call>\n{"name": "f", "arguments": {"a": "</tool"}}\n</tool_call>',
  '<tool_call>\n{"name": "h", "arguments": {}}\n</tool_call>',
  '<tool_call>\n<function=f>\n<parameter=a>\n1\n</parameter>\n</function>\n</tool_call>', '<function=k>\n</function>',
];

test('random texts built from tag fragments stream like the non-streaming parser', () => {
  const random = seededRandom(2024);
  const variants: CompletionCase['options'][] = [
    { toolParser: 'hermes', reasoning: true },
    { toolParser: 'qwen3_coder', reasoning: true },
    { toolParser: 'hermes', reasoning: true, startsInReasoning: true },
    { toolParser: 'none', reasoning: false },
  ];
  for (let round = 0; round < 400; round++) {
    const count = 1 + Math.floor(random() * 12);
    const text = Array.from({ length: count }, () => FRAGMENTS[Math.floor(random() * FRAGMENTS.length)]).join('');
    const options = variants[round % variants.length] ?? { toolParser: 'none', reasoning: false };
    const c: CompletionCase = { name: 'random', text, options };
    const want = expected(c);
    for (const pieces of [[...text.split('')], randomPieces(text, random), randomPieces(text, random)]) {
      const where = `pieces ${JSON.stringify(pieces)} options ${JSON.stringify(c.options)}`;
      assert.deepEqual(collect(pieces, c), want, where);
      // Without a malformed block the release mode changes only the timing.
      if (want.summary.malformedToolCall === null) assert.deepEqual(collect(pieces, c, 'on-close'), want, where);
    }
  }
});

test('on-close releases a call when its closing tag arrives, before the output ends', () => {
  const c = HERMES_CASES.find((x) => x.name === 'parallel calls');
  assert.ok(c);
  const options = { ...c.options, newToolCallId: sequentialToolCallIds() };
  const parser = new StreamingChatParser({ ...options, releaseToolCalls: 'on-close' });
  const firstEnd = c.text.indexOf('</tool_call>') + '</tool_call>'.length;
  const early = parser.push(c.text.slice(0, firstEnd));
  assert.deepEqual(early.map((d) => ('toolCall' in d ? d.toolCall.name : '?')), ['get_weather']);
  const onFinish = new StreamingChatParser(options);
  assert.deepEqual(onFinish.push(c.text.slice(0, firstEnd)), [], 'on-finish holds calls until finish()');
});

test('on-close after a valid call then a malformed one: the sent call stands, the rest is content', () => {
  const c = HERMES_CASES.find((x) => x.onCloseDiffers === true);
  assert.ok(c);
  const secondBlock = c.text.indexOf('<tool_call>', c.text.indexOf('</tool_call>'));
  for (const pieces of [[c.text], [...c.text.split('')]]) {
    const got = collect(pieces, c, 'on-close');
    assert.equal(got.content, `Sure. ${c.text.slice(secondBlock - 1)}`);
    assert.deepEqual(got.toolCalls.map((t) => t.function.name), ['get_weather']);
    assert.match(got.summary.malformedToolCall ?? '', /"arguments" of "g" must be a JSON object/);
    assert.equal(got.summary.finishReason, 'tool_calls');
  }
  assert.equal(expected(c).toolCalls.length, 0, 'the non-streaming parser rejects the whole text');
});

test('content streams as it arrives and only a possible tag is held back', () => {
  const parser = new StreamingChatParser({ toolParser: 'hermes', reasoning: true });
  assert.deepEqual(parser.push('<th'), []);
  assert.deepEqual(parser.push('ink>\nabc</thi'), [{ reasoning: '\nabc' }]);
  assert.deepEqual(parser.push('nk>\n\nSure <tool'), [{ content: 'Sure ' }]);
  assert.deepEqual(parser.push('box> ok'), [{ content: '<toolbox> ok' }]);
  assert.deepEqual(parser.finish(), []);
  assert.deepEqual(parser.finish(), [], 'finish() twice releases nothing more');
  assert.throws(() => parser.push('late'), { code: 'RC_ERR_SERVER_INTERNAL' });
});

test('a high surrogate waits for its pair', () => {
  const parser = new StreamingChatParser({ toolParser: 'none', reasoning: false });
  const [high, low] = ['🌍'.charAt(0), '🌍'.charAt(1)];
  assert.deepEqual(parser.push(`a${high}`), [{ content: 'a' }]);
  assert.deepEqual(parser.push(`${low}b`), [{ content: '🌍b' }]);
});

test('split UTF-8 bytes decoded in stream mode give the same message', () => {
  const c = HERMES_CASES.find((x) => x.name === 'unicode');
  assert.ok(c);
  const bytes = Buffer.from(c.text);
  const decoder = new TextDecoder('utf-8');
  const pieces = [...bytes].map((byte) => decoder.decode(Uint8Array.of(byte), { stream: true }));
  assert.deepEqual(collect(pieces, c), expected(c));
});
