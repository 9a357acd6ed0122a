/** One jest run for unit tests (beside the code) and cross-service tests (in test/). */
module.exports = {
  testEnvironment: 'node',
  transform: {
    '^.+\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2023' }, module: { type: 'commonjs' } }],
  },
  // Tests run against the TypeScript sources of the shared workspace, not a stale build.
  moduleNameMapper: { '^@pubsub-ingest/common$': '<rootDir>/common/src' },
  testMatch: ['<rootDir>/{common,publisher,subscriber,local-stack}/src/**/*.test.ts', '<rootDir>/test/**/*.test.ts'],
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  testTimeout: 60_000,
  maxWorkers: 2,
  reporters: ['default', '<rootDir>/test/support/summary-reporter.js'],
};
