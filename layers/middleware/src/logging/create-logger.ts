import { Logger } from '@aws-lambda-powertools/logger';

/** Log levels accepted by {@link createLogger}, as Powertools names them. */
export type LogLevelName = 'TRACE' | 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'SILENT' | 'CRITICAL';

/** Options of {@link createLogger}. */
export interface CreateLoggerOptions {
  readonly serviceName: string;
  readonly level?: LogLevelName;
}

/**
 * Creates the process-wide Powertools logger: one JSON line per entry, which is what CloudWatch and
 * Lambda's JSON log format expect.
 *
 * @example
 * ```ts
 * const logger = createLogger({ serviceName: 'lambdalith', level: 'INFO' });
 * ```
 */
export function createLogger(options: CreateLoggerOptions): Logger {
  if (typeof options.serviceName !== 'string' || options.serviceName === '') {
    throw new TypeError('createLogger(): "serviceName" must be a non-empty string');
  }
  return new Logger({ serviceName: options.serviceName, logLevel: options.level ?? 'INFO' });
}

export type { Logger };
