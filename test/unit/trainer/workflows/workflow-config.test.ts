import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { WorkflowConfigSchema } from '../../../../trainer/workflows/workflow-config.ts';

function issuesOf(config: unknown): string {
  const parsed = WorkflowConfigSchema.safeParse(config);
  assert.equal(parsed.success, false, `expected ${JSON.stringify(config)} to be rejected`);
  return parsed.success ? '' : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('\n');
}

describe('WorkflowConfigSchema', () => {
  it('fills the defaults of each runner type', () => {
    assert.deepEqual(WorkflowConfigSchema.parse({ type: 'module', module: 'agent.ts#run' }), {
      type: 'module',
      module: 'agent.ts#run',
      timeoutMs: 300_000,
    });
    const command = WorkflowConfigSchema.parse({ type: 'command', command: ['python3', 'agent.py'] });
    assert.equal(command.type, 'command');
    assert.ok(command.type === 'command');
    assert.deepEqual(command.env, {});
    assert.ok(command.inheritEnv.includes('PATH'));
    assert.ok(!command.inheritEnv.includes('ROLLCALL_ADMIN_TOKEN'));
    assert.equal(command.killGraceMs, 5_000);
    assert.equal(command.maxStderrBytes, 64 * 1024);
    const http = WorkflowConfigSchema.parse({ type: 'http', url: 'http://127.0.0.1:9000/run' });
    assert.ok(http.type === 'http');
    assert.deepEqual(http.headers, {});
    assert.equal(http.timeoutMs, 300_000);
  });

  it('rejects unknown keys and unknown types with their path', () => {
    assert.match(issuesOf({ type: 'module', module: 'a.ts', timeout: 5 }), /timeout/);
    assert.match(issuesOf({ type: 'rust', module: 'a.rs' }), /^type: /);
  });

  it('takes a python function as "file.py:function" or "package.module:function"', () => {
    const python = WorkflowConfigSchema.parse({ type: 'python', module: './agent.py:workflow' });
    assert.ok(python.type === 'python');
    assert.equal(python.python, 'python3');
    assert.equal(python.startTimeoutMs, 60_000);
    assert.ok(python.inheritEnv.includes('PYTHONPATH') && !python.inheritEnv.includes('ROLLCALL_ADMIN_TOKEN'));
    assert.ok(WorkflowConfigSchema.safeParse({ type: 'python', module: 'my_agents.math:run' }).success);
    for (const module of ['agent.py', 'agent.py:', 'agent.py:not-a-name', 'not a module:run', ':run']) {
      assert.match(issuesOf({ type: 'python', module }), /^module: must look like "path\/to\/file.py:function"/, module);
    }
  });

  it('rejects a malformed module spec', () => {
    assert.match(issuesOf({ type: 'module', module: 'agent.ts#' }), /^module: must look like "path\/to\/file.ts#exportName"/);
    assert.match(issuesOf({ type: 'module', module: '#run' }), /^module: /);
  });

  it('rejects an empty argv and an env that overrides the rollout variables', () => {
    assert.match(issuesOf({ type: 'command', command: [] }), /^command: /);
    assert.match(
      issuesOf({ type: 'command', command: ['x'], env: { OPENAI_API_KEY: 'sk-real' } }),
      /^env: may not set .*OPENAI_API_KEY/,
    );
    assert.match(issuesOf({ type: 'command', command: ['x'], env: { 'BAD NAME': '1' } }), /^env\.BAD NAME: /);
  });

  it('accepts only http(s) URLs and positive timeouts', () => {
    assert.match(issuesOf({ type: 'http', url: 'ftp://host/run' }), /^url: /);
    assert.match(issuesOf({ type: 'http', url: 'http://host/run', timeoutMs: 0 }), /^timeoutMs: /);
  });

  it('documents every field for the generated reference', () => {
    for (const option of WorkflowConfigSchema.options) {
      assert.ok(option.description, `type ${option.shape.type.value} has no description`);
      for (const [name, field] of Object.entries(option.shape)) {
        if (name === 'type') continue;
        assert.ok(field.description, `${option.shape.type.value}.${name} has no description`);
      }
    }
  });
});
