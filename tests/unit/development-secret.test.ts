import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readOrCreateDevelopmentSecret } from '../../src/local/development-secret';

function freshDataDir(): string {
  return join(mkdtempSync(join(tmpdir(), 'lambdalith-dev-secret-')), 'data');
}

describe('readOrCreateDevelopmentSecret', () => {
  it('generates a secret once, persists it under DATA_DIR (owner-only) and warns in one line', () => {
    // Arrange
    const dataDir = freshDataDir();
    const firstWarnings: string[] = [];
    const secondWarnings: string[] = [];

    // Act
    const first = readOrCreateDevelopmentSecret(dataDir, (message) => firstWarnings.push(message));
    const second = readOrCreateDevelopmentSecret(dataDir, (message) => secondWarnings.push(message));

    // Assert
    expect(Buffer.byteLength(first)).toBeGreaterThanOrEqual(32);
    expect(second).toBe(first);
    expect(readFileSync(join(dataDir, 'dev-jwt-secret'), 'utf8').trim()).toBe(first);
    expect(statSync(join(dataDir, 'dev-jwt-secret')).mode & 0o777).toBe(0o600);
    expect(firstWarnings).toEqual([
      expect.stringMatching(/^JWT_SECRET is not set; using a generated development secret/),
    ]);
    expect(firstWarnings[0]).not.toContain('\n');
    expect(secondWarnings).toEqual([]);
  });
});
