/** Training metrics' public surface: the run-folder sink, its writers, the reader, progress. */
export {
  openMetricsSink,
  RunMetricsSink,
  type MetricsSink,
  type MetricsSinkOptions,
} from './metrics-sink.ts';
export {
  formatMetricsLine,
  MetricsLog,
  RESERVED_METRIC_NAMES,
  roundMetric,
  type MetricsLogOptions,
  type NonFiniteKind,
} from './metrics-log.ts';
export {
  EVENT_FILE_PREFIX,
  eventFileName,
  TensorBoardWriter,
  type TensorBoardWriterOptions,
} from './tensorboard-writer.ts';
export {
  listEventFiles,
  parseEventFile,
  readEventFile,
  readScalarEvents,
  type EventFileContents,
  type ScalarEvent,
} from './tensorboard-reader.ts';
export {
  ProgressDisplay,
  type ProgressDisplayOptions,
  type ProgressStream,
} from './progress-display.ts';
export { formatDuration, formatStatusLine, type ProgressSnapshot } from './progress-format.ts';
export { checkStep, type MetricRecord } from './metric-checks.ts';
export {
  isMetricsError,
  METRICS_ERROR_CODES,
  metricsError,
  type MetricsError,
  type MetricsErrorCode,
} from './metrics-errors.ts';
export { crc32c, maskCrc32c, maskedCrc32c, unmaskCrc32c } from './crc32c.ts';
export { decodeTfRecords, encodeTfRecord, type DecodeTfRecordsOptions } from './tfrecord.ts';
