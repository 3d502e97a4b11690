import { pino, type Logger, type LevelWithSilent } from 'pino';

export type { Logger };

/** Paths pino blanks out wherever they appear in a logged object. */
const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers["api-key"]',
  'req.headers["x-api-key"]',
  'headers.authorization',
  'apiKey',
  'adminToken',
  '*.apiKey',
  '*.adminToken',
];

/** The one logger factory: JSON lines to stdout (or the given stream), keys redacted. */
export function createLogger(options: { level?: LevelWithSilent; destination?: NodeJS.WritableStream } = {}): Logger {
  const config = {
    level: options.level ?? 'info',
    base: { app: 'rollcall' },
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
  };
  return options.destination === undefined ? pino(config) : pino(config, options.destination);
}
