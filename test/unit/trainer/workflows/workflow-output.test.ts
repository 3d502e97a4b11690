import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { validateWorkflowOutput } from '../../../../trainer/workflows/workflow-output.ts';

function problem(value: unknown): string {
  const validation = validateWorkflowOutput(value);
  assert.equal(validation.ok, false, `expected ${JSON.stringify(value)} to be rejected`);
  return validation.ok ? '' : validation.message;
}

describe('validateWorkflowOutput', () => {
  it('accepts every field and returns the output unchanged', () => {
    const output = {
      response: 'The answer is \\boxed{18}',
      finalAnswer: '18',
      reward: 1,
      metadata: { turns: 3, tools: ['python'] },
      metrics: { 'agent/turns': 3 },
    };
    assert.deepEqual(validateWorkflowOutput(output), { ok: true, output });
  });

  it('accepts any one of response, finalAnswer or reward on its own', () => {
    for (const output of [{ response: '' }, { finalAnswer: '18' }, { reward: 0 }]) {
      assert.equal(validateWorkflowOutput(output).ok, true, JSON.stringify(output));
    }
  });

  it('treats a top-level null (Python None) as absent', () => {
    assert.deepEqual(validateWorkflowOutput({ response: 'x', reward: null, metrics: null }), {
      ok: true,
      output: { response: 'x' },
    });
  });

  it('rejects an output with nothing to grade', () => {
    assert.match(problem({}), /at least one of "response", "finalAnswer", "reward"/);
    assert.match(problem({ metadata: { a: 1 } }), /at least one of/);
    assert.match(problem({ reward: null }), /at least one of/);
  });

  it('names the path of a wrongly typed field', () => {
    assert.match(problem({ response: 'x', metrics: { score: 'high' } }), /output\.metrics\.score: .*number/);
    assert.match(problem({ reward: '1' }), /output\.reward: .*number/);
    assert.match(problem({ response: 'x', metadata: [1] }), /output\.metadata: /);
  });

  it('rejects non-finite rewards and metrics', () => {
    assert.match(problem({ reward: Number.NaN }), /output\.reward/);
    assert.match(problem({ response: 'x', metrics: { m: Number.POSITIVE_INFINITY } }), /output\.metrics\.m/);
  });

  it('rejects unknown keys and suggests the camelCase name for snake_case ones', () => {
    assert.match(problem({ final_answer: '18' }), /unknown key "final_answer" \(did you mean "finalAnswer"\?\)/);
    assert.match(problem({ response: 'x', answer: '18' }), /unknown key "answer"; allowed: response, finalAnswer/);
  });

  it('rejects values that are not objects', () => {
    for (const value of [null, 'text', 42, [{ response: 'x' }]]) {
      assert.match(problem(value), /^bad workflow output: output: /, JSON.stringify(value));
    }
  });
});
