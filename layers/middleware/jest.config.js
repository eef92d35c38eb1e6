// The package's own tests, runnable alone (`npm test -w layers/middleware`) or as the `middleware` project of
// the root run. They need no Java and no database: Express apps on a bare server, and the package behind
// serverless-express with events from the private test kit @lambdalith/testing.
/** @type {import('jest').Config} */
module.exports = {
  displayName: 'middleware',
  testEnvironment: 'node',
  roots: ['<rootDir>/tests'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.ts$': [
      '@swc/jest',
      { jsc: { parser: { syntax: 'typescript' }, target: 'es2023' }, module: { type: 'commonjs' } },
    ],
    // jose ships ESM only; jest's module system needs it as CommonJS (Node 24 itself require()s it).
    '/node_modules/jose/.+\\.js$': ['@swc/jest', { jsc: { target: 'es2023' }, module: { type: 'commonjs' } }],
  },
  transformIgnorePatterns: ['/node_modules/(?!jose/)'],
  // Resolve the package itself and @lambdalith/testing to their TypeScript source.
  testEnvironmentOptions: { customExportConditions: ['source', 'node', 'require', 'default'] },
  testTimeout: 20_000,
};
