import { JwtSecretError, resolveJwtSecret, type SecretFetcher, type SecretValue } from '../../src/secrets';

const SECRET_ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:lambdalith-JwtSecret-AbCdEf';
const GOOD_SECRET = 'k7Qm2Xw9Lp4Rt8Vb3Nz6Yh1Jc5Fd0Gs2Ae7Ui4Oo9Pq3Wr6Tx1';

/** A fetcher that answers `answer` and records the secret ids it was asked for. */
function answering(answer: SecretValue): { fetchSecret: SecretFetcher; requested: string[] } {
  const requested: string[] = [];
  return {
    requested,
    fetchSecret: async (secretId) => {
      requested.push(secretId);
      return answer;
    },
  };
}

describe('resolveJwtSecret', () => {
  it('returns a value source as it is, without calling Secrets Manager', async () => {
    // Arrange
    const { fetchSecret, requested } = answering({ SecretString: 'unused' });

    // Act
    const secret = await resolveJwtSecret({ kind: 'value', value: GOOD_SECRET }, { region: 'us-east-1', fetchSecret });

    // Assert
    expect(secret).toBe(GOOD_SECRET);
    expect(requested).toEqual([]);
  });

  it('reads a secrets-manager source by its ARN and returns the SecretString', async () => {
    // Arrange
    const { fetchSecret, requested } = answering({ SecretString: GOOD_SECRET });

    // Act
    const secret = await resolveJwtSecret(
      { kind: 'secrets-manager', secretId: SECRET_ARN },
      { region: 'us-east-1', fetchSecret },
    );

    // Assert
    expect(secret).toBe(GOOD_SECRET);
    expect(requested).toEqual([SECRET_ARN]);
  });

  it('trims the whitespace a secret written from a file tends to end with', async () => {
    // Arrange
    const { fetchSecret } = answering({ SecretString: `${GOOD_SECRET}\n` });

    // Act
    const secret = await resolveJwtSecret(
      { kind: 'secrets-manager', secretId: SECRET_ARN },
      { region: 'us-east-1', fetchSecret },
    );

    // Assert
    expect(secret).toBe(GOOD_SECRET);
  });

  it('refuses a secret shorter than 32 bytes, naming the secret but not its value', async () => {
    // Arrange
    const shortSecret = 'only-twenty-six-bytes-long';
    const { fetchSecret } = answering({ SecretString: shortSecret });

    // Act
    const result = resolveJwtSecret(
      { kind: 'secrets-manager', secretId: SECRET_ARN },
      { region: 'us-east-1', fetchSecret },
    );

    // Assert
    await expect(result).rejects.toThrow(JwtSecretError);
    await expect(result).rejects.toThrow(`The JWT signing secret ${SECRET_ARN} is shorter than 32 bytes`);
    await expect(result).rejects.not.toThrow(shortSecret);
  });

  it('refuses a binary secret with a message saying so', async () => {
    // Arrange
    const { fetchSecret } = answering({ SecretBinary: new Uint8Array(64) });

    // Act
    const result = resolveJwtSecret(
      { kind: 'secrets-manager', secretId: SECRET_ARN },
      { region: 'us-east-1', fetchSecret },
    );

    // Assert
    await expect(result).rejects.toThrow(
      `The JWT signing secret ${SECRET_ARN} has no SecretString (a binary secret is not supported)`,
    );
  });

  it('wraps a Secrets Manager failure in a JwtSecretError that names the secret and keeps the cause', async () => {
    // Arrange
    const denied = Object.assign(new Error('User is not authorized to perform: secretsmanager:GetSecretValue'), {
      name: 'AccessDeniedException',
    });
    const fetchSecret: SecretFetcher = async () => {
      throw denied;
    };

    // Act
    const error: unknown = await resolveJwtSecret(
      { kind: 'secrets-manager', secretId: SECRET_ARN },
      { region: 'us-east-1', fetchSecret },
    ).catch((caught: unknown) => caught);

    // Assert
    expect(error).toBeInstanceOf(JwtSecretError);
    expect(error).toMatchObject({
      message: `Could not read the JWT signing secret ${SECRET_ARN} from Secrets Manager: AccessDeniedException: User is not authorized to perform: secretsmanager:GetSecretValue`,
      cause: denied,
    });
  });

  it('gives up with a timeout error when Secrets Manager does not answer in time', async () => {
    // Arrange: a fetcher that only ever ends by being aborted, like a request to an unreachable endpoint.
    const fetchSecret: SecretFetcher = (_secretId, signal) =>
      new Promise((_resolve, reject) => {
        signal.addEventListener('abort', () =>
          reject(Object.assign(new Error('Request aborted'), { name: 'AbortError' })),
        );
      });

    // Act
    const result = resolveJwtSecret(
      { kind: 'secrets-manager', secretId: SECRET_ARN },
      { region: 'us-east-1', timeoutMs: 20, fetchSecret },
    );

    // Assert
    await expect(result).rejects.toThrow(
      `Could not read the JWT signing secret ${SECRET_ARN} from Secrets Manager: no answer within 20 ms`,
    );
  });
});
