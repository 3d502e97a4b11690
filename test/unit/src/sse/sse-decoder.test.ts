import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SseDecoder } from '../../../../src/sse/sse-decoder.ts';

const STREAM =
  'data: {"a":"héllo wörld ✓ 日本"}\n\n' +
  'event: sglext_ids\ndata: {"ids":[1,2]}\n\n' +
  ': a comment line\n\n' +
  'data: line one\ndata: line two\n\n' +
  'data: [DONE]\n\n';

function decodeAll(chunks: Buffer[]) {
  const decoder = new SseDecoder();
  return chunks.flatMap((chunk) => decoder.push(chunk));
}

test('decodes whole streams into events with their exact raw bytes', () => {
  const events = decodeAll([Buffer.from(STREAM)]);
  assert.deepEqual(
    events.map((e) => [e.event, e.data]),
    [
      [null, '{"a":"héllo wörld ✓ 日本"}'],
      ['sglext_ids', '{"ids":[1,2]}'],
      [null, 'line one\nline two'],
      [null, '[DONE]'],
    ],
  );
  assert.equal(Buffer.concat(events.map((e) => e.raw)).toString(), STREAM.replace(': a comment line\n\n', ''));
});

test('1-byte chunks, including UTF-8 characters split across chunks, decode the same', () => {
  const bytes = Buffer.from(STREAM);
  const oneByte = [...bytes].map((b) => Buffer.from([b]));
  assert.deepEqual(
    decodeAll(oneByte).map((e) => e.data),
    decodeAll([bytes]).map((e) => e.data),
  );
});

test('CRLF line endings are accepted', () => {
  const events = decodeAll([Buffer.from('data: {"x":1}\r\n\r\ndata: [DONE]\r\n\r\n')]);
  assert.deepEqual(events.map((e) => e.data), ['{"x":1}', '[DONE]']);
});

test('an event cut off by the end of the stream is reported as leftover, never emitted', () => {
  const decoder = new SseDecoder();
  assert.equal(decoder.push(Buffer.from('data: {"x":1}\n\ndata: {"y"')).length, 1);
  assert.equal(decoder.leftover, 'data: {"y"'.length);
});
