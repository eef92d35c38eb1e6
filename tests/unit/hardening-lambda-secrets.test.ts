import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig, type ConfigIo } from '../../src/config';
import { SAM_LOCAL_JWT_SECRET } from '../../src/secret-strength';

const quietIo: ConfigIo = { stdoutIsTty: false };

/** The function's environment as `sam local` gives it (sam-local-env.json) or as a deploy might, with JWT_SECRET. */
const lambdaEnv = {
  AWS_LAMBDA_FUNCTION_NAME: 'lambdalith-ApiFunction',
  AWS_REGION: 'us-east-1',
  TABLE_NAME: 'lambdalith',
  EMAIL_FROM: 'no-reply@example.com',
};

const committedSamLocalSecret = (
  JSON.parse(readFileSync(join(__dirname, '../../sam-local-env.json'), 'utf8')) as {
    ApiFunction: { JWT_SECRET: string };
  }
).ApiFunction.JWT_SECRET;

describe('JWT_SECRET in Lambda outside sam local', () => {
  it("refuses sam-local-env.json's committed value, without printing it", () => {
    // Arrange
    const env = { ...lambdaEnv, JWT_SECRET: committedSamLocalSecret };

    // Act
    const load = (): unknown => loadConfig(env, quietIo);

    // Assert
    expect(committedSamLocalSecret).toBe(SAM_LOCAL_JWT_SECRET);
    expect(load).toThrow(
      /JWT_SECRET is sam-local-env.json's public value, for `sam local` only; deploy with JWT_SECRET_ARN/,
    );
    expect(load).not.toThrow(committedSamLocalSecret);
  });

  it.each([
    ['a repeated phrase', 'test-secret-test-secret-test-secret-test-secret!'],
    ['one character 64 times', 'a'.repeat(64)],
    ['a readable sentence', 'this is my very long but entirely guessable jwt secret'],
  ])('refuses %s, under 32 bytes of entropy though over 32 bytes long', (_label, secret) => {
    // Arrange
    const env = { ...lambdaEnv, JWT_SECRET: secret };

    // Act
    const load = (): unknown => loadConfig(env, quietIo);

    // Assert
    expect(load).toThrow(/JWT_SECRET has under 32 bytes of entropy \(try: openssl rand -base64 48\)/);
  });

  it('accepts 48 random bytes', () => {
    // Arrange
    const secret = randomBytes(48).toString('base64');

    // Act
    const config = loadConfig({ ...lambdaEnv, JWT_SECRET: secret }, quietIo);

    // Assert
    expect(config.auth.jwtSecret).toEqual({ kind: 'value', value: secret });
  });
});

describe('JWT_SECRET under sam local (AWS_SAM_LOCAL=true)', () => {
  it("accepts sam-local-env.json's committed value", () => {
    // Arrange
    const env = { ...lambdaEnv, AWS_SAM_LOCAL: 'true', JWT_SECRET: committedSamLocalSecret };

    // Act
    const config = loadConfig(env, quietIo);

    // Assert
    expect(config.auth.jwtSecret).toEqual({ kind: 'value', value: committedSamLocalSecret });
  });
});
