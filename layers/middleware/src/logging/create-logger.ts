import { Logger } from '@aws-lambda-powertools/logger';
import { assertNonEmptyString, assertOptionsObject, invalidOption, type OptionKeys } from '../options/assert-options';
import { PrettyLogger } from './pretty-logger';
import { redactSecrets } from './redact';
import { requestLogLineFormatter, type RequestLogLineFormatter } from './request-log-line';

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

const CREATE_LOGGER_OPTIONS: OptionKeys<CreateLoggerOptions> = { serviceName: true, level: true, format: true };

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
  assertOptionsObject(factory, options, CREATE_LOGGER_OPTIONS);
  assertNonEmptyString(factory, 'serviceName', options.serviceName);
  const level = options.level ?? 'INFO';
  if (!LEVELS.includes(level)) invalidOption(factory, 'level', `one of ${LEVELS.join(', ')}`, level);
  const format = options.format ?? 'json';
  if (format !== 'json' && format !== 'pretty') invalidOption(factory, 'format', "'json' or 'pretty'", format);

  // The sample rate is set here, not left to POWERTOOLS_LOGGER_SAMPLE_RATE: config is read once, by the
  // host, and the request log line (request-log-line.ts) prints the same `sampling_rate` as every entry.
  const settings = {
    serviceName: options.serviceName,
    logLevel: level,
    sampleRateValue: SAMPLE_RATE,
    jsonReplacerFn: redactSecrets,
  };
  if (format === 'pretty') return new PrettyLogger(settings);
  const logger = new Logger(settings);
  requestLogLineFormatters.set(
    logger,
    requestLogLineFormatter({ serviceName: options.serviceName, samplingRate: SAMPLE_RATE }),
  );
  return logger;
}

const SAMPLE_RATE = 0;

// JSON loggers made here, with the serializer of their per-request entry. `requestLogger()` writes that
// entry itself when it finds one (a fraction of what Powertools' generic path costs per request); any other
// logger (pretty, or one an app built itself) gets the entry through `logger.info()`.
const requestLogLineFormatters = new WeakMap<Logger, RequestLogLineFormatter>();

/** The serializer of `logger`'s per-request entry, if `createLogger()` made it for JSON output. */
export function requestLogLineFormatterOf(logger: Logger): RequestLogLineFormatter | undefined {
  return requestLogLineFormatters.get(logger);
}

export type { Logger };
