import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

const CACHE_MS = 5 * 60_000;

export interface DatabaseSecretConfig {
  AWS_REGION: string;
  AWS_ENDPOINT_URL?: string | undefined;
  DATABASE_SECRET_ARN?: string | undefined;
}

/**
 * The database password from a Secrets Manager secret (the JSON `{username, password}` that RDS
 * manages and rotates), read when a new connection opens and cached for five minutes, so a rotated
 * password reaches new connections without a restart. Undefined when no secret is configured.
 */
export function secretPasswordProvider(config: DatabaseSecretConfig): (() => Promise<string>) | undefined {
  const secretArn = config.DATABASE_SECRET_ARN;
  if (!secretArn) return undefined;
  const client = new SecretsManagerClient({ region: config.AWS_REGION, ...(config.AWS_ENDPOINT_URL ? { endpoint: config.AWS_ENDPOINT_URL } : {}) });
  let cached: { value: string; until: number } | undefined;
  return async () => {
    if (cached && cached.until > Date.now()) return cached.value;
    const { SecretString } = await client.send(new GetSecretValueCommand({ SecretId: secretArn }));
    const password = (JSON.parse(SecretString ?? '{}') as { password?: string }).password;
    if (!password) throw new Error(`secret ${secretArn} has no password field`);
    cached = { value: password, until: Date.now() + CACHE_MS };
    return password;
  };
}
