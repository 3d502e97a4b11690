/**
 * Validation of what a workflow returned, the same for all runners. The schema and its policy
 * (strict keys, at least one of `response`/`finalAnswer`/`reward`, `null` as "not given", finite
 * numbers) live in `src/wire/function-service.ts`, because a workflow service answers with it.
 */
import type { z } from 'zod';
import { WORKFLOW_OUTPUT_KEYS, WorkflowOutputSchema } from '../../src/wire/function-service.ts';
import type { WorkflowOutput } from '../judges/judge-types.ts';

export { WorkflowOutputSchema };

export type OutputValidation = { ok: true; output: WorkflowOutput } | { ok: false; message: string };

/** Validates `value`; a failure names the offending path, e.g. `output.metrics.score: …`. */
export function validateWorkflowOutput(value: unknown): OutputValidation {
  const parsed = WorkflowOutputSchema.safeParse(value);
  if (parsed.success) return { ok: true, output: parsed.data };
  const problems = parsed.error.issues.slice(0, 3).map(describeIssue);
  return { ok: false, message: `bad workflow output: ${problems.join('; ')}` };
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const path = ['output', ...issue.path.map(String)].join('.');
  if (issue.code !== 'unrecognized_keys') return `${path}: ${issue.message}`;
  const hints = issue.keys.map((key) => {
    const camel = key.replace(/_([a-z])/g, (_match, letter: string) => letter.toUpperCase());
    const known = (WORKFLOW_OUTPUT_KEYS as readonly string[]).includes(camel) && camel !== key;
    return known ? `"${key}" (did you mean "${camel}"?)` : `"${key}"`;
  });
  return `${path}: unknown key ${hints.join(', ')}; allowed: ${WORKFLOW_OUTPUT_KEYS.join(', ')}`;
}
