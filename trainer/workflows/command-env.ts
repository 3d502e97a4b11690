/**
 * The environment a command workflow runs with: the configured inherited names from the trainer's
 * environment, then the configured `env`, then the rollout's own variables, which always win (the
 * schema already refuses a configured `env` that names them). Variables the OpenAI SDKs read:
 * `OPENAI_BASE_URL`, `OPENAI_API_KEY`; the Anthropic SDK and Claude-style harnesses read
 * `ANTHROPIC_BASE_URL` (the proxy's root: the SDK adds `/v1`) and `ANTHROPIC_API_KEY`, served by
 * the proxy's Messages API; the rest are rollcall's.
 *
 * Linux limits one variable to 128 KiB (MAX_ARG_STRLEN): a task larger than that fails to start
 * with E2BIG and is reported as `crashed`; such tasks need the HTTP runner.
 */
import type { CommandWorkflowConfig } from './workflow-config.ts';
import type { WorkflowRunInput } from './workflow-types.ts';

/** The trainer's variables named in `inheritEnv`, then the configured `env`. */
export function staticCommandEnv(
  config: Pick<CommandWorkflowConfig, 'env' | 'inheritEnv'>,
  parentEnv: NodeJS.ProcessEnv = process.env,
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of config.inheritEnv) {
    const value = parentEnv[name];
    if (value !== undefined) env[name] = value;
  }
  return Object.assign(env, config.env);
}

/** The whole environment of one run: the static part plus the rollout's variables. */
export function buildCommandEnv(
  config: Pick<CommandWorkflowConfig, 'env' | 'inheritEnv'>,
  input: WorkflowRunInput,
  parentEnv: NodeJS.ProcessEnv = process.env,
): Record<string, string> {
  return {
    ...staticCommandEnv(config, parentEnv),
    OPENAI_BASE_URL: input.baseUrl,
    OPENAI_API_KEY: input.apiKey,
    OPENAI_MODEL: input.model,
    ANTHROPIC_BASE_URL: input.baseUrl.replace(/\/v1\/?$/, ''),
    ANTHROPIC_API_KEY: input.apiKey,
    ROLLCALL_TASK: JSON.stringify(input.task),
    ROLLCALL_ROLLOUT_ID: input.rolloutId,
    ROLLCALL_ATTEMPT: String(input.attempt),
    ROLLCALL_METADATA: JSON.stringify(input.metadata),
    ROLLCALL_AUXILIARY_MODELS: JSON.stringify(input.auxiliaryModels),
  };
}
