import assert from 'node:assert/strict';
import { isTaskError, type TaskErrorCode } from '../../../../trainer/tasks/task-errors.ts';

/** An `assert.rejects` validator: a task error with this code whose message holds every fragment. */
export function taskErrorWith(code: TaskErrorCode, ...fragments: string[]): (error: unknown) => boolean {
  return (error) => {
    assert.ok(isTaskError(error), `expected a task error, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    for (const fragment of fragments) assert.ok(error.message.includes(fragment), `"${error.message}" lacks "${fragment}"`);
    return true;
  };
}
