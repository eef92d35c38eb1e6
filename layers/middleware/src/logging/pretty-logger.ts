import { inspect } from 'node:util';
import { Logger, LogLevelThreshold, type LogItem } from '@aws-lambda-powertools/logger';
import type { ConstructorOptions } from '@aws-lambda-powertools/logger/types';
import { REDACTED, isSecretKey } from './redact';

// Attributes every entry has; the pretty line shows level and time in its own layout and drops the rest.
const LAYOUT_KEYS = new Set(['level', 'message', 'timestamp', 'service', 'sampling_rate']);

/**
 * A Powertools Logger that prints one human-readable line per entry (for a terminal under `npm start`)
 * instead of JSON, with the same attributes, redaction and levels:
 * `12:04:05.123 INFO  request completed method=GET route=/users/:id status=200 durationMs=3.1`.
 */
export class PrettyLogger extends Logger {
  protected override printLog(logLevel: number, log: LogItem): void {
    log.prepareForPrint();
    const attributes = log.getAttributes();
    const time = typeof attributes['timestamp'] === 'string' ? attributes['timestamp'].slice(11, 23) : '';
    const level = String(attributes['level'] ?? '').padEnd(5);
    let line = `${time} ${level} ${escapeControlCharacters(String(attributes['message'] ?? ''))}`;
    let details = '';
    for (const [key, value] of Object.entries(attributes)) {
      if (LAYOUT_KEYS.has(key) || value === undefined) continue;
      const name = escapeControlCharacters(key);
      // A stack keeps its line breaks (each indented under the entry); every other control character is escaped.
      if (value instanceof Error)
        details += `\n  ${name}: ${inspect(value).split('\n').map(escapeControlCharacters).join('\n  ')}`;
      else line += ` ${name}=${escapeControlCharacters(formatValue(key, value))}`;
    }
    const stream = logLevel >= LogLevelThreshold.WARN ? process.stderr : process.stdout;
    stream.write(`${line}${details}\n`);
  }

  // Children (createChild) keep printing prettily.
  protected override createLogger(options?: ConstructorOptions): Logger {
    return new PrettyLogger(options);
  }
}

// C0 and C1 controls (ESC starts terminal escape sequences, CR and LF forge lines, NUL and BEL misbehave),
// DEL, the Unicode line and paragraph separators and the bidirectional overrides that reorder what a reader
// sees: request data (an email, a header) can carry any of them, and a terminal must not act on them.
const UNSAFE_FOR_TERMINALS = /[\p{Cc}\u2028\u2029\u202a-\u202e\u2066-\u2069]/gu;

/** `text` with every control character written as a visible `\u001b`-style escape. */
function escapeControlCharacters(text: string): string {
  return text.replace(
    UNSAFE_FOR_TERMINALS,
    (character) => `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

function formatValue(key: string, value: unknown): string {
  if (isSecretKey(key)) return REDACTED;
  if (typeof value === 'string') return /^[^\s"=]+$/.test(value) ? value : JSON.stringify(value);
  if (typeof value === 'object' && value !== null) {
    return JSON.stringify(value, (nestedKey: string, nested: unknown) =>
      nestedKey !== '' && isSecretKey(nestedKey) ? REDACTED : nested,
    );
  }
  return String(value);
}
