import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { createLocalRenderer } from '../../../../proxy/render/local-renderer.ts';
import { RollcallError } from '../../../../src/errors/rollcall-error.ts';
import { configWith, request, variantFolder } from './tokenizer-fixture.ts';

/** Asserts a start-up failure: the registry code, and a message naming `file` and saying `why`. */
function assertFolderError(run: () => unknown, file: string, why: RegExp): void {
  assert.throws(run, (error: unknown) => {
    assert.ok(error instanceof RollcallError);
    assert.equal(error.code, 'RC_ERR_RENDER_TEMPLATE');
    assert.ok(error.message.includes(file), `${error.message} names ${file}`);
    assert.match(error.message, why);
    return true;
  });
}

/** Runs `check` against a copy of the fixture folder with `files` replaced or removed. */
function withFolder(files: Record<string, string | null>, check: (dir: string) => void): void {
  const folder = variantFolder(files);
  try {
    check(folder.dir);
  } finally {
    folder.remove();
  }
}

describe('model folder loading', () => {
  it('refuses a folder that does not exist, naming the file it looked for', () => {
    const dir = '/nonexistent/rollcall-model';
    assertFolderError(() => createLocalRenderer(dir), join(dir, 'tokenizer_config.json'), /\(ENOENT\); tokenizerPath must be a local model folder/);
  });

  it('refuses a folder without tokenizer.json', () => {
    withFolder({ 'tokenizer.json': null }, (dir) => assertFolderError(() => createLocalRenderer(dir), join(dir, 'tokenizer.json'), /ENOENT/));
  });

  it('refuses a config that is not JSON, or not an object', () => {
    withFolder({ 'tokenizer_config.json': '{"chat_template": ' }, (dir) => assertFolderError(() => createLocalRenderer(dir), join(dir, 'tokenizer_config.json'), /is not valid JSON \(/));
    withFolder({ 'tokenizer_config.json': '[]' }, (dir) => assertFolderError(() => createLocalRenderer(dir), join(dir, 'tokenizer_config.json'), /does not hold a JSON object/));
  });

  it('refuses a tokenizer.json the tokenizer cannot load', () => {
    withFolder({ 'tokenizer.json': '{"added_tokens": []}' }, (dir) => assertFolderError(() => createLocalRenderer(dir), join(dir, 'tokenizer.json'), /cannot be loaded as a tokenizer \(.*model/));
  });

  it('refuses a model without a chat template, and a template that does not parse', () => {
    withFolder({ 'tokenizer_config.json': configWith({ chat_template: undefined }) }, (dir) =>
      assertFolderError(() => createLocalRenderer(dir), 'tokenizer_config.json has no chat_template', /and there is no .*chat_template\.jinja/),
    );
    withFolder({ 'chat_template.jinja': '{% for m in messages %}{{ m.content }' }, (dir) => assertFolderError(() => createLocalRenderer(dir), 'chat template "default"', /does not parse \(/));
  });

  it('takes chat_template.jinja over the config’s template, as transformers does', () => {
    withFolder({ 'chat_template.jinja': '{% for m in messages %}[{{ m.role }}]{{ m.content }}{% endfor %}' }, (dir) => {
      assert.equal(createLocalRenderer(dir).renderText(request([{ role: 'user', content: 'Hi' }])), '[user]Hi');
    });
  });

  it('picks the "tool_use" template when tools are given and "default" otherwise', () => {
    const chat_template = [
      { name: 'default', template: 'plain:{{ messages | length }}' },
      { name: 'tool_use', template: 'tools:{{ tools | length }}' },
    ];
    withFolder({ 'tokenizer_config.json': configWith({ chat_template }) }, (dir) => {
      const renderer = createLocalRenderer(dir);
      assert.equal(renderer.renderText(request([{ role: 'user', content: 'Hi' }])), 'plain:1');
      assert.equal(renderer.renderText(request([{ role: 'user', content: 'Hi' }], { tools: [{ type: 'function' }, { type: 'function' }] })), 'tools:2');
    });
    withFolder({ 'tokenizer_config.json': configWith({ chat_template: chat_template.slice(1) }) }, (dir) =>
      assertFolderError(() => createLocalRenderer(dir), 'names chat templates (tool_use)', /none is "default"/),
    );
  });

  it('hands special tokens to the template as strings, AddedToken objects included, and kwargs over them', () => {
    const template = '{{ bos_token }}|{{ eos_token }}|{{ pad_token }}|{{ unk_token }}|{{ additional_special_tokens | join(",") }}';
    const config = configWith({ chat_template: template, bos_token: { __type: 'AddedToken', content: '<|endoftext|>', lstrip: false } });
    withFolder({ 'tokenizer_config.json': config }, (dir) => {
      const renderer = createLocalRenderer(dir);
      assert.equal(renderer.renderText(request([])), '<|endoftext|>|<|im_end|>|<|endoftext|>||<|im_start|>,<|im_end|>');
      assert.ok(renderer.renderText(request([], { chatTemplateKwargs: { eos_token: 'E' } })).startsWith('<|endoftext|>|E|'));
    });
  });
});
