import { createLogger } from '@lambdalith/middleware';
import { captureOutput, type CapturedOutput } from './helpers/capture-output';

// Raw C0/C1 controls, DEL, line separators and bidi overrides: what a terminal would act on.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is this test's point.
const RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/u;

let output: CapturedOutput;
beforeEach(() => {
  output = captureOutput();
});
afterEach(() => {
  output.restore();
});

describe('the pretty logger', () => {
  it('escapes control characters from request data in the message, attributes and nested values', () => {
    // Arrange
    const logger = createLogger({ serviceName: 'svc', format: 'pretty' });
    const hostile = 'x\u001b[2J\u0007\u0000\u009b31m\u202eevil@x.test';

    // Act
    logger.info(`registered ${hostile}`, { email: hostile, nested: { email: hostile }, ['k\u001bey']: 1 });

    // Assert
    expect(output.stdout).toHaveLength(1);
    const line = output.stdout[0] ?? '';
    expect(line).not.toMatch(RAW_CONTROL);
    expect(line).toContain('registered x\\u001b[2J\\u0007\\u0000\\u009b31m\\u202eevil@x.test');
    expect(line).toContain('email=x\\u001b[2J\\u0007\\u0000\\u009b31m\\u202eevil@x.test');
    expect(line).toContain('nested={"email":"x\\u001b[2J\\u0007\\u0000\\u009b31m\\u202eevil@x.test"}');
    expect(line).toContain('k\\u001bey=1');
  });

  it('cannot be made to print a forged second entry with a line break in a value or an error message', () => {
    // Arrange
    const logger = createLogger({ serviceName: 'svc', format: 'pretty' });
    const forged = 'a\r\n12:00:00.000 INFO  admin logged in';

    // Act
    logger.error(forged, { name: forged, error: new Error(forged) });

    // Assert: one entry line, then the stack lines, each indented; no raw CR anywhere
    const lines = output.stderr;
    expect(lines[0]).toMatch(
      /ERROR a\\u000d\\u000a12:00:00\.000 INFO {2}admin logged in name="a\\r\\n12:00:00\.000 INFO {2}admin logged in"$/,
    );
    expect(lines.slice(1).every((line) => line.startsWith('  '))).toBe(true);
    expect(lines.join('\n')).not.toMatch(RAW_CONTROL);
  });
});
