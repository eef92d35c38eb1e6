// Tests are transformed by @swc/jest (no type-checking, fast) and type-checked separately by `tsc --noEmit`
// in `npm run typecheck`; see the README's development section for why.
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/tests', '<rootDir>/layers/middleware/tests'],
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
  // Resolve @lambdalith/middleware to its TypeScript source, as tsc and the local build do.
  testEnvironmentOptions: { customExportConditions: ['source', 'node', 'require', 'default'] },
  globalSetup: '<rootDir>/tests/helpers/global-setup.ts',
  globalTeardown: '<rootDir>/tests/helpers/global-teardown.ts',
  reporters: ['default', '<rootDir>/tests/helpers/summary-reporter.js'],
  maxWorkers: 2,
  testTimeout: 20_000,
};
