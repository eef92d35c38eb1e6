import { chmodSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readOrCreateDevelopmentSecret } from '../../src/local/development-secret';

const quiet = (): void => undefined;

function modeOf(path: string): number {
  return statSync(path).mode & 0o777;
}

/** A DATA_DIR as an older version (or a plain `mkdir`) left it: 0755. */
function looseDataDir(): string {
  const dataDir = join(mkdtempSync(join(tmpdir(), 'lambdalith-secret-')), 'data');
  mkdirSync(dataDir);
  chmodSync(dataDir, 0o755);
  return dataDir;
}

describe('the generated development JWT secret', () => {
  it('is written 0600 into a DATA_DIR created 0700', () => {
    // Arrange
    const dataDir = join(mkdtempSync(join(tmpdir(), 'lambdalith-secret-')), 'data');

    // Act
    readOrCreateDevelopmentSecret(dataDir, quiet);

    // Assert
    expect({ dataDir: modeOf(dataDir), secret: modeOf(join(dataDir, 'dev-jwt-secret')) }).toEqual({
      dataDir: 0o700,
      secret: 0o600,
    });
  });

  it('is regenerated 0600 when a too-short dev-jwt-secret exists with mode 0644, and DATA_DIR becomes 0700', () => {
    // Arrange
    const dataDir = looseDataDir();
    const file = join(dataDir, 'dev-jwt-secret');
    writeFileSync(file, 'short\n', { mode: 0o644 });
    chmodSync(file, 0o644);

    // Act
    const secret = readOrCreateDevelopmentSecret(dataDir, quiet);

    // Assert
    expect({ dataDir: modeOf(dataDir), secret: modeOf(file), content: readFileSync(file, 'utf8').trim() }).toEqual({
      dataDir: 0o700,
      secret: 0o600,
      content: secret,
    });
    expect(secret).not.toBe('short');
  });

  it('keeps a valid dev-jwt-secret left 0644 but tightens it to 0600', () => {
    // Arrange
    const dataDir = looseDataDir();
    const file = join(dataDir, 'dev-jwt-secret');
    const existing = 'an-existing-development-secret-of-48-bytes-000000';
    writeFileSync(file, `${existing}\n`);
    chmodSync(file, 0o644);

    // Act
    const secret = readOrCreateDevelopmentSecret(dataDir, quiet);

    // Assert
    expect({ secret, mode: modeOf(file), dataDir: modeOf(dataDir) }).toEqual({
      secret: existing,
      mode: 0o600,
      dataDir: 0o700,
    });
  });
});
