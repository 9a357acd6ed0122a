import pino, { type DestinationStream, type Logger, type LoggerOptions } from 'pino';

export type { Logger };

/** Paths that may carry credentials; pino replaces their values before anything is written. */
const REDACTED_PATHS = [
  'password',
  '*.password',
  'connectionString',
  '*.connectionString',
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
];

/** The one root logger of a process; components take `logger.child({ module })`. Lines go to stdout unless `destination` is given (tests read them). */
export function createLogger(service: string, level: LoggerOptions['level'] = 'info', destination?: DestinationStream): Logger {
  const options: LoggerOptions = {
    name: service,
    level,
    base: { service },
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
  };
  return destination ? pino(options, destination) : pino(options);
}
