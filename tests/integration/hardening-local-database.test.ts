import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { networkInterfaces, platform, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadConfig, type Config } from '../../src/config';
import { answersAsDynamoDbLocal } from '../../src/local/dynamodb-local-process.mts';
import { openLocalDatabase, type LocalDatabase } from '../../src/local/local-database';
import { localTestEnv } from '../helpers/test-environment';

// The embedded DynamoDB Local exactly as `npm start` starts it: no DYNAMODB_ENDPOINT, so it claims a fresh
// DATA_DIR and starts the JVM on it. One JVM for the whole file.
let dataDir: string;
let database: LocalDatabase;

function embeddedConfig(directory: string): Config {
  const { DYNAMODB_ENDPOINT: _endpoint, ...env } = localTestEnv({ DATA_DIR: directory });
  return loadConfig(env, { stdoutIsTty: false });
}

/** Opens the database as `npm start` does; its table creation makes DynamoDB Local write its database file. */
function startAsNpmStartDoes(directory: string): Promise<LocalDatabase> {
  return openLocalDatabase(embeddedConfig(directory), { whenInUse: 'refuse', report: () => undefined });
}

/** Every folder and file under `directory` (itself included) with its permission bits, e.g. `{ path: 'dynamodb', mode: 0o700 }`. */
function modesUnder(directory: string): Array<{ path: string; mode: number }> {
  const entries = readdirSync(directory, { recursive: true, encoding: 'utf8' }).sort();
  return ['.', ...entries].map((path) => ({ path, mode: statSync(join(directory, path)).mode & 0o777 }));
}

function privateModes(
  entries: Array<{ path: string; mode: number }>,
  directory: string,
): Array<{ path: string; mode: number }> {
  return entries.map(({ path }) => ({ path, mode: statSync(join(directory, path)).isDirectory() ? 0o700 : 0o600 }));
}

beforeAll(async () => {
  dataDir = join(mkdtempSync(join(tmpdir(), 'lambdalith-hardening-')), 'data');
  database = await startAsNpmStartDoes(dataDir);
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
    const reached = await Promise.all(
      addresses.map(async (address) => ({ address, reached: await reaches(address, port) })),
    );

    // Assert
    expect(endpoint.hostname).toBe('127.0.0.1');
    expect(await answersAsDynamoDbLocal(endpoint.origin)).toBe(true);
    expect(reached).toEqual(addresses.map((address) => ({ address, reached: false })));
  });
});

describe("the local gateway's in-memory DynamoDB Local (npm run start:gateway, invoke, bench -- gateway)", () => {
  it('answers on 127.0.0.1 and refuses connections to every other address of this machine', async () => {
    // Arrange: the gateway's own starter, in a Node process of its own as the gateway runs it
    const starter = join(__dirname, '../../scripts/gateway/dynamodb.mts');
    const child = spawn(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `const { startLocalDatabase } = await import(${JSON.stringify(pathToFileURL(starter).href)});
         const database = await startLocalDatabase(new Map());
         process.stdout.write(database.endpoint + '\\n');
         process.stdin.on('end', () => database.stop().then(() => process.exit(0)));
         process.stdin.resume();`,
      ],
      { stdio: ['pipe', 'pipe', 'inherit'] },
    );
    try {
      const [line] = (await once(child.stdout, 'data')) as [Buffer];
      const endpoint = new URL(line.toString('utf8').trim());
      const addresses = otherAddressesOfThisMachine();

      // Act
      const reached = await Promise.all(
        addresses.map(async (address) => ({ address, reached: await reaches(address, Number(endpoint.port)) })),
      );

      // Assert
      expect(endpoint.hostname).toBe('127.0.0.1');
      expect(await answersAsDynamoDbLocal(endpoint.origin)).toBe(true);
      expect(reached).toEqual(addresses.map((address) => ({ address, reached: false })));
    } finally {
      child.stdin.end();
      await once(child, 'exit');
    }
  }, 60_000);
});

describe('DATA_DIR permissions (npm start, create-admin)', () => {
  it('creates DATA_DIR 0700 and DynamoDB Local writes its database files 0600', async () => {
    // Arrange: the server of beforeAll, started on a DATA_DIR that did not exist, its table created

    // Act
    const modes = modesUnder(dataDir);

    // Assert
    expect(modes.map(({ path }) => path)).toEqual(
      expect.arrayContaining(['dynamodb', join('dynamodb', 'shared-local-instance.db')]),
    );
    expect(modes).toEqual(privateModes(modes, dataDir));
  });

  it('tightens a DATA_DIR and database files an older version left 0755/0644 before DynamoDB Local opens them', async () => {
    // Arrange: what an older version left behind (an empty file is a valid, empty SQLite database)
    const legacyDataDir = join(mkdtempSync(join(tmpdir(), 'lambdalith-hardening-')), 'data');
    mkdirSync(join(legacyDataDir, 'dynamodb'), { recursive: true });
    writeFileSync(join(legacyDataDir, 'dynamodb', 'shared-local-instance.db'), '');
    chmodSync(join(legacyDataDir, 'dynamodb', 'shared-local-instance.db'), 0o644);
    chmodSync(join(legacyDataDir, 'dynamodb'), 0o755);
    chmodSync(legacyDataDir, 0o755);

    // Act
    const legacy = await startAsNpmStartDoes(legacyDataDir);
    await legacy.stop();
    const modes = modesUnder(legacyDataDir);

    // Assert
    expect(modes).toEqual(privateModes(modes, legacyDataDir));
  }, 60_000);
});
