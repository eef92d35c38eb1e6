// Measures what registration and login cost on this machine, against a running server (npm start):
//   - the scrypt hash alone (N=2^17, r=8, p=1), in this process;
//   - POST /auth/register and POST /auth/login latencies, one request at a time;
//   - 50 simultaneous registrations of one email: the statuses and the wall time.
//
// Usage: npm start (in another terminal), then
//   node scripts/measure-registration.mts [--url http://127.0.0.1:3000] [--samples 10]
// The server's auth rate limit (AUTH_RATE_LIMIT, 10/min by default) must allow the run, e.g.
//   AUTH_RATE_LIMIT=1000 npm start
// Not a test: numbers depend on the machine and its load; the README and the issue quote them.
import { randomBytes, randomUUID, scrypt } from 'node:crypto';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: { url: { type: 'string', default: 'http://127.0.0.1:3000' }, samples: { type: 'string', default: '10' } },
});
const base = values.url;
const samples = Number(values.samples);

function stats(label: string, ms: number[]): void {
  const sorted = [...ms].sort((a, b) => a - b);
  const at = (q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
  const mean = ms.reduce((sum, value) => sum + value, 0) / ms.length;
  process.stdout.write(
    `${label.padEnd(34)} n=${ms.length}  min ${at(0).toFixed(0)}  median ${at(0.5).toFixed(0)}  p90 ${at(0.9).toFixed(0)}  max ${at(1).toFixed(0)}  mean ${mean.toFixed(0)} ms\n`,
  );
}

async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; result: T }> {
  const started = performance.now();
  const result = await work();
  return { ms: performance.now() - started, result };
}

function hashOnce(): Promise<void> {
  return new Promise((resolve, reject) => {
    const N = 2 ** 17;
    scrypt('a password to measure', randomBytes(16), 32, { N, r: 8, p: 1, maxmem: 2 * 128 * N * 8 }, (error) =>
      error ? reject(error) : resolve(),
    );
  });
}

async function post(path: string, body: object): Promise<number> {
  const response = await fetch(`${base}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  await response.arrayBuffer();
  return response.status;
}

const hashes: number[] = [];
for (let i = 0; i < samples; i += 1) hashes.push((await timed(hashOnce)).ms);
stats('scrypt hash (N=2^17, r=8, p=1)', hashes);

const password = 'measurement password';
const registrations: number[] = [];
const logins: number[] = [];
for (let i = 0; i < samples; i += 1) {
  const email = `measure-${randomUUID()}@example.com`;
  const register = await timed(() => post('/auth/register', { email, password, name: 'Measure' }));
  if (register.result !== 201) throw new Error(`register answered ${register.result}`);
  registrations.push(register.ms);
  const login = await timed(() => post('/auth/login', { email, password }));
  if (login.result !== 200) throw new Error(`login answered ${login.result}`);
  logins.push(login.ms);
}
stats('POST /auth/register (sequential)', registrations);
stats('POST /auth/login (sequential)', logins);

const email = `race-${randomUUID()}@example.com`;
const race = await timed(() =>
  Promise.all(Array.from({ length: 50 }, (_, i) => post('/auth/register', { email, password, name: `Racer ${i}` }))),
);
const counts: Record<string, number> = {};
for (const status of race.result) counts[status] = (counts[status] ?? 0) + 1;
process.stdout.write(
  `50 simultaneous same-email registrations: ${JSON.stringify(counts)} in ${race.ms.toFixed(0)} ms\n`,
);
