/**
 * Tasks and the configuration of the readers that produce them (the `tasks` section of the
 * trainer's configuration, docs/config.md).
 *
 * The field mapping lives inside the readers that read rows with columns (`jsonl`, `huggingface`):
 * an `env_service` task has no columns to map (its prompt is the environment's first observation),
 * so a strict object there rejects a stray `fields` key instead of silently ignoring it.
 *
 * @example
 * // tasks.train in the trainer's YAML
 * // { type: huggingface, path: ../shared/datasets/gsm8k, split: train }
 * const config = TaskReaderConfigSchema.parse({ type: 'jsonl', path: 'data/train.jsonl' });
 * // config.fields → { query: 'question', answer: 'answer' }
 */
import { z } from 'zod';

/** One task as the trainer holds it: a `JudgeTask` plus its position in the task set. */
export type Task = {
  id: string;
  /** 0-based position in the task set (shards concatenated in name order). */
  index: number;
  query: string;
  referenceAnswer?: string;
  metadata: Record<string, unknown>;
};

/** One row read from a task source, before the field mapping makes it a task. */
export type SourceRow = {
  /** Column values, already plain JSON. */
  values: Record<string, unknown>;
  /** Where the row came from, for error messages: `/data/train.jsonl:12`, `…/train-00000-of-00001.parquet row 7`. */
  where: string;
  /** The id a task gets when the mapping names no id column. */
  defaultId: string;
};

/** Which columns of a row become the task's fields. */
export type FieldMapping = {
  query: string;
  answer?: string;
  id?: string;
  /** Extra columns copied into `metadata`; default: every column not mapped above. */
  metadata?: string[];
};

export const FieldMappingSchema = z
  .strictObject({
    query: z.string().min(1).default('question').describe('Column holding the prompt the agent gets'),
    answer: z
      .string()
      .min(1)
      .default('answer')
      .describe('Column holding the reference answer for the judge; a row without it has none'),
    id: z
      .string()
      .min(1)
      .optional()
      .describe('Column holding a stable task id; default `<file>:<line>` (JSONL) or `<split>:<row>` (Hugging Face)'),
    metadata: z
      .array(z.string().min(1))
      .optional()
      .describe('Columns copied into task metadata (each must be present); default every column not mapped above'),
  })
  .describe('Column names of a row: query, answer, id, metadata');

const fields = FieldMappingSchema.prefault({}).describe('Which columns of a row become the task');

export const JsonlReaderConfigSchema = z.strictObject({
  type: z.literal('jsonl').describe('One JSON object per line'),
  path: z.string().min(1).describe('The .jsonl file; relative paths start at the config file’s folder'),
  fields,
});

export const HuggingFaceReaderConfigSchema = z.strictObject({
  type: z
    .literal('huggingface')
    .describe('A local Hugging Face dataset folder: a hub download (parquet/jsonl/json) or `save_to_disk` output (Arrow)'),
  path: z.string().min(1).describe('The dataset folder; relative paths start at the config file’s folder'),
  split: z
    .string()
    .regex(/^\w+(\.\w+)*$/, 'a split name is letters, digits and underscores')
    .default('train')
    .describe('Split to read: files `<split>-*.parquet`, `<split>.jsonl`, a `<split>/` folder, …'),
  config: z
    .string()
    .min(1)
    .optional()
    .describe('Dataset config (subset) subfolder, such as `main` for openai/gsm8k'),
  fields,
});

export const EnvServiceReaderConfigSchema = z.strictObject({
  type: z
    .literal('env_service')
    .describe('Tasks listed by an AgentJet-style environment service (`POST /get_env_profile`)'),
  url: z
    .url({ protocol: /^https?$/ })
    .default('http://127.0.0.1:8080')
    .describe('Base URL of the environment service'),
  envType: z.string().min(1).describe('Environment type the service hosts, such as `appworld`'),
  split: z.string().min(1).default('train').describe('Split whose task ids the service lists'),
  timeoutMs: z
    .number()
    .int()
    .positive()
    .default(300_000)
    .describe('Longest wait for one environment-service call; environments can be slow to set up'),
});

export const TaskReaderConfigSchema = z
  .discriminatedUnion('type', [
    JsonlReaderConfigSchema,
    HuggingFaceReaderConfigSchema,
    EnvServiceReaderConfigSchema,
  ])
  .describe('Where a task set comes from');

export type JsonlReaderConfig = z.infer<typeof JsonlReaderConfigSchema>;
export type HuggingFaceReaderConfig = z.infer<typeof HuggingFaceReaderConfigSchema>;
export type EnvServiceReaderConfig = z.infer<typeof EnvServiceReaderConfigSchema>;
export type TaskReaderConfig = z.infer<typeof TaskReaderConfigSchema>;
export type TaskReaderConfigInput = z.input<typeof TaskReaderConfigSchema>;
