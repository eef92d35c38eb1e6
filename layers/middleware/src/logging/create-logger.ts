import { Logger } from '@aws-lambda-powertools/logger';
import { assertNonEmptyString, assertOptionsObject, invalidOption } from '../options/assert-options';
import { PrettyLogger } from './pretty-logger';
import { redactSecrets } from './redact';

/**
 * Log levels accepted by {@link createLogger}, as Powertools names them.
 *
 * @example
 * ```ts
 * const level: LogLevelName = 'DEBUG';
 * ```
 */
export type LogLevelName = 'TRACE' | 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'SILENT' | 'CRITICAL';

/**
 * Output formats of {@link createLogger}.
 *
 * @example
 * ```ts
 * const format: LogFormatName = process.stdout.isTTY ? 'pretty' : 'json';
 * ```
 */
export type LogFormatName = 'json' | 'pretty';

/**
 * Options of {@link createLogger}.
 *
 * @example
 * ```ts
 * const options: CreateLoggerOptions = { serviceName: 'api', level: config.log.level, format: config.log.format };
 * ```
 */
export interface CreateLoggerOptions {
  readonly serviceName: string;
  /** Least severe level printed. Default `INFO`. */
  readonly level?: LogLevelName;
  /** `json` (default): one JSON line per entry, for CloudWatch. `pretty`: one readable line, for a terminal. */
  readonly format?: LogFormatName;
}

const LEVELS: readonly LogLevelName[] = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'SILENT', 'CRITICAL'];

/**
 * Creates the process-wide Powertools logger. Credentials (`Authorization`, cookies, any `password` or
 * `secret` field, at any depth) are redacted from every entry in both formats.
 *
 * @example
 * ```ts
 * const logger = createLogger({ serviceName: 'lambdalith', level: 'INFO', format: 'json' });
 * logger.info('user registered', { userId });
 * ```
 */
export function createLogger(options: CreateLoggerOptions): Logger {
  const factory = 'createLogger()';
  assertOptionsObject(factory, options);
  assertNonEmptyString(factory, 'serviceName', options.serviceName);
  const level = options.level ?? 'INFO';
  if (!LEVELS.includes(level)) invalidOption(factory, 'level', `one of ${LEVELS.join(', ')}`, level);
  const format = options.format ?? 'json';
  if (format !== 'json' && format !== 'pretty') invalidOption(factory, 'format', "'json' or 'pretty'", format);

  const settings = { serviceName: options.serviceName, logLevel: level, jsonReplacerFn: redactSecrets };
  return format === 'pretty' ? new PrettyLogger(settings) : new Logger(settings);
}

export type { Logger };
