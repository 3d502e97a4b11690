import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createLocalRenderer } from '../../../../proxy/render/local-renderer.ts';
import type { ChatMessage } from '../../../../src/wire/openai-chat.ts';
import { request, variantFolder } from './tokenizer-fixture.ts';

const PARTS: ChatMessage[] = [{ role: 'user', content: [{ type: 'text', text: 'one' }, { type: 'text', text: 'two' }] }];

function renderWith(template: string, messages: readonly ChatMessage[]): string {
  const folder = variantFolder({ 'chat_template.jinja': template });
  try {
    return createLocalRenderer(folder.dir).renderText(request(messages));
  } finally {
    folder.remove();
  }
}

describe('chat template content format', () => {
  it('hands a template that loops over content parts the parts, as vLLM’s "openai" format', () => {
    const template = "{% for message in messages %}{% for part in message['content'] %}<{{ part.type }}:{{ part.text }}>{% endfor %}{% endfor %}";
    assert.equal(renderWith(template, PARTS), '<text:one><text:two>');
    assert.equal(renderWith(template.replace("message['content']", 'message.content'), PARTS), '<text:one><text:two>');
  });

  it('hands a text template the parts’ texts joined with "\\n"', () => {
    assert.equal(renderWith('{% for message in messages %}[{{ message.content }}]{% endfor %}', PARTS), '[one\ntwo]');
  });
});
