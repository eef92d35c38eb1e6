// Tests are transformed by @swc/jest (no type-checking, fast) and type-checked separately by `tsc --noEmit`
// in `npm run typecheck`; see docs/development.md for why.
//
// Three projects, one run (`npm test`):
//   unit        tests/unit: no network, no Java, no database.
//   middleware  the middleware package's own tests (layers/middleware/jest.config.js): no Java, no database.
//   dynamodb    tests/{integration,lambda,contract,artifact}: share ONE in-memory DynamoDB Local, started by
//               this project's global setup (so it starts only when one of these tests is selected).
// `npm run test:unit` runs the first two; `npm test -w layers/middleware` runs the package's alone.

/** What every project of the app shares: the swc transform and module resolution. */
const shared = {
  testEnvironment: 'node',
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.ts$': [
      '@swc/jest',
      { jsc: { parser: { syntax: 'typescript' }, target: 'es2023' }, module: { type: 'commonjs' } },
    ],
    // jose ships ESM only. Node 24 require()s it natively (as Lambda does), but jest's module system only
    // can with --experimental-vm-modules; transforming it to CommonJS keeps the test run flag-free.
    '/node_modules/jose/.+\\.js$': ['@swc/jest', { jsc: { target: 'es2023' }, module: { type: 'commonjs' } }],
  },
  transformIgnorePatterns: ['/node_modules/(?!jose/)'],
  // Resolve the workspace packages (@lambdalith/middleware, @lambdalith/testing) to their TypeScript source,
  // as tsc and the local build do.
  testEnvironmentOptions: { customExportConditions: ['source', 'node', 'require', 'default'] },
};

/** @type {import('jest').Config} */
module.exports = {
  projects: [
    { ...shared, displayName: 'unit', roots: ['<rootDir>/tests/unit'] },
    '<rootDir>/layers/middleware',
    {
      ...shared,
      displayName: 'dynamodb',
      roots: [
        '<rootDir>/tests/integration',
        '<rootDir>/tests/lambda',
        '<rootDir>/tests/contract',
        '<rootDir>/tests/artifact',
      ],
      globalSetup: '<rootDir>/tests/helpers/dynamodb-local-setup.ts',
      globalTeardown: '<rootDir>/tests/helpers/dynamodb-local-teardown.ts',
    },
  ],
  reporters: ['default', '<rootDir>/tests/helpers/summary-reporter.js'],
  maxWorkers: 2,
  testTimeout: 20_000,
};
