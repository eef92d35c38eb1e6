// Tests are transformed by @swc/jest (no type-checking, fast) and type-checked separately by `tsc --noEmit`
// in `npm run typecheck`; see docs/development.md for why.
//
// Four projects, one run (`npm test`):
//   unit        tests/unit: no network, no Java, no database.
//   middleware  the middleware package's own tests (layers/middleware/jest.config.js): no Java, no database.
//   dynamodb    tests/{integration,lambda,contract,artifact,bench,gateway,parity}: share ONE in-memory DynamoDB
//               Local, started by this project's global setup (so it starts only when one of these tests is
//               selected).
//   tools       tests/{doctor,migrating}: the doctor and the migration kit, in child processes; no database.
// `npm run test:unit` runs the first two; `npm test -w layers/middleware` runs the package's alone.

/** What every project of the app shares: the swc transform and module resolution. */
const shared = {
  testEnvironment: 'node',
  testMatch: ['**/*.test.ts'],
  transform: {
    // .mts: the scripts' modules that tests share (scripts/cloudformation.mts), which Node runs directly.
    '^.+\\.m?ts$': [
      '@swc/jest',
      { jsc: { parser: { syntax: 'typescript' }, target: 'es2023' }, module: { type: 'commonjs' } },
    ],
    // jose ships ESM only. Node 24 require()s it natively (as Lambda does), but jest's module system only
    // can with --experimental-vm-modules; transforming it to CommonJS keeps the test run flag-free.
    '/node_modules/jose/.+\\.js$': ['@swc/jest', { jsc: { target: 'es2023' }, module: { type: 'commonjs' } }],
  },
  transformIgnorePatterns: ['/node_modules/(?!jose/)'],
  moduleFileExtensions: ['ts', 'mts', 'js', 'mjs', 'cjs', 'json', 'node'],
  // Resolve the workspace packages (@lambdalith/middleware, @lambdalith/testing) to their TypeScript source,
  // as tsc and the local build do.
  testEnvironmentOptions: { customExportConditions: ['source', 'node', 'require', 'default'] },
};

const unitRoots = ['tests/unit'];
const toolsRoots = ['tests/doctor', 'tests/migrating'];
const dynamodbRoots = [
  'tests/integration',
  'tests/lambda',
  'tests/contract',
  'tests/artifact',
  'tests/bench',
  'tests/gateway',
  'tests/parity',
];
assertEveryTestFolderIsInAProject([...unitRoots, ...toolsRoots, ...dynamodbRoots]);

/** @type {import('jest').Config} */
module.exports = {
  projects: [
    { ...shared, displayName: 'unit', roots: unitRoots.map((root) => `<rootDir>/${root}`) },
    { ...shared, displayName: 'tools', roots: toolsRoots.map((root) => `<rootDir>/${root}`) },
    '<rootDir>/layers/middleware',
    {
      ...shared,
      displayName: 'dynamodb',
      roots: dynamodbRoots.map((root) => `<rootDir>/${root}`),
      globalSetup: '<rootDir>/tests/helpers/dynamodb-local-setup.ts',
      globalTeardown: '<rootDir>/tests/helpers/dynamodb-local-teardown.ts',
    },
  ],
  reporters: ['default', '<rootDir>/tests/helpers/summary-reporter.js'],
  maxWorkers: 2,
  testTimeout: 20_000,
};

/**
 * A test folder that no project lists would never run, and nothing would say so: refuse to start instead.
 * (The middleware package's tests are its own project.)
 */
function assertEveryTestFolderIsInAProject(roots) {
  const { readdirSync } = require('node:fs');
  const testsDir = `${__dirname}/tests`;
  const holdsTests = (dir) =>
    readdirSync(dir, { withFileTypes: true }).some((entry) =>
      entry.isDirectory() ? holdsTests(`${dir}/${entry.name}`) : entry.name.endsWith('.test.ts'),
    );
  const orphans = readdirSync(testsDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && !roots.includes(`tests/${entry.name}`))
    .map((entry) => `tests/${entry.name}`)
    .filter((dir) => holdsTests(`${__dirname}/${dir}`));
  if (orphans.length > 0) {
    throw new Error(`jest.config.js: ${orphans.join(', ')} hold tests but belong to no project; add them to one`);
  }
}
