/** The workflow runners' public surface: the contract, the config section, runners and the pool. */
export type {
  AuxiliaryModel,
  Workflow,
  WorkflowCheck,
  WorkflowFailureReason,
  WorkflowInput,
  WorkflowOutput,
  WorkflowResult,
  WorkflowRunInput,
  WorkflowRunner,
  WorkflowTask,
} from './workflow-types.ts';
export { WORKFLOW_FAILURE_REASONS } from './workflow-types.ts';
export {
  CommandWorkflowConfigSchema,
  DEFAULT_INHERITED_ENV,
  HttpWorkflowConfigSchema,
  ModuleWorkflowConfigSchema,
  PythonWorkflowConfigSchema,
  RESERVED_ENV_NAMES,
  WorkflowConfigSchema,
  type CommandWorkflowConfig,
  type HttpWorkflowConfig,
  type ModuleWorkflowConfig,
  type PythonWorkflowConfig,
  type WorkflowConfig,
  type WorkflowConfigInput,
} from './workflow-config.ts';
export { validateWorkflowOutput, WorkflowOutputSchema, type OutputValidation } from './workflow-output.ts';
export { createCommandRunner } from './command-runner.ts';
export { createHttpRunner, createServiceRunner, type ServiceEndpoint } from './http-runner.ts';
export { createPythonRunner } from './python-runner.ts';
export { createModuleRunner } from './module-runner.ts';
export { createWorkflowRunner, type RunnerServices } from './create-runner.ts';
export { runAll } from './run-pool.ts';
