/** What the global setup started, passed to every test worker through the environment. */
export const STACK_ENV = {
  databaseUrl: 'TEST_DATABASE_URL',
  endpoint: 'TEST_AWS_ENDPOINT_URL',
  dataDir: 'TEST_DATA_DIR',
  emulator: 'TEST_EMULATOR',
} as const;

export function stackEnv(name: keyof typeof STACK_ENV): string {
  const value = process.env[STACK_ENV[name]];
  if (!value) throw new Error(`${STACK_ENV[name]} is not set: run the tests through jest (its global setup starts the servers)`);
  return value;
}
