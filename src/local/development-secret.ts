import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MIN_HS256_SECRET_BYTES } from '@lambdalith/middleware';
import { ConfigError, type Config } from '../config';
import { ensurePrivateDirectory, ensurePrivateFile } from './private-files.mts';

/**
 * The JWT signing secret of a local host: JWT_SECRET's value, or the development secret under DATA_DIR when
 * it is unset. (Secrets Manager is read only in Lambda; config refuses JWT_SECRET_ARN locally.)
 */
export function localJwtSecret(config: Config, warn: (message: string) => void): string {
  const source = config.auth.jwtSecret;
  switch (source.kind) {
    case 'value':
      return source.value;
    case 'development':
      return readOrCreateDevelopmentSecret(config.dataDir, warn);
    case 'secrets-manager':
      throw new ConfigError(['JWT_SECRET_ARN is only read in Lambda']);
  }
}

/**
 * The development JWT signing secret under `dataDir`, generated on first use. A generated secret keeps
 * `npm start` working with no set-up, and persisting it keeps issued tokens valid across restarts. It lives
 * under DATA_DIR (git-ignored) and is never used in Lambda (config refuses to leave the secret unset there).
 * `warn` is told, in one line, when a new one is generated. DATA_DIR is made 0700 and the file 0600, also when
 * they were created looser before (writeFileSync's mode only applies to a new file, so an existing one is
 * tightened before the new secret goes in).
 */
export function readOrCreateDevelopmentSecret(dataDir: string, warn: (message: string) => void): string {
  const file = join(dataDir, 'dev-jwt-secret');
  ensurePrivateDirectory(dataDir);
  try {
    ensurePrivateFile(file);
    const existing = readFileSync(file, 'utf8').trim();
    if (Buffer.byteLength(existing) >= MIN_HS256_SECRET_BYTES) return existing;
  } catch (error) {
    // Not there yet: generate below.
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const secret = randomBytes(48).toString('base64url');
  writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  warn(`JWT_SECRET is not set; using a generated development secret stored in ${file}`);
  return secret;
}
