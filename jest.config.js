/**
 * One jest run for unit tests (beside the code) and cross-service tests (in test/). Workspaces are
 * imported through their package entries, that is their build: tests run what ships.
 */
module.exports = {
  testEnvironment: 'node',
  transform: {
    '^.+\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2023' }, module: { type: 'commonjs' } }],
    // jose ships only ES modules; Node 24 require()s them, jest's module system needs them as CommonJS.
    '/node_modules/jose/.+\\.js$': ['@swc/jest', { jsc: { target: 'es2023' }, module: { type: 'commonjs' } }],
  },
  transformIgnorePatterns: ['/node_modules/(?!jose/)'],
  testMatch: ['<rootDir>/{common,publisher,subscriber,local-stack}/src/**/*.test.ts', '<rootDir>/test/**/*.test.ts'],
  // The tracing tests need the OpenTelemetry Collector built by scripts/observability/install-tools.sh: `npm run test:tracing`.
  testPathIgnorePatterns: ['/node_modules/', '\\.trace\\.test\\.ts$'],
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  setupFiles: ['<rootDir>/test/support/worker-env.ts'],
  testTimeout: 60_000,
  maxWorkers: 2,
  // CI sets JEST_JUNIT_OUTPUT_DIR to collect a JUnit file (jest-junit reads it).
  reporters: ['default', '<rootDir>/test/support/summary-reporter.js', ...(process.env.JEST_JUNIT_OUTPUT_DIR ? ['jest-junit'] : [])],
};
