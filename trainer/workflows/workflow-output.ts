/**
 * Validation of what a workflow returned, the same for all three runners.
 *
 * Policy:
 * - strict: an unknown key is bad output. A misspelt `finalanswer` or a Python `final_answer`
 *   would otherwise be dropped silently and the judge would grade nothing.
 * - at least one of `response`, `finalAnswer`, `reward`: an output with none gives the judge
 *   nothing to grade and no reward to use, which is always a workflow bug (e.g. printing `{}`),
 *   so it is reported instead of being scored 0. An empty string is a (wrong) answer and passes.
 * - a top-level `null` means "not given": Python's `None` serialises to it, and
 *   `{"response": "…", "reward": null}` is the natural way to say "let the judge decide".
 * - `reward` and metric values are finite numbers (zod 4's `number()` rejects NaN and ±Infinity):
 *   one NaN reward would poison the advantages of its whole group.
 */
import { z } from 'zod';
import type { WorkflowOutput } from '../judges/judge-types.ts';

const OUTPUT_KEYS = ['response', 'finalAnswer', 'reward', 'metadata', 'metrics'] as const;

function dropNullFields(value: unknown): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== null));
}

export const WorkflowOutputSchema = z.preprocess(
  dropNullFields,
  z
    .strictObject({
      response: z.string().optional().describe('The agent\'s whole final message'),
      finalAnswer: z.string().optional().describe('The extracted answer; judges prefer it'),
      reward: z.number().optional().describe('A reward the workflow computed itself'),
      metadata: z.record(z.string(), z.unknown()).optional().describe('Kept with the rollout'),
      metrics: z
        .record(z.string().min(1), z.number())
        .optional()
        .describe('Numbers averaged into the step metrics'),
    })
    .refine(
      (output) =>
        output.response !== undefined ||
        output.finalAnswer !== undefined ||
        output.reward !== undefined,
      'needs at least one of "response", "finalAnswer", "reward"',
    ),
);

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
    const known = (OUTPUT_KEYS as readonly string[]).includes(camel) && camel !== key;
    return known ? `"${key}" (did you mean "${camel}"?)` : `"${key}"`;
  });
  return `${path}: unknown key ${hints.join(', ')}; allowed: ${OUTPUT_KEYS.join(', ')}`;
}
