/** What the code under test wrote to stdout and stderr, line by line. */
export interface CapturedOutput {
  readonly stdout: string[];
  readonly stderr: string[];
  /** stdout lines parsed as JSON (lines that are not JSON are skipped). */
  json(): Record<string, unknown>[];
  restore(): void;
}

/**
 * Captures process.stdout/stderr writes, where Powertools Logger and Metrics print (they hold the stream
 * objects, so replacing `write` on them catches their output).
 */
export function captureOutput(): CapturedOutput {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const spyOn = (stream: NodeJS.WriteStream, lines: string[]): jest.SpyInstance =>
    jest.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array) => {
      lines.push(
        ...String(chunk)
          .split('\n')
          .filter((line) => line !== ''),
      );
      return true;
    });
  const outSpy = spyOn(process.stdout, stdout);
  const errSpy = spyOn(process.stderr, stderr);
  return {
    stdout,
    stderr,
    json() {
      return stdout.flatMap((line) => {
        try {
          const parsed: unknown = JSON.parse(line);
          return typeof parsed === 'object' && parsed !== null ? [parsed as Record<string, unknown>] : [];
        } catch {
          return [];
        }
      });
    },
    restore() {
      outSpy.mockRestore();
      errSpy.mockRestore();
    },
  };
}
