import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { findUntrainableReason } from '../../../../../proxy/capture/call-capture.ts';
import { captureSglangChat } from '../../../../../proxy/drivers/sglang/chat-capture.ts';
import { sglangChat } from '../../../../../proxy/drivers/sglang/sglang-driver.ts';
import { fixtureEvents, fixtureJson, fixturePayloads } from '../../../../support/fixtures.ts';

function captureStream(name: string) {
  const capture = sglangChat.newStreamCapture();
  for (const payload of fixturePayloads('sglang', name)) capture.push(payload);
  return capture.result();
}

describe('SGLang streamed chat capture', () => {
  it('takes the ids from the final sglext chunk and equals the unary capture', () => {
    const streamed = captureStream('chat-stream-sglext.sse');
    const unary = captureSglangChat(fixtureJson('sglang', 'chat-nonstream.json'));
    assert.deepEqual(streamed.promptIds, unary.promptIds);
    assert.deepEqual(streamed.choices, unary.choices);
    assert.deepEqual(streamed.usage, unary.usage);
    assert.equal(findUntrainableReason(streamed), null);
    const message = (streamed.response as { choices: { message: { content: string } }[] }).choices[0]?.message;
    assert.equal(message?.content, 'Hi!');
  });

  it('reads the same ids when the chunk is framed as event: sglext_ids (the payload is the same JSON)', () => {
    const names = fixtureEvents('sglang', 'chat-stream-sglext-framed.sse').map((event) => event.event);
    assert.ok(names.includes('sglext_ids'));
    assert.deepEqual(captureStream('chat-stream-sglext-framed.sse'), captureStream('chat-stream-sglext.sse'));
  });

  it('records a stream without the sglext chunk untrainable (a build that ignored the flags)', () => {
    const capture = captureStream('chat-stream-no-ids.sse');
    assert.equal(capture.promptIds, null);
    assert.deepEqual(capture.choices[0]?.completionIds, []);
    assert.equal(findUntrainableReason(capture), 'the engine returned no prompt token ids');
  });
});
