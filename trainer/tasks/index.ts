/** The task readers' public surface: config schemas, `readTasks`, the environment-service client. */
export {
  EnvServiceReaderConfigSchema,
  FieldMappingSchema,
  HuggingFaceReaderConfigSchema,
  JsonlReaderConfigSchema,
  TaskReaderConfigSchema,
  type EnvServiceReaderConfig,
  type FieldMapping,
  type HuggingFaceReaderConfig,
  type JsonlReaderConfig,
  type SourceRow,
  type Task,
  type TaskReaderConfig,
  type TaskReaderConfigInput,
} from './task-types.ts';
export { describeTasks, readTasks, type EnvServiceTaskMetadata } from './read-tasks.ts';
export { tasksFromRows } from './map-rows.ts';
export { EnvServiceClient, type EnvCallOptions, type EnvServiceClientOptions } from './env-service-client.ts';
export type { EnvInstance, EnvMessage, EnvObservation } from './env-service-wire.ts';
export { isTaskError, TASK_ERROR_CODES, type TaskError, type TaskErrorCode } from './task-errors.ts';
export { toPlainJson, type PlainJson } from './plain-json.ts';
