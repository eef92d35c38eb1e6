import { mkdtempSync } from 'node:fs';
import { connect } from 'node:net';
import { networkInterfaces, platform, tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config';
import { answersAsDynamoDbLocal } from '../../src/local/embedded-dynamodb';
import { useEmbeddedDynamoDbIfNeeded, type LocalDynamoDb } from '../../src/local/use-embedded-dynamodb';
import { localTestEnv } from '../helpers/test-environment';

// The embedded DynamoDB Local exactly as `npm start` starts it: no DYNAMODB_ENDPOINT, so it claims a fresh
// DATA_DIR and starts the JVM on it. One JVM for the whole file.
let dataDir: string;
let database: LocalDynamoDb;

beforeAll(async () => {
  dataDir = join(mkdtempSync(join(tmpdir(), 'lambdalith-hardening-')), 'data');
  const { DYNAMODB_ENDPOINT: _endpoint, ...env } = localTestEnv({ DATA_DIR: dataDir });
  const config = loadConfig(env, { stdoutIsTty: false, warn: () => undefined });
  database = await useEmbeddedDynamoDbIfNeeded(config, { whenInUse: 'refuse', report: () => undefined });
}, 60_000);

afterAll(async () => {
  await database?.stop();
});

/** This machine's own addresses other than 127.0.0.1 and ::1: its interfaces, and on Linux 127.0.0.2. */
function otherAddressesOfThisMachine(): string[] {
  const interfaces = Object.values(networkInterfaces()).flatMap((entries) => entries ?? []);
  const external = interfaces
    .filter((entry) => !entry.internal)
    .map((entry) => (entry.family === 'IPv6' && entry.scopeid ? `${entry.address}%${entry.scopeid}` : entry.address));
  // Linux routes all of 127.0.0.0/8 to lo: a socket bound to every interface answers there, one bound to
  // 127.0.0.1 does not. So the test proves something even on a machine without a network interface.
  return platform() === 'linux' ? [...external, '127.0.0.2'] : external;
}

function reaches(host: string, port: number): Promise<boolean> {
  return new Promise((resolveReach) => {
    const socket = connect({ host, port, timeout: 2_000 });
    socket.once('connect', () => {
      socket.destroy();
      resolveReach(true);
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolveReach(false);
    });
    socket.once('error', () => resolveReach(false));
  });
}

describe('the embedded DynamoDB Local (npm start, create-admin)', () => {
  it('answers on 127.0.0.1 and refuses connections to every other address of this machine', async () => {
    // Arrange
    const endpoint = new URL(database.config.dynamodb.endpoint ?? 'http://missing');
    const port = Number(endpoint.port);
    const addresses = otherAddressesOfThisMachine();
    expect(addresses.length).toBeGreaterThan(0);

    // Act
    const reached = await Promise.all(addresses.map(async (address) => ({ address, reached: await reaches(address, port) })));

    // Assert
    expect(endpoint.hostname).toBe('127.0.0.1');
    expect(await answersAsDynamoDbLocal(endpoint.origin)).toBe(true);
    expect(reached).toEqual(addresses.map((address) => ({ address, reached: false })));
  });
});
