import { rmSync } from 'node:fs';
import { STACK_ENV } from './stack-env';

export default async function globalTeardown(): Promise<void> {
  await globalThis.__testStack?.stop();
  const dataDir = process.env[STACK_ENV.dataDir];
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
}
