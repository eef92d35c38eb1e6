import type { JwtSecretSource } from './config';

/**
 * Resolves the JWT signing secret once per cold start.
 * TODO(deployment issue): read `secrets-manager` sources with @aws-sdk/client-secrets-manager.
 */
export async function resolveJwtSecret(source: JwtSecretSource): Promise<string> {
  if (source.kind === 'value') return source.value;
  throw new Error('Reading JWT_SECRET_ARN from Secrets Manager is not implemented yet');
}
